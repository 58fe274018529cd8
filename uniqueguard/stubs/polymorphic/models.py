"""django-polymorphic 4.11 `polymorphic.models`: the abstract `PolymorphicModel`, its `polymorphic_ctype`
foreign key and `PolymorphicManager`, and the names of every method it defines (bodies are not read)."""
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.utils import DEFAULT_DB_ALIAS
from django.utils.functional import classproperty

from .base import PolymorphicModelBase
from .managers import PolymorphicManager


class PolymorphicTypeUndefined(LookupError): ...


class PolymorphicTypeInvalid(RuntimeError): ...


class PolymorphicModel(models.Model, metaclass=PolymorphicModelBase):
    _meta_skip = True
    polymorphic_model_marker = True
    polymorphic_query_multiline_output = False
    polymorphic_ctype = models.ForeignKey(ContentType, null=True, editable=False, on_delete=models.CASCADE, related_name='polymorphic_%(app_label)s.%(class)s_set+')
    polymorphic_internal_model_fields = ['polymorphic_ctype']
    objects = PolymorphicManager()

    class Meta:
        abstract = True

    @classproperty
    def polymorphic_primary_key_name(cls): ...

    @classmethod
    def translate_polymorphic_Q_object(cls, q): ...

    def pre_save_polymorphic(self, using=DEFAULT_DB_ALIAS): ...

    def save(self, force_insert=False, force_update=False, using=None, update_fields=None): ...

    def get_real_instance_class(self): ...

    def get_real_concrete_instance_class_id(self): ...

    def get_real_concrete_instance_class(self): ...

    def get_real_instance(self): ...

    def delete(self, using=None, keep_parents=False): ...
