"""Which copy of a module the index reads, and where a project root ends (issue 10, item 2)."""
import json
import subprocess
import sys

from uniqueguard.index.discovery import find_root
from uniqueguard.index.project import Project

TAG = "from django.db import models\n\nclass Tag(models.Model):\n    name = models.CharField({})\n"


def _write(root, files):
    for relpath, text in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _unique_tag(project):
    model = project.model("shop.models.Tag")
    return [s.fields for s in model.unique_sets]


def test_the_folder_holding_manage_py_wins_over_an_earlier_copy(tmp_path):
    """`legacy/` sorts before `web/`, but `web/manage.py` is where the project's imports start."""
    _write(tmp_path, {"pyproject.toml": "", "legacy/shop/__init__.py": "", "legacy/shop/models.py": TAG.format(""),
                      "web/manage.py": "", "web/shop/__init__.py": "",
                      "web/shop/models.py": TAG.format("unique=True")})
    project = Project(str(tmp_path))
    assert project.module_path("shop.models") == str(tmp_path / "web" / "shop" / "models.py")
    assert _unique_tag(project) == [("name",)]


def test_the_settings_package_parent_wins_over_an_earlier_copy(tmp_path):
    _write(tmp_path, {"pyproject.toml": '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "conf.settings"\n',
                      "archive/shop/__init__.py": "", "archive/shop/models.py": TAG.format(""),
                      "server/conf/__init__.py": "", "server/conf/settings.py": "INSTALLED_APPS = ['shop']\n",
                      "server/shop/__init__.py": "", "server/shop/models.py": TAG.format("unique=True")})
    project = Project(str(tmp_path))
    assert project.settings.module == "conf.settings"
    assert project.module_path("shop.models") == str(tmp_path / "server" / "shop" / "models.py")
    assert _unique_tag(project) == [("name",)]


def test_a_copy_under_examples_loses_even_to_a_later_discovered_root(tmp_path):
    _write(tmp_path, {"setup.cfg": "", "examples/shop/__init__.py": "", "examples/shop/models.py": TAG.format(""),
                      "project/shop/__init__.py": "", "project/shop/models.py": TAG.format("unique=True")})
    project = Project(str(tmp_path))
    assert project.module_path("shop.models") == str(tmp_path / "project" / "shop" / "models.py")
    assert project.models_modules == ["shop.models"]  # one module, however many copies


def _installs(tmp_path):
    """Two interpreters' standard libraries in one git checkout (pyenv's layout): the old one's
    wsgiref/handlers.py is Python 2 and sorts first."""
    files = {".git/HEAD": ""}
    for version, handlers in (("2.7", 'print "py2"\n'), ("3.11", "class BaseHandler:\n    pass\n")):
        lib = f"versions/{version}/lib/python{version}"
        files.update({f"{lib}/os.py": "", f"{lib}/encodings/__init__.py": "", f"{lib}/wsgiref/__init__.py": "",
                      f"{lib}/wsgiref/handlers.py": handlers,
                      f"versions/{version}/lib/python{version}/site-packages/pkg/__init__.py": ""})
    files["versions/3.11/lib/python3.11/shelf.py"] = (
        "from wsgiref.handlers import BaseHandler\n\ndef keep(name):\n    BaseHandler.objects.create(name=name)\n")
    _write(tmp_path, files)
    return tmp_path / "versions" / "3.11" / "lib" / "python3.11"


def test_the_root_never_climbs_out_of_an_interpreter_install(tmp_path):
    stdlib = _installs(tmp_path)
    assert find_root(str(stdlib / "wsgiref" / "handlers.py")) == str(stdlib)
    assert find_root(str(stdlib / "shelf.py")) == str(stdlib)
    assert find_root(str(stdlib / "site-packages" / "pkg" / "__init__.py")) == str(stdlib / "site-packages")


def test_the_command_line_over_a_standard_library_reads_its_own_modules(tmp_path):
    stdlib = _installs(tmp_path)
    result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", "--no-cache", "."],
                            cwd=str(stdlib), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def _star_cycle(tmp_path, apps=6):
    """Every app's models module star-imports every other's (reproducer d07)."""
    files = {"manage.py": ""}
    for i in range(1, apps + 1):
        stars = "".join(f"from m{j}.models import *\n" for j in range(1, apps + 1) if j != i)
        files[f"m{i}/__init__.py"] = ""
        files[f"m{i}/models.py"] = (f"from django.db import models\n{stars}\n"
                                    f"class T{i}(models.Model):\n    n = models.CharField(unique=True)\n")
    _write(tmp_path, files)
    return Project(str(tmp_path))


def test_star_import_cycles_visit_each_module_once_per_search(tmp_path, monkeypatch):
    project = _star_cycle(tmp_path)
    asked = []
    read = project.modules.module
    monkeypatch.setattr(project.modules, "module", lambda dotted: asked.append(dotted) or read(dotted))
    assert project.find_class("m1.models.Missing") is None
    assert 1 <= len(asked) <= 6  # one visit per models module, where every path through them was followed
    asked.clear()
    assert project.find_class("m1.models.T6").qualname == "m6.models.T6"  # found through a star
    assert 1 <= len(asked) <= 6


def test_a_view_in_a_star_import_cycle_is_judged(tmp_path):
    _star_cycle(tmp_path)
    views = tmp_path / "m1" / "views.py"
    views.write_text("from m1.models import Missing, T6\n\ndef f(request):\n"
                     "    Missing.objects.create(n=request.POST['n'])\n    T6.objects.create(n=request.POST['n'])\n")
    result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", "--no-cache",
                             "m1/views.py"], cwd=str(tmp_path), capture_output=True, text=True, timeout=300)
    assert [(row["line"], row["code"]) for row in json.loads(result.stdout)] == [(5, "UNQ001")], result.stderr
