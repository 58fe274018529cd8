"""Names of a module's functions in the project call graph: `module:qualname` (index/callgraph.py)."""
from __future__ import annotations

import ast
from typing import Optional

from ..index.callgraph import function_id
from .scope import ModuleScope


def function_qualname(scope: ModuleScope, func: ast.AST) -> Optional[str]:
    """`Class.method`, `outer.inner`, `function`; None for a lambda or what sits inside one."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None  # a lambda has no name
    names = [func.name]
    for _, parent in scope.ancestors(func):
        if isinstance(parent, ast.Lambda):
            return None
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(parent.name)
    return ".".join(reversed(names))


def enclosing_id(scope: ModuleScope, node: ast.AST) -> Optional[str]:
    """The function id of the function around `node`; `module:` at module level; None inside a lambda
    or a class body."""
    func = scope.enclosing_function(node)
    if func is None:
        return function_id(scope.module, "") if _at_module_level(scope, node) else None
    qualname = function_qualname(scope, func)
    return function_id(scope.module, qualname) if qualname else None


def _at_module_level(scope: ModuleScope, node: ast.AST) -> bool:
    return not any(isinstance(p, ast.ClassDef) for _, p in scope.ancestors(node))
