"""Every fixture tree through the real flake8 and pylint: whole-tree runs and single-file runs.

Single-file runs are what pre-commit does: only the changed file is passed, and the models in other
modules must still be found from the project root.
"""
import importlib.util

import pytest

from .harness import expected, only, run_flake8, run_pylint, trees

TREES = trees("core")
IDS = [tree.name for tree in TREES]


@pytest.fixture(scope="module", params=TREES, ids=IDS)
def tree(request):
    return request.param


def test_django_is_not_installed():
    """The front ends are tested where Django cannot be imported, as in a pre-commit environment."""
    assert importlib.util.find_spec("django") is None


def test_flake8_whole_tree(tree):
    assert run_flake8(tree) == expected(tree)


def test_pylint_whole_tree(tree):
    assert run_pylint(tree) == expected(tree)


def test_off_by_default_rules_when_enabled(tree):
    everything = expected(tree, optional=True)
    assert run_flake8(tree, extra_args=["--extend-select=UNQ004"]) == everything
    assert run_pylint(tree, optional=True) == everything


def _single_files(tree):
    marked = sorted({path for path, _, _ in expected(tree)})
    return marked or [p.relative_to(tree).as_posix() for p in sorted(tree.rglob("*.py"))][:1]


def test_single_file_runs(tree):
    everything = expected(tree)
    for relpath in _single_files(tree):
        assert run_flake8(tree, [relpath]) == only(everything, relpath), relpath
        assert run_pylint(tree, [relpath]) == only(everything, relpath), relpath
