"""A ModelForm's clean() that skips super().clean(), inherited or reached through a subclass's super():
validate_unique() never runs, so the write is UNQ001, and the fix goes into the class that skips."""
import pytest

MODELS = """
    from django.db import models


    class Coupon(models.Model):
        code = models.CharField(max_length=20, unique=True)
"""

FORMS = """
    from django import forms

    from .models import Coupon


    class Skipping(forms.ModelForm):
        class Meta:
            model = Coupon
            fields = ["code"]

        def clean(self):
            return self.cleaned_data


    class Passing(forms.ModelForm):
        class Meta:
            model = Coupon
            fields = ["code"]

        def clean(self):
            return super().clean()


    class Mixin:
        def clean(self):
            return self.cleaned_data


    class Inherits(Skipping):
        pass


    class PassesToSkipping(Skipping):
        def clean(self):
            return super().clean()


    class InheritsPassing(Passing):
        pass


    class MixinFirst(Mixin, Passing):
        pass


    class MixinLast(Passing, Mixin):
        pass
"""

VIEW = """from .forms import {form}


def add(request):
    form = {form}(request.POST)
    if form.is_valid():
        form.save()
"""


@pytest.mark.parametrize("form, code, skipper", [
    ("Skipping", "UNQ001", "Skipping"),
    ("Inherits", "UNQ001", "Skipping"),
    ("PassesToSkipping", "UNQ001", "Skipping"),
    ("MixinFirst", "UNQ001", "Mixin"),
    ("Passing", "UNQ004", None),
    ("InheritsPassing", "UNQ004", None),
    # Passing's clean() passes on to ModelForm's, which ends the chain before the mixin's
    ("MixinLast", "UNQ004", None),
])
def test_inherited_clean(project, form, code, skipper):
    project.write("shop/models.py", MODELS)
    project.write("shop/forms.py", FORMS)
    project.write("shop/views.py", VIEW.format(form=form))
    found = project.findings("shop/views.py")
    assert [f.code for f in found] == [code]
    if skipper is not None:
        assert f"call super().clean() in {skipper}.clean()" in found[0].message
