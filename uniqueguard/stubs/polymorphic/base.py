"""django-polymorphic 4.11 `polymorphic.base`: the metaclass of polymorphic models."""
from django.db.models.base import ModelBase


class PolymorphicModelBase(ModelBase):

    def __new__(cls, model_name, bases, attrs, **kwargs): ...

    @property
    def base_objects(self): ...

    @property
    def _base_objects(self): ...

    @property
    def _default_manager(cls): ...

    @property
    def _base_manager(cls): ...
