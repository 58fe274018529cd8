"""What call sites pass, judged across the project call graph (analysis/argument_kinds.py, write_inputs.py)."""
import pytest

from uniqueguard.analysis.argument_kinds import (CONSTANT, FORM, FORWARD, KEYS, NONE, SPREAD, UNKNOWN_KIND, VALUE,
                                                 Exit, Input, Signature, decode_exits, decode_inputs,
                                                 encode_exits, encode_inputs, passed_for, reaches)

from model_texts import ACCOUNTS

MODELS = """
from django.db import models

class Tag(models.Model):
    name = models.CharField(max_length=20, unique=True)

class Service(models.Model):
    choice = models.CharField(max_length=20)
    identifier = models.CharField(max_length=40, unique=True, null=True, blank=True)

class Project(models.Model):
    name = models.CharField(max_length=40, unique=True)

    def rename(self, name, is_draft=False):
        if is_draft:
            return None
        Tag.objects.create(name=name)

    def label(self):
        Tag.objects.create(name=self.name)
"""

FORMS = """
from django import forms
from .models import Tag

class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

class LooseForm(forms.Form):
    name = forms.CharField()
"""


@pytest.fixture
def app(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/forms.py", FORMS)
    return project


# ------------------------------------------------------------------------------------- pure functions
def test_a_signature_binds_only_calls_python_would_accept():
    signature = Signature(("name", "slug"), (), "", ("name", "slug"))
    assert signature.binds((("0", VALUE, ""), ("1", VALUE, "")))
    assert signature.binds((("name", VALUE, ""), ("slug", VALUE, "")))
    assert not signature.binds(())  # `context.restore()`: not a call of restore(name, slug)
    assert not signature.binds((("0", VALUE, ""), ("1", VALUE, ""), ("2", VALUE, "")))  # one too many
    assert not signature.binds((("0", VALUE, ""), ("slug", VALUE, ""), ("other", VALUE, "")))  # no **kwargs
    assert signature.binds((("**", UNKNOWN_KIND, ""),))  # may hold both


def test_an_argument_is_found_by_keyword_position_or_spread():
    signature = Signature(("name", "draft"), (), "kwargs")
    assert passed_for((("0", CONSTANT, "1"),), signature, "name", 0) == (CONSTANT, "1")
    assert passed_for((("name", NONE, ""),), signature, "name", 0) == (NONE, "")
    assert passed_for((("**", FORM, "shop.forms.F|"),), signature, "name", 0) == (FORM, "shop.forms.F|name")
    assert passed_for((("**", KEYS, "other"),), signature, "name", 0) is None
    assert passed_for((("**", FORWARD, "kwargs"),), signature, "name", 0) == (UNKNOWN_KIND, "")
    assert passed_for((("*", UNKNOWN_KIND, ""),), signature, "name", 0) == (UNKNOWN_KIND, "")
    assert passed_for((), signature, "name", 0) is None


def test_an_exit_on_a_constant_or_a_default_skips_the_call():
    signature = Signature(("name", "draft"), (), "", ("name",))
    exits = decode_exits(encode_exits([Exit("draft", 1, True, "0")]))
    assert not reaches((("0", VALUE, ""), ("draft", CONSTANT, "1")), signature, exits)
    assert reaches((("0", VALUE, ""), ("draft", CONSTANT, "0")), signature, exits)
    assert reaches((("0", VALUE, ""),), signature, exits)  # the default: False
    assert reaches((("0", VALUE, ""), ("draft", VALUE, "")), signature, exits)  # unknown: it may reach
    assert not reaches((("0", VALUE, ""),), signature, [Exit("draft", 1, True, "1")])  # default True
    assert not reaches((("0", VALUE, ""), ("draft", NONE, "")), signature, [Exit("draft", 1, False, "")])


def test_inputs_round_trip():
    text = "project=self@-1@,category=**@-1@,name=name@0@none;-"
    sets = decode_inputs(text)
    assert [(i.field, i.param, i.index, i.none_default) for i in sets[0]] == [
        ("project", "self", -1, False), ("category", SPREAD, -1, False), ("name", "name", 0, True)]
    assert sets[1] == ()  # a set no call can decide
    again = decode_inputs(encode_inputs([(Input("identifier", "token", 2, True, True),)]))
    assert again == [(Input("identifier", "token", 2, True, True),)]  # `token = token or uuid4().hex`


# ------------------------------------------------------------------------------------------ the engine
HELPER = """
from .models import Tag

def add(name, draft=False):
    if draft:
        return Tag.objects.get_or_create(name=name)[0]
    Tag.objects.create(name=name)
"""


def test_a_call_whose_constant_takes_the_early_return_is_no_caller(app):
    app.write("shop/services.py", HELPER)
    app.write("shop/views.py", "from .services import add\n\ndef v(request):\n    add(request.GET['n'], draft=True)\n")
    assert app.lint("shop/services.py") == []


@pytest.mark.parametrize("call", ["add(request.GET['n'])", "add(request.GET['n'], draft=False)",
                                  "add(request.GET['n'], draft=request.GET.get('d'))"])
def test_a_call_that_may_reach_the_write_still_counts(app, call):
    app.write("shop/services.py", HELPER)
    app.write("shop/views.py", f"from .services import add\n\ndef v(request):\n    {call}\n")
    assert app.lint("shop/services.py") == [(7, "UNQ001")]


@pytest.mark.parametrize("calls, expected", [
    ("make('a')\n    make('b', identifier=None)", []),
    ("make('a')\n    make('b', r.GET['i'])", [(5, "UNQ001")]),
])
def test_none_from_every_call_leaves_a_nullable_unique_field_null(app, calls, expected):
    app.write("shop/services.py", """
        from .models import Service

        def make(choice, identifier=None):
            Service.objects.create(choice=choice, identifier=identifier)
        """)
    app.write("shop/views.py", f"from .services import make\n\ndef v(r):\n    {calls}\n")
    assert app.lint("shop/services.py") == expected


KWARGS_HELPER = """
from .models import Service

def make(choice, **kwargs):
    return Service.objects.create(choice=choice, **kwargs)

def make_later(choice, **kwargs):
    return make(choice, **kwargs)
"""


@pytest.mark.parametrize("calls, expected", [
    ("make('a', choice2=1)\n    make_later('b')", []),  # no call passes `identifier`: always NULL
    ("make('a', **{'other': 1})\n    make_later('b')", []),  # a dict of known keys without it
    ("make('a', identifier=r.GET['i'])", [(5, "UNQ001")]),
    ("make('a', identifier_id=r.GET['i'])", [(5, "UNQ001")]),  # the keyword a field's column answers to
    ("make('a', **r.GET.dict())", [(5, "UNQ001")]),  # an unknown dict may hold it
    ("make_later('a', identifier=r.GET['i'])", [(5, "UNQ001")]),  # passed on through make_later's **kwargs
    ("make_later('a', **r.GET.dict())", [(5, "UNQ001")]),
])
def test_kwargs_keys_are_the_union_over_every_call(app, calls, expected):
    app.write("shop/services.py", KWARGS_HELPER)
    app.write("shop/views.py", f"from .services import make, make_later\n\ndef v(r):\n    {calls}\n")
    assert app.lint("shop/services.py") == expected


FORM_VIEW = """
from django.views.generic import FormView
from .forms import {form}
from .services import add_named

class AddTag(FormView):
    form_class = {form}

    def form_valid(self, form):
        add_named(**form.cleaned_data)
"""


@pytest.mark.parametrize("form, expected", [("TagForm", [(4, "UNQ004")]), ("LooseForm", [(4, "UNQ001")])])
def test_form_cleaned_data_unpacked_into_named_parameters(app, form, expected):
    app.write("shop/services.py", "from .models import Tag\n\ndef add_named(name):\n    Tag.objects.create(name=name)\n")
    app.write("shop/views.py", FORM_VIEW.format(form=form))
    assert app.lint("shop/services.py") == expected


COPIED = """
from .models import Tag

def restore(data, tag_name, late=False):
    values = data.copy()
    values["name"] = tag_name
    {extra}
    Tag.objects.create(**values)
"""


@pytest.mark.parametrize("extra, expected", [
    ("pass", [(8, "UNQ004")]),
    ("values.update({'other': 1})", [(8, "UNQ004")]),
    ("if late:\n        values['name'] = data['name']", [(9, "UNQ001")]),  # a key set again under a condition
    ("values.setdefault('name', '')", [(8, "UNQ001")]),  # a change not read
])
def test_a_dict_copied_then_given_keys_from_parameters(app, extra, expected):
    app.write("shop/services.py", COPIED.format(extra=extra))
    app.write("shop/views.py", """
        from .forms import TagForm
        from .services import restore

        def v(request):
            form = TagForm(request.POST)
            if form.is_valid():
                restore({}, form.cleaned_data["name"])
        """)
    assert app.lint("shop/services.py") == expected


@pytest.mark.parametrize("draft, expected", [("", True), (", is_draft=True", False)])
def test_a_call_on_a_receiver_nothing_types_counts_when_it_can_bind(app, draft, expected):
    """`project.rename(...)` on a value the resolver cannot type may be a call of Project.rename: what it
    passes counts; `context.rename()` cannot bind to rename(name) and is not one."""
    app.write("shop/views.py", f"""
def v(request, project, context):
    project.rename(request.GET["name"]{draft})
    context.rename()
""")
    assert ((17, "UNQ001") in app.lint("shop/models.py")) is expected


def test_a_model_method_needing_an_argument_is_judged_by_its_callers(app):
    """Django and templates never call `rename(name)`: its guarded callers decide. A method callable with
    no argument (a template may call `label`) stays judged on its own."""
    app.write("shop/views.py", """
        from django.db import IntegrityError
        from .models import Project

        def v(request):
            project = Project.objects.get(pk=1)
            try:
                project.rename(request.GET["name"])
                project.label()
            except IntegrityError:
                pass
        """)
    assert app.lint("shop/models.py") == [(20, "UNQ001")]


VIEW_WITH_GETTER = """
from django.views.generic import FormView
from .forms import LooseForm, TagForm
from .services import add_named

class AddTag(FormView):
    form_class = LooseForm

    def get_form_class(self):
        if self.kind == "tag":
            return TagForm
        return self.form_class

    def form_valid(self, form):
        {body}
"""


@pytest.mark.parametrize("body, expected", [
    ("if self.kind == 'tag':\n            add_named(form.cleaned_data['name'])", [(4, "UNQ004")]),
    ("if isinstance(form, LooseForm):\n            return None\n        add_named(form.cleaned_data['name'])",
     [(4, "UNQ004")]),
    ("add_named(form.cleaned_data['name'])", [(4, "UNQ001")]),  # either form: LooseForm validates nothing
])
def test_a_views_form_is_what_get_form_class_returns(app, body, expected):
    app.write("shop/services.py", "from .models import Tag\n\ndef add_named(name):\n    Tag.objects.create(name=name)\n")
    app.write("shop/views.py", VIEW_WITH_GETTER.format(body=body))
    assert app.lint("shop/services.py") == expected


OVERRIDE = """
from .models import Service

class Base:
    def run(self, ident):
        return self._make(ident)

    def _make(self, ident):
        return None

class Maker(Base):
    def _make(self, ident):
        return Service.objects.create(choice="a", identifier=ident)

def direct():
    Maker()._make(None)
"""


@pytest.mark.parametrize("value, expected", [("None", []), ("request.GET['i']", [(13, "UNQ001")])])
def test_an_override_is_called_where_its_base_calls_the_method_on_self(app, value, expected):
    """`self._make(ident)` in Base runs Maker._make on a Maker: its argument counts among the override's."""
    app.write("shop/services.py", OVERRIDE)
    app.write("shop/views.py", f"from .services import Maker\n\ndef v(request):\n    Maker().run({value})\n")
    assert app.lint("shop/services.py") == expected


@pytest.mark.parametrize("second_send, found", [
    ("signals.account_opened.send(sender=Account, account=Account.objects.create(name='b'))", []),
    ("signals.account_opened.send(sender=Account, account=Account.objects.first())", [(5, "UNQ001")]),
])
def test_a_receiver_connected_in_another_modules_ready_gets_the_signals_sends(project, second_send, found):
    """`account_opened.connect(receivers.open_wallet)` in an AppConfig's ready(): the signal's send()s
    are the receiver's calls, wherever it is connected."""
    project.write("shop/models.py", ACCOUNTS)
    project.write("shop/signals.py", "from django.dispatch import Signal\n\naccount_opened = Signal()\n")
    project.write("shop/receivers.py", "from .models import Wallet\n\n\ndef open_wallet(sender, account, **kwargs):\n"
                  "    Wallet.objects.create(account=account)\n")
    project.write("shop/apps.py", """
        from django.apps import AppConfig

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                from . import receivers, signals
                signals.account_opened.connect(receivers.open_wallet)
        """)
    project.write("shop/signup.py", "from .models import Account\nfrom . import signals\n\n\n"
                  "def signup(name):\n    account = Account.objects.create(name=name)\n"
                  "    signals.account_opened.send(sender=Account, account=account)\n    " + second_send + "\n")
    assert project.lint("shop/receivers.py") == found


@pytest.mark.parametrize("calls, expected", [
    ("make('a', uuid.uuid4().hex)\n    make('b', identifier=get_random_string(12))", []),
    ("make('a', uuid.uuid4().hex)\n    make('b', identifier=r.GET['i'])", [(5, "UNQ001")]),
    ("make('a', 'fixed')", [(5, "UNQ001")]),
])
def test_a_fresh_random_value_from_every_call_cannot_collide(app, calls, expected):
    app.write("shop/services.py", """
        from .models import Service

        def make(choice, identifier):
            Service.objects.create(choice=choice, identifier=identifier)
        """)
    app.write("shop/views.py", "import uuid\nfrom django.utils.crypto import get_random_string\n"
              f"from .services import make\n\ndef v(r):\n    {calls}\n")
    assert app.lint("shop/services.py") == expected


OR_FRESH_HELPER = """
import uuid

from .models import Tag

class Runner:
    def start(self, function, queue="default", token=None, **kwargs):
        token = token or f"{queue}_{uuid.uuid4().hex}"
        data = dict(name=token)
        Tag.objects.create(**data)

def run(function, **kwargs):
    return make_runner().start(function, **kwargs)

def make_runner():
    return Runner()
"""


@pytest.mark.parametrize("calls, expected", [
    ("run('a', queue='mail')", []),  # no call passes `token`: a fresh uuid
    ("run('a', token=None)\n    run('b', token='')", []),  # falsy: the `or` takes the uuid
    ("run('a', token=r.GET['t'])", [(10, "UNQ001")]),  # passed on through run's **kwargs
    ("run('a', token='nightly')", [(10, "UNQ001")]),  # a truthy literal, the same on every run
    ("run('a', **r.GET.dict())", [(10, "UNQ001")]),  # an unknown dict may hold it
    ("make_runner().start('a', 'mail', r.GET['t'])", [(10, "UNQ001")]),  # by position
])
def test_a_parameter_or_a_fresh_token_is_fresh_when_no_call_passes_it(app, calls, expected):
    app.write("shop/services.py", OR_FRESH_HELPER)
    app.write("shop/views.py", f"from .services import make_runner, run\n\ndef v(r):\n    {calls}\n")
    assert app.lint("shop/services.py") == expected


def test_a_parameter_or_a_fresh_token_with_unknown_callers_is_judged_alone(app):
    app.write("shop/services.py", OR_FRESH_HELPER + "\nHANDLERS = {'run': run}\n")
    assert app.lint("shop/services.py") == [(10, "UNQ001")]  # `run` is handed out: its callers are unknown


@pytest.mark.parametrize("built, expected", [
    ('dict(name=token)', []),
    ('{"name": token}', []),
    ('{"name": token, **kwargs}', [(10, "UNQ001")]),  # kwargs may hold `name` too, and wins
])
def test_the_literal_keys_a_dict_is_built_with_hold_their_values(app, built, expected):
    app.write("shop/services.py", OR_FRESH_HELPER.replace("dict(name=token)", built))
    app.write("shop/views.py", "from .services import run\n\ndef v(r):\n    run('a', queue='mail')\n")
    assert app.lint("shop/services.py") == expected


def test_every_call_up_a_kwargs_chain_is_judged_not_the_first_that_passes_the_key(app):
    app.write("shop/services.py", KWARGS_HELPER)
    random, given = "make_later('a', identifier=uuid.uuid4().hex)", "make_later('b', identifier=r.GET['i'])"
    for first, second in ((random, given), (given, random)):
        app.write("shop/views.py", "import uuid\nfrom .services import make_later\n\n"
                  f"def v(r):\n    {first}\n\ndef w(r):\n    {second}\n")
        assert app.lint("shop/services.py") == [(5, "UNQ001")]


@pytest.mark.parametrize("argument, expected", [("uuid.uuid4().hex", []), ("r.GET['i']", [(5, "UNQ001")])])
def test_a_parameter_passed_on_up_a_kwargs_chain_is_read_at_its_own_callers(app, argument, expected):
    app.write("shop/services.py", KWARGS_HELPER)
    app.write("shop/views.py", "import uuid\nfrom .services import make_later\n\n"
              "def relay(ident):\n    make_later('a', identifier=ident)\n\n"
              f"def v(r):\n    relay({argument})\n")
    assert app.lint("shop/services.py") == expected


# ------------------------------------------------------------- the cleaned_data key a value was read from
@pytest.mark.parametrize("key, renamed", [
    ("owner", {}),  # a ModelForm's field for the ForeignKey `owner`: the field's own key
    ("owner_id", {"owner": "owner_id"}),  # the raw column's name: a form field declared by hand, not `owner`'s
    ("contact", {"owner": "contact"}),
])
def test_a_call_site_and_the_write_s_own_function_read_a_key_as_the_same_field(key, renamed):
    """One rule decides "this cleaned_data key is this field's": what a call site passes (judge_site) and
    what the write's own function reads (engine._renamed_keys) agree, `<field>_id` included (no ModelForm
    field is named so; its value is checked by what the class checks on `owner_id`, not on `owner`)."""
    from types import SimpleNamespace

    from uniqueguard.analysis.argument_kinds import VALIDATED, Input, SiteReader, judge_site
    from uniqueguard.analysis.engine import _import_analysis, _renamed_keys
    _import_analysis()
    asked = []
    reader = SiteReader(Signature(("owner",), (), "", ("owner",)), lambda name: name, lambda caller: None)
    outcome, classes, keys = judge_site(
        reader, (("0", FORM, f"shop.forms.EnrolForm|{key}"),), "shop.views:enrol", [Input("owner", "owner", 0)],
        True, lambda field: False, lambda found, given: asked.append(dict(given)) or True)
    assert (outcome, classes) == (VALIDATED, ("shop.forms.EnrolForm",))
    assert asked == [renamed] and dict(keys) == renamed
    assert _renamed_keys([("owner", SimpleNamespace(field=key))]) == renamed
