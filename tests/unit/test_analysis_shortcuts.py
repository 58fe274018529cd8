"""The analysis's shortcuts answer what the longer way answered (issue 11: the analysis's cost; no
behaviour change): the scope's statement walk finds what a walk of every node finds, in the same order,
and so does a function's summary of assignments when handed its validation calls;
a name's test against a module's text agrees with the set of the text's words."""
import ast
import re
import sys

import pytest

from uniqueguard.analysis.assigned import ScopeSummary
from uniqueguard.analysis.callers import _is_word_of
from uniqueguard.analysis.scope import statements_in
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
