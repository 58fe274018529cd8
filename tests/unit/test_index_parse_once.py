"""The project index parses a module whole once per file version (issue 11's cost target): the bodies
followed into other modules (`index/sources.py`) come from the module's layout, noted when the index
parsed it for its facts, each definition parsed alone from its own lines — the very node a whole parse
gives, at the same lines and columns."""
import ast
import os

import pytest

from uniqueguard.index import discovery, project as project_module, sources

MODELS = (
    "from django.db import models\n"
    "from shop.tokens import new_code as fresh\n"
    "\n"
    "\n"
    "def helper(x):\n"
    "    return x\n"
    "\n"
    "\n"
    "class Coupon(models.Model):\n"
    "    code = models.CharField(max_length=20, unique=True)\n"
    "\n"
    "    @property\n"
    "    @staticmethod\n"
    "    def label(self):\n"
    "        return '''text\n"
    "at column 0 in a string\n"
    "'''\n"
    "\n"
    "    async def asave(self, *args, **kwargs):\n"
    "        x = fresh(\n"
    "1, 2)\n"
    "# a comment at column 0\n"
    "        return x\n"
    "\n"
    "    if True:\n"
    "        def hidden(self):\n"
    "            return 1\n"
    "\n"
    "    def save(self, *args, **kwargs): self.code = helper(self.code); super().save(*args, **kwargs)\n"
    "\n"
    "\n"
    "class Coupon(models.Model):  # a later class of the same name\n"
    "    def later(self):\n"
    "        return 2\n"
    "\n"
    "\n"
    "def helper(x):  # a later function of the same name\n"
    "    return -x\n"
)

ASKED = [("shop.models.helper", None), ("shop.models.Coupon", "label"), ("shop.models.Coupon", "asave"),
         ("shop.models.Coupon", "save"), ("shop.models.Coupon", "hidden"), ("shop.models.Coupon", "later"),
         ("shop.models.Coupon", "missing"), ("shop.models.missing", None), ("shop.models.Missing", "save")]


def _whole(source: str, dotted: str, method):
    """What a whole parse of the module gives for a definition asked (as `_definition` reads it)."""
    tree = ast.parse(source)
    module, _, name = dotted.rpartition(".")
    if method is None:
        return next((n for n in tree.body if isinstance(n, sources.FUNCTIONS) and n.name == name), None)
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    return next((n for n in cls.body if isinstance(n, sources.FUNCTIONS) and n.name == method), None) if cls else None


def _ask(index, dotted, method):
    found = sources.project_function(index, dotted) if method is None else sources.project_method(index, dotted, method)
    return None if found is None else found[0]


def _each_body_parsed_alone(project, monkeypatch, written: str, whole: str):
    """shop/models.py written as `written` and read by the index for its facts; every definition of ASKED
    is then the node a whole parse of `whole` gives, and no parse is of the whole module. The index."""
    sources._definition.cache_clear()
    (project.root / "shop" / "models.py").write_bytes(written.encode("utf-8"))
    project.write("shop/tokens.py", "def new_code():\n    return 1\n")
    index = project_module.project_for(str(project.root / "shop" / "tokens.py"))
    assert index.module("shop.models").cls("Coupon") is not None  # the index read its facts
    wanted = [_whole(whole, dotted, method) for dotted, method in ASKED]
    parsed = []
    real_parse = ast.parse
    monkeypatch.setattr(sources.ast, "parse", lambda source, *a, **k: parsed.append(source) or real_parse(source, *a, **k))
    for (dotted, method), want in zip(ASKED, wanted):
        got = _ask(index, dotted, method)
        assert (got is None) == (want is None), (dotted, method)
        if want is not None:
            assert ast.dump(got, include_attributes=True) == ast.dump(want, include_attributes=True)
    assert parsed and all(isinstance(text, str) and len(text.strip()) < len(MODELS) / 2 for text in parsed)
    return index


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_module_read_for_its_facts_is_not_parsed_whole_again_for_its_bodies(project, monkeypatch, newline):
    """The index parses shop/models.py for its facts; every definition asked of it afterwards is parsed
    alone, and is the node a whole parse gives (lines, columns, decorators, a string and a continuation
    at column 0, a one-line body); a method under `if`, a later class's, a missing one: None, as before."""
    index = _each_body_parsed_alone(project, monkeypatch, MODELS.replace("\n", newline), MODELS)
    names = sources.project_method(index, "shop.models.Coupon", "save")[1]
    assert names.qualify("fresh") == "shop.tokens.new_code" and names.qualify("helper") == "shop.models.helper"


@pytest.mark.parametrize("cookie", ["# -*- coding: utf-8 -*-\n", "#!/usr/bin/env python\n# coding=utf8\n",
                                    "# vim: set fileencoding=UTF_8 :\n", "# the encoding of this text is the default\n"])
def test_a_module_declaring_utf8_is_still_parsed_by_its_lines(project, monkeypatch, cookie):
    """A cookie naming UTF-8 (the first line of most modules written for Python 2), or a comment that
    is no cookie, changes nothing Python reads: each body asked is parsed alone, as without one."""
    _each_body_parsed_alone(project, monkeypatch, cookie + MODELS, cookie + MODELS)


