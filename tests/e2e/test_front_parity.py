"""Every front end sees the same project, whatever its host does around the engine (issue 10, item 10;
reproducers d14 and d15 in shared/repro/reliability). Real processes throughout."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import FIXTURES, environment, expected, run_flake8, run_pylint

INSTALLED = FIXTURES / "installed"


def _cli(tree: Path, *args: str, env=None):
    result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", *args],
                            cwd=str(tree), capture_output=True, text=True, env=environment(env), timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    return {(row["path"], row["line"], row["code"]) for row in json.loads(result.stdout)}


@pytest.mark.parametrize("on_path", [False, True], ids=["not-installed", "installed"])
def test_pylint_s_own_sys_path_changes_nothing(on_path, tmp_path):
    """Linting the folder that holds both the project and a `site-packages` copy: pylint puts each
    linted package's parent on sys.path, flake8 and the command line do not. The models of
    `shared_tags` are found only when the interpreter itself has them on its path (PYTHONPATH)."""
    tree = tmp_path / "installed"
    shutil.copytree(INSTALLED, tree)
    env = {"PYTHONPATH": str(tree / "site-packages")} if on_path else None
    want = {("project/" + path, line, code) for path, line, code in expected(tree / "project")} if on_path else set()
    assert not on_path or want
    assert run_pylint(tree, ["."], env=env) == want
    assert run_flake8(tree, ["."], env=env) == want
    assert _cli(tree, ".", env=env) == want


WALK_DRIVER = '''
import sys
import uniqueguard.index.discovery as discovery
discovery.MAX_WALK_ENTRIES = 50  # the tree below has 60 data files: the walk stops early
front, jobs = sys.argv[1], sys.argv[2]
if front == "cli":
    from uniqueguard.fronts.cli import main
    sys.exit(main(["check", "--no-cache", "--no-progress", "-j", jobs, "shop"]))
from flake8.main.cli import main
sys.exit(main(["--isolated", "--select=UNQ", "-j", jobs, "shop"]))
'''


def _walk_notes(tree: Path, front: str, jobs: str):
    result = subprocess.run([sys.executable, "-c", WALK_DRIVER, front, jobs], cwd=str(tree), capture_output=True,
                            text=True, env=environment(), timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert sum("UNQ001" in line for line in lines) == 6, result.stdout  # the walk's end loses no finding here
    return [line for line in lines if "UNQ000" in line]


@pytest.mark.parametrize("front", ["cli", "flake8"])
def test_an_incomplete_walk_is_said_once_per_run_whatever_the_workers(front, tmp_path):
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "aaa_data").mkdir()
    for index in range(60):
        (tmp_path / "aaa_data" / f"f{index}.txt").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text("from django.db import models\n\nclass Tag(models.Model):\n"
                                    "    name = models.CharField(max_length=50, unique=True)\n")
    for index in range(1, 7):
        (shop / f"views{index}.py").write_text("from shop.models import Tag\n\ndef add(n):\n"
                                               "    Tag.objects.create(name=n)\n")
    serial = _walk_notes(tmp_path, front, "1")
    assert len(serial) == 1 and "not read completely" in serial[0]
    assert serial[0].lstrip("./").startswith("shop/__init__.py:1:1: UNQ000")  # the run's first file
    assert _walk_notes(tmp_path, front, "2") == serial
