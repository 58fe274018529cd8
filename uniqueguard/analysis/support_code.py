"""Code that never serves a request: test support and migration code outside `tests/` and `migrations/`.

A duplicate becomes a 500 where a request or a job runs; a factory, a test helper or a data migration
runs under a test runner or `migrate`, against a database it sets up itself (a migration on historical
models whose constraints may not exist yet). Paths (`testing/`, `factories.py`...) are excluded by the
default globs in `paths.py`; this module decides from the code itself:
- a module that imports `django.test`, `unittest`, `pytest` or `factory` (factory_boy) at top level is
  test support, whatever its name;
- a function taking `(apps, schema_editor)` (the historical app registry first, two positional
  parameters) or passed to `RunPython(...)` in the module is migration code, wherever it lives.
The `check-test-support` option turns both off.
"""
from __future__ import annotations

import ast
import re
from typing import Dict, Iterator, List, Optional, Set

from ..index.discovery import ParseFailure, parse_source
from .scope import FUNCTION_NODES, DefNode, ModuleScope

# Top-level imports that only test code makes (a package and its submodules).
TEST_IMPORTS = ("django.test", "unittest", "pytest", "factory")
RUN_PYTHON = frozenset({"django.db.migrations.RunPython", "django.db.migrations.operations.RunPython",
                        "django.db.migrations.operations.special.RunPython"})


def _top_level_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Module-level statements, also those inside module-level `if`/`try`/`with` blocks."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
            for block in ("body", "orelse", "finalbody"):
                stack.extend(getattr(node, block, None) or ())
            for handler in getattr(node, "handlers", ()):
                stack.extend(handler.body)


def _is_test_import(name: Optional[str]) -> bool:
    return name is not None and any(name == t or name.startswith(t + ".") for t in TEST_IMPORTS)


# A line at column 0 that imports a test framework (`import pytest`, `from django.test.utils import x`)
_TEST_IMPORT_LINE = re.compile(r"^(?:import|from)[ \t]+(?:%s)(?:\.[\w.]*)?(?![\w.])[^\n]*"
                               % "|".join(re.escape(name) for name in TEST_IMPORTS), re.MULTILINE)
_TEST_IMPORT_BYTES = tuple(name.encode("ascii") for name in TEST_IMPORTS)


def shows_test_support(source) -> bool:
    """Whether a module's source (bytes or text) shows that it is test support without being parsed whole:
    a line at column 0 imports a test framework, and the lines up to it parse as a module that
    `is_test_support_module` calls test support (a line inside a string, or an import continued on the
    next lines, does not). Lines never change meaning with what follows them, so the module's own
    top-level statements include that import. False means "not known from the text" (the import under a
    top-level `if`, or after another module on its line): the whole tree decides.

    A test-support module is never analysed; parsed whole only to find that out, such modules were up to
    a sixth of the parsing of a run over an application's every file (weblate's tests: 810 kB)."""
    # The names first, each a plain substring search: most modules spell none of them, and the pattern,
    # tried at every line start, cost as much again as a module's other text tests.
    if isinstance(source, (bytes, bytearray)):
        if not any(name in source for name in _TEST_IMPORT_BYTES):
            return False
        text = source.decode("latin-1")
    else:
        if not any(name in source for name in TEST_IMPORTS):
            return False
        text = source
    found = _TEST_IMPORT_LINE.search(text)
    if found is None:
        return False
    end = found.end()  # latin-1 maps each byte to one character: the same offset in the bytes
    try:
        return is_test_support_module(parse_source(source[:end], "<test support>"))
    except (ParseFailure, RecursionError):
        return False


def is_test_support_module(tree: ast.Module) -> bool:
    """Whether the module imports a test framework (or factory_boy) at top level."""
    for node in _top_level_statements(tree):
        if isinstance(node, ast.Import) and any(_is_test_import(alias.name) for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and not node.level and _is_test_import(node.module):
            return True
    return False


class MigrationCode:
    """The functions of a module that are migration code, and whether a node runs inside one."""

    def __init__(self, scope: ModuleScope, text: Optional[str] = None):
        self.scope = scope
        self.text = text  # the module's source, when known
        self._functions: Optional[Set[DefNode]] = None

    def functions(self) -> Set[DefNode]:
        if self._functions is None:
            found = {f for f in self.scope.functions if _migration_signature(f)}
            by_name: Dict[str, List[DefNode]] = {}
            for func in self.scope.functions:
                by_name.setdefault(func.name, []).append(func)
            for call in self._run_python_calls():
                for arg in list(call.args) + [k.value for k in call.keywords]:
                    if isinstance(arg, ast.Name):
                        found.update(by_name.get(arg.id, ()))
            self._functions = found
        return self._functions

    def _run_python_calls(self) -> Iterator[ast.Call]:
        if self.text is not None and self.text.isascii() and "RunPython" not in self.text:
            return  # no name spells it (an ASCII source: no other spelling normalises to it)
        for node in self.scope.loads_named(("RunPython",)):
            call = self.scope.parent(node)
            if isinstance(call, ast.Call) and call.func is node and self.scope.qualify(node) in RUN_PYTHON:
                yield call

    def covers(self, node: ast.AST) -> bool:
        """Whether `node` sits in a migration function (or in a function nested in one)."""
        functions = self.functions()
        if not functions:
            return False
        for _, parent in self.scope.ancestors(node):
            if parent in functions:
                return True
        return False


def _migration_signature(func: ast.AST) -> bool:
    """`def forwards(apps, schema_editor)`: the historical registry first, exactly two positional parameters."""
    if not isinstance(func, FUNCTION_NODES) or isinstance(func, ast.Lambda):
        return False
    params = func.args.posonlyargs + func.args.args
    return len(params) == 2 and params[0].arg == "apps" and not func.args.vararg
