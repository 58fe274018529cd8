"""Nothing read from the facts cache is trusted for its shape, and the cache folder does not grow forever
(issue 10, item 8; reproducer d11 in shared/repro/reliability)."""
import copy
import json
import os
import time

from hypothesis import given, settings, strategies as st

from uniqueguard.index import cache as cache_module
from uniqueguard.index.cache import FactsCache, decode_module, encode_module, prune, stamp
from uniqueguard.index.project import Project

MODELS = """
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver

class Tag(models.Model):
    name = models.CharField(max_length=10, unique=True)
    kind = models.CharField(choices=[("a", "A")], default="a")

    class Meta:
        unique_together = [("name", "kind")]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)


class Badge(models.Model):
    tag = models.OneToOneField(Tag, on_delete=models.CASCADE)


@receiver(post_save, sender=Tag)
def made(sender, instance, **kwargs):
    Badge.objects.create(tag=instance)
"""


def _cached(project, tmp_path):
    """A warm cache file for the project, and the path of the models module in it."""
    models = project.write("shop/models.py", MODELS)
    index = Project(str(project.root), None, str(tmp_path / "cache"))
    assert index.model("shop.models.Tag").unique_sets
    index.save_cache(throttle=0)
    return index.cache.file, str(models)


def _rewrite(cache_file, path, mangle):
    with open(cache_file) as handle:
        data = json.load(handle)
    facts = json.loads(data["entries"][path]["facts"])  # each entry's facts are JSON text of their own
    mangle(facts)
    data["entries"][path]["facts"] = json.dumps(facts)
    with open(cache_file, "w") as handle:
        json.dump(data, handle)


WRONG_SHAPES = {
    "a class that is null": lambda facts: facts.update(classes=[None]),
    "a line number that is a string": lambda facts: facts["classes"][0].__setitem__(2, "5"),
    "methods that are an object": lambda facts: facts["classes"][0].__setitem__(5, {}),
    "a flag that is a string": lambda facts: facts.update(is_package="no"),
    "a class cut short": lambda facts: facts["classes"][0].pop(),
    "assignments that are not pairs": lambda facts: facts["classes"][0].__setitem__(4, ["T", [["T", ["x"]]]]),
    "an import that is a string": lambda facts: facts.update(imports=["django.db.models"]),
    "a receiver with a null name": lambda facts: facts["receivers"][0].__setitem__(0, None),
    "an unknown value tag": lambda facts: facts.update(assigns=["Z", []]),
}


def test_each_wrong_shape_is_discarded_and_the_file_read_again(project, tmp_path):
    cache_file, path = _cached(project, tmp_path)
    for what, mangle in WRONG_SHAPES.items():
        _rewrite(cache_file, path, mangle)
        assert FactsCache(str(project.root), str(tmp_path / "cache")).get(path) is None, what
        index = Project(str(project.root), None, str(tmp_path / "cache"))
        assert [s.fields for s in index.model("shop.models.Tag").unique_sets] == [("name",), ("name", "kind")], what
        assert not index.problems.unreadable, what
        index.save_cache(throttle=0)  # rebuilt: the next run reads the entry again
        assert FactsCache(str(project.root), str(tmp_path / "cache")).get(path) is not None, what


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=3),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
                    max_leaves=6)


def _locations(value, where=()):
    yield where
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _locations(item, where + (index,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _locations(item, where + (key,))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_any_json_in_any_place_is_decoded_faithfully_or_refused(data):
    """Replace one node of a real entry with arbitrary JSON: the entry is refused (a ValueError-family
    error FactsCache.get turns into a miss), or what it decodes to encodes back to the same facts."""
    facts = _ENCODED
    where = data.draw(st.sampled_from(list(_locations(facts))[1:]))
    mangled = copy.deepcopy(facts)
    holder = mangled
    for step in where[:-1]:
        holder = holder[step]
    holder[where[-1]] = data.draw(JSON)
    try:
        decoded = decode_module(mangled)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return
    assert decode_module(json.loads(json.dumps(encode_module(decoded)))) == decoded


def _encoded_facts():
    import ast

    from uniqueguard.index.facts import module_facts

    return encode_module(module_facts(ast.parse(MODELS), "shop.models", "/p/shop/models.py", False))


_ENCODED = _encoded_facts()


def _cache_file(directory, name, root, age_days=0.0):
    path = directory / name
    path.write_text(json.dumps({"format": cache_module.FORMAT, "version": "x", "root": root, "entries": {}}))
    then = time.time() - age_days * 24 * 3600
    os.utime(path, (then, then))
    return path


def test_prune_removes_vanished_roots_old_files_and_dead_temporaries(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    alive = tmp_path / "alive"
    alive.mkdir()
    kept = [_cache_file(folder, "a.json", str(alive)), _cache_file(folder, "b.json", str(alive), age_days=29),
            _cache_file(folder, "mine.json", str(tmp_path / "gone"), age_days=40)]  # the running project's
    (folder / "notes.txt").write_text("not ours")
    gone = [_cache_file(folder, "c.json", str(tmp_path / "deleted checkout")),
            _cache_file(folder, "d.json", str(alive), age_days=31),
            _cache_file(folder, ".tmp-x.json", str(alive), age_days=1)]
    fresh_temporary = _cache_file(folder, ".tmp-y.json", str(alive))
    assert prune(str(folder), keep=str(folder / "mine.json")) == len(gone)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [p.name for p in kept] + ["notes.txt", fresh_temporary.name])


def test_a_run_prunes_the_cache_folder_once(project, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir()
    _cache_file(folder, "old-checkout.json", str(tmp_path / "removed"))
    monkeypatch.setattr(cache_module, "_PRUNED", False)
    project.write("shop/models.py", MODELS)
    index = Project(str(project.root), None, str(folder))
    index.model("shop.models.Tag")
    index.save_cache(throttle=0)
    assert os.path.basename(index.cache.file) in [p.name for p in folder.iterdir()]
    assert not (folder / "old-checkout.json").exists()
    assert stamp(str(folder / "nothing")) is None
