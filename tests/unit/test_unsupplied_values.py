"""Values nobody supplies, read from the project's own code: a field class's `__init__`, the model's
`save()`, and the dict a project method returns for `**` (issue 13, item 4)."""
import ast

from uniqueguard.index.facts import KWARGS_GET, Names, keyword_changes
from uniqueguard.index.project import Project as Index

FIELDS = """
    from django.db import models

    class Code(models.CharField):
        def __init__(self, **kwargs):
            kwargs.setdefault("blank", True)
            kwargs.setdefault("null", bool(kwargs.get("blank")))
            super().__init__(**kwargs)

    class Short(Code):
        def __init__(self, **kwargs):
            kwargs["unique"] = True
            kwargs.pop("default", None)
            super().__init__(**kwargs)

    class Keyword(models.CharField):
        def __init__(self, *args, null=True, unique=False, **kwargs):
            super().__init__(*args, null=null, **kwargs)

    class Guessing(models.CharField):
        def __init__(self, **kwargs):
            if kwargs.get("max_length", 0) > 40:
                kwargs["null"] = True
            kwargs.update(EXTRA)
            super().__init__(**kwargs)
"""


def changes(source):
    function = ast.parse(source).body[0]
    return keyword_changes(function, Names("m", {}))


def test_keyword_changes_are_read_in_order_and_what_is_not_read_is_unknown():
    assert changes("""def __init__(self, **kw):\n    kw.setdefault("null", bool(kw.get("blank")))\n"""
                   """    kw["unique"] = True\n    del kw["default"]\n    super().__init__(**kw)""") == (
        ("null", "default", _call("bool", _call(KWARGS_GET, "blank"))), ("unique", "set", True),
        ("default", "drop", None))
    assert changes("def __init__(self, *a, null=True, x=1, **kw):\n    super().__init__(*a, null=null, **kw)") == (
        ("x", "drop", None), ("null", "default", True))
    assert changes("def __init__(self, **kw):\n    if a:\n        kw['null'] = True\n    super().__init__(**kw)") == (
        ("null", "unknown", None),)
    # no super().__init__() at the top of the body, or the keywords handed elsewhere: nothing is known
    assert changes("def __init__(self, **kw):\n    if a:\n        super().__init__(**kw)")[-1] == ("*", "unknown", None)
    assert changes("def __init__(self, **kw):\n    super().__init__(max_length=3)")[-1] == ("*", "unknown", None)


def _call(func, *args):
    from uniqueguard.index.facts import CallValue
    return CallValue(func, args)


def fields(project, model_body):
    project.write("shop/fields.py", FIELDS)
    project.write("shop/models.py", "from django.db import models\nfrom .fields import Code, Guessing, Keyword, Short\n\n"
                  "class Thing(models.Model):\n" + model_body)
    return Index(str(project.root)).model("shop.models.Thing").fields


def test_field_class_init_defaults_through_the_subclass_chain(project):
    found = fields(project, "    a = Code()\n    b = Code(blank=False)\n    c = Short(default='x')\n"
                            "    d = Keyword()\n    e = Keyword(null=False, unique=True)\n    f = Code(null=False)\n")
    assert (found["a"].null, found["b"].null, found["c"].null, found["f"].null) == (True, False, True, False)
    assert found["c"].unique and found["c"].default is None  # set by Short, default dropped before Django
    assert found["d"].null and not found["d"].unique
    assert not found["e"].null and not found["e"].unique  # `unique` is Keyword's own: Django never sees it


def test_an_unread_change_is_never_guessed(project):
    found = fields(project, "    a = Guessing(max_length=80, unique=True, null=True)\n"
                            "    b = Guessing(max_length=80, primary_key=True)\n")
    assert not found["a"].null and found["a"].unique  # unique as declared; null unknown: not nullable
    assert found["b"].primary_key and found["b"].unique
    assert [f.name for f in found.values()] == list(found)


def test_fields_the_models_own_save_fills_with_a_fresh_value(project):
    from uniqueguard.analysis.fresh_values import filled_by_save
    project.write("shop/models.py", """
        import uuid
        from django.db import models
        from django.utils import timezone
        from django.utils.crypto import get_random_string

        def new_token():
            return uuid.uuid4().hex

        class Base(models.Model):
            class Meta:
                abstract = True

            def save(self, *args, **kwargs):
                if self.ref is None:
                    self.ref = new_token()
                self.stamp = timezone.now()
                self._fill()
                if self.kind == "gift":
                    self.gift = get_random_string(8)
                if not self.copy:
                    self.copy = self.ref
                super().save(*args, **kwargs)
                if not self.late:
                    self.late = get_random_string(8)

            def _fill(self):
                if not self.key:
                    self.key = get_random_string(32)

        class Order(Base):
            key = models.CharField(max_length=32)
    """)
    index = Index(str(project.root))
    filled = filled_by_save(index, index.model("shop.models.Order"))
    assert filled == {"ref": "none", "stamp": "always", "key": "empty"}


def test_an_insert_leaving_a_nulls_not_distinct_set_null_says_so(project):
    project.write("shop/models.py", """
        from django.db import models

        class Slot(models.Model):
            shop = models.CharField(max_length=40)
            code = models.CharField(max_length=20, null=True)
            ref = models.CharField(max_length=20, null=True, unique=True)

            class Meta:
                constraints = [models.UniqueConstraint(fields=["code"], name="slot_code", nulls_distinct=False)]
    """)
    project.write("shop/views.py", """
        from .models import Slot

        def open_slot(shop):
            return Slot.objects.create(shop=shop)

        def named_slot(shop, code):
            return Slot.objects.create(shop=shop, code=code)
    """)
    found = {f.line: f.message for f in project.findings("shop/views.py")}
    assert sorted(found) == [5, 8]  # `ref` left NULL: NULLs are distinct there, nothing at risk
    assert "may violate unique Slot.code (it leaves Slot.code NULL, and nulls_distinct=False makes NULLs collide)" \
        in found[5]
    assert "NULL" not in found[8]  # the value is the caller's
