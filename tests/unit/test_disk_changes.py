"""What a long-running process compares with the disk before a check (index/project.py `project_for`):
the index's files and folders, and the files the call graph has read — and what each change costs. The
findings themselves across edits are tested through the fronts (tests/e2e/test_long_running_callers.py)."""
import os

from uniqueguard.analysis.engine import check_source
from uniqueguard.index import project as project_module

MODELS = """
from django.db import models

class Coupon(models.Model):
    code = models.CharField(max_length=20, unique=True)
"""
SERVICES = "from shop.models import Coupon\n\n\ndef issue(code):\n    Coupon.objects.create(code=code)\n"
VIEWS = ("from django.db import IntegrityError\nfrom shop.services import issue\n\n\ndef redeem(code):\n"
         "    try:\n        issue(code)\n    except IntegrityError:\n        pass\n")


def _lint(project, relpath):
    path = project.root / relpath
    return [(f.line, f.code) for f in check_source(path.read_bytes(), str(path)) if not f.note]


def _current(project):
    (found,) = [p for p in project_module.built_projects() if p.root == str(project.root)]
    return found


def _setup(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", VIEWS)
    assert _lint(project, "shop/services.py") == []  # the one caller guards it
    return _current(project)


def test_a_caller_rewritten_in_place_is_read_again_by_the_graph_alone(project):
    index = _setup(project)
    graph = index.graph
    project.write("shop/views.py", VIEWS.replace("    try:\n        issue(code)\n    except IntegrityError:\n"
                                                 "        pass\n", "    issue(code)\n"))
    assert _lint(project, "shop/services.py") == [(5, "UNQ001")]
    assert _current(project) is index and index.graph is graph  # no index built again for a caller's edit


def test_a_file_saved_by_renaming_a_new_copy_over_it_builds_nothing_again(project):
    """Editors that save atomically move the folder's stamp without changing which files it holds."""
    index = _setup(project)
    views = project.root / "shop" / "views.py"
    copy = project.root / "shop" / ".views.py.swp"
    copy.write_text(views.read_text())
    os.replace(copy, views)
    assert _lint(project, "shop/services.py") == []
    assert _current(project) is index


def test_a_new_file_builds_the_index_again(project):
    index = _setup(project)
    project.write("shop/tasks.py", "from shop.services import issue\n\n\ndef nightly(code):\n    issue(code)\n")
    assert _lint(project, "shop/tasks.py") == [(5, "UNQ001")]  # one guarded caller, one open: reported here
    assert _current(project) is not index


def test_a_new_file_in_a_new_folder_is_found(project):
    _setup(project)
    project.write("jobs/__init__.py", "")
    project.write("jobs/nightly.py", "from shop.services import issue\n\n\ndef nightly(code):\n    issue(code)\n")
    assert _lint(project, "jobs/nightly.py") == [(5, "UNQ001")]


def test_a_deleted_caller_is_no_caller(project):
    _setup(project)
    project.write("shop/tasks.py", "from shop.services import issue\n\n\ndef nightly(code):\n    issue(code)\n")
    assert _lint(project, "shop/services.py") == []  # reported at the open call instead
    (project.root / "shop" / "views.py").unlink()
    assert _lint(project, "shop/services.py") == [(5, "UNQ001")]  # the one caller left is open


def test_the_modules_a_file_imports_from_are_read_from_its_import_lines():
    """What a file's cached call facts are valid for besides its own stamp (callgraph.file_fingerprint):
    the names on the continuation lines of a parenthesised or backslash-continued import too."""
    from uniqueguard.index.callgraph import imported_modules

    text = ("import os, sys as system\nfrom . import services, views as v\nfrom .models import (Coupon,\n"
            "    Order)\nfrom ..core.helpers import make  # why\nfrom shop.api import *\n"
            "from shop import (\n    forms,  # the form\n    tasks as jobs,\n)\nfrom shop.x import y, \\\n    z\n")
    assert imported_modules(text, "shop.checkout", False) == [
        "os", "sys", "shop", "shop.services", "shop.views", "shop.models", "shop.models.Coupon", "shop.models.Order",
        "core.helpers", "core.helpers.make", "shop.api", "shop.forms", "shop.tasks", "shop.x", "shop.x.y", "shop.x.z"]
    assert imported_modules(text, "shop.checkout", True)[2:4] == ["shop.checkout", "shop.checkout.services"]


def test_a_file_is_valid_for_every_module_its_imports_reach(project):
    """A module two imports away edited: the file's call facts and summaries on disk are keyed on it too;
    modules that import each other share one digest, and a module no import reaches keys nothing."""
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/forms.py", "from shop.fields import CodeField  # noqa: F401\nimport shop.views  # noqa: F401\n")
    project.write("shop/fields.py", "from shop import forms  # noqa: F401\n")
    project.write("shop/other.py", "X = 1\n")
    project.write("shop/views.py", "from shop import (\n    forms,\n)\n" + VIEWS)
    assert _lint(project, "shop/services.py") == []
    graph = _current(project).graph
    views, fields, other = (str(project.root / "shop" / name) for name in ("views.py", "fields.py", "other.py"))
    before = graph.file_fingerprint(views)
    assert graph.reached_print(fields) == graph.reached_print(views)  # views -> forms -> fields -> forms -> views
    graph.text(other)
    project.write("shop/other.py", "X = 22\n")
    assert graph.forget_changed() == frozenset([other])
    assert graph.file_fingerprint(views) == before
    project.write("shop/fields.py", "from shop import forms  # noqa: F401\nY = 2\n")
    assert graph.forget_changed() == frozenset([fields])
    assert graph.file_fingerprint(views) != before


def test_every_folder_walked_is_stamped_but_templates_and_translations(tmp_path):
    """A module created in a folder that held no Python file moves that folder's stamp: it must have one
    (`ModuleIndex.changed_on_disk`); the folders Django reads templates and translations from do not."""
    from uniqueguard.index import discovery

    for name in ("shop/__init__.py", "shop/jobs/README.txt", "shop/templates/shop/page.html",
                 "conf/locale/de/LC_MESSAGES/django.po", "conf/locale/de/formats.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    folders = {}
    discovery.walk_python_files(str(tmp_path), folders)
    stamped = {os.path.relpath(folder, tmp_path).replace(os.sep, "/") for folder in folders}
    assert stamped == {".", "shop", "shop/jobs", "conf", "conf/locale", "conf/locale/de"}


def test_a_name_imported_from_a_package_that_becomes_a_module_is_followed(project):
    """`from shop import jobs` names a function of shop/__init__.py; then shop/jobs.py is created (the
    importing file unchanged): its imports cached on disk were those of the tree's modules as they were."""
    project.write("shop/__init__.py", "def jobs():\n    pass\n")
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/views.py", "from shop import jobs  # noqa: F401\n" + VIEWS)
    assert _lint(project, "shop/services.py") == []
    first = _current(project)
    views, jobs = str(project.root / "shop" / "views.py"), str(project.root / "shop" / "jobs.py")
    assert jobs not in first.graph.imports_of(views)
    first.graph.save(throttle=0.0)
    project.write("shop/jobs.py", "X = 1\n")
    assert _lint(project, "shop/services.py") == []
    second = _current(project)
    assert second is not first  # a file added: the index, and its graph, built again
    assert jobs in second.graph.imports_of(views)
