"""What a project function returns, path by path (analysis/returned_rows.py), and the unique sets a
caller's check settles with it: the message names only the sets still at risk."""
import ast
import textwrap

import pytest

from uniqueguard.analysis.resolve import Resolver
from uniqueguard.analysis.returned_rows import NEW, NONE, Related, returned
from uniqueguard.analysis.scope import ModuleScope
from uniqueguard.index.project import Project as Index

MODELS = """
    from django.contrib.auth.models import User
    from django.db import models


    class Link(models.Model):
        user = models.ForeignKey(User, on_delete=models.CASCADE)
        provider = models.CharField(max_length=20)
        url = models.CharField(max_length=200, null=True)

        class Meta:
            unique_together = (("user", "provider"), ("url", "provider"))
"""

HEADER = "from django.contrib.auth.models import User\nfrom shop.models import Link\n\n"


@pytest.fixture
def app(project):
    project.write("shop/models.py", MODELS)
    return project


def summary(app, body: str):
    source = HEADER + textwrap.dedent(body)
    tree = ast.parse(source)
    scope = ModuleScope(tree, "shop.services", False)
    function = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    return returned(function, Resolver(scope, Index(str(app.root))))


def test_none_new_and_the_user_of_a_link_found(app):
    found = summary(app, """
        def external(provider, name, password):
            if not password:
                return None
            try:
                link = Link.objects.get(url=name + "@" + provider, provider=provider)
                return link.user
            except Link.DoesNotExist:
                user, created = User.objects.get_or_create(username=name)
                if created:
                    user.set_password(password)
                else:
                    user = User.objects.create_user(name + "@" + provider, "", password)
                return user
    """)
    assert found == {NONE, NEW, Related("shop.models.Link", "user", (("provider", "provider"),))}


def test_falling_off_the_end_is_none(app):
    assert summary(app, """
        def maybe(name):
            if name:
                return User.objects.create(username=name)
    """) == {NONE, NEW}


@pytest.mark.parametrize("body", [
    # a row looked up on other terms
    "def f(name):\n    return User.objects.get(username=name)\n",
    # the row of get_or_create when it was not created
    "def f(name):\n    user, created = User.objects.get_or_create(username=name)\n    return user\n",
    "def f(name):\n    user, created = User.objects.get_or_create(username=name)\n"
    "    if not created:\n        return user\n    return None\n",
    # the flag rebound: the row may be an old one
    "def f(name):\n    user, created = User.objects.get_or_create(username=name)\n"
    "    created = True\n    if created:\n        return user\n",
    # a parameter, a call
    "def f(user):\n    return user\n",
    "def f(name):\n    return make(name)\n",
    # a name bound in a loop, a generator, a return in finally
    "def f(names):\n    user = None\n    for n in names:\n        user = User.objects.create(username=n)\n"
    "        user = pick(user)\n    return user\n",
    "def f(name):\n    yield User.objects.create(username=name)\n",
    "def f(name):\n    try:\n        pass\n    finally:\n        return None\n",
    # a body that `suppress()` may leave half-way
    "def f(name):\n    user = lookup(name)\n    with suppress(ValueError):\n"
    "        user = User.objects.create(username=name)\n    return user\n",
    # the fetched row changed before its relation is read
    "def f(url, other):\n    link = Link.objects.get(url=url)\n    link.user = other\n    return link.user\n",
    "def f(url):\n    link = Link.objects.get(url=url)\n    reassign(link)\n    return link.user\n",
    "def f(url):\n    link = Link.objects.get(url=url)\n    link.move_to_owner()\n    return link.user\n",
    # the row fetched itself, not its relation
    "def f(url):\n    return Link.objects.get(url=url)\n",
])
def test_anything_else_is_unknown(app, body):
    assert summary(app, body) is None


def test_nested_definitions_bind_names_but_return_nothing_of_the_function(app):
    assert summary(app, """
        def f(name):
            key = lambda user: user.pk

            def later():
                return lookup(name)
            return User.objects.create(username=name)
    """) == {NEW}


def test_reading_fields_of_the_fetched_row_keeps_it(app):
    assert summary(app, """
        def f(url, provider):
            link = Link.objects.get(url=url, provider=provider)
            log(link.url, link.provider)
            if link.url:
                return link.user
    """) == {NONE, Related("shop.models.Link", "user", (("provider", "provider"), ("url", "url")))}


