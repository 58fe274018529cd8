"""The tree's walk remembered between processes (index/tree_walk.py): a later process takes the list of
Python files from the facts cache only while walking again would find exactly the same files."""
import json
import os

import pytest

from uniqueguard.index import discovery, tree_walk
from uniqueguard.index.modules import ModuleIndex

TREE = ("shop/__init__.py", "shop/models.py", "shop/views.py", "shop/jobs/README.txt",
        "shop/templates/shop/page.html", "conf/locale/de/LC_MESSAGES/django.po", "node_modules/x/y.py")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A tree whose folders count as settled at once: a folder changed within SETTLED_NS before a walk
    began is never remembered (the next process walks again), and a test's folders are seconds old."""
    monkeypatch.setattr(discovery, "SETTLED_NS", 0)
    root = tmp_path / "proj"
    for name in TREE:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    return root


def _index(root, cache):
    """A ModuleIndex as a new process builds it (the cache saved by the one before)."""
    index = ModuleIndex(str(root), str(cache))
    index.save_cache(throttle=0.0)
    return index


def _walked(root):
    folders = {}
    files, _ = discovery.walk_python_files(str(root), folders)
    return files, folders


def _no_walk(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("walked the tree")
    monkeypatch.setattr(discovery, "walk_python_files", refuse)


def test_an_unchanged_tree_is_not_walked_again_and_gives_what_a_walk_gives(tree, tmp_path, monkeypatch):
    first = _index(tree, tmp_path / "cache")
    files, folders = _walked(tree)
    assert first.python_files == files
    _no_walk(monkeypatch)
    second = _index(tree, tmp_path / "cache")
    assert second.python_files == files and second._folders == folders  # the same stamps for changed_on_disk
    assert not second.problems.incomplete_walk
    assert second.models_modules == ["shop.models"]


@pytest.mark.parametrize("added", ["shop/tasks.py", "shop/templates/shop/helpers.py", "shop/jobs/nightly.py",
                                   "conf/locale/de/formats.py", "shop/api/__init__.py"])
def test_a_file_added_in_any_folder_walked_is_found_by_the_next_process(tree, tmp_path, added):
    """The templates and translations folders holding no Python file are not stamped for a long-running
    process's comparison (`changed_on_disk`), but a later process finds what a walk would, there too."""
    _index(tree, tmp_path / "cache")
    (tree / added).parent.mkdir(parents=True, exist_ok=True)
    (tree / added).write_text("")
    assert str(tree / added) in _index(tree, tmp_path / "cache").python_files
    assert _index(tree, tmp_path / "cache").python_files == _walked(tree)[0]


def test_a_file_removed_or_renamed_is_gone_for_the_next_process(tree, tmp_path):
    _index(tree, tmp_path / "cache")
    os.rename(tree / "shop" / "views.py", tree / "shop" / "pages.py")
    files = _index(tree, tmp_path / "cache").python_files
    assert str(tree / "shop" / "pages.py") in files and str(tree / "shop" / "views.py") not in files


def test_a_folder_that_becomes_a_virtualenv_is_skipped_by_the_next_process(tree, tmp_path):
    (tree / "tools" / "lib").mkdir(parents=True)
    (tree / "tools" / "lib" / "x.py").write_text("")
    assert str(tree / "tools" / "lib" / "x.py") in _index(tree, tmp_path / "cache").python_files
    (tree / "tools" / "pyvenv.cfg").write_text("")
    assert str(tree / "tools" / "lib" / "x.py") not in _index(tree, tmp_path / "cache").python_files


def test_a_walk_of_recently_changed_folders_is_not_remembered(tree, tmp_path, monkeypatch):
    """A folder changed shortly before the walk began may have changed while it was read, within one tick
    of a coarse clock: the next process walks again."""
    monkeypatch.setattr(discovery, "SETTLED_NS", 10 ** 18)
    _index(tree, tmp_path / "cache")
    walks = []
    real = discovery.walk_python_files
    monkeypatch.setattr(discovery, "walk_python_files", lambda *a, **k: walks.append(1) or real(*a, **k))
    _index(tree, tmp_path / "cache")
    assert walks == [1]


def test_an_incomplete_walk_is_never_remembered(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(discovery, "MAX_WALK_ENTRIES", 3)
    assert _index(tree, tmp_path / "cache").problems.incomplete_walk
    assert _index(tree, tmp_path / "cache").problems.incomplete_walk


def test_a_walk_remembered_under_another_entry_limit_is_walked_again(tree, tmp_path, monkeypatch):
    _index(tree, tmp_path / "cache")
    monkeypatch.setattr(discovery, "MAX_WALK_ENTRIES", 3)
    assert _index(tree, tmp_path / "cache").problems.incomplete_walk


@pytest.mark.parametrize("spoil", [
    lambda record: record["files"].append("shop/ghost.py"),
    lambda record: record["files"].pop(),
    lambda record: record["folders"].pop(),
    lambda record: record.update(tracked=[0, 99]),
    lambda record: record.update(tracked="x"),
    lambda record: record.update(print=5),
    lambda record: record.pop("files"),
])
def test_a_record_that_is_not_the_one_written_is_never_trusted(tree, tmp_path, spoil):
    cache = tmp_path / "cache"
    _index(tree, cache)
    (stored,) = [name for name in os.listdir(cache) if name.endswith(".json")]
    data = json.loads((cache / stored).read_text())
    spoil(data["walk"])
    (cache / stored).write_text(json.dumps(data))
    assert _index(tree, cache).python_files == _walked(tree)[0]


def test_remembered_walk_ignores_what_is_not_a_record(tree):
    assert tree_walk.remembered_walk(str(tree), None, {}) is None
    assert tree_walk.remembered_walk(str(tree), ["files"], {}) is None
    assert tree_walk.remembered_walk(str(tree), {"limit": discovery.MAX_WALK_ENTRIES}, {}) is None
