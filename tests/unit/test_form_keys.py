"""Which keys a form's cleaned_data can hold (index/form_keys.py), and the dict copies of it a call may
spread (analysis/cleaned_copies.py); tests/fixtures/core/form_spread_keys runs the fronts."""
import ast

import pytest

from uniqueguard.analysis.argument_kinds import ANY_KEY, FORM, SPREAD, Input, Signature, SiteReader
from uniqueguard.analysis.cleaned_copies import copied_from, keys_only_removed, returns_copy
from uniqueguard.index import named
from uniqueguard.index.form_keys import NO_MODEL_FIELD, cleaned_data_keys, keys_stored
from uniqueguard.index.project import project_for

FIELDS = """
from django.db import models

class HiddenField(models.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("editable", False)
        super().__init__(**kwargs)
"""

MODELS = """
from django.db import models
from .fields import HiddenField

class Item(models.Model):
    name = models.CharField(max_length=20)
    code = models.CharField(max_length=20, null=True, unique=True)
    ref = HiddenField(unique=True)
    serial = models.CharField(max_length=20, editable=False)
    stamped = models.DateTimeField(auto_now_add=True)
"""

FORMS = """
from django import forms
from django.contrib.auth.forms import UserCreationForm
from missingpkg.forms import Mixin
from parler.forms import TranslatableModelForm
from .models import Item

class AllForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = "__all__"

class ExcludeForm(forms.ModelForm):
    extra = forms.CharField()

    class Meta:
        model = Item
        exclude = ["code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added"] = forms.CharField()

class ListedForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["name"]

class StoringForm(ListedForm):
    def clean(self):
        cleaned_data = super().clean()
        cleaned_data["code"] = "x"
        cleaned_data.setdefault("kind", "a")
        return cleaned_data

class ReturningForm(ListedForm):
    def clean(self):
        return {"name": "n", "other": 1}

class UpdatingForm(ListedForm):
    def clean(self):
        self.cleaned_data.update(self.data)
        return self.cleaned_data

class ComputedForm(ListedForm):
    def clean(self):
        for key in ("a", "b"):
            self.cleaned_data[key] = 1

class HandingForm(ListedForm):
    def clean(self):
        fill(self.cleaned_data)

class ReadingForm(ListedForm):
    def clean(self):
        if len(self.cleaned_data) and self.cleaned_data.get("name"):
            self.cleaned_data.pop("name")
        return super().clean()

class UnreadForm(Mixin, ListedForm):
    pass

class AuthForm(UserCreationForm):
    pass

class ComputedMetaForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = BASE + ["code"]
        exclude = ["serial"]

class NoMetaFieldsForm(forms.ModelForm):
    class Meta:
        model = Item

class NoModelForm(forms.ModelForm):
    extra = forms.CharField()

    class Meta:
        model = None
        exclude = ["code"]

class WritingForm(ListedForm):
    def clean(self):
        self._fill(self.cleaned_data)

    def _fill(self, data):
        data["code"] = "x"

class TranslatedForm(TranslatableModelForm):
    class Meta:
        model = Item
        fields = ["name"]

class PassingForm(ListedForm):
    def clean(self):
        self._check(1, self.cleaned_data)
        return self.cleaned_data

    def _check(self, number, data):
        for key in data:
            if data.get(key) is None:
                data.pop(key)

class PlainForm(forms.Form):
    name = forms.CharField()
"""


@pytest.fixture
def keys(project):
    project.write("shop/fields.py", FIELDS)
    project.write("shop/models.py", MODELS)
    forms = project.write("shop/forms.py", FORMS)
    index = project_for(str(forms))

    def of(name, model_form=True):
        cls = index.find_class(f"shop.forms.{name}")
        found = cleaned_data_keys(index.modules, lambda facts, value: named.model_of_value(index, facts, value),
                                  cls, model_form)
        return None if found is None else found - {"Meta"}
    return of


def test_a_model_form_holds_its_editable_model_fields(keys):
    assert keys("AllForm") == {"name", "code"}  # `ref` (its class's __init__), `serial`, auto_now_add: not editable
    assert keys("ExcludeForm") == {"name", "extra", "added"}
    assert keys("ListedForm") == {"name"}
    assert keys("PlainForm", model_form=False) == {"name"}


def test_keys_the_class_chain_stores_are_held(keys):
    assert keys("StoringForm") == {"name", "code", "kind"}
    assert keys("ReturningForm") == {"name", "other"}
    assert keys("ReadingForm") == {"name"}  # reads and removals add nothing
    assert keys("PassingForm") == {"name"}  # handed to a method of its own that only reads it


def test_a_meta_read_in_part_still_bounds_the_model_fields(keys):
    assert keys("ComputedMetaForm") == {"name", "code"}  # fields not read: the editable ones, less exclude
    assert keys("NoModelForm") == {"extra"}  # `model = None`: declared fields alone


