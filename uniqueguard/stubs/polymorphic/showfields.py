"""django-polymorphic 4.11 `polymorphic.showfields`: the `__str__`/`__repr__` mixins of polymorphic models
(their base is `object` at run time)."""


class ShowFieldBase:
    polymorphic_query_multiline_output = True
    polymorphic_showfield_type = False
    polymorphic_showfield_content = False
    polymorphic_showfield_deferred = False
    polymorphic_showfield_max_line_width = None
    polymorphic_showfield_max_field_width = 20
    polymorphic_showfield_old_format = False

    def __repr__(self): ...

    def _showfields_get_content(self, field_name, field_type=type(None)): ...

    def _showfields_add_regular_fields(self, parts): ...

    def _showfields_add_dynamic_fields(self, field_list, title, parts): ...

    def __str__(self): ...


class ShowFieldType(ShowFieldBase):
    polymorphic_showfield_type = True


class ShowFieldContent(ShowFieldBase):
    polymorphic_showfield_content = True


class ShowFieldTypeAndContent(ShowFieldBase):
    polymorphic_showfield_type = True
    polymorphic_showfield_content = True
