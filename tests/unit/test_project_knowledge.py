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
