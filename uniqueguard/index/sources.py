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
    module, _, name = dotted.rpartition(".")
    found = _module(project, module)
    if found is None:
        return None
    tree, names = found
    for node in tree.body:
        if isinstance(node, FUNCTIONS) and node.name == name:
            return node, names
    return None


def project_method(project, class_dotted: str, name: str) -> Optional[Tuple[ast.AST, Names]]:
    """(the def, its module's Names) of method `name` of the project class `pkg.module.Class`."""
    module, _, cls_name = class_dotted.rpartition(".")
    found = _module(project, module)
    if found is None:
        return None
    tree, names = found
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            for item in node.body:
                if isinstance(item, FUNCTIONS) and item.name == name:
                    return item, names
    return None


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
