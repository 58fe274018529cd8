"""The real flake8 and the real pylint over every fixture tree, each front end the same way: whole-tree
runs, single-file runs (what pre-commit does), the off-by-default rule, -j, suppression comments, and
models from installed packages. Options only one front end has are tested in test_flake8.py."""
import pytest

from .harness import (FIXTURES, FRONTS, expected, expected_endings, messages, only, run_flake8, run_pylint,
                      single_file_targets, trees, whole_tree, without_columns)

TREES = trees("core")
SINGLE_FILES = [(tree, relpath) for tree in TREES for relpath in single_file_targets(tree)]
# How each front end turns on the off-by-default UNQ004 / validated-create-race.
WITH_OPTIONAL = {"flake8": {"extra_args": ["--extend-select=UNQ004"]}, "pylint": {"optional": True}}
by_front = pytest.mark.parametrize("front", sorted(FRONTS))
by_tree = pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)


@by_front
@by_tree
def test_whole_tree(front, tree):
    assert without_columns(whole_tree(front, tree)) == expected(tree)


@by_front
@pytest.mark.parametrize("tree,relpath", SINGLE_FILES, ids=[f"{t.name}/{p}" for t, p in SINGLE_FILES])
def test_single_file(front, tree, relpath):
    """Only the file is passed, from the tree root: models in other modules must still be found."""
    assert FRONTS[front](tree, [relpath]) == only(expected(tree), relpath)


@by_front
@by_tree
def test_off_by_default_rule_when_enabled(front, tree):
    assert FRONTS[front](tree, **WITH_OPTIONAL[front]) == expected(tree, optional=True)


@by_front
@by_tree
def test_parallel_jobs(front, tree):
    assert FRONTS[front](tree, extra_args=["-j", "2"]) == expected(tree)


MESSAGE_TREES = [tree for tree in TREES if expected_endings(tree)]


@by_front
@pytest.mark.parametrize("tree", MESSAGE_TREES, ids=lambda tree: tree.name)
def test_messages_end_as_the_markers_say(front, tree):
    """The hint a fixture line promises (`# ends with: ...`) is the one every front end prints there."""
    printed = messages(front, tree)
    wrong = {place: (ending, printed.get(place)) for place, ending in expected_endings(tree).items()
             if not any(text.endswith(ending) for text in printed.get(place, ()))}
    assert not wrong


SUPPRESSION = FIXTURES / "suppression"
SUPPRESSED_VIEWS = "shop/views.py"  # line 5: `# noqa: UNQ001`; 9: `# pylint: disable=`; 13: both


def test_every_suppressed_write_is_flagged_without_its_comment():
    """The control for the two tests below: with noqa ignored, flake8 flags all three writes."""
    assert expected(SUPPRESSION) == set()
    assert run_flake8(SUPPRESSION, extra_args=["--disable-noqa"]) == {
        (SUPPRESSED_VIEWS, 5, "UNQ001"), (SUPPRESSED_VIEWS, 9, "UNQ001"), (SUPPRESSED_VIEWS, 13, "UNQ001")}


def test_noqa_suppresses():
    assert run_flake8(SUPPRESSION) == {(SUPPRESSED_VIEWS, 9, "UNQ001")}


def test_disable_comment_suppresses():
    assert run_pylint(SUPPRESSION) == {(SUPPRESSED_VIEWS, 5, "UNQ001")}


def test_models_from_an_installed_package_are_read_never_imported():
    """The models live only in a package on the linting interpreter's path, whose __init__ raises."""
    project = FIXTURES / "installed" / "project"
    env = {"PYTHONPATH": str(FIXTURES / "installed" / "site-packages")}
    want = expected(project)
    assert want
    assert run_flake8(project, env=env) == want
    assert run_pylint(project, env=env) == want
    assert run_flake8(project, ["blog/views.py"], env=env) == want
