"""Project knowledge from a single linted file: settings, AUTH_USER_MODEL, app labels, imports."""
import pytest

USER_MODELS = """
    from django.contrib.auth.models import AbstractUser
    from django.db import models

    class Member(AbstractUser):
        email = models.EmailField(unique=True)
"""

VIEW = """
    from django.contrib.auth import get_user_model

    User = get_user_model()

    def signup(request):
        User.objects.create_user(username=request.POST["u"], email=request.POST["e"])

    def inline(request):
        get_user_model().objects.create(email=request.POST["e"])
"""


def test_split_settings_and_manage_py_hint(project):
    project.write("manage.py", 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")\n')
    project.write("config/__init__.py", "")
    project.write("config/settings/__init__.py", "")
    project.write("config/settings/base.py", 'AUTH_USER_MODEL = "accounts.Member"\nINSTALLED_APPS = ["accounts"]\n')
    project.write("config/settings/local.py", "from .base import *\nDEBUG = True\n")
    project.write("accounts/models.py", USER_MODELS)
    project.write("accounts/views.py", VIEW)
    found = project.findings("accounts/views.py")
    assert [(f.line, f.code) for f in found] == [(7, "UNQ001"), (10, "UNQ001")]
    assert "Member.email, Member.username" in found[0].message


def test_app_config_label(project):
    project.write("site_conf/settings.py", 'AUTH_USER_MODEL = "people.Member"\n'
                  'INSTALLED_APPS = ["members.apps.MembersConfig"]\n')
    project.write("members/__init__.py", "")
    project.write("members/apps.py", "from django.apps import AppConfig\n\n"
                  "class MembersConfig(AppConfig):\n    name = 'members'\n    label = 'people'\n")
    project.write("members/models.py", USER_MODELS)
    project.write("members/views.py", VIEW)
    assert project.lint("members/views.py") == [(7, "UNQ001"), (10, "UNQ001")]


def test_stock_user_when_not_swapped(project):
    """Stock auth.User: username is unique, email is not — a create setting only email is clean."""
    project.write("shop/views.py", """
        from django.contrib.auth.models import User

        def a(request):
            User.objects.create(email=request.POST["e"])

        def b(request):
            User.objects.create_user(request.POST["u"], request.POST["e"])
    """)
    assert project.lint("shop/views.py") == [(8, "UNQ001")]


def test_no_settings_single_custom_user(tmp_path):
    from conftest import Project

    proj = Project(tmp_path / "bare")
    proj.write("setup.py", "")
    proj.write("accounts/__init__.py", "")
    proj.write("accounts/models.py", USER_MODELS)
    proj.write("accounts/views.py", VIEW)
    assert proj.lint("accounts/views.py") == [(7, "UNQ001"), (10, "UNQ001")]


@pytest.mark.parametrize("spelling, expected", [
    ("from accounts.models import Member as M\ndef f(r):\n    M.objects.create(email=r)\n", [(3, "UNQ001")]),
    ("from accounts import models as m\ndef f(r):\n    m.Member.objects.create(email=r)\n", [(3, "UNQ001")]),
    ("import accounts.models\ndef f(r):\n    accounts.models.Member.objects.create(email=r)\n", [(3, "UNQ001")]),
    ("from . import models\ndef f(r):\n    models.Member.objects.create(email=r)\n", [(3, "UNQ001")]),
    ("from .models import *\ndef f(r):\n    Member.objects.create(email=r)\n", [(3, "UNQ001")]),
    ("from django.apps import apps\ndef f(r):\n    apps.get_model('accounts', 'Member').objects.create(email=r)\n", [(3, "UNQ001")]),
    ("from django.apps import apps\ndef f(r):\n    apps.get_model('accounts.member').objects.create(email=r)\n", [(3, "UNQ001")]),
    ("def f(r):\n    from accounts.models import Member\n    Member.objects.create(email=r)\n", [(3, "UNQ001")]),
    ("class Member:\n    objects = None\ndef f(r):\n    Member.objects.create(email=r)\n", []),
])
def test_import_spellings(project, spelling, expected):
    project.write("accounts/models.py", USER_MODELS)
    project.write("accounts/services.py", spelling)
    assert project.lint("accounts/services.py") == expected


@pytest.mark.parametrize("config_file, text", [
    ("pytest.ini", "[pytest]\nDJANGO_SETTINGS_MODULE = config.prod\n"),
    ("pyproject.toml", '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "config.prod"\n'),
    ("setup.cfg", "[tool:pytest]\nDJANGO_SETTINGS_MODULE=config.prod\n"),
    ("tox.ini", "[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = config.prod\n"),
    ("mypy.ini", "[mypy.plugins.django-stubs]\ndjango_settings_module = config.prod\n"),
])
def test_settings_module_from_tool_config(tmp_path, config_file, text):
    from conftest import Project

    proj = Project(tmp_path / "p")
    proj.write(config_file, text)
    proj.write("config/__init__.py", "")
    proj.write("config/prod.py", 'AUTH_USER_MODEL = "accounts.Member"\n')
    proj.write("config/settings.py", 'AUTH_USER_MODEL = "auth.User"\n')  # a decoy the search would find
    proj.write("accounts/__init__.py", "")
    proj.write("accounts/models.py", USER_MODELS)
    proj.write("accounts/views.py", VIEW)
    assert proj.lint("accounts/views.py") == [(7, "UNQ001"), (10, "UNQ001")]


def test_settings_named_by_wsgi_in_a_subpackage(tmp_path):
    from conftest import Project

    proj = Project(tmp_path / "p")
    proj.write(".git/HEAD", "ref: refs/heads/main\n")
    proj.write("config/__init__.py", "")
    proj.write("config/wsgi.py", 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.real")\n')
    proj.write("config/real.py", 'AUTH_USER_MODEL = "accounts.Member"\n')
    proj.write("config/settings.py", 'AUTH_USER_MODEL = "auth.User"\n')
    proj.write("accounts/__init__.py", "")
    proj.write("accounts/models.py", USER_MODELS)
    proj.write("accounts/views.py", VIEW)
    assert proj.lint("accounts/views.py") == [(7, "UNQ001"), (10, "UNQ001")]


def test_auto_created_through_table(project):
    project.write("shop/models.py", """
        from django.db import models

        class Tag(models.Model):
            name = models.CharField(max_length=10)

        class Post(models.Model):
            tags = models.ManyToManyField(Tag)
            readers = models.ManyToManyField("auth.User", through="Reading")

        class Reading(models.Model):
            post = models.ForeignKey(Post, on_delete=models.CASCADE)
            user = models.ForeignKey("auth.User", on_delete=models.CASCADE)
    """)
    project.write("shop/views.py", """
        from .models import Post

        def f(rows, post, user):
            Post.tags.through.objects.bulk_create(rows)
            Post.tags.through.objects.bulk_create(rows, ignore_conflicts=True)
            Post.readers.through.objects.create(post=post, user=user)
    """)
    found = project.findings("shop/views.py")
    assert [(f.line, f.code) for f in found] == [(5, "UNQ001")]  # Reading declares no uniqueness
    assert "Post_tags(post, tag)" in found[0].message


def test_models_from_an_installed_package(project, tmp_path, monkeypatch):
    """A model from a package on the linting interpreter's path is read from source, never imported."""
    import sys

    import uniqueguard.index.modules as index

    site = tmp_path / "site"
    (site / "reusable_tags").mkdir(parents=True)
    (site / "reusable_tags" / "__init__.py").write_text("raise RuntimeError('must never be imported')\n")
    (site / "reusable_tags" / "models.py").write_text(
        "from django.db import models\n\nclass Label(models.Model):\n    slug = models.SlugField(unique=True)\n")
    # The interpreter's path as it was at startup (what pylint adds while linting does not count).
    monkeypatch.setattr(index, "_STARTUP_PATH", tuple(sys.path) + (str(site),))
    monkeypatch.setattr(index, "_INSTALLED_ROOTS", None)
    project.write("shop/views.py", "from reusable_tags.models import Label\n\ndef f(s):\n    Label.objects.create(slug=s)\n")
    assert project.lint("shop/views.py") == [(4, "UNQ001")]
    assert "reusable_tags" not in sys.modules


def test_no_marker_anywhere_uses_the_package_chain(tmp_path):
    """An unpacked package has no manage.py/pyproject/.git: its apps are still one project."""
    from conftest import Project

    proj = Project(tmp_path / "unpacked")
    proj.write("pkg/__init__.py", "")
    proj.write("pkg/accounts/__init__.py", "")
    proj.write("pkg/accounts/models.py", USER_MODELS)
    proj.write("pkg/shop/__init__.py", "")
    proj.write("pkg/shop/views.py", "from pkg.accounts.models import Member\n\ndef f(e):\n    Member.objects.create(email=e)\n")
    assert proj.lint("pkg/shop/views.py") == [(4, "UNQ001")]


@pytest.mark.parametrize("settings_import", [
    "from django.conf import settings",
    "from accounts.conf import settings",  # an app's re-export of Django's settings (django-appconf)
    "from site_conf import settings",  # the settings module itself
])
def test_auth_user_model_under_any_import_path(project, settings_import):
    """A relation to `settings.AUTH_USER_MODEL` leads to the user model however `settings` came in."""
    project.write("site_conf/settings.py", 'AUTH_USER_MODEL = "accounts.Member"\nINSTALLED_APPS = ["accounts"]\n')
    project.write("accounts/conf.py", "from django.conf import settings  # noqa\n")
    project.write("accounts/models.py", USER_MODELS + f"""
    {settings_import}

    class Expiry(models.Model):
        user = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="expiry", on_delete=models.CASCADE)
""")
    project.write("accounts/views.py", """
        from .models import Expiry

        def expire(request):
            if not hasattr(request.user, "expiry"):
                Expiry.objects.create(user=request.user)
    """)
    assert project.lint("accounts/views.py") == [(6, "UNQ002")]
