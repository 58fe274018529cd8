"""The engine's decisions, one shape per test: flagged cases and their clean look-alikes."""
import pytest

from uniqueguard.analysis.engine import Options

MODELS = """
    from django.contrib.auth.models import AbstractUser
    from django.db import models

    class User(AbstractUser):
        email = models.EmailField(unique=True)

    class Profile(models.Model):
        user = models.OneToOneField(User, on_delete=models.CASCADE)
        bio = models.TextField()
        slug = models.SlugField(unique=True)

    class Note(models.Model):
        text = models.TextField()
"""

FORMS = """
    from django import forms
    from .models import User, Profile

    class PlainForm(forms.Form):
        email = forms.EmailField()
        username = forms.CharField()

    class CheckingForm(forms.Form):
        email = forms.EmailField()
        username = forms.CharField()

        def clean_email(self):
            if User.objects.filter(email=self.cleaned_data["email"]).exists():
                raise forms.ValidationError("taken")
            return self.cleaned_data["email"]

        def clean_username(self):
            if User.objects.filter(username=self.cleaned_data["username"]).exists():
                raise forms.ValidationError("taken")
            return self.cleaned_data["username"]

    class LowercasingForm(forms.Form):
        email = forms.EmailField()

        def clean_email(self):
            return self.cleaned_data["email"].lower()

    class UserForm(forms.ModelForm):
        class Meta:
            model = User
            fields = ["username", "email"]

    class ProfileForm(forms.ModelForm):
        class Meta:
            model = Profile
            fields = ["bio"]

    class SkipsSuperClean(forms.ModelForm):
        class Meta:
            model = User
            fields = ["username", "email"]

        def clean(self):
            return self.cleaned_data

    class DeclaresEmailForm(forms.ModelForm):
        email = forms.EmailField()  # declared, but Meta.fields leaves it out of the unique checks

        class Meta:
            model = User
            fields = ["username"]

    class ExcludesNothingForm(forms.ModelForm):
        class Meta:
            model = User
            exclude = ["first_name"]

    class ExcludesEmailForm(forms.ModelForm):
        email = forms.EmailField()

        class Meta:
            model = User
            exclude = ["email"]
"""


@pytest.fixture
def app(project):
    project.write("accounts/models.py", MODELS)
    project.write("accounts/forms.py", FORMS)
    return project


def lint_view(app, body, options=Options()):
    app.write("accounts/views.py", "from django.db import IntegrityError, transaction\n"
                                   "from .forms import *\nfrom .models import User, Profile, Note\n" + body)
    return app.lint("accounts/views.py", options)


def codes(found):
    return [code for _, code in found]


