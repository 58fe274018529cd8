"""A module named `setup.py` inside a package is no project marker.

django-cms ships `cms/utils/setup.py` (a module of the `cms.utils` package). Taken as a distribution's
build script, it made `cms/utils/` the root of every file beside it: `Placeholder` and every other model
of the project were unknown there, and their writes were silent (UNQ005 in strict mode). A `setup.py`
beside `__init__.py` is a module; one in a folder that is no package still marks a root.
"""
import json
import subprocess
import sys

from uniqueguard.index.discovery import find_root

MODELS = ("from django.db import models\n\n\nclass Slot(models.Model):\n"
          "    name = models.CharField(max_length=20, unique=True)\n")
VIEW = ("from shop.models import Slot\n\n\ndef add(name):\n"
        "    Slot.objects.create(name=name)\n")


def _tree(tmp_path):
    files = {"project/pyproject.toml": "", "project/shop/__init__.py": "", "project/shop/models.py": MODELS,
             "project/shop/utils/__init__.py": "", "project/shop/utils/setup.py": "def setup():\n    pass\n",
             "project/shop/utils/slots.py": VIEW,
             "project/tools/setup.py": "from setuptools import setup\nsetup()\n", "project/tools/build.py": ""}
    for relpath, text in files.items():
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "project"


def test_a_setup_module_inside_a_package_marks_no_root(tmp_path):
    root = _tree(tmp_path)
    assert find_root(str(root / "shop" / "utils" / "slots.py")) == str(root)


def test_a_setup_script_outside_any_package_still_marks_a_root(tmp_path):
    root = _tree(tmp_path)
    assert find_root(str(root / "tools" / "build.py")) == str(root / "tools")


def test_the_files_beside_a_setup_module_see_the_projects_models(tmp_path):
    root = _tree(tmp_path)
    result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", "--no-cache",
                             "shop/utils/slots.py"], cwd=str(root), capture_output=True, text=True, timeout=300)
    assert [(row["path"], row["line"], row["code"]) for row in json.loads(result.stdout)] == [
        ("shop/utils/slots.py", 5, "UNQ001")], result.stderr
