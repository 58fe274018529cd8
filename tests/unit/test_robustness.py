"""Bad input never crashes and never loses a finding silently."""
import os

import pytest

from uniqueguard.analysis.engine import check_source

MODELS = "from django.db import models\n\nclass Tag(models.Model):\n    name = models.CharField(unique=True)\n"


def test_unreadable_models_module_is_reported_and_the_rest_still_works(project):
    project.write("shop/models.py", MODELS)
    project.write("accounts/models.py", "class Broken(models.Model:\n    pass\n")
    project.write("shop/views.py", "from accounts.models import Broken\nfrom shop.models import Tag\n\n"
                  "def f(n):\n    Tag.objects.create(name=n)\n    Broken.objects.create(name=n)\n")
    found = project.findings("shop/views.py")
    assert [(f.line, f.code) for f in found] == [(1, "UNQ000"), (5, "UNQ001")]
    assert "cannot read accounts/models.py (syntax error at line 1" in found[0].message


def test_dangling_models_symlink(project):
    project.write("shop/__init__.py", "")
    os.symlink(project.root / "nowhere.py", project.root / "shop" / "models.py")
    project.write("shop/views.py", "from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    found = project.findings("shop/views.py")
    assert [(f.line, f.code) for f in found] == [(1, "UNQ000")]
    assert "cannot read" in found[0].message


def test_symlink_loop_in_tree(project):
    project.write("shop/models.py", MODELS)
    os.symlink(project.root, project.root / "shop" / "loop")
    project.write("shop/views.py", "from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    assert project.lint("shop/views.py") == [(4, "UNQ001")]


def test_undecodable_and_odd_sources_do_not_crash(project):
    path = str(project.root / "shop" / "odd.py")
    assert check_source(b"x = '\xff\xfe'\n", path) == []
    assert check_source(b"x = 1\x00\n", path) == []
    assert check_source(b"def broken(:\n", path) == []
    assert check_source("# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n".encode("latin-1"), path) == []
    assert check_source(b"", path) == []


def test_huge_and_deep_sources(project):
    project.write("shop/models.py", MODELS)
    path = str(project.root / "shop" / "views.py")
    long_sum = "x = " + " + ".join(["a"] * 5000) + "\n"
    long_chain = "from shop.models import Tag\ny = Tag.objects" + ".filter()" * 150 + ".create(name=1)\n"
    deep = "def f():\n" + "".join("    " * i + f"if a{i}:\n" for i in range(1, 90)) + "    " * 90 + "pass\n"
    walrus = "from shop.models import Tag\n@d(x := 1)\ndef f(n):\n    if (t := Tag(name=n)):\n        t.save()\n"
    for source in (long_sum, long_chain, deep, walrus, "x = 1\n" * 10000):
        found = check_source(source.encode(), path)
        assert all(f.code != "UNQ000" for f in found), found
    assert [f.code for f in check_source(long_chain.encode(), path)] == ["UNQ001"]


@pytest.mark.parametrize("depth", [150, 500])
def test_deep_nesting_of_every_kind(project, depth):
    project.write("shop/models.py", MODELS)
    path = str(project.root / "shop" / "views.py")
    shapes = [
        "x = " + "(" * depth + "1" + ")" * depth + "\n",
        "x = " + "[" * depth + "]" * depth + "\n",
        "x = " + "f(" * depth + ")" * depth + "\n",
        "".join("    " * i + f"def f{i}():\n" for i in range(depth)) + "    " * depth + "pass\n",
        "from shop.models import Tag\ndef g(n):\n    Tag.objects.create(name=" + "f(" * min(depth, 150) + "n" + ")" * min(depth, 150) + ")\n",
    ]
    for source in shapes:
        found = check_source(source.encode(), path)
        assert not [f for f in found if f.code == "UNQ000"], found


def test_decorators_and_walrus_everywhere(project):
    project.write("shop/models.py", MODELS)
    source = """
from shop.models import Tag
import functools

@functools.lru_cache(maxsize=(size := 3))
@(lambda f: f)
class Holder:
    @staticmethod
    @functools.wraps(print)
    def make(n):
        if (tag := Tag(name=n)) and (again := tag):
            again.save()
        return [t for t in [Tag.objects.create(name=(k := n))] if (m := t)]

    @property
    def value(self):
        return (yield from ())
"""
    path = project.write("shop/views.py", source)
    found = check_source(path.read_bytes(), str(path))
    assert [(f.line, f.code) for f in found] == [(12, "UNQ001"), (13, "UNQ001")]


def test_project_root_with_fifty_thousand_files(tmp_path):
    root = tmp_path / "big"
    (root / "shop").mkdir(parents=True)
    (root / "manage.py").write_text("")
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text(MODELS)
    for folder in range(50):
        target = root / "assets" / f"d{folder}"
        target.mkdir(parents=True)
        for index in range(1000):
            (target / f"f{index}.txt").touch()
    view = root / "shop" / "views.py"
    view.write_text("from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    assert [(f.line, f.code) for f in check_source(view.read_bytes(), str(view))] == [(4, "UNQ001")]


def test_an_incomplete_walk_is_said_once(project, monkeypatch):
    import uniqueguard.index.discovery as discovery

    monkeypatch.setattr(discovery, "MAX_WALK_ENTRIES", 3)
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", "from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    project.write("shop/more.py", "from shop.models import Tag\n\ndef g(n):\n    Tag(name=n).save()\n")
    first = project.findings("shop/views.py")
    assert [f.code for f in first][0] == "UNQ000" and "not read completely" in first[0].message
    assert all(f.code != "UNQ000" for f in project.findings("shop/more.py"))