@pytest.mark.parametrize("body, expected", [
    ("def f(request):\n    User.objects.create_user(username='a', email='b')\n", ["UNQ001"]),
    ("def f(request):\n    User.objects.create(email=request.POST['e'])\n", ["UNQ001"]),
    ("def f(request):\n    User.objects.using('x').filter(a=1).create(email='e')\n", ["UNQ001"]),
    ("def f(request):\n    User._default_manager.create(email='e')\n", ["UNQ001"]),
    ("async def f(request):\n    await User.objects.acreate(email='e')\n", ["UNQ001"]),
    ("def f(request):\n    Profile.objects.create(user=request.user)\n", ["UNQ001"]),
    ("def f(request):\n    Profile.objects.create(user_id=request.user.id)\n", ["UNQ001"]),
    ("def f(request):\n    Profile.objects.create(bio='x')\n", []),  # sets no unique field
    ("def f(request):\n    Note.objects.create(text='x')\n", []),  # no unique field at all
    ("def f(request, data):\n    Profile.objects.create(**data)\n", ["UNQ001"]),  # unknown: all sets
    ("def f(request):\n    Profile.objects.create(**{'bio': 'x'})\n", []),
    ("def f(request):\n    User.objects.create(email=None)\n", []),  # NULLs never collide
    ("def f(rows):\n    User.objects.bulk_create(rows)\n", ["UNQ001"]),
    ("def f(rows):\n    User.objects.bulk_create(rows, ignore_conflicts=True)\n", []),
    ("def f(rows):\n    User.objects.bulk_create(rows, update_conflicts=True, unique_fields=['email'])\n", []),
    ("def f(rows):\n    Note.objects.bulk_create(rows)\n", []),
    ("def f(u):\n    Profile.objects.get_or_create(user=u)\n", []),
    ("def f(u):\n    Profile.objects.get_or_create(user=u, defaults={'bio': 'x'})\n", []),
    ("def f(u):\n    Profile.objects.get_or_create(user=u, defaults={'slug': 'x'})\n", ["UNQ001"]),
    ("def f(u):\n    Profile.objects.update_or_create(user=u, create_defaults={'slug': 'x'})\n", ["UNQ001"]),
    ("def f(u, d):\n    Profile.objects.get_or_create(user=u, defaults=d)\n", []),  # unknown: silent
    ("def f(u):\n    p = Profile(user=u)\n    p.save()\n", ["UNQ001"]),
    ("def f(u):\n    Profile(user=u).save()\n", ["UNQ001"]),
    ("def f(u):\n    p = Profile(bio='x')\n    p.slug = u\n    p.save()\n", ["UNQ001"]),
    ("def f(u):\n    p = Profile(bio='x')\n    p.save()\n", []),
    ("def f(pk):\n    p = Profile.objects.get(pk=pk)\n    p.bio = 'x'\n    p.save()\n", []),
    ("def f(pk, s):\n    p = Profile.objects.get(pk=pk)\n    p.slug = s\n    p.save()\n", ["UNQ001"]),
    ("def f(u):\n    thing.objects.create(user=u)\n", []),  # unresolvable receiver: silent
])
def test_writes(app, body, expected):
    assert codes(lint_view(app, body)) == expected


GUARDED = """
import django
import contextlib
from contextlib import suppress
from django import db
from django.db import DatabaseError, IntegrityError as IE
from django.db.utils import Error
DB_ERRORS = (ValueError, IntegrityError)

def f(u):
    try:
        Profile.objects.create(user=u)
    except {spelling}:
        pass
"""


@pytest.mark.parametrize("spelling", [
    "IntegrityError", "IE", "db.IntegrityError", "django.db.utils.IntegrityError", "(ValueError, IntegrityError)",
    "DatabaseError", "Error", "Exception", "BaseException", "DB_ERRORS",
])
def test_handler_spellings_guard(app, spelling):
    assert lint_view(app, GUARDED.format(spelling=spelling)) == []


def test_bare_except_guards(app):
    assert lint_view(app, "def f(u):\n    try:\n        Profile.objects.create(user=u)\n    except:\n        pass\n") == []


@pytest.mark.parametrize("spelling", ["ValueError", "psycopg2.IntegrityError", "sqlite3.IntegrityError",
                                      "Profile.DoesNotExist"])
def test_handlers_that_do_not_catch_it(app, spelling):
    source = "import psycopg2, sqlite3\n" + GUARDED.format(spelling=spelling)
    assert codes(lint_view(app, source)) == ["UNQ001"]


@pytest.mark.parametrize("body", [
    "def f(u):\n    try:\n        pass\n    except IntegrityError:\n        Profile.objects.create(user=u)\n",
    "def f(u):\n    try:\n        pass\n    except IntegrityError:\n        pass\n    else:\n        Profile.objects.create(user=u)\n",
    "def f(u):\n    try:\n        pass\n    finally:\n        Profile.objects.create(user=u)\n",
    "def f(u):\n    try:\n        def later():\n            Profile.objects.create(user=u)\n    except IntegrityError:\n        pass\n    return later\n",
])
def test_write_outside_the_try_body(app, body):
    assert codes(lint_view(app, body)) == ["UNQ001"]


@pytest.mark.parametrize("body, expected", [
    ("import contextlib\ndef f(u):\n    with contextlib.suppress(IntegrityError):\n        Profile.objects.create(user=u)\n", []),
    ("from contextlib import suppress\ndef f(u):\n    with suppress(IntegrityError):\n        Profile.objects.create(user=u)\n", []),
    ("from contextlib import suppress\ndef f(u):\n    with suppress(ValueError):\n        Profile.objects.create(user=u)\n", ["UNQ001"]),
])
def test_suppress(app, body, expected):
    assert codes(lint_view(app, body)) == expected


