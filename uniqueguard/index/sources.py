"""Function bodies of the project, read from source when a decision needs to look inside one.

The facts index keeps what every module says in a few fields; some decisions need a body it does not
keep — does this default function return a random token? is this manager method an existence query? —
and follow a project function one or two levels. Those bodies are parsed here on demand, once per file
version, never imported. What is kept is the definitions asked for, not their modules' trees: the 64
whole trees kept for the odd body (big models modules among them) were the largest thing a run held
(issue 9's memory target). A module is parsed again only when another of its members is asked for:
4 more parses than with the trees kept, over the 13 corpora's ~2,900.
"""
from __future__ import annotations

import ast
import functools
import os
from typing import Optional, Tuple

from .cache import stamp
from .discovery import ParseFailure
from .facts import Names, collect_imports
from .in_hand import tree_of

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def project_function(project, dotted: str) -> Optional[Tuple[ast.AST, Names]]:
    """(the def, its module's Names) of a module-level function `pkg.module.name` of the project."""
    module, _, name = dotted.rpartition(".")
    found = _file(project, module)
    return _definition(*found, module, name, None) if found is not None else None


def project_method(project, class_dotted: str, name: str) -> Optional[Tuple[ast.AST, Names]]:
    """(the def, its module's Names) of method `name` of the project class `pkg.module.Class`."""
    module, _, cls_name = class_dotted.rpartition(".")
    found = _file(project, module)
    return _definition(*found, module, cls_name, name) if found is not None else None


def _file(project, module: str) -> Optional[Tuple[str, int]]:
    """(path, mtime) of a module's source; the index is told it was read (`ModuleIndex.note_read`): a
    long-running process compares it with the disk like the files whose facts it holds, so a body
    edited there is read again, and what was concluded from it drawn again."""
    path = project.module_path(module) if module else None
    status = stamp(path) if path else None
    if path is None or status is None:
        return None
    project.note_read(path, status)
    return path, status[1]


@functools.lru_cache(maxsize=2048)
def _definition(path: str, mtime: int, module: str, name: str,
                method: Optional[str]) -> Optional[Tuple[ast.AST, Names]]:
    """The module-level function `name`, or method `method` of its class `name`, with the module's Names."""
    found = _parsed(path, module)
    if found is None:
        return None
    tree, names = found
    if method is None:
        function = next((n for n in tree.body if isinstance(n, FUNCTIONS) and n.name == name), None)
        return (function, names) if function is not None else None
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    found_method = next((n for n in cls.body if isinstance(n, FUNCTIONS) and n.name == method), None) if cls else None
    return (found_method, names) if found_method is not None else None


def _parsed(path: str, module: str) -> Optional[Tuple[ast.Module, Names]]:
    try:
        tree = tree_of(path)  # a module being analysed right now is not parsed again
    except ParseFailure:
        return None
    imports, _ = collect_imports(tree, module, os.path.basename(path) == "__init__.py")
    local = frozenset(n.name for n in tree.body if isinstance(n, FUNCTIONS + (ast.ClassDef,)))
    return tree, Names(module, imports, local)
