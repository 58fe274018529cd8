"""Bad input never crashes and never loses a finding silently."""
import os

from uniqueguard.engine import check_source

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
