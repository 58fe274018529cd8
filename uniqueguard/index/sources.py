"""Function bodies of the project, read from source when a decision needs to look inside one.

The facts index keeps what every module says in a few fields; some decisions need a body it does not
keep — does this default function return a random token? is this manager method an existence query? —
and follow a project function one or two levels. Those bodies are parsed here on demand, once per file
version, never imported.
"""
from __future__ import annotations

import ast
import functools
import os
from typing import Optional, Tuple

from .facts import Names, collect_imports

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def project_function(project, dotted: str) -> Optional[Tuple[ast.AST, Names]]:
    """(the def, its module's Names) of a module-level function `pkg.module.name` of the project."""
    found = _member(project, dotted)
    if found is None:
        return None
    tree, names, name = found
    function = next((n for n in tree.body if isinstance(n, FUNCTIONS) and n.name == name), None)
    return (function, names) if function is not None else None


def project_method(project, class_dotted: str, name: str) -> Optional[Tuple[ast.AST, Names]]:
    """(the def, its module's Names) of method `name` of the project class `pkg.module.Class`."""
    found = _member(project, class_dotted)
    if found is None:
        return None
    tree, names, cls_name = found
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls_name), None)
    method = next((n for n in cls.body if isinstance(n, FUNCTIONS) and n.name == name), None) if cls else None
    return (method, names) if method is not None else None


def _member(project, dotted: str) -> Optional[Tuple[ast.Module, Names, str]]:
    """(the module's tree, its Names, the member's name) for `pkg.module.member`."""
    module, _, member = dotted.rpartition(".")
    found = _module(project, module)
    return (found[0], found[1], member) if found is not None else None


def _module(project, module: str) -> Optional[Tuple[ast.Module, Names]]:
    path = project.module_path(module) if module else None
    if not path:
        return None
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    return _parsed(path, mtime, module)


@functools.lru_cache(maxsize=64)
def _parsed(path: str, mtime: float, module: str) -> Optional[Tuple[ast.Module, Names]]:
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), path)
    except (OSError, SyntaxError, ValueError):
        return None
    imports, _ = collect_imports(tree, module, os.path.basename(path) == "__init__.py")
    local = frozenset(n.name for n in tree.body if isinstance(n, FUNCTIONS + (ast.ClassDef,)))
    return tree, Names(module, imports, local)
