"""The real pylint over every fixture tree: whole-tree runs, single-file runs, rules that are off by
default, -j, and `# pylint: disable=`."""
import pytest

from .harness import (FIXTURES, expected, only, run_flake8, run_pylint, single_file_targets, trees, whole_tree,
                      without_columns)

TREES = trees("core")
SINGLE_FILES = [(tree, relpath) for tree in TREES for relpath in single_file_targets(tree)]


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_whole_tree(tree):
    assert without_columns(whole_tree("pylint", tree)) == expected(tree)


@pytest.mark.parametrize("tree,relpath", SINGLE_FILES, ids=[f"{t.name}/{p}" for t, p in SINGLE_FILES])
def test_single_file(tree, relpath):
    """Only the file is passed, from the tree root: models in other modules must still be found."""
    assert run_pylint(tree, [relpath]) == only(expected(tree), relpath)


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_off_by_default_rule_when_enabled(tree):
    assert run_pylint(tree, optional=True) == expected(tree, optional=True)


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_parallel_jobs(tree):
    assert run_pylint(tree, extra_args=["-j", "2"]) == expected(tree)


def test_disable_comment_suppresses():
    """`# pylint: disable=unguarded-create` hides the finding; flake8 (which ignores that comment, and here
    its own noqa too) shows that every write in the file is flagged without it."""
    tree = FIXTURES / "suppression"
    assert expected(tree) == set()
    views = "shop/views.py"
    assert run_flake8(tree, extra_args=["--disable-noqa"]) == {(views, 5, "UNQ001"), (views, 9, "UNQ001"),
                                                               (views, 13, "UNQ001")}
    assert run_pylint(tree) == {(views, 5, "UNQ001")}
