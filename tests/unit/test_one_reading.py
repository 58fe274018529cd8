"""One reading per module per run: a module the call graph parses for its calls, for one name or several,
is not parsed again for the other names asked of it, for its index facts, or when it is linted."""

import ast
import os

import pytest

from test_callgraph import _forget_process_state
from uniqueguard.analysis import engine
from uniqueguard.config import Options
from uniqueguard.rules import RULES

MODELS = """
from django.db import models

class Coupon(models.Model):
    code = models.CharField(max_length=20, unique=True)

class Badge(models.Model):
    name = models.CharField(max_length=20, unique=True)
"""

SERVICES = """
from .models import Badge, Coupon

def issue(code):
    Coupon.objects.create(code=code)

def award(name):
    Badge.objects.create(name=name)
"""

# Calls both helpers, one of them guarded; writes a row of its own too (judged when first read).
VIEWS = """
from django.db import IntegrityError
from shop import services
from shop.models import Badge

def redeem(request):
    try:
        services.issue(request.POST["code"])
    except IntegrityError:
        return None
    services.award(request.POST["name"])

def rename(request):
    Badge.objects.create(name=request.POST["name"])
"""

OTHER = """
from shop import services

def hand_out(request):
    services.issue(request.GET["code"])
    services.award(request.GET["name"])
"""

FILES = {"shop/models.py": MODELS, "shop/services.py": SERVICES, "shop/views.py": VIEWS, "shop/other.py": OTHER}


def _run(project, order):
    """Every file checked in one process, as a whole-tree run does, without the disk cache."""
    options = Options(cache=False, extend_select=tuple(rule.code for rule in RULES))
    found = {}
    for relpath in order:
        path = project.root / relpath
        found[relpath] = sorted((f.line, f.code) for f in engine.check_source(path.read_bytes(), str(path), options)
                                if not f.note)
    return found


@pytest.mark.parametrize("order", [
    ["shop/services.py", "shop/views.py", "shop/other.py", "shop/models.py"],
    ["shop/models.py", "shop/other.py", "shop/views.py", "shop/services.py"],
])
def test_each_module_is_parsed_once_per_run(project, parses, order):
    for relpath, source in FILES.items():
        project.write(relpath, source)
    _forget_process_state()
    found = _run(project, order)
    # issue(): guarded in views, open in other → reported at other's call; award(): open at both → at the write
    assert found == {"shop/services.py": [(8, "UNQ001")], "shop/views.py": [(14, "UNQ001")],
                     "shop/other.py": [(5, "UNQ001")], "shop/models.py": []}
    # views.py is read for its calls of the helpers (once for both names) and its own write judged from
    # that reading; models.py is read for its facts; services.py when linted. (other.py, which writes
    # nothing itself, is parsed again when linted to report the call found open there.)
    assert {path: parses[str(project.root / path)] for path in ("shop/services.py", "shop/views.py", "shop/models.py")} == {
        "shop/services.py": 1, "shop/views.py": 1, "shop/models.py": 1}


def test_the_same_findings_whatever_the_order(project):
    for relpath, source in FILES.items():
        project.write(relpath, source)
    runs = []
    for order in (sorted(FILES), sorted(FILES, reverse=True)):
        _forget_process_state()
        runs.append(_run(project, order))
    assert runs[0] == runs[1]


def test_a_held_tree_serves_every_reader_of_its_module_only_while_held(tmp_path, parses):
    from uniqueguard.index import in_hand

    path = tmp_path / "mod.py"
    path.write_text("x = 1\n")
    with in_hand.holding(str(path)):
        first = in_hand.tree_of(str(path))  # the first reader parses it ...
        assert in_hand.tree_of(str(path), "x = 1\n") is first  # ... and every other gets that tree
    assert parses[str(path)] == 1
    assert in_hand.tree_of(str(path)) is not first  # nothing held: parsed again
    given = in_hand.tree_of(str(path))
    with in_hand.holding(str(path), given):
        assert in_hand.tree_of(str(path)) is given


def test_a_kept_tree_serves_until_let_go_or_its_file_changes(tmp_path):
    from uniqueguard.index import in_hand

    path = tmp_path / "mod.py"
    path.write_text("x = 1\n")
    tree = in_hand.tree_of(str(path))
    in_hand.kept(str(path), tree)
    assert in_hand.tree_of(str(path)) is tree
    path.write_text("x = 22\n")  # another size: another stamp
    changed = in_hand.tree_of(str(path))
    assert changed is not tree and changed.body[0].value.value == 22
    in_hand.kept(str(path), changed)
    in_hand.kept(str(path), None)
    assert in_hand.tree_of(str(path)) is not changed
    others = [tmp_path / f"m{i}.py" for i in range(in_hand.MAX_KEPT + 1)]
    for other in others:
        other.write_text("y = 2\n")
        in_hand.kept(str(other), in_hand.tree_of(str(other)))
    assert len([p for p in in_hand._KEPT if p.startswith(str(tmp_path))]) == in_hand.MAX_KEPT
    for other in others:
        in_hand.kept(str(other), None)