def test_a_module_with_a_coding_cookie_is_parsed_whole(project, monkeypatch):
    """A module declaring another encoding is read as Python reads it: parsed whole, not by its lines."""
    sources._definition.cache_clear()
    source = "# -*- coding: latin-1 -*-\nclass Coupon:\n    def save(self):\n        return 'caf\xe9'\n"
    (project.root / "shop" / "models.py").write_bytes(source.encode("latin-1"))
    index = project_module.project_for(str(project.root / "shop" / "models.py"))
    index.module("shop.models")
    parsed = []
    real_parse = ast.parse
    monkeypatch.setattr(sources.ast, "parse", lambda source, *a, **k: parsed.append(source) or real_parse(source, *a, **k))
    method = _ask(index, "shop.models.Coupon", "save")
    assert method.body[0].value.value == "caf\xe9"
    assert len(parsed) == 1 and isinstance(parsed[0], bytes)  # the file's bytes, whole


def test_a_second_body_of_a_module_parsed_here_is_parsed_alone(project, monkeypatch):
    """A module the index never read for its facts is parsed whole for its first body asked, and only
    the definition for the next one."""
    sources._definition.cache_clear()
    project.write("shop/tokens.py", "import uuid\n\n\ndef new_code():\n    return uuid.uuid4().hex\n\n\n"
                                    "def other():\n    return uuid.uuid4()\n")
    index = project_module.project_for(str(project.root / "shop" / "tokens.py"))
    parsed = []
    real_parse = ast.parse
    monkeypatch.setattr(sources.ast, "parse", lambda source, *a, **k: parsed.append(source) or real_parse(source, *a, **k))
    first = _ask(index, "shop.tokens.new_code", None)
    second, names = sources.project_function(index, "shop.tokens.other")
    assert (first.name, second.name, second.lineno, names.qualify("uuid.uuid4")) == ("new_code", "other", 8, "uuid.uuid4")
    assert len(parsed) == 2 and parsed[1].strip() == "def other():\n    return uuid.uuid4()"


def test_def_lines_are_found_as_the_line_anchored_pattern_finds_them():
    """The call graph finds `def` lines by the literal `def` (`_defs_before`), not by a pattern anchored at
    every line start: the same lines, indentation and names, and none after `end`."""
    import re

    from uniqueguard.index.callgraph import DEF_LINE, _defs_before

    text = ("def f():\n  pass\n  async def g(x):\nundef h\nx = 1; def k(): pass\n\tdef t():\n"
            "async  def  u():\nasyncdef v():\na\rdef w():\ndef define(x): y = default\n"
            "class A:\n    def __init__(self): pass\n    def  \tlast(self): pass\n")
    pattern = re.compile(DEF_LINE, re.MULTILINE)
    for end in (len(text), text.index("class A")):
        expected = [(m.start(), len(m.group(1).expandtabs()), m.group(2)) for m in pattern.finditer(text, 0, end)]
        assert _defs_before(text, end) == expected
    assert [name for _, _, name in _defs_before(text, len(text))] == ["f", "g", "t", "u", "define", "__init__", "last"]


def test_a_returned_value_is_read_as_small_without_building_what_small_drops():
    """`_small_literal` skips the literal of a container or an operation (what `_small` drops whole), and
    gives what `_small(literal(...))` gives for every kind of expression."""
    from uniqueguard.index.facts import UNKNOWN, Names, _small, _small_literal, literal

    names = Names("shop.views", {"models": "django.db.models", "M": "shop.models.M"}, frozenset({"helper"}))
    expressions = ["None", "'x'", "3", "1.5", "b'x'", "True", "M", "models.Model", "helper", "x.y.z", "f()[0]",
                   "[M, 'a']", "(M,)", "{M}", "{'a': M}", "a + b", "not a", "lambda: M", "[x for x in y]",
                   "M.objects.get_or_create(a=1, b=c + d)", "M(**data)", "obj.__class__(a=[1], b={})",
                   "type(obj)(1, 2, 3, 4, 5, 6, 7)", "type(1)(x)", "f(1, 2, 3, 4, 5, 6, 7)", "f([1])",
                   "apps.get_model(settings.X)", "getattr(settings, 'X', 'app.M')", "M.from_queryset(Q)()", "x if y else M"]
    for source in expressions:
        node = ast.parse(source, mode="eval").body
        assert repr(_small_literal(node, names)) == repr(_small(literal(node, names))), source
    assert _small_literal(ast.parse("[M]", mode="eval").body, names) is UNKNOWN


