"""Which binding a use sees, and why following bindings always ends (issue 10, item 1)."""
import ast

import pytest

from uniqueguard.analysis.scope import ModuleScope

MODELS = """\
from django.db import models

class Comment(models.Model):
    slug = models.SlugField(unique=True)
    parent = models.ForeignKey("self", null=True, related_name="replies", on_delete=models.CASCADE)
"""


def _use(source: str, name: str, line: int):
    """(the module's scope, the first use of `name` on `line`)."""
    tree = ast.parse(source)
    use = next(n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name and n.lineno == line
               and isinstance(n.ctx, ast.Load))
    return ModuleScope(tree, "m", False), use


def _seen(source: str, name: str, line: int):
    """(kind, line) of the binding the first use of `name` on `line` sees."""
    scope, use = _use(source, name, line)
    binding, _ = scope.binding_before(name, use)
    return (binding.kind, binding.line) if binding is not None else None


@pytest.mark.parametrize("source", [
    "def f(x):\n    x = x.replies.first()\n",
    "def f(x):\n    for x in x.replies.all():\n        pass\n",
    "def f(x):\n    with x.lock() as x:\n        pass\n",
    "def f(x):\n    if (x := x.replies.first()):\n        pass\n",
    "def f(x):\n    x, y = x.replies.get_or_create()\n",
])
def test_the_value_of_a_binding_reads_the_earlier_one(source):
    """Python evaluates the right-hand side before it binds: `x` there is the parameter."""
    assert _seen(source, "x", 2) == ("param", 1)


def test_the_body_of_a_loop_sees_the_loop_variable():
    assert _seen("def f(x):\n    for x in x.replies.all():\n        x.save()\n", "x", 3) == ("for", 2)


def test_a_name_whose_only_binding_holds_the_use_is_unbound():
    assert _seen("def f():\n    x = x.replies.first()\n", "x", 2) is None


def test_module_level_rebinding_reads_the_earlier_module_binding():
    assert _seen("x = load()\nx = x.replies.first()\n", "x", 2) == ("assign", 1)


def test_a_function_reads_a_module_name_last_binding():
    assert _seen("x = 1\ndef f():\n    return x\nx = 2\n", "x", 3) == ("assign", 4)


def test_cycles_the_source_order_cannot_break_stay_quiet(project):
    """A closure and module-level names bound to each other's replies: followed once, then unknown."""
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", """\
        from shop.models import Comment

        a = b.replies.first()
        b = a.replies.first()

        def touch():
            a.save()

        def closure():
            def later():
                c.save()
            c = d.replies.first()
            d = c.replies.first()
            return later

        def fires(n):
            Comment.objects.create(slug=n)
        """)
    assert project.lint("shop/views.py") == [(17, "UNQ001")]


def test_a_long_chain_of_rebindings_is_cut_not_recursed(project):
    """Two hundred distinct links: the follow budget answers "unknown" long before Python's stack ends."""
    project.write("shop/models.py", MODELS)
    links = "".join(f"    c{i + 1} = c{i}.replies.first()\n" for i in range(200))
    project.write("shop/views.py", "from shop.models import Comment\n\ndef f(c0, n):\n" + links
                  + "    c200.slug = n\n    c200.save()\n    Comment.objects.create(slug=n)\n")
    assert project.lint("shop/views.py") == [(206, "UNQ001")]


def test_a_short_chain_is_still_followed(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", """\
        from shop.models import Comment

        def f(n):
            top = Comment.objects.get(pk=1)
            reply = top.replies.first()
            again = reply.replies.first()
            again.slug = n
            again.save()
        """)
    assert project.lint("shop/views.py") == [(8, "UNQ001")]


def _on_branch(source: str, name: str, line: int):
    """The line of the binding of `name` in effect at its use on `line`, branches of one flag considered."""
    scope, use = _use(source, name, line)
    binding, _ = scope.binding_before(name, use)
    return scope.binding_on_branch(name, use, binding).line


BRANCHES = "def f(flag):\n    if flag:\n        x = 1\n    else:\n        x = 2\n    if {test}:\n        x.save()\n"


@pytest.mark.parametrize("test, line", [
    ("flag", 3),  # the same flag, true again: the `if` branch's binding
    ("not flag", 5),  # false: the `else` branch's (also the last in source order)
    ("other", 5),  # another test: source order
])
def test_a_flag_tested_twice_selects_the_binding_of_its_branch(test, line):
    assert _on_branch(BRANCHES.format(test=test), "x", 7) == line


def test_a_flag_rebound_in_between_selects_nothing():
    source = BRANCHES.format(test="flag").replace("    if flag:\n        x.save()", "    flag = g()\n    if flag:\n        x.save()")
    assert _on_branch(source, "x", 8) == 5


def test_names_bound_inside_expressions_are_bindings_in_source_order():
    """`:=` and a comprehension's `for` bind wherever they sit in an expression (a call's argument, a
    comprehension's condition, a lambda-free nest): the scope finds them, in order, although the walk of
    bindings no longer enters expressions that hold neither."""
    source = ("def f(items):\n"
              "    first = g(h([(y := k(i)) for i in items if (z := i.ok)]))\n"
              "    other = [j for j in items]\n"
              "    return g(lambda w: (v := w))\n"
              "x = [(m := n) for n in range(3)]\n")
    tree = ast.parse(source)
    scope = ModuleScope(tree, "m", False)
    function = tree.body[0]
    seen = {name: [(b.kind.value, b.line, b.col) for b in found] for name, found in scope.bindings(function).items()}
    assert seen == {"items": [("param", 1, 6)], "first": [("assign", 2, 4)], "y": [("assign", 2, 18)],
                    "i": [("for", 2, 33)], "z": [("assign", 2, 48)], "other": [("assign", 3, 4)],
                    "j": [("for", 3, 19)]}
    assert list(seen) == ["items", "first", "y", "i", "z", "other", "j"]
    module = {name: [(b.kind.value, b.line) for b in found] for name, found in scope.module_bindings.items()}
    assert module == {"f": [("def", 1)], "x": [("assign", 5)], "m": [("assign", 5)], "n": [("for", 5)]}
