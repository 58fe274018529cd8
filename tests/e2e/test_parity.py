"""flake8 and pylint report the same findings, to the column, and the fixture trees are worth comparing."""
import importlib.util

import pytest

from .harness import FIXTURES, clean_write_files, expected, run_flake8, run_pylint, trees, whole_tree

TREES = trees("core")


def test_django_is_not_installed():
    """The front ends are tested where Django cannot be imported, as in a pre-commit environment."""
    assert importlib.util.find_spec("django") is None


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_whole_tree_findings_are_identical(tree):
    flake8 = whole_tree("flake8", tree)
    assert flake8 == whole_tree("pylint", tree)
    assert flake8 or not expected(tree), "both front ends found nothing"


def test_single_file_findings_are_identical():
    tree = FIXTURES / "core" / "registration"
    found = run_flake8(tree, ["accounts/views.py"], columns=True)
    assert found == run_pylint(tree, ["accounts/views.py"], columns=True)
    assert found == {("accounts/views.py", 11, 16, "UNQ001")}  # `user = User.objects.create_user(` starts at 16


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_fixture_tree_has_flagged_and_clean_writes(tree):
    """Every tree flags something and has a module of clean look-alikes, so no comparison is vacuous."""
    assert expected(tree, optional=True)
    assert clean_write_files(tree)
    assert (tree / "manage.py").is_file() or (tree / "pyproject.toml").is_file()