def test_the_call_graph_keeps_the_smallest_files_within_its_budget(project, monkeypatch):
    """Each name search reads every file whose bytes are not kept: once the budget cannot hold the tree,
    the smallest files fill it (a large file met first no longer takes the room of many small ones), and
    a later search reads only the files beyond them again."""
    from uniqueguard.analysis.graphs import graph_for
    from uniqueguard.index import callgraph

    project.write("shop/aaa_big.py", "def issue():\n    pass\n" + "# padding\n" * 400)
    for index in range(6):
        project.write(f"shop/small{index}.py", f"from shop.aaa_big import issue\n\ndef f{index}():\n    issue()\n")
    graph = graph_for(project_module.project_for(str(project.root / "shop" / "small0.py")))
    sizes = {path: os.path.getsize(path) for path in graph.files()}
    big = str(project.root / "shop" / "aaa_big.py")
    others = sum(sizes.values()) - sizes[big]
    monkeypatch.setattr(callgraph, "TEXT_BUDGET", sizes[big] + others // 2)  # the big file and half the others
    assert graph.files().index(big) < graph.files().index(str(project.root / "shop" / "small0.py"))
    graph.let_go_of_texts()  # read from the start, under this budget
    assert len(graph.candidates("issue")) == 7
    assert big not in graph._texts and all(path in graph._texts for path in sizes if path != big)
    assert graph._kept == sum(len(data) for data in graph._texts.values() if data) <= callgraph.TEXT_BUDGET
    opened = []
    read = discovery.read_bytes
    monkeypatch.setattr(discovery, "read_bytes", lambda path: opened.append(path) or read(path))
    assert len(graph.candidates("f3")) == 1
    assert opened == [big]


def test_a_name_is_searched_in_a_files_bytes_as_in_its_text():
    """`mentions_in_bytes` answers from the bytes what `mentions` answers from the decoded text, and says
    None (decode it) when an occurrence touches a character beyond ASCII or the name is not ASCII."""
    from uniqueguard.index.callgraph import mentions, mentions_in_bytes

    cases = ["issue", "issue(x)", "reissue()", "issue_all", "x.issue", "1issue", "issue2", "_issue", "# issue\n",
             "reissue issue", "reissue_issue", "caféissue", "issueé", "—issue—", "“issue”", "é issue", "x = 'issue'"]
    for text in cases:
        said = mentions_in_bytes(text.encode("utf-8"), b"issue")
        if said is None:
            assert any(ord(c) > 127 for c in text), text
        else:
            assert said == mentions(text, "issue"), text
    assert mentions_in_bytes("naïve()".encode("utf-8"), "naïve".encode("utf-8")) is None
    assert [mentions_in_bytes(t.encode(), b"issue") for t in ("caféissue", "é issue", "reissue")] == [None, True, False]


@pytest.mark.parametrize("beyond", [0, 4])
def test_a_name_too_common_to_follow_is_settled_before_the_last_file(project, monkeypatch, beyond):
    """A name more files mention than MAX_CANDIDATE_MODULES has no candidates (its callers are unknown),
    and the search stops at the first file beyond that number; a name at the limit is searched through
    every file and keeps them all."""
    from uniqueguard.analysis.graphs import graph_for
    from uniqueguard.index import callgraph

    mentioning, crowded = callgraph.MAX_CANDIDATE_MODULES + beyond, beyond > 0
    for index in range(mentioning):
        project.write(f"shop/m{index:02}.py", f"def f{index}(obj):\n    obj.persist()\n")
    for index in range(10):
        project.write(f"shop/z{index:02}.py", f"def g{index}():\n    pass\n")
    graph = graph_for(project_module.project_for(str(project.root / "shop" / "m00.py")))
    graph.let_go_of_texts()
    opened = []
    read = discovery.read_bytes
    monkeypatch.setattr(discovery, "read_bytes", lambda path: opened.append(path) or read(path))
    found = graph.candidates("persist")
    if crowded:
        assert found is None
        assert len(opened) < len(graph.files()) and not any("/z" in path for path in opened)
        assert graph.candidates("persist") is None and len(opened) < len(graph.files())  # not searched again
    else:
        assert found is not None and len(found) == mentioning
        assert len(opened) == len(graph.files())


def test_a_name_a_changed_file_makes_too_common_is_no_longer_followed(project):
    """A long-running process keeps each name's candidate files between checks and looks again only at
    the files changed on disk: a name at the limit that an edited file now names too is too common to
    follow from then on, as a fresh search would find."""
    from uniqueguard.analysis.graphs import graph_for
    from uniqueguard.index import callgraph

    for index in range(callgraph.MAX_CANDIDATE_MODULES):
        project.write(f"shop/m{index:02}.py", f"def f{index}(obj):\n    obj.persist()\n")
    project.write("shop/other.py", "def g():\n    pass\n")
    graph = graph_for(project_module.project_for(str(project.root / "shop" / "m00.py")))
    assert len(graph.candidates("persist")) == callgraph.MAX_CANDIDATE_MODULES
    other = str(project.root / "shop" / "other.py")
    project.write("shop/other.py", "def g(obj):\n    obj.persist()\n")
    os.utime(other, (1, 1))  # a stamp of its own, whatever the file system's clock resolution
    assert graph.forget_changed() == frozenset([other])
    assert graph.candidates("persist") is None
