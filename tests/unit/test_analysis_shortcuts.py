"""The analysis's shortcuts answer what the longer way answered (issue 11: the analysis's cost; no
behaviour change): the scope's statement walk finds what a walk of every node finds, in the same order,
and so does a function's summary of assignments when handed its validation calls;
a name's test against a module's text agrees with the set of the text's words; a module's text
rules out RunPython calls only when no spelling of the name can be in it; the names a text calls are
the words before its parentheses, ASCII or not."""
import ast
import re
import sys

import pytest

from uniqueguard.analysis.assigned import ScopeSummary
from uniqueguard.analysis.callers import _is_word_of
from uniqueguard.analysis.helpers import _called_names
from uniqueguard.analysis.scope import ModuleScope, statements_in
from uniqueguard.analysis.support_code import MigrationCode
from uniqueguard.index.facts import iter_nodes

SOURCE = '''\
class View(Base):
    def post(self, request):
        self.form = Form(request.POST)
        try:
            self.obj = make(lambda x: [y for y in x])
        except ValueError as exc:
            self.error = exc
        else:
            with lock() as held:
                self.held = held
        finally:
            self.done = True
        for item in items:
            if item:
                self.last = item
            else:
                continue
        while check():
            def inner():
                self.inner = 1
            break
        return self.form
'''
MATCH = '''\
def post(self, request):
    match request.method:
        case "POST":
            self.method = "post"
        case _:
            self.method = None
'''


def test_statements_in_lists_the_statements_a_full_walk_meets_in_its_order():
    method = ast.parse(SOURCE).body[0].body[0]
    every = [node for node in iter_nodes(method) if isinstance(node, (ast.stmt, ast.excepthandler, ast.match_case))]
    assert statements_in(method) == every
    assigned = [node.targets[0].attr for node in statements_in(method) if isinstance(node, ast.Assign)]
    assert sorted(assigned) == ["done", "error", "form", "held", "inner", "last", "obj"]


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements are Python 3.10+")
def test_statements_in_enters_match_cases():
    function = ast.parse(MATCH).body[0]
    every = [node for node in iter_nodes(function) if isinstance(node, (ast.stmt, ast.match_case))]
    assert statements_in(function) == every
    assert sum(isinstance(node, ast.Assign) for node in every) == 2


@pytest.mark.parametrize("name", ["save_all", "save", "all", "e", "café", "x2", "", "a.b", "_", "ré"])
def test_a_name_is_a_word_of_a_text_exactly_when_the_words_hold_it(name):
    text = "obj.save_all(x2)\nrésumé = café(e) + a.b\n_ = 1\n"
    assert _is_word_of(name, text) == (name in set(re.findall(r"\w+", text)))


SAVES = """\
def edit(request, obj, other):
    obj.slug = request.POST["slug"]
    if request.user.is_staff:
        obj.owner = request.user
        check(lambda: other.full_clean())
    else:
        obj.owner = None
        [o.validate_unique() for o in others]
    try:
        obj.full_clean(exclude=[obj.validate_constraints()])
    except ValueError:
        obj.slug = None
    with lock():
        def later():
            obj.code = make()
            obj.validate_constraints()
    obj.save()
"""


def test_a_summary_handed_its_validation_calls_is_the_summary_of_every_node():
    function = ast.parse(SAVES).body[0]
    calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
    walked, handed = ScopeSummary(function), ScopeSummary(function, calls)
    assert handed.assignments == walked.assignments
    assert handed.validations == walked.validations
    assert sorted(walked.validations) == ["o", "obj", "other"] and len(walked.assignments["obj"]) == 5


@pytest.mark.parametrize("text", ["aa", "aaa", "aaa aa", "baa aab", "aa(", "(aa", "aaaa\naa", "a_aa aa_"])
def test_a_name_at_the_ends_or_overlapping_itself_is_a_word_only_standing_alone(text):
    assert _is_word_of("aa", text) == ("aa" in set(re.findall(r"\w+", text)))


@pytest.mark.parametrize("spelling", ["RunPython", "\uff32unPython"])  # the second normalises to the first
def test_a_function_passed_to_run_python_is_migration_code_whatever_the_text_says(spelling):
    """The module's text rules RunPython out only when it is ASCII and lacks the name: a non-ASCII
    identifier Python normalises to `RunPython` still counts."""
    source = f"from django.db import migrations\n\ndef fill(registry, editor):\n    pass\n\nOPS = [migrations.{spelling}(fill)]\n"
    tree = ast.parse(source)
    scope = ModuleScope(tree, "app.data", False)
    assert [f.name for f in MigrationCode(scope, source).functions()] == ["fill"]
    assert [f.name for f in MigrationCode(scope).functions()] == ["fill"]


def test_a_text_without_run_python_has_no_migration_code_but_by_signature():
    source = "def fill(registry, editor):\n    pass\n\ndef forwards(apps, schema_editor):\n    pass\n"
    scope = ModuleScope(ast.parse(source), "app.data", False)
    assert [f.name for f in MigrationCode(scope, source).functions()] == ["forwards"]


def test_the_names_a_text_calls_are_the_words_before_its_parentheses_ascii_or_not():
    long = "x" * 70
    text = f"obj.save_all(a) + café(b) + über_f(c) + ((d)) + g (e) + h2(\n{long}(1) + é{long[:59]}(2) # Čihař\n"
    assert _called_names(text) == {"save_all", "café", "über_f", "h2", "x" * 60, "é" + "x" * 59}
    assert _called_names("f(x) + y") == {"f"} and _called_names("no calls") == set()