def test_a_transaction_block_is_followed(app):
    assert summary(app, """
        def f(name):
            with transaction.atomic():
                user = User.objects.create(username=name)
            return user
    """) == {NEW}


def test_a_rebound_parameter_pins_nothing(app):
    found = summary(app, """
        def f(provider, url):
            provider = provider.lower()
            return Link.objects.get(url=url, provider=provider).user
    """)
    assert found == {Related("shop.models.Link", "user", (("url", "url"),))}


def test_a_loop_leaves_its_names_unknown_after_it(app):
    assert summary(app, """
        def f(names):
            user = User.objects.create(username="x")
            for name in names:
                user = lookup(name)
            return user
    """) is None


CALLER = """
    from shop.models import Link
    from shop.services import external


    def login(provider, name, password):
        user = external(provider, name, password)
        try:
            link = Link.objects.get(user=user, provider=provider)
        except Link.DoesNotExist:
            link = Link(user=user, provider=provider)
        link.url = name
        link.save()
"""

SERVICES = """
    from django.contrib.auth.models import User
    from shop.models import Link


    def external(provider, name, password):
        if not password:
            return None
        try:
            return Link.objects.get(url=name, provider=provider).user
        except Link.DoesNotExist:
            return User.objects.create_user(name, "", password)
"""


def test_the_message_names_only_the_set_still_at_risk(app):
    app.write("shop/services.py", SERVICES)
    app.write("shop/views.py", CALLER)
    [finding] = app.findings("shop/views.py")
    assert finding.code == "UNQ001"
    assert "Link(url, provider)" in finding.message and "(user, provider)" not in finding.message
    assert "check" not in finding.message  # the check on (user, provider) does not look for the url


def test_a_callee_pinning_another_provider_keeps_the_set(app):
    app.write("shop/services.py", SERVICES.replace("provider=provider)", 'provider="default")'))
    app.write("shop/views.py", CALLER)
    [finding] = app.findings("shop/views.py")
    assert finding.code == "UNQ002" and "Link(user, provider)" in finding.message


@pytest.mark.parametrize("check", [
    # a reverse manager filters on another user too, hidden from the keywords
    "if not other.link_set.filter(provider=provider).exists():",
    # a spanning or inexact lookup, a Q object, exclude(): the row found may not be the callee's
    "if not Link.objects.filter(user=user, provider__iexact=provider).exists():",
    "if not Link.objects.filter(Q(user=user), provider=provider).exists():",
    "if not Link.objects.exclude(url=name).filter(user=user, provider=provider).exists():",
])
def test_a_check_that_may_miss_the_callees_row_keeps_the_set(app, check):
    app.write("shop/services.py", SERVICES)
    app.write("shop/views.py", f"""
        from django.db.models import Q
        from shop.models import Link
        from shop.services import external


        def login(provider, name, password, other):
            user = external(provider, name, password)
            {check}
                Link.objects.create(user=user, provider=provider)
    """)
    [finding] = app.findings("shop/views.py")
    assert "Link(user, provider)" in finding.message


def test_a_manager_filtering_its_rows_keeps_the_set(app):
    app.write("shop/models.py", MODELS.replace("class Link(models.Model):", """class Live(models.Manager):
        def get_queryset(self):
            return super().get_queryset().filter(url__isnull=False)


    class Link(models.Model):
        objects = Live()"""))
    app.write("shop/services.py", SERVICES)
    app.write("shop/views.py", CALLER)
    [finding] = app.findings("shop/views.py")
    assert "Link(url, provider), Link(user, provider)" in finding.message


def test_the_settling_check_is_none_for_the_sets_left_unless_it_pins_theirs():
    from types import SimpleNamespace

    from uniqueguard.analysis.engine import _checks_any

    def sets(*fields):
        return tuple(SimpleNamespace(fields=f) for f in fields)

    settled = sets(("user", "provider"))
    assert _checks_any(frozenset({"user", "provider"}), sets(("url", "provider")), ())  # nothing settled
    assert not _checks_any(frozenset({"user", "provider"}), sets(("url", "provider")), settled)
    assert _checks_any(frozenset({"user", "provider", "url"}), sets(("url", "provider")), settled)
    assert _checks_any(frozenset({"user", "provider"}), sets(("provider",)), settled)  # the whole of one
    assert _checks_any(None, sets(("url", "provider")), settled)  # pins unknown: as before
