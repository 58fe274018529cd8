"""The project call graph: callers in other modules, their guards, and the facts cache behind them."""
import json
import os

import pytest

from uniqueguard.analysis import engine
from uniqueguard.index import discovery, project as project_module

from model_texts import ACCOUNTS

MODELS = """
from django.db import models

class Coupon(models.Model):
    code = models.CharField(max_length=20, unique=True)
"""

SERVICES = """
from .models import Coupon

def issue(code):
    Coupon.objects.create(code=code)
"""

GUARDED_VIEW = """
from django.db import IntegrityError
from shop import services

def redeem(request):
    try:
        services.issue(request.POST["code"])
    except IntegrityError:
        return None
"""


def _forget_process_state():
    """What a new process starts with: no project index, no call graph in memory."""
    project_module._PROJECTS.clear()
    engine._SHARED.clear()


def test_a_caller_in_another_module_guards_the_write(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", GUARDED_VIEW)
    assert project.lint("shop/services.py") == []


def test_an_unguarded_caller_elsewhere_leaves_it_open(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", GUARDED_VIEW.replace("try:", "if True:").replace(
        "except IntegrityError:", "else:"))
    assert project.lint("shop/services.py") == [(5, "UNQ001")]


def test_a_caller_in_a_test_module_is_not_a_caller(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", GUARDED_VIEW)
    project.write("shop/tests/test_services.py", "from shop.services import issue\n\ndef test_it():\n    issue('a')\n")
    assert project.lint("shop/services.py") == []


def test_single_file_run_finds_the_callers_guards_from_the_warm_cache(project, monkeypatch):
    """pre-commit lints services.py alone: a second process reads the callers' facts from the cache,
    parsing neither the view nor anything else but the linted module."""
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    view = project.write("shop/views.py", GUARDED_VIEW)
    _forget_process_state()
    assert project.lint("shop/services.py") == []  # cold: the view is read once, its call facts cached
    _forget_process_state()
    parsed = []
    real_parse_file, real_parse_source = discovery.parse_file, discovery.parse_source

    def recording_parse_file(path):
        parsed.append(os.path.relpath(path, project.root))
        return real_parse_file(path)

    def recording_parse_source(source, path, *args, **kwargs):
        parsed.append(os.path.relpath(path, project.root))
        return real_parse_source(source, path, *args, **kwargs)

    monkeypatch.setattr(discovery, "parse_file", recording_parse_file)
    monkeypatch.setattr(discovery, "parse_source", recording_parse_source)
    assert project.lint("shop/services.py") == []
    assert [p for p in parsed if p.startswith("shop")] == []  # (manage.py is read for the settings hint)
    # and the cache is what answered: a changed view is read again
    view.write_text(GUARDED_VIEW.replace("except IntegrityError", "except ValueError") + "\n")
    _forget_process_state()
    assert project.lint("shop/services.py") == [(5, "UNQ001")]
    assert [p for p in parsed if p.startswith("shop")] == ["shop/views.py"]


def test_the_call_facts_are_invalidated_when_a_models_module_changes(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", GUARDED_VIEW)
    _forget_process_state()
    project.lint("shop/services.py")
    cache_dir = os.environ["UNIQUEGUARD_CACHE_DIR"]
    calls_file = next(os.path.join(cache_dir, f) for f in os.listdir(cache_dir) if f.endswith("-calls.json"))
    before = json.load(open(calls_file))["entries"]
    fingerprint = next(iter(before.values()))["facts"]["fingerprint"]
    project.write("shop/models.py", MODELS + "\n\nclass Other(models.Model):\n    pass\n")
    _forget_process_state()
    project.lint("shop/services.py")
    after = json.load(open(calls_file))["entries"]
    assert all(entry["facts"]["fingerprint"] != fingerprint for entry in after.values())


@pytest.mark.parametrize("caller", [
    "from .services import issue as give\n\ndef f(c):\n    try:\n        give(c)\n    except Exception:\n        pass\n",
    "import shop.services\n\ndef f(c):\n    try:\n        shop.services.issue(c)\n    except BaseException:\n        pass\n",
    "from contextlib import suppress\nfrom django.db import IntegrityError\nfrom . import services\n\n"
    "def f(c):\n    with suppress(IntegrityError):\n        services.issue(c)\n",
])
def test_every_spelling_of_the_guarded_call(project, caller):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", caller)
    assert project.lint("shop/services.py") == []


def test_a_guarded_caller_of_a_guarded_caller_guards_it(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/flow.py", "from .services import issue\n\ndef step(c):\n    issue(c)\n")
    project.write("shop/views.py", "from django.db import IntegrityError\nfrom .flow import step\n\n"
                  "def v(r):\n    try:\n        step(r)\n    except IntegrityError:\n        pass\n")
    assert project.lint("shop/services.py") == []


def test_a_function_referenced_without_a_call_is_judged_on_its_own(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", GUARDED_VIEW + "\nHOOKS = [services.issue]\n")
    assert project.lint("shop/services.py") == [(5, "UNQ001")]


def test_a_public_method_django_may_call_is_judged_on_its_own(project):
    """form_valid() of a view is called by Django, whatever the project's own calls say."""
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", """
        from django.db import IntegrityError
        from django.views.generic import FormView
        from .models import Coupon

        class Issue(FormView):
            def form_valid(self, form):
                Coupon.objects.create(code=form.cleaned_data["code"])

        class Again(Issue):
            def post(self, request):
                try:
                    self.form_valid(None)
                except IntegrityError:
                    pass
        """)
    assert project.lint("shop/views.py") == [(8, "UNQ001")]


OPEN_VIEW = "from shop.services import issue\n\ndef plain(request):\n    issue(request.POST['code'])\n"


def test_mixed_callers_report_at_the_open_call_only(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", GUARDED_VIEW)
    project.write("shop/other.py", OPEN_VIEW)  # no write of its own: still analysed
    assert project.lint("shop/services.py") == []
    assert project.lint("shop/views.py") == []
    [found] = project.findings("shop/other.py")
    assert (found.line, found.code) == (4, "UNQ001")
    assert "issue() reaches Coupon.objects.create() (shop/services.py:5)" in found.message


def test_every_open_caller_alike_is_reported_once_at_the_write(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/other.py", OPEN_VIEW + "\ndef again(request):\n    issue('x')\n")
    assert project.lint("shop/services.py") == [(5, "UNQ001")]
    assert project.lint("shop/other.py") == []


def test_a_check_in_the_caller_before_the_helper_inserts_is_a_race_at_the_call(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", """
        from shop.models import Coupon
        from shop.services import issue

        def claim(code):
            found = Coupon.objects.filter(code=code).first()
            if found is None:
                issue(code)
        """)
    assert project.lint("shop/services.py") == []
    [found] = project.findings("shop/views.py")
    assert (found.line, found.code) == (8, "UNQ002")
    assert "the first() check at line 6" in found.message


@pytest.mark.parametrize("old_caller, found", [
    ("", []),
    ("\ndef again(pk):\n    open_wallet(Account.objects.get(pk=pk))\n", [(5, "UNQ001")]),
])
def test_a_parameter_every_caller_feeds_a_new_row_is_a_new_row(project, old_caller, found):
    project.write("shop/models.py", ACCOUNTS)
    project.write("shop/wallets.py", "from .models import Wallet\n\n\ndef open_wallet(account):\n"
                  "    Wallet.objects.create(account=account)\n")
    project.write("shop/signup.py", "from .models import Account\nfrom .wallets import open_wallet\n\n\n"
                  "def signup(name):\n    account = Account.objects.create(name=name)\n    open_wallet(account)\n"
                  + old_caller)
    assert project.lint("shop/wallets.py") == found


@pytest.mark.parametrize("second_send, found", [
    ("account_opened.send(sender=Account, account=Account.objects.create(name='b'))", []),
    ("account_opened.send(sender=Account, account=Account.objects.first())", [(9, "UNQ001")]),
])
def test_a_custom_signal_sent_with_new_rows_feeds_its_receiver_new_rows(project, second_send, found):
    project.write("shop/models.py", ACCOUNTS)
    project.write("shop/signals.py", """
        from django.dispatch import Signal, receiver
        from .models import Wallet

        account_opened = Signal()

        @receiver(account_opened)
        def open_wallet(sender, account, **kwargs):
            Wallet.objects.create(account=account)
        """)
    project.write("shop/signup.py", "from .models import Account\nfrom .signals import account_opened\n\n\n"
                  "def signup(name):\n    account = Account.objects.create(name=name)\n"
                  "    account_opened.send(sender=Account, account=account)\n    " + second_send + "\n")
    assert project.lint("shop/signals.py") == found


def test_a_caller_module_that_cannot_be_read_leaves_the_callers_unknown(project):
    """Its calls may be unguarded: the write is judged on its own, never silenced by the readable callers."""
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", GUARDED_VIEW)
    project.write("shop/broken.py", "from shop.services import issue\n\ndef f(c):\n    issue(c\n")
    assert project.lint("shop/services.py") == [(5, "UNQ001")]


def test_a_warm_single_file_run_of_a_caller_reads_the_helpers_writes_from_the_cache(project, monkeypatch):
    """A module with no write of its own, linted alone: the helper's write and its other callers' guards
    come from the cache, without parsing the helper's module or the other callers."""
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", GUARDED_VIEW)
    project.write("shop/other.py", OPEN_VIEW)
    _forget_process_state()
    assert project.lint("shop/other.py") == [(4, "UNQ001")]
    _forget_process_state()
    parsed = []
    real_parse_file, real_parse_source = discovery.parse_file, discovery.parse_source
    monkeypatch.setattr(discovery, "parse_file", lambda path: parsed.append(path) or real_parse_file(path))
    monkeypatch.setattr(discovery, "parse_source", lambda source, path, *args, **kwargs: parsed.append(
        path) or real_parse_source(source, path, *args, **kwargs))
    monkeypatch.setattr(engine, "parse_file", lambda path: parsed.append(path) or real_parse_file(path))
    assert project.lint("shop/other.py") == [(4, "UNQ001")]
    assert [os.path.relpath(p, project.root) for p in parsed if "services" in p or "views" in p] == []


@pytest.mark.parametrize("text, skipped", [
    ("def issue(code):\n    pass\n", True),  # its own definition only
    ("from shop.services import issue\nfrom shop import services\n", True),  # a plain import, never used
    ("class A:\n    async def issue(self):\n        pass\n", True),
    ("from shop.services import issue\n\ndef f():\n    issue(1)\n", False),  # a call
    ("from shop.services import issue as give\n\ndef f():\n    give(1)\n", False),  # called by its alias
    ("def issue(self): return issue(self.code)\n", False),  # a one-line def that calls its namesake
    ("from shop.services import issue; issue(1)\n", False),
    ("handlers = {'coupon': issue}\n", False),  # passed on: an escape
    ("# issue() is called by the cron job\n", False),  # a comment: read the module
    ("from shop.services import (\n    issue,\n)\n", False),  # a continuation line: read the module
])
def test_modules_that_only_define_or_import_a_name_are_not_read(text, skipped):
    from uniqueguard.index.callgraph import _names_only_where_never_used

    assert _names_only_where_never_used(text, "issue") is skipped
