"""The persistent facts cache: cold, warm, stale, corrupt and foreign caches."""
import json
import os

from uniqueguard.index.cache import decode_module, encode_module
from uniqueguard.index.facts import Ref
from uniqueguard.index.project import STUBS_ROOT, Project

MODELS = """
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from shop import handlers

class Tag(models.Model):
    name = models.CharField(max_length=10, unique=True)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name"], condition=Q(x__gt=1.5), name="n")]
        options = {"a": [1, None, True], **extra}


class Badge(models.Model):
    tag = models.OneToOneField(Tag, on_delete=models.CASCADE)


@receiver(post_save, sender="shop.Tag")
def badge(sender, instance, **kwargs):
    Badge.objects.create(tag=instance)


def unconnected(sender, instance, **kwargs):
    Badge(tag_id=instance.pk).save()


post_save.connect(handlers.on_tag, sender=Tag)
"""


def build(project, cache_dir):
    index = Project(str(project.root), None, str(cache_dir))
    assert index.model("shop.models.Tag") is not None
    return index


def test_round_trip_is_exact(project):
    project.write("shop/models.py", MODELS)
    index = Project(str(project.root))
    for path in [str(project.root / "shop/models.py"),
                 os.path.join(STUBS_ROOT, "django/contrib/auth/models.py")]:
        facts = index.facts_for_path(path)
        assert decode_module(json.loads(json.dumps(encode_module(facts)))) == facts
    facts = index.facts_for_path(str(project.root / "shop/models.py"))
    assert [(r.name, r.creates, r.connected) for r in facts.receivers] == [
        ("badge", (("shop.models.Badge", "tag"),), True), ("unconnected", (("shop.models.Badge", "tag"),), False)]
    assert facts.connections == (("shop.handlers.on_tag", Ref("shop.models.Tag")),)


def test_cold_then_warm(project, tmp_path):
    project.write("shop/models.py", MODELS)
    cold = build(project, tmp_path)
    assert cold.modules.cache.hits == 0
    cold.save_cache(throttle=0)
    warm = build(project, tmp_path)
    assert warm.modules.cache.hits >= 1
    assert warm.model("shop.models.Tag").unique_sets == cold.model("shop.models.Tag").unique_sets


def test_stale_file_is_reread(project, tmp_path):
    path = project.write("shop/models.py", MODELS)
    build(project, tmp_path).save_cache(throttle=0)
    path.write_text(MODELS.replace("unique=True", "unique=False"))
    stale = Project(str(project.root), None, str(tmp_path))
    assert stale.model("shop.models.Tag").unique_sets[0].fields == ("name",)  # only the constraint now
    assert len(stale.model("shop.models.Tag").unique_sets) == 1


def test_corrupt_and_foreign_caches_are_ignored(project, tmp_path):
    project.write("shop/models.py", MODELS)
    first = build(project, tmp_path)
    first.save_cache(throttle=0)
    cache_file = first.modules.cache.file
    for garbage in ("{not json", json.dumps({"format": 1, "version": "0.0.0-other", "root": first.root,
                                             "entries": {}}),
                    json.dumps([1, 2, 3]), json.dumps({"format": 1, "version": "x", "root": "/elsewhere"})):
        with open(cache_file, "w") as handle:
            handle.write(garbage)
        again = build(project, tmp_path)
        assert again.modules.cache.hits == 0
        assert again.model("shop.models.Tag") is not None
    # An entry with the right stamp but mangled facts is dropped, not trusted.
    first.modules.cache.dirty = True
    first.save_cache(throttle=0)
    with open(cache_file) as handle:
        good = handle.read()
    assert build(project, tmp_path).modules.cache.hits > 0  # the file as written is read
    for mangle in (lambda text: json.dumps({**json.loads(text), "classes": [["only", "three", 1]]}),
                   json.loads,  # the payload decoded in the file (the previous format's shape), not its text
                   lambda text: text[:-1]):  # text that is no JSON
        data = json.loads(good)
        for entry in data["entries"].values():
            entry["facts"] = mangle(entry["facts"])
        with open(cache_file, "w") as handle:
            json.dump(data, handle)
        mangled = build(project, tmp_path)
        assert mangled.modules.cache.hits == 0
        assert mangled.model("shop.models.Tag").unique_sets


def test_cache_location_and_off_switch(project, tmp_path, monkeypatch):
    from uniqueguard.analysis.engine import Options, check_source

    project.write("shop/models.py", MODELS)
    view = project.write("shop/views.py", "from .models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    off, on = tmp_path / "off", tmp_path / "on"
    monkeypatch.setenv("UNIQUEGUARD_NO_CACHE", "1")
    assert [f.code for f in check_source(view.read_bytes(), str(view), Options(cache_dir=str(off)))] == ["UNQ001"]
    assert not off.exists()
    monkeypatch.delenv("UNIQUEGUARD_NO_CACHE")
    assert [f.code for f in check_source(view.read_bytes(), str(view), Options(cache=False, cache_dir=str(off)))] == ["UNQ001"]
    assert not off.exists()
    assert [f.code for f in check_source(view.read_bytes(), str(view), Options(cache_dir=str(on)))] == ["UNQ001"]
    # one file of module facts, one of call facts (who calls f()), one of helper summaries (what f() writes)
    assert sorted(p.name.rpartition("-")[2] if "-" in p.name else "facts" for p in on.iterdir()) == [
        "calls.json", "facts", "helpers.json"]


def test_recording_what_is_already_stored_does_not_rewrite_the_summaries(tmp_path):
    """A warm run records every analysed module's helper summaries again; when they are what the cache
    already holds, the file must not be rewritten (a pre-commit run of one file paid ~0.1 s for it)."""
    from uniqueguard.index.callgraph import SummariesCache

    module = tmp_path / "src" / "shop" / "services.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f():\n    pass\n")
    store = SummariesCache(str(tmp_path / "src"), str(tmp_path / "cache"))
    store.put_helpers(str(module), "fp", {"shop.services:f": [["a", "b"]]}, {}, {})
    store.put_names(str(module), "pattern", ["f"])
    assert store.dirty
    store.save()
    again = SummariesCache(str(tmp_path / "src"), str(tmp_path / "cache"))
    again.put_helpers(str(module), "fp", {"shop.services:f": [["a", "b"]]}, {}, {})
    again.put_names(str(module), "pattern", ["f"])
    assert not again.dirty
    again.put_helpers(str(module), "fp", {"shop.services:f": [["a", "c"]]}, {}, {})  # a changed summary
    assert again.dirty
    again.save()
    assert SummariesCache(str(tmp_path / "src"), str(tmp_path / "cache")).helpers(str(module), "fp")[0] == {
        "shop.services:f": [["a", "c"]]}
