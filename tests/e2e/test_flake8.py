"""The real flake8 over every fixture tree: whole-tree runs, single-file runs (what pre-commit does),
rules that are off by default, -j, and `# noqa`."""
import pytest

from .harness import (FIXTURES, excluded_write_files, expected, only, run_flake8, single_file_targets, trees,
                      whole_tree, without_columns)

TREES = trees("core")
SINGLE_FILES = [(tree, relpath) for tree in TREES for relpath in single_file_targets(tree)]


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_whole_tree(tree):
    assert without_columns(whole_tree("flake8", tree)) == expected(tree)


@pytest.mark.parametrize("tree,relpath", SINGLE_FILES, ids=[f"{t.name}/{p}" for t, p in SINGLE_FILES])
def test_single_file(tree, relpath):
    """Only the file is passed, from the tree root: models in other modules must still be found."""
    assert run_flake8(tree, [relpath]) == only(expected(tree), relpath)


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_off_by_default_rule_when_selected(tree):
    assert run_flake8(tree, extra_args=["--extend-select=UNQ004"]) == expected(tree, optional=True)


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_parallel_jobs(tree):
    assert run_flake8(tree, extra_args=["-j", "2"]) == expected(tree)


def test_select_family_keeps_optional_rules_off():
    tree = FIXTURES / "core" / "forms"
    assert any(code == "UNQ004" for _, _, code in expected(tree, optional=True))
    assert not any(code == "UNQ004" for _, _, code in run_flake8(tree))
    assert any(code == "UNQ004" for _, _, code in run_flake8(tree, extra_args=["--select=UNQ,UNQ004"]))


def test_tests_and_migrations_are_reported_only_when_not_excluded():
    """Test modules and migrations with writes: silent by default, flagged once `exclude` no longer names them."""
    for tree in TREES:
        for relpath in excluded_write_files(tree):
            assert run_flake8(tree, [relpath]) == set(), relpath
            assert run_flake8(tree, [relpath], extra_args=["--uniqueguard-exclude=nothing.py"]), relpath
    assert sum(len(excluded_write_files(tree)) for tree in TREES) >= 3


def test_noqa_suppresses():
    """`# noqa: UNQ001` hides the finding; the other lines carry only pylint's disable comment."""
    tree = FIXTURES / "suppression"
    assert expected(tree) == set()
    views = "shop/views.py"
    assert run_flake8(tree, extra_args=["--disable-noqa"]) == {(views, 5, "UNQ001"), (views, 9, "UNQ001"),
                                                               (views, 13, "UNQ001")}
    assert run_flake8(tree) == {(views, 9, "UNQ001")}
