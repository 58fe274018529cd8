"""The registry's project-wide indexes kept between processes (index/project_indexes.py): a warm run
answers `user.tickets` without reading every models module, and any change the indexes rest on is seen."""
import os

import pytest

from uniqueguard.index import project_indexes
from uniqueguard.index.project import Project as Index

MEMBER = """
from django.db import models

class Member(models.Model):
    email = models.EmailField(unique=True)
"""
TICKET = """
from django.db import models

class Ticket(models.Model):
    code = models.CharField(max_length=8, unique=True)
    owner = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="{name}")
"""
POST = """
from django.db import models

class Post(models.Model):
    slug = models.SlugField(unique=True)
"""


@pytest.fixture
def shop(project, tmp_path):
    project.write("accounts/models.py", MEMBER)
    project.write("shop/models.py", TICKET.format(name="tickets"))
    project.write("blog/__init__.py", "")
    project.write("blog/models.py", POST)
    project.cache = tmp_path / "facts"
    return project


def _process(project) -> Index:
    """The index a new process builds for the project, over the same cache folder."""
    return Index(str(project.root), cache_dir=str(project.cache))


def _sole(project, accessor, first=None):
    """(model, field) names of `sole_reverse_relation(accessor)` in a new process, and its index;
    `first`, a model the process builds before it asks."""
    index = _process(project)
    if first is not None:
        assert index.model(first) is not None
    found = index.sole_reverse_relation(accessor)
    index.save_cache(throttle=0)
    return (None if found is None else (found[0].name, found[1].name)), index


def _read(index, relpath):
    return os.path.join(str(index.root), relpath) in index.modules._facts_by_path


def test_a_warm_process_answers_from_the_kept_names_reading_only_the_model_named(shop):
    cold, index = _sole(shop, "tickets")
    assert cold == ("Ticket", "owner") and _read(index, "blog/models.py")
    warm, index = _sole(shop, "tickets")
    assert warm == cold
    assert _read(index, "shop/models.py") and not _read(index, "blog/models.py")


def test_a_changed_models_module_builds_the_indexes_again(shop):
    assert _sole(shop, "tickets")[0] == ("Ticket", "owner")
    shop.write("shop/models.py", TICKET.format(name="passes"))
    assert _sole(shop, "tickets")[0] is None
    assert _sole(shop, "passes")[0] == ("Ticket", "owner")


def test_a_change_in_a_base_outside_the_models_modules_is_seen(shop):
    """The abstract base lives in `shop/bases.py`, which no models-module scan lists: the build read it,
    though the process had looked the base up before the build (its class lookups start from nothing)."""
    shop.write("shop/bases.py", TICKET.replace("class Ticket", "class Owned").replace(
        'related_name="{name}")', 'related_name="%(class)s_items")\n\n    class Meta:\n        abstract = True'))
    shop.write("shop/models.py", "from .bases import Owned\n\nclass Ticket(Owned):\n    pass\n")
    assert _sole(shop, "ticket_items", first="shop.models.Ticket")[0] == ("Ticket", "owner")
    bases = (shop.root / "shop" / "bases.py").read_text()
    shop.write("shop/bases.py", bases.replace("%(class)s_items", "owned_%(class)s"))
    assert _sole(shop, "ticket_items")[0] is None
    assert _sole(shop, "owned_ticket")[0] == ("Ticket", "owner")


def test_a_new_file_builds_the_indexes_again(shop):
    """A second model with a `tickets` accessor (on posts) makes the answer ambiguous: the added file must
    be seen, though no file the first build read has changed."""
    assert _sole(shop, "tickets")[0] == ("Ticket", "owner")
    shop.write("events/__init__.py", "")
    shop.write("events/models.py", TICKET.format(name="tickets").replace("Ticket", "Pass").replace(
        "accounts.Member", "blog.Post"))
    assert _sole(shop, "tickets")[0] is None


def test_a_new_file_no_build_read_is_seen(shop):
    """`shop/bases.py` did not exist, so no build read it: its arrival makes `Ticket` a model with an owner."""
    shop.write("shop/models.py", "from .bases import Owned\n\nclass Ticket(Owned):\n    pass\n")
    assert _sole(shop, "tickets")[0] is None
    shop.write("shop/bases.py", TICKET.format(name="tickets").replace("class Ticket", "class Owned"))
    assert _sole(shop, "tickets")[0] == ("Ticket", "owner")


def test_the_same_process_state_is_kept_when_nothing_changed(shop):
    _sole(shop, "tickets")
    index = _process(shop)
    record = index.cache.extras[project_indexes.EXTRA]
    index.sole_reverse_relation("tickets")
    assert not index.cache.dirty and index.cache.extras[project_indexes.EXTRA] is record


@pytest.mark.parametrize("odd", [None, "text", {"key": 1}, {"reverse": []},
                                 "same key, reads not a dict", "same key, bad rows", "same key, a row too short"])
def test_an_odd_record_is_never_trusted(shop, odd):
    _sole(shop, "tickets")
    index = _process(shop)
    record = dict(index.cache.extras[project_indexes.EXTRA])
    if odd == "same key, reads not a dict":
        record["reads"] = []
    elif odd == "same key, bad rows":
        record["reverse"] = [["x", [[1, 2, 3]]]]
    elif odd == "same key, a row too short":
        record["one_to_one"] = [["a", "b"]]
    else:
        record = odd
    index.cache.extras[project_indexes.EXTRA] = record
    found = index.sole_reverse_relation("tickets")
    assert (found[0].name, found[1].name) == ("Ticket", "owner")


def test_a_models_module_that_cannot_be_read_is_said_in_a_warm_process_too(shop):
    shop.write("blog/models.py", POST + "\ndef broken(:\n")
    blog = str(shop.root / "blog" / "models.py")
    assert blog in _sole(shop, "tickets")[1].problems.unreadable
    index = _sole(shop, "tickets")[1]
    assert not _read(index, "blog/models.py") and blog in index.problems.unreadable


def test_without_a_cache_folder_the_indexes_are_built_by_the_registry_itself(shop):
    index = Index(str(shop.root), cache_dir=None)
    found = index.sole_reverse_relation("tickets")
    assert (found[0].name, found[1].name) == ("Ticket", "owner")
    assert index.models_for_class("django.db.models.Manager") == []  # stub managers are not project classes
    assert project_indexes.EXTRA not in index.cache.extras
