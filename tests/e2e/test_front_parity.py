"""Every front end sees the same project, whatever its host does around the engine (issue 10, item 10;
reproducers d14 and d15 in shared/repro/reliability). Real processes throughout."""
import json
import multiprocessing
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


PYLINT_WALK_DRIVER = '''
import multiprocessing
import sys

import uniqueguard.index.discovery as discovery

discovery.MAX_WALK_ENTRIES = 50  # at import: a worker that is not forked imports this file again

if __name__ == "__main__":
    method, jobs = sys.argv[1], sys.argv[2]
    if method != "default":
        multiprocessing.set_start_method(method)
    from pylint.lint import Run
    Run(["--rcfile=/dev/null", "--persistent=n", "--load-plugins=uniqueguard", "--disable=all",
         "--enable=uniqueguard-unreadable,unguarded-create", "--score=n",
         "--msg-template={path}:{line}:{column}: {symbol} {msg}", "-j", jobs, "shop"])
'''


def _walk_output(tree: Path, front: str, jobs: str, method: str = "default"):
    """The run's findings and notes, sorted (workers finish in any order)."""
    if front == "pylint":
        driver = tree.parent / "pylint_walk_driver.py"
        driver.write_text(PYLINT_WALK_DRIVER)
        command = [sys.executable, str(driver), method, jobs]
    else:
        command = [sys.executable, "-c", WALK_DRIVER, front, jobs]
    result = subprocess.run(command, cwd=str(tree), capture_output=True, text=True, env=environment(), timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    lines = sorted(line for line in result.stdout.splitlines() if not line.startswith("*" * 13))  # pylint's headers
    assert sum("UNQ001" in line or "unguarded-create" in line for line in lines) == 6, result.stdout
    return lines


def _notes(lines):
    return [line for line in lines if "UNQ000" in line or "uniqueguard-unreadable" in line]


def _over_the_walk_limit(tmp_path: Path, package_text: str = "") -> Path:
    """A project whose tree has more entries than the walk reads (the drivers lower the limit to 50)."""
    tree = tmp_path / "project"
    tree.mkdir()
    (tree / "manage.py").write_text("")
    (tree / "aaa_data").mkdir()
    for index in range(60):
        (tree / "aaa_data" / f"f{index}.txt").write_text("")
    shop = tree / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text(package_text)
    (shop / "models.py").write_text("from django.db import models\n\nclass Tag(models.Model):\n"
                                    "    name = models.CharField(max_length=50, unique=True)\n")
    for index in range(1, 7):
        (shop / f"views{index}.py").write_text("from shop.models import Tag\n\ndef add(n):\n"
                                               "    Tag.objects.create(name=n)\n")
    return tree


@pytest.mark.parametrize("front", ["cli", "flake8"])
def test_an_incomplete_walk_is_said_once_per_run_whatever_the_workers(front, tmp_path):
    tree = _over_the_walk_limit(tmp_path)
    serial = _walk_output(tree, front, "1")
    assert len(_notes(serial)) == 1 and "not read completely" in _notes(serial)[0]
    assert _notes(serial)[0].lstrip("./").startswith("shop/__init__.py:1:1: UNQ000")  # the run's first file
    assert _walk_output(tree, front, "2") == serial


def test_pylint_says_an_incomplete_walk_once_per_run_however_its_workers_start(tmp_path):
    """pylint gives plugins no list of its files: the front lists them in pylint's own process before
    any worker starts (fronts/pylint_files.py). Forked workers inherit where the note goes; workers
    that start afresh (spawn, forkserver: Python 3.14's default on Linux, macOS's and Windows') are
    handed it with the linter pylint pickles for them. Either way `-j2` prints what `-j1` prints —
    each message once, also on pylint 3.0 to 4.0, which register the plugin a second time in each
    worker."""
    tree = _over_the_walk_limit(tmp_path)
    serial = _walk_output(tree, "pylint", "1")
    assert len(_notes(serial)) == 1 and "not read completely" in _notes(serial)[0]
    assert _notes(serial)[0].startswith("shop/__init__.py:1:0: uniqueguard-unreadable")  # the run's first file
    methods = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]
    for method in methods:
        assert _walk_output(tree, "pylint", "2", method) == serial, method


@pytest.mark.parametrize("front", ["flake8", "pylint"])
def test_the_note_skips_a_first_file_its_host_will_not_lint(front, tmp_path):
    """flake8 and pylint never run a plugin on a file that does not parse (they report E999 /
    syntax-error themselves): the note goes on the next file instead of being lost."""
    tree = _over_the_walk_limit(tmp_path, package_text="def broken(:\n")
    serial = _walk_output(tree, front, "1")
    assert len(_notes(serial)) == 1 and _notes(serial)[0].lstrip("./").startswith("shop/models.py:1:")
    assert _walk_output(tree, front, "2") == serial
