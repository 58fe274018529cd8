"""The callers of a module-level function are looked for only in the files whose text may refer to it
(index/text_references.py): a file naming it only as an attribute of something its imports do not bind
is not parsed, and every spelling through which a call can reach the function still counts."""
import os

import pytest

from test_callgraph import GUARDED_VIEW, MODELS, SERVICES, _forget_process_state
from uniqueguard.index.callgraph import _import_statements
from uniqueguard.index.text_references import import_words, may_refer


def _may_refer(text: str, modules=()) -> bool:
    """`may_refer` for the name `issue`, with `modules` the project's dotted module names."""
    return may_refer(text, "issue", lambda: import_words(text, _import_statements(text)),
                     lambda parts: any(".".join(parts[:cut]) in modules for cut in range(1, len(parts) + 1)))


@pytest.mark.parametrize("text", [
    "def f(basket):\n    basket.issue(1)\n",  # a parameter's method
    "class V:\n    def f(self):\n        self.issue(1)\n        return self.request.basket.issue()\n",
    "def f(x):\n    return x[0].coupon.issue()\n",  # a subscript's attribute: no dotted name
    "def issue(code):\n    pass\n",  # its own definition
    "from shop.services import issue\n",  # a plain import, never used
    "# basket.issue() is called by the cron job\n",  # a comment naming an attribute
    "from shop.models import Order\ndef f(order: Order):\n    return order.lines.issue()\n",  # a local's chain
])
def test_a_file_naming_it_only_as_another_things_attribute_cannot_call_it(text):
    assert not _may_refer(text, modules=("shop", "shop.services"))


@pytest.mark.parametrize("text", [
    "from shop.services import issue\ndef f():\n    issue(1)\n",  # the bare name
    "from shop.services import issue as give\ndef f():\n    give(1)\n",  # an alias
    "from shop import services\ndef f():\n    services.issue(1)\n",  # the module imported
    "from shop import services as s\ndef f():\n    s.issue(1)\n",
    "import shop.services\ndef f():\n    shop.services.issue(1)\n",  # `import a.b` binds `a`
    "def f():\n    import shop.services as s\n    s.issue(1)\n",  # an import in a function
    "def f():\n    shop.services.issue(1)\n",  # a project module spelled out, imported or not
    "x = 1; from shop import services\ndef f():\n    services.issue()\n",  # an import after a `;`
    "def f():\n    (services).issue(1)\n",  # a parenthesised receiver: not told from the line
    "def f():\n    g(services\n      .issue())\n",  # a chain starting on the line above
    "import shop\ndef f():\n    return (shop.\n        services.issue())\n",
    "def f():\n    x = 1; basket.issue()\n",  # two statements on a line
    "handlers = {'coupon': issue}\n",  # passed on
    "x = " + ".".join(["shop"] * 60) + ".issue()\n",  # a chain longer than the part of its line looked at
])
def test_every_spelling_a_call_can_reach_it_through_counts(text):
    assert _may_refer(text, modules=("shop", "shop.services"))


def _tree(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", SERVICES)
    project.write("shop/cart.py", "class Cart:\n    def issue(self, code):\n        pass\n\n"
                  "def checkout(cart, code):\n    cart.issue(code)\n")


def test_a_module_calling_a_namesake_method_is_not_read_for_the_functions_callers(project, parses):
    _tree(project)
    project.write("shop/views.py", GUARDED_VIEW)
    _forget_process_state()
    assert project.lint("shop/services.py") == []  # the guarded caller in views.py is found
    assert parses[os.path.abspath(project.root / "shop/cart.py")] == 0
    assert parses[os.path.abspath(project.root / "shop/views.py")] == 1


@pytest.mark.parametrize("caller, line", [
    ("import shop\n\ndef v(code):\n    shop.services.issue(code)\n", 4),  # through the package only
    ("def v(code):\n    shop.services.issue(code)\n", 2),  # a project module spelled out without an import
])
def test_a_call_through_a_dotted_project_module_is_still_a_caller(project, caller, line):
    """The look-alike: the only caller names the function through a chain no `from` import binds; it is
    read, and its open call leaves the write open (silent if it were missed: no known caller)."""
    _tree(project)
    project.write("shop/views.py", GUARDED_VIEW)
    project.write("shop/other.py", caller)
    _forget_process_state()
    assert project.lint("shop/services.py") == []
    assert project.lint("shop/other.py") == [(line, "UNQ001")]