def test_call_site_guards(app):
    body = """
def helper(u):
    Profile.objects.create(user=u)

def deeper(u):
    helper(u)

def view(request):
    try:
        deeper(request.user)
    except IntegrityError:
        pass

def guarded_only(u):
    Profile.objects.create(user=u)

def calls_guarded_only(u):
    try:
        guarded_only(u)
    except IntegrityError:
        pass

def once_unguarded(u):
    Profile.objects.create(user=u)

def a(u):
    try:
        once_unguarded(u)
    except IntegrityError:
        pass
    once_unguarded(u)

def lonely(u):
    Profile.objects.create(user=u)

def ping(u, n):
    Profile.objects.create(user=u)
    pong(u, n)

def pong(u, n):
    ping(u, n)

def callback(u):
    Profile.objects.create(user=u)

register(callback)
try:
    callback(None)
except IntegrityError:
    pass
"""
    found = lint_view(app, body)
    flagged_functions = sorted(line for line, code in found if code == "UNQ001")
    source_lines = (app.root / "accounts/views.py").read_text().splitlines()
    flagged = [source_lines[line - 2].strip() + " / " + source_lines[line - 1].strip() for line in flagged_functions]
    # once_unguarded (one call guarded, one not: reported at the open call), lonely (no call site),
    # ping (isolated cycle), callback (escapes)
    assert flagged == ["pass / once_unguarded(u)", "def lonely(u): / Profile.objects.create(user=u)",
                       "def ping(u, n): / Profile.objects.create(user=u)",
                       "def callback(u): / Profile.objects.create(user=u)"]


def test_form_validation_guards(app):
    body = """
def plain(request):
    form = PlainForm(request.POST)
    User.objects.create_user(username=form.cleaned_data["username"], email=form.cleaned_data["email"])

def checking(request):
    form = CheckingForm(request.POST)
    User.objects.create_user(username=form.cleaned_data["username"], email=form.cleaned_data["email"])

def lowercasing(request):
    form = LowercasingForm(request.POST)
    User.objects.create(email=form.cleaned_data.get("email"))

def model_form(request):
    form = UserForm(request.POST)
    data = form.cleaned_data
    email = data["email"]
    User.objects.create(email=email, username=form.cleaned_data["username"])

def model_form_unpacked(request):
    form = UserForm(request.POST)
    User.objects.create(**form.cleaned_data)

def model_form_save(request):
    form = UserForm(request.POST)
    form.save()

def skips_super_clean(request):
    form = SkipsSuperClean(request.POST)
    form.save()

def profile_form_then_slug(request):
    form = ProfileForm(request.POST)
    profile = form.save(commit=False)
    profile.slug = "x"
    profile.save()

def mixed(request):
    form = CheckingForm(request.POST)
    User.objects.create(email=form.cleaned_data["email"], username=request.POST["username"])

def declared_not_listed(request):
    form = DeclaresEmailForm(request.POST)
    User.objects.create(email=form.cleaned_data["email"])

def exclude_keeps_email(request):
    form = ExcludesNothingForm(request.POST)
    User.objects.create(email=form.cleaned_data["email"])

def exclude_drops_email(request):
    form = ExcludesEmailForm(request.POST)
    User.objects.create(email=form.cleaned_data["email"])
"""
    found = lint_view(app, body)
    assert by_function(app, found) == {
        "plain": "UNQ001", "checking": "UNQ004", "lowercasing": "UNQ001", "model_form": "UNQ004",
        "model_form_unpacked": "UNQ004", "model_form_save": "UNQ004", "skips_super_clean": "UNQ001",
        "profile_form_then_slug": "UNQ001", "mixed": "UNQ001", "declared_not_listed": "UNQ001",
        "exclude_keeps_email": "UNQ004", "exclude_drops_email": "UNQ001"}
    assert any("add email to DeclaresEmailForm.Meta.fields" in m
               for m in [f.message for f in app.findings("accounts/views.py")])
    messages = [f.message for f in app.findings("accounts/views.py")]
    assert any("PlainForm.clean_email() and clean_username()" in m for m in messages)
    assert any("call super().clean() in SkipsSuperClean.clean()" in m for m in messages)
    assert any("check slug yourself: the view sets it after save(commit=False)" in m for m in messages), messages


