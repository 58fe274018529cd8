"""The shortcuts the engine takes for speed say exactly what the slow spelling says."""
import ast
import gc
import random
import re
import weakref

import pytest

from uniqueguard.index.callgraph import mentions
from uniqueguard.analysis.scope import ModuleScope
from uniqueguard.index.facts import child_nodes, iter_nodes

MODELS = "from django.db import models\n\nclass Tag(models.Model):\n    name = models.CharField(unique=True)\n"


def test_mentions_finds_a_name_as_a_whole_word_like_the_regular_expression():
    rng = random.Random(7)
    alphabet = "ab_(). \n\u00e9x1\u0663"  # Arabic-Indic digit and an accented letter are word characters
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        name = rng.choice(["a", "ab", "a_b", "x1", "b"])
        assert mentions(text, name) == bool(re.search(r"\b" + re.escape(name) + r"\b", text)), (text, name)
    assert mentions("issue_coupon(x)\nissue(y)", "issue")
    assert not mentions("issue_coupon(x)\nreissue(y)", "issue")


def test_child_nodes_are_ast_children_in_order_without_contexts():
    tree = ast.parse("def f(a, *b, c=1, **d):\n    x, [y] = g(a)[0].h\n    for i in range(3): x += i\n"
                     "    return {k: v for k, v in x.items() if v} or (lambda z: z)\n")
    for node in ast.walk(tree):
        expected = [n for n in ast.iter_child_nodes(node) if not isinstance(n, ast.expr_context)]
        assert child_nodes(node) == expected


def test_a_check_leaves_the_collector_as_it_found_it(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", "from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    assert gc.isenabled()
    assert project.lint("shop/views.py") == [(4, "UNQ001")]
    assert gc.isenabled()
    gc.disable()
    try:
        assert project.lint("shop/views.py") == [(4, "UNQ001")]
        assert not gc.isenabled()  # the host's choice stands
    finally:
        gc.enable()


class _Holder:
    pass


def test_a_cycle_the_host_holds_during_a_check_is_still_young_after_it(project):
    """The host's per-file objects (flake8's checker, its tree, tokens) are alive while the plugin runs
    and often cyclic: moved to the oldest generation, they wait for a full collection, which Python runs
    rarely — flake8's peak memory over askbot went 79 -> 148 MB when every survivor was aged at once."""
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", "from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    project.lint("shop/views.py")  # the index is built: the next check allocates little before it pauses
    gc.collect()
    holder = _Holder()
    holder.me = holder
    alive = weakref.ref(holder)
    assert project.lint("shop/views.py") == [(4, "UNQ001")]
    del holder
    gc.collect(1)  # a young collection, as the host's next ones are
    assert alive() is None


def test_the_scope_walk_collects_what_a_plain_walk_does():
    tree = ast.parse("import os\nfrom . import x as y\n\nasync def f(a):\n    import sys\n"
                     "    a.b.c(d).e(f.g)\n    def h(): return [i.j for i in k]\n    return lambda: m.n()\n")
    scope = ModuleScope(tree, "pkg.mod", False)
    nodes = list(iter_nodes(tree, {}))
    assert scope.method_calls == [n for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
    assert scope.loads == [n for n in nodes if isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Load)]
    assert scope.functions == [n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert scope.import_nodes == [n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert all(scope.parent(child) is node for node in nodes for child in ast.iter_child_nodes(node)
               if not isinstance(child, ast.expr_context))


def _cycle():
    holder = _Holder()
    holder.me = holder
    return holder, weakref.ref(holder)


@pytest.mark.parametrize("named", ["folder", "file"])
def test_a_run_freezes_what_is_alive_without_collecting_and_the_next_run_frees_what_it_left(
        project, monkeypatch, named):
    """A run's start moves what is alive to the permanent generation, which the host's full collections
    never walk again (flake8's GC over the index cost as much as a tenth of its run), without a full
    collection first: the garbage of the host's start-up is a few kilobytes, and the collection cost a
    large run 7-9 ms. A later run of the same process frees what the earlier one froze and has since
    dropped, so a long-running process keeps no run's leftovers. A run over a folder (or many files)
    imports the analysis before it freezes, its code being as long-lived as the index."""
    from uniqueguard.analysis import engine

    project.write("shop/models.py", MODELS)
    views = project.write("shop/views.py", "from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    paths = [str(project.root)] if named == "folder" else [str(views)]
    gc.collect()
    monkeypatch.setattr(engine, "_FROZEN", [0])  # nothing frozen by a run of ours in this process
    imported, import_analysis = [], engine._import_analysis
    monkeypatch.setattr(engine, "_import_analysis", lambda: imported.append(import_analysis()))
    dropped, dropped_ref = _cycle()
    early, early_ref = _cycle()
    del dropped  # garbage at the run's start: frozen with what lives, not collected first
    try:
        engine.start_run(paths)
        assert gc.get_freeze_count() > 0
        assert bool(imported) == (named == "folder")
        del early  # alive at the first run's start: frozen with it, not collected meanwhile
        gc.collect()
        assert dropped_ref() is not None and early_ref() is not None
        engine.start_run(paths)  # the next run undoes our freeze and collects first
        assert dropped_ref() is None and early_ref() is None
        assert gc.get_freeze_count() > 0
        assert project.lint("shop/views.py") == [(4, "UNQ001")]
    finally:
        gc.unfreeze()
        gc.collect()


def test_the_hosts_own_freeze_stays(project, monkeypatch):
    """A host that froze objects itself decides what stays frozen, for a run of a few files or a folder."""
    from uniqueguard.analysis import engine

    project.write("shop/models.py", MODELS)
    views = project.write("shop/views.py", "from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    monkeypatch.setattr(engine, "_FROZEN", [0])  # nothing frozen by a run of ours in this process
    held, held_ref = _cycle()
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        del held
        engine.start_run([str(views)])
        assert gc.get_freeze_count() == frozen  # nothing of ours added, nothing of the host's undone
        engine.start_run([str(project.root)])
        assert held_ref() is not None  # still frozen: not unfrozen and collected by the run's start
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.collect()
