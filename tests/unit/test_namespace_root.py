"""A folder without `__init__.py` inside a package is part of that package, not a project of its own.

An unpacked application (a wheel's contents, no manage.py, pyproject.toml or .git anywhere above) keeps
its root at the folder above its top package. A namespace folder deep inside it
(`shop/deps/protocols/oidc/`, no `__init__.py`) used to become its own root: its files then had no
models and a note said "package shop is not installed", though shop is the very project.
"""
import json
import os
import subprocess
import sys

from uniqueguard.index.discovery import ROOT_MARKERS, find_root

MODELS = ("from django.db import models\n\n\nclass Account(models.Model):\n"
          "    email = models.EmailField(unique=True)\n")
VIEW = ("from shop.models import Account\n\n\ndef sign_in(request):\n"
        "    Account.objects.create(email=request.POST['email'])\n")


def _tree(tmp_path):
    """shop/ is a package; shop/deps/ a package; shop/deps/protocols/oidc/ a namespace folder."""
    files = {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/deps/__init__.py": "",
             "shop/deps/protocols/__init__.py": "", "shop/deps/protocols/oidc/views.py": VIEW,
             "shop/deps/protocols/oidc/deeper/more.py": VIEW, "scratch/loose.py": VIEW}
    for relpath, text in files.items():
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # The behaviour under test is the fall-back with no project marker anywhere above the tree.
    folder = str(tmp_path)
    while os.path.dirname(folder) != folder:
        assert not any(os.path.exists(os.path.join(folder, m)) for m in ROOT_MARKERS), folder
        folder = os.path.dirname(folder)
    return tmp_path


def test_a_namespace_folder_inside_a_package_climbs_to_the_packages_root(tmp_path):
    root = _tree(tmp_path)
    assert find_root(str(root / "shop" / "deps" / "protocols" / "oidc" / "views.py")) == str(root)
    # through two namespace folders in a row, as long as a package holds them
    assert find_root(str(root / "shop" / "deps" / "protocols" / "oidc" / "deeper" / "more.py")) == str(root)
    assert find_root(str(root / "shop" / "models.py")) == str(root)


def test_a_folder_no_package_holds_stays_its_own_root(tmp_path):
    root = _tree(tmp_path)
    assert find_root(str(root / "scratch" / "loose.py")) == str(root / "scratch")


def test_the_namespace_folders_file_sees_the_projects_models_and_no_missing_package_note(tmp_path):
    root = _tree(tmp_path)
    result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", "--no-cache",
                             "shop/deps/protocols/oidc/views.py"], cwd=str(root), capture_output=True,
                            text=True, timeout=300)
    assert "not installed" not in result.stderr, result.stderr
    assert [(row["path"], row["line"], row["code"]) for row in json.loads(result.stdout)] == [
        ("shop/deps/protocols/oidc/views.py", 5, "UNQ001")], result.stderr