def by_function(app, found):
    """{function name: code} for findings in accounts/views.py."""
    lines = (app.root / "accounts/views.py").read_text().splitlines()
    result = {}
    for line, code in found:
        index = line - 1
        while not lines[index].startswith(("def ", "async def ")):
            index -= 1
        result[lines[index].split("def ", 1)[1].split("(")[0]] = code
    return result


def test_unq004_is_what_validation_leaves(app):
    body = """
def checking(request):
    form = CheckingForm(request.POST)
    User.objects.create_user(username=form.cleaned_data["username"], email=form.cleaned_data["email"])

def model_form_save(request):
    form = UserForm(request.POST)
    form.save()
"""
    assert codes(lint_view(app, body)) == ["UNQ004", "UNQ004"]


@pytest.mark.parametrize("body, expected", [
    ("def f(request):\n    e = request.POST['e']\n    if not User.objects.filter(email=e).exists():\n        User.objects.create_user(username=e, email=e)\n", ["UNQ002"]),
    ("def f(e):\n    if User.objects.filter(email=e).count() == 0:\n        User.objects.create(email=e)\n", ["UNQ002"]),
    ("def f(e):\n    if User.objects.filter(email=e).first() is None:\n        User.objects.create(email=e)\n", ["UNQ002"]),
    ("def f(e):\n    u = User.objects.filter(email=e).first()\n    if u is None:\n        u = User.objects.create(email=e)\n", ["UNQ002"]),
    ("def f(e):\n    taken = User.objects.filter(email=e).exists()\n    if taken:\n        return None\n    User.objects.create(email=e)\n", ["UNQ002"]),
    ("def f(e):\n    if User.objects.filter(email=e).exists():\n        raise ValueError(e)\n    User.objects.create(email=e)\n", ["UNQ002"]),
    ("def f(e):\n    try:\n        User.objects.get(email=e)\n    except User.DoesNotExist:\n        User.objects.create(email=e)\n", ["UNQ002"]),
    ("def f(e):\n    if User.objects.filter(email=e).exists():\n        User.objects.create(email=e)\n", ["UNQ001"]),
    ("def f(e):\n    if Note.objects.filter(text=e).exists():\n        return\n    User.objects.create(email=e)\n", ["UNQ001"]),
    ("def f(e):\n    if not User.objects.filter(email=e).exists():\n        try:\n            User.objects.create(email=e)\n        except IntegrityError:\n            pass\n", []),
])
def test_check_then_create(app, body, expected):
    assert codes(lint_view(app, body)) == expected


@pytest.mark.parametrize("body, expected", [
    ("def f(u):\n    with transaction.atomic():\n        try:\n            Profile.objects.create(user=u)\n        except IntegrityError:\n            pass\n", ["UNQ003"]),
    ("@transaction.atomic\ndef f(u):\n    try:\n        Profile.objects.create(user=u)\n    except IntegrityError:\n        pass\n", ["UNQ003"]),
    ("@transaction.atomic(using='x')\ndef f(u):\n    try:\n        Profile.objects.create(user=u)\n    except IntegrityError:\n        pass\n", ["UNQ003"]),
    ("def f(u):\n    with transaction.atomic():\n        try:\n            with transaction.atomic():\n                Profile.objects.create(user=u)\n        except IntegrityError:\n            pass\n", []),
    ("def f(u):\n    with transaction.atomic():\n        try:\n            with transaction.atomic(savepoint=False):\n                Profile.objects.create(user=u)\n        except IntegrityError:\n            pass\n", ["UNQ003"]),
    ("def f(u):\n    try:\n        with transaction.atomic():\n            Profile.objects.create(user=u)\n    except IntegrityError:\n        pass\n", []),
    ("def f(u):\n    with transaction.atomic():\n        try:\n            Profile.objects.get_or_create(user=u, defaults={'slug': 's'})\n        except IntegrityError:\n            pass\n", []),
    ("def f(u):\n    with transaction.atomic():\n        try:\n            Profile.objects.create(user=u)\n        except IntegrityError:\n            raise ValueError('taken')\n", []),
])
def test_integrity_error_in_atomic(app, body, expected):
    assert codes(lint_view(app, body)) == expected