def test_a_translatable_form_adds_keys_naming_no_model_field(keys):
    assert keys("TranslatedForm") == {"name", NO_MODEL_FIELD}


@pytest.mark.parametrize("name", ["UpdatingForm", "ComputedForm", "HandingForm", "UnreadForm", "AuthForm",
                                  "NoMetaFieldsForm", "WritingForm"])
def test_what_cannot_be_read_may_hold_anything(keys, name):
    assert keys(name) is None


def _function(source):
    return ast.parse(source).body[0]


def test_keys_stored_by_one_method():
    assert keys_stored(_function("def f(self):\n    data = self.cleaned_data\n    data['a'] = 1"), False) == {"a"}
    assert keys_stored(_function("def f(self):\n    self.cleaned_data = {'a': 1}"), False) == {"a"}
    assert keys_stored(_function("def f(self):\n    self.cleaned_data = make()"), False) is None
    assert keys_stored(_function("def clean(self):\n    return dict(self.cleaned_data)"), True) == set()  # a copy
    assert keys_stored(_function("def clean(self):\n    return make()"), True) is None
    assert keys_stored(_function("def f(self):\n    for f in x:\n        self.fields[f] = 1"), False) is None
    assert keys_stored(_function("def f(self):\n    for f in x:\n        name = '%s__%s' % (f, 'en')\n"
                                 "        self.base_fields[name] = 1"), False) == {NO_MODEL_FIELD}
    assert keys_stored(_function("def f(self):\n    self.fields.update(x)"), False) is None
    assert keys_stored(_function("def f(self):\n    self.base_fields = self.base_fields.copy()"), False) == set()
    assert keys_stored(_function("def f(self):\n    errors[key] = 1"), False) == set()  # not cleaned_data


def _is_data(expr):
    return isinstance(expr, ast.Attribute) and expr.attr == "cleaned_data"


@pytest.mark.parametrize("source, copies", [
    ("dict(self.cleaned_data)", True),
    ("self.cleaned_data.copy()", True),
    ("{k: v for k, v in self.cleaned_data.items() if k != 'a'}", True),
    ("dict((k, v) for (k, v) in six.iteritems(self.cleaned_data) if k not in skipped)", True),
    ("{k.upper(): v for k, v in self.cleaned_data.items()}", False),  # another key
    ("{v: k for k, v in self.cleaned_data.items()}", False),
    ("dict(self.cleaned_data, extra=1)", False),
    ("dict(self.data)", False),
])
def test_a_copy_keeps_the_keys_of_the_cleaned_data(source, copies):
    assert (copied_from(ast.parse(source, mode="eval").body, _is_data) is not None) == copies


def test_a_method_returning_copies_only():
    assert returns_copy(_function("def f(self):\n    return dict(self.cleaned_data)"), _is_data)
    assert returns_copy(_function("def f(self):\n    d = self.cleaned_data.copy()\n    d.pop('a')\n    return d"),
                        _is_data)
    assert not returns_copy(_function("def f(self):\n    d = dict(self.cleaned_data)\n    d['a'] = 1\n"
                                      "    return d"), _is_data)
    assert not returns_copy(_function("def f(self):\n    if x:\n        return {}\n"
                                      "    return dict(self.cleaned_data)"), _is_data)


@pytest.mark.parametrize("use, kept", [
    ("d.pop('a')", True), ("del d['a']", True), ("x = d['a']", True), ("x = d.get('a')", True),
    ("x = 'a' in d", True), ("f(**d)", True),
    ("d['a'] = 1", False), ("d.update(x)", False), ("d.setdefault('a', 1)", False), ("g(d)", False),
    ("d = {}", False),
])
def test_a_local_copy_only_read_or_shrunk(use, kept):
    assert keys_only_removed(_function(f"def f(self):\n    d = dict(self.cleaned_data)\n    {use}\n    f(**d)"),
                             "d") is kept


@pytest.mark.parametrize("detail, holds, expected", [
    ("shop.forms.F|", False, [None]),  # the form surely lacks the key: the field keeps its default
    ("shop.forms.F|", True, [(FORM, "shop.forms.F|code")]),
    (f"shop.forms.F|{ANY_KEY}", False, [(FORM, "shop.forms.F|code")]),  # the caller may have added it
])
def test_a_spread_of_form_data_sets_a_field_only_when_it_may_hold_its_key(detail, holds, expected):
    asked = []

    def holds_key(classes, wanted):
        asked.append((classes, wanted("code"), wanted("code_id"), wanted("name")))
        return holds

    reader = SiteReader(Signature(kwargs="kwargs"), lambda key: key.removesuffix("_id"), lambda caller: None,
                        holds=holds_key)
    assert reader.options((("**", FORM, detail),), Input("code", SPREAD, -1), "caller") == expected
    assert asked in ([], [(("shop.forms.F",), True, True, False)])
