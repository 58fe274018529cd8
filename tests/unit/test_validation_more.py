"""Validation read from form field classes and from `**options` (issue 13, item 6): the facts they rest
on, and the narrow reading of "queries the value" (tests/fixtures/core/validation_more runs the fronts)."""
import ast

from uniqueguard.index.cache import decode_module, encode_module
from uniqueguard.index.facts import CallValue, DictValue, Ref, module_facts
from uniqueguard.index.uniqueness import spread_options
from uniqueguard.index.validation import _queries_value

FORM = """
from django import forms
from .fields import HandleField

class ProfileForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if kwargs.get("editable"):
            self.fields["handle"] = HandleField(label="Handle", **kwargs)
        self.fields["handle"].initial = "x"
        other.fields["bio"] = forms.CharField()
"""


def test_fields_a_form_adds_in_init_are_facts_and_survive_the_cache():
    facts = module_facts(ast.parse(FORM), "members.forms", "members/forms.py", False)
    init = facts.cls("ProfileForm").method("__init__")
    assert init.form_fields == (("handle", CallValue("members.fields.HandleField")),)  # arguments dropped
    assert decode_module(encode_module(facts)) == facts


def _clean(source):
    return ast.parse(source).body[0]


def test_a_query_on_the_value_or_a_local_computed_from_it():
    assert _queries_value(_clean(
        "def clean(self, value):\n    name = value.strip()\n    return M.objects.get(**{'%s' % self.f: name})"))
    assert _queries_value(_clean(
        "def clean(self, value):\n    if self.model.objects.filter(handle=value).exists():\n        raise E"))


def test_a_query_of_something_else_or_no_value_is_not_a_lookup_of_it():
    assert not _queries_value(_clean(
        "def clean(self, value):\n    if Setting.objects.filter(key='closed').exists():\n        raise E\n"
        "    return value"))
    assert not _queries_value(_clean("def clean(self):\n    return M.objects.filter(a=1).exists()"))
    assert not _queries_value(_clean("def clean(self, value):\n    return self.cache.get(value)"))


class _Lookup:
    def __init__(self, values):
        self.values = values

    def module_value(self, dotted):
        return self.values.get(dotted)


def test_options_spread_from_a_module_dict_literal_count_as_written():
    options = DictValue((("max_length", 32), ("null", True), (None, Ref("more"))))
    call = CallValue("django.db.models.CharField", (), (("null", False), (None, Ref("app.conf.OPTIONS"))))
    spread = spread_options(call, _Lookup({"app.conf.OPTIONS": options}), "app.models")
    assert spread.kwarg("max_length") == 32 and spread.kwarg("null") is False  # a keyword written wins
    local = CallValue("django.db.models.CharField", (), ((None, Ref("OPTIONS")),))
    assert spread_options(local, _Lookup({"app.models.OPTIONS": options}), "app.models").kwarg("null") is True
    unknown = CallValue("django.db.models.CharField", (), ((None, Ref("app.conf.computed")),))
    assert spread_options(unknown, _Lookup({}), "app.models") is unknown