def test_atomic_requests_views(app):
    app.write("site_conf/settings.py", 'INSTALLED_APPS = ["accounts"]\n'
              'DATABASES = {"default": {"ENGINE": "x", "ATOMIC_REQUESTS": True}}\n')
    body = """
from django.views import View

def view(request):
    try:
        Profile.objects.create(user=request.user)
    except IntegrityError:
        pass

@transaction.non_atomic_requests
def non_atomic(request):
    try:
        Profile.objects.create(user=request.user)
    except IntegrityError:
        pass

def helper(user):
    try:
        Profile.objects.create(user=user)
    except IntegrityError:
        pass

class Signup(View):
    def post(self, request):
        try:
            Profile.objects.create(user=request.user)
        except IntegrityError:
            pass
"""
    found = lint_view(app, body)
    lines = (app.root / "accounts/views.py").read_text().splitlines()
    flagged = []
    for line, code in found:
        index = line - 1
        while not lines[index].lstrip().startswith("def "):
            index -= 1
        flagged.append((lines[index].strip(), code))
    assert flagged == [("def view(request):", "UNQ003"), ("def post(self, request):", "UNQ003")]


def test_messages_name_call_model_fields_and_fix(app):
    body = "def register(request):\n    form = PlainForm(request.POST)\n" \
           "    User.objects.create_user(username=form.cleaned_data['username'], email=form.cleaned_data['email'])\n"
    (finding,) = lint_view(app, body) and app.findings("accounts/views.py")
    assert finding.message == (
        "User.objects.create_user() may violate unique User.email, User.username; nothing catches "
        "IntegrityError; wrap in try/except and validate uniqueness in "
        "PlainForm.clean_email() and clean_username()")
    assert finding.message.count("UNQ001") == 0  # the fronts print the code once, before the message


def test_the_common_message_fits_in_120_characters(project):
    """The common case — Django's own User, one unique field, nothing around the call — stays short with
    its code as flake8 and the command line print it (issue 14); the rule page carries the rest."""
    project.write("accounts/views.py", """
        from django.contrib.auth.models import User


        def register(request):
            User.objects.create_user(request.POST["username"], password=request.POST["password"])
    """)
    (finding,) = project.findings("accounts/views.py")
    line = f"{finding.code} {finding.message}"
    assert line == ("UNQ001 User.objects.create_user() may violate unique User.username; "
                    "nothing catches IntegrityError; wrap in try/except")
    assert len(line) <= 120, line


def test_tests_and_migrations_are_excluded_by_default(app):
    app.write("accounts/tests/test_views.py", "from accounts.models import Profile\nProfile.objects.create(user=1)\n")
    app.write("accounts/migrations/0002_data.py", "from accounts.models import Profile\nProfile.objects.create(user=1)\n")
    assert app.lint("accounts/tests/test_views.py") == []
    assert app.lint("accounts/migrations/0002_data.py") == []
    assert app.lint("accounts/tests/test_views.py", Options(exclude=())) == [(2, "UNQ001")]


def test_commit_false_hint_names_the_field_the_view_sets(project):
    """The form checks one field of the pair, the view sets the other after save(commit=False): the
    fix is to check that one, not to add it to the form (order of the set's fields does not matter)."""
    project.write("team/models.py", """
from django.db import models

class Member(models.Model):
    team = models.CharField(max_length=9)
    person = models.CharField(max_length=9)

    class Meta:
        unique_together = [("team", "person")]
""")
    project.write("team/forms.py", """
from django import forms
from .models import Member

class TeamForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["team"]

class PersonForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["person"]
""")
    project.write("team/views.py", """
from .forms import PersonForm, TeamForm

def add_person(request, team):
    form = PersonForm(request.POST)
    member = form.save(commit=False)
    member.team = team
    member.save()

def add_team(request, person):
    form = TeamForm(request.POST)
    member = form.save(commit=False)
    member.person = person
    member.save()
""")
    messages = [f.message for f in project.findings("team/views.py")]
    assert len(messages) == 2
    assert "check team yourself: the view sets it after save(commit=False)" in messages[0]
    assert "check person yourself: the view sets it after save(commit=False)" in messages[1]
