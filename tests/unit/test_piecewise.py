"""A module read for its facts a group of top-level statements at a time (index/piecewise.py), a big class a
group of its members at a time, gives the facts and the layout a whole parse gives (issue 9's memory: a
100 kB module beside the one under analysis was one 9 MB tree). Where the pieces could read otherwise
than the whole, the module is read whole (`read` gives None); the look-alikes next to each such case are
still read in pieces. bench/piecewise.py compares the two readings over every file of the corpora."""
import ast

import pytest

from uniqueguard.index import discovery, piecewise
from uniqueguard.index import project as project_module
from uniqueguard.index.facts import module_facts
from uniqueguard.index.sources import Layout

# A big class whose members hold lines at column 0 (in strings, after a backslash, in brackets), comments
# at column 0, decorated members, a nested Meta, statements under `if`, then more top-level code; a
# function calling one defined further down; a later import of a name nothing above resolved.
MODELS = '''"""Models."""
import os
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver


def make_code():
    return new_code()


@python_2_unicode_compatible
class Coupon(models.Model):
    """A coupon.
Not a statement: column 0 in a docstring
"""
    code = models.CharField(max_length=20, unique=True, default=make_code)
    label = models.CharField(
max_length=10)
# a comment at column 0
    total = 1 + \\
2

    class Meta:
        unique_together = [("code", "label")]

    @property
    def text(self):
        return """line
else:
    def fake(self):
        pass
"""

    if os.environ.get("X"):
        extra = models.SlugField(unique=True)
    else:
        extra = models.SlugField()

    def save(self, *args, **kwargs):
        Badge.objects.create(name=self.code)
        super().save(*args, **kwargs)

    def later(self): return Badge


class Badge(models.Model):
    name = models.CharField(max_length=20, unique=True)


@receiver(post_save, sender=Coupon)
def on_coupon(sender, instance, created, **kwargs):
    Badge.objects.get_or_create(name=instance.code)


def stamp(instance, **kwargs):
    Badge.objects.create(name=instance)


def new_code():
    return os.urandom(8).hex()


import uuid
DJANGO = os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
'''


def _whole(text: str, settings: bool = False):
    tree = ast.parse(text)
    facts = module_facts(tree, "shop.models", "/p/shop/models.py", False, settings)
    layout = Layout([len(text)], "shop.models", tree.body, imports=facts.imports)
    return facts, (layout.owners, layout.names_, list(layout.lines))


def _pieces(text: str, settings: bool = False):
    found = piecewise.read(text.encode("utf-8"), "/p/shop/models.py", "shop.models", False, [len(text)], settings)
    if found is None:
        return None
    facts, layout = found
    return facts, (layout.owners, layout.names_, list(layout.lines))


def _parsed(monkeypatch):
    """The texts parsed, each without the blank lines that put it at its own line numbers."""
    texts = []
    real = discovery.parse_source
    monkeypatch.setattr(discovery, "parse_source", lambda source, path: texts.append(source.lstrip("\n")) or real(source, path))
    return texts


@pytest.mark.parametrize("group", [1, 40, 200, 8192])
@pytest.mark.parametrize("settings", [False, True])
def test_the_pieces_give_the_whole_modules_facts(monkeypatch, group, settings):
    monkeypatch.setattr(piecewise, "GROUP", group)
    whole = _whole(MODELS, settings)
    assert whole[0].cls("Coupon").assigned("code") is not None and whole[0].receivers  # the module says much
    assert _pieces(MODELS, settings) == whole


# A models module whose one class is most of it, written plainly (no line at column 0 inside it)
BIG = ("from django.db import models\n\n\nclass Order(models.Model):\n    \"\"\"An order.\"\"\"\n\n"
       + "".join(f"    field_{n} = models.CharField(max_length={n + 1}, unique={n % 2 == 0})\n" for n in range(40))
       + "".join(f"\n    def method_{n}(self):\n        return self.field_{n}\n" for n in range(20))
       + "\n\nclass Line(models.Model):\n    order = models.ForeignKey(Order, on_delete=models.CASCADE)\n")