def test_flake8_keeps_no_tree_between_its_files_and_finds_the_same(project, monkeypatch):
    """flake8 lints its next file with nothing of the last one's kept: the call graph's readers, the kept
    trees, the index's adopted tree and the file contents the graph kept all go when the plugin hands
    control back (engine.let_go_of_trees).
    A module asked for again is parsed again, and the findings are those of a run that kept them."""
    import ast

    from uniqueguard.fronts.flake8_plugin import UniqueGuardPlugin
    from uniqueguard.index import in_hand, project as index_project

    for relpath, source in FILES.items():
        project.write(relpath, source)
    options = Options(cache=False, extend_select=tuple(rule.code for rule in RULES))
    order = ["shop/services.py", "shop/views.py", "shop/other.py", "shop/models.py"]
    _forget_process_state()
    kept_between = _run(project, order)  # check_source: the command line's way, trees kept between files
    _forget_process_state()
    monkeypatch.setattr(UniqueGuardPlugin, "options", options)
    found = {}
    for relpath in order:
        path = project.root / relpath
        text = path.read_text()
        plugin = UniqueGuardPlugin(ast.parse(text), str(path), text.splitlines(keepends=True))
        found[relpath] = sorted((line, message.split()[0]) for line, _, message, _ in plugin.run())
        root = str(project.root)
        assert not [p for p in in_hand._KEPT if p.startswith(root)]
        assert not [p for shared in engine._SHARED.values() if "extractor" in shared.__dict__
                    for p, reader in shared.extractor._readers.items() if reader is not None]
        assert all(built.modules._adopted is None for built in index_project.built_projects())
        assert not [shared for shared in engine._SHARED.values() if shared.graph._texts]  # nor file contents
    assert found == kept_between


def test_a_module_read_for_its_helpers_lets_the_last_one_go_before_it_is_parsed(project, monkeypatch):
    """flake8's peak: a linted module calling helpers in two other modules had both trees (and their
    scopes) alive together, the first one let go only after the second was parsed. Now, whenever a module
    is parsed, no tree is kept but the linted module's and those being analysed."""
    from uniqueguard.fronts.flake8_plugin import UniqueGuardPlugin
    from uniqueguard.index import discovery, in_hand

    files = dict(FILES)
    files["shop/awards.py"] = SERVICES.replace("def issue", "def grant").replace("def award", "def confer")
    files["shop/other.py"] = OTHER + """
from shop import awards

def celebrate(request):
    awards.grant(request.GET["code"])
    awards.confer(request.GET["name"])
"""
    files["shop/views.py"] = VIEWS + """
def guarded(request):
    from shop import awards
    try:
        awards.grant(request.POST["code"])
        awards.confer(request.POST["name"])
    except IntegrityError:
        return None
"""
    for relpath, source in files.items():
        project.write(relpath, source)
    options = Options(cache=False, extend_select=tuple(rule.code for rule in RULES))
    monkeypatch.setattr(UniqueGuardPlugin, "options", options)
    _forget_process_state()
    linted = str(project.root / "shop/other.py")
    alive_at_parse = []
    real = discovery.parse_source

    def parse_source(source, path, *args, **kwargs):
        others = {p for shared in engine._SHARED.values() if "extractor" in shared.__dict__
                  for p, reader in shared.extractor._readers.items()
                  if reader is not None and p != linted and not in_hand.held(p)}
        alive_at_parse.append((os.path.relpath(path, str(project.root)), sorted(
            os.path.relpath(p, str(project.root)) for p in others)))
        return real(source, path, *args, **kwargs)

    monkeypatch.setattr(discovery, "parse_source", parse_source)
    text = (project.root / "shop/other.py").read_text()
    plugin = UniqueGuardPlugin(ast.parse(text), linted, text.splitlines(keepends=True))
    found = sorted((line, message.split()[0]) for line, _, message, _ in plugin.run())
    assert found == [(5, "UNQ001"), (11, "UNQ001"), (12, "UNQ001")]  # award: open in views too, at its write
    read = [path for path, _ in alive_at_parse]
    assert "shop/services.py" in read and "shop/awards.py" in read  # both read for their helpers ...
    assert all(not others for _, others in alive_at_parse), alive_at_parse  # ... never beside another
