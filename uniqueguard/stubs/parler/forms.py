"""django-parler 2.4 `parler.forms`: the model form of translatable models (a Django ModelForm)."""
from django import forms
from django.forms import BoundField
from django.forms.models import BaseInlineFormSet, ModelFormMetaclass
from django.utils.functional import cached_property


class TranslatedField:

    def __init__(self, **kwargs): ...


class BaseTranslatableModelForm(forms.BaseModelForm):
    language_code = None

    def __init__(self, *args, **kwargs): ...

    def _get_translation_validation_exclusions(self, translation): ...

    def _post_clean(self): ...

    def save_translated_fields(self): ...

    def _post_clean_translation(self, translation): ...

    @cached_property
    def _translated_fields(self): ...

    def __getitem__(self, name): ...


class TranslatableBoundField(BoundField):
    is_translatable = True

    def label_tag(self, contents=None, attrs=None, *args, **kwargs): ...


class TranslatableModelFormMetaclass(ModelFormMetaclass):

    def __new__(mcs, name, bases, attrs): ...


class TranslatableModelForm(BaseTranslatableModelForm, forms.ModelForm, metaclass=TranslatableModelFormMetaclass): ...


class TranslatableBaseInlineFormSet(BaseInlineFormSet):
    language_code = None

    def _construct_form(self, i, **kwargs): ...

    def save_new(self, form, commit=True): ...


# Backwards compatibility
TranslatableModelFormMixin = BaseTranslatableModelForm