def test_no_piece_is_the_whole_module_nor_the_whole_class(monkeypatch):
    """Read 200 characters at a time, no text parsed is the module, nor its big class: the class is read
    from its header and its members, a few at a time, each line once."""
    monkeypatch.setattr(piecewise, "GROUP", 200)
    texts = _parsed(monkeypatch)
    assert _pieces(BIG) == _whole(BIG)
    order = BIG[BIG.index("class Order"):BIG.index("class Line")]
    assert max(len(text) for text in texts) < len(order) / 5
    assert len([text for text in texts if text.startswith("if 1:\n    ")]) > 10  # the class's members
    assert sum(len(text) for text in texts) < 1.1 * len(BIG)


def test_lines_at_column_0_inside_a_class_cost_a_few_attempts(monkeypatch):
    """MODELS's class has lines at column 0 in strings, brackets and continuations: the cuts there fail
    and the group grows, so the text parsed stays within twice the module's."""
    monkeypatch.setattr(piecewise, "GROUP", 200)
    texts = _parsed(monkeypatch)
    assert _pieces(MODELS) == _whole(MODELS)
    assert len(texts) > 5 and sum(len(text) for text in texts) < 2 * len(MODELS)


def test_one_group_for_a_small_module(monkeypatch):
    texts = _parsed(monkeypatch)
    assert _pieces(MODELS) == _whole(MODELS)
    assert texts == [MODELS]


@pytest.mark.parametrize("source", [
    # `post_save.connect()` calls are read from the whole tree
    "from django.db.models.signals import post_save\n\ndef f(instance, **kw):\n    pass\n\npost_save.connect(f)\n",
    # an import further down of a name resolved above: the whole module resolves it through the import
    "def f():\n    return helper()\n\nfrom shop.tools import helper\n",
    # a line of a string that reads like a top-level `def`: the names defined are not what the text says
    'def f():\n    return """\ndef ghost():\n"""\n',
    # not Python: `else:` after a class (the pieces alone would take it for the wrapper's)
    "class A:\n    x = 1\n" + "    y = 2\n" * 30 + "else:\n    pass\n",
    # a syntax error: read whole, to say where
    "def f(:\n    pass\n",
])
def test_read_whole_when_the_pieces_could_differ(monkeypatch, source):
    monkeypatch.setattr(piecewise, "GROUP", 10)
    assert _pieces(source) is None


@pytest.mark.parametrize("source", [
    # "connection" is not `connect`
    "from django.db import connection\n\ndef f():\n    return connection.cursor()\n",
    # an import further down of a name nothing above resolved
    "def f():\n    return 1\n\nfrom shop.tools import helper\n",
    # a function calling one defined further down
    "def f():\n    return g()\n\ndef g():\n    return 1\n",
])
def test_read_in_pieces_when_they_cannot_differ(monkeypatch, source):
    monkeypatch.setattr(piecewise, "GROUP", 10)
    assert _pieces(source) == _whole(source)


def test_a_module_in_another_encoding_is_read_whole():
    source = "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n"
    assert piecewise.read(source.encode("latin-1"), "/p/m.py", "m", False, [1]) is None


def test_the_index_reads_a_module_beside_the_linted_one_in_pieces(project, monkeypatch):
    """The index reads a models module it has no tree of in pieces: a whole parse of it is refused here,
    and its facts are still those of the whole module."""
    monkeypatch.setattr(piecewise, "GROUP", 200)
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", "from shop.models import Coupon\n")
    texts = _parsed(monkeypatch)
    index = project_module.project_for(str(project.root / "shop" / "views.py"))
    facts = index.module("shop.models")
    assert texts and MODELS not in texts
    whole = module_facts(ast.parse(MODELS), "shop.models", facts.path, False)
    assert facts == whole
