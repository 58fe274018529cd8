"""django-parler 2.4 `parler.managers`: the queryset and manager translatable models use."""
from django.db import models
from django.db.models.query import QuerySet


class TranslatableQuerySet(QuerySet):

    def __init__(self, *args, **kwargs): ...

    def _clone(self): ...

    def create(self, **kwargs): ...

    def _fetch_all(self): ...

    def _extract_model_params(self, defaults, **kwargs): ...

    def language(self, language_code=None): ...

    def translated(self, *language_codes, **translated_fields): ...

    def active_translations(self, language_code=None, **translated_fields): ...


class TranslatableManager(models.Manager.from_queryset(TranslatableQuerySet)):

    def get_queryset(self): ...


# Export the names in django-hvad style too:
TranslationQueryset = TranslatableQuerySet
TranslationManager = TranslatableManager
