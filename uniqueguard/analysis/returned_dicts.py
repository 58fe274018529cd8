"""Keys of the dict a project function returns: `Order(**self.get_base_data(source))`.

A write that unpacks `**data` sets the fields the dict holds, and nothing else. When `data` is what a
function or method of the project returns, and every `return` of its body gives a dict display with
literal keys or `dict(key=..., ...)` (directly, or through a local bound once to one and never changed),
those keys are the fields written: the write is judged on them, not on every unique set of the model. A
returned dict filled in a loop, one with `**` inside, a body that cannot be found: unknown, as before.
The body is the one Python runs: `self.m()` / `cls.m()` is looked up in the enclosing class and then its
bases, as the resolver does for `self` methods; a function of the module or one imported from the project.
"""
from __future__ import annotations

import ast
from typing import Optional

from ..index.sources import FUNCTIONS, own_nodes, project_function, project_method

# Methods of a dict that may add keys to it.
ADDING_METHODS = frozenset({"update", "setdefault", "__setitem__", "fromkeys"})


def returned_keys(call: ast.Call, scope, resolver) -> Optional[frozenset]:
    """The keys of the dict `call` returns, when its project body says them on every path; else None."""
    function = _callee(call, scope, resolver)
    if function is None:
        return None
    keys: set = set()
    returns = [node for node in own_nodes(function) if isinstance(node, ast.Return)]
    for node in returns:
        found = _dict_keys(node.value, function) if node.value is not None else None
        if found is None:
            return None
        keys |= found
    return frozenset(keys) if returns else None


def unchanged_dict(name: ast.Name, use: Optional[ast.AST], scope) -> bool:
    """Whether nothing in the function holding `use` may add keys to the local dict `name`: no
    `name[k] = ...`, no `name.update(...)`, not handed to another call (which may fill it)."""
    function = scope.enclosing_function(name) or scope.tree
    for node in own_nodes(function):
        if _adds_keys(node, name.id, use):
            return False
    return True


def _adds_keys(node: ast.AST, name: str, use: Optional[ast.AST]) -> bool:
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
        return isinstance(node.value, ast.Name) and node.value.id == name
    if not isinstance(node, ast.Call) or node is use:
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name:
        return func.attr in ADDING_METHODS
    passed = list(node.args) + [k.value for k in node.keywords if k.arg is not None]
    return any(isinstance(arg, ast.Name) and arg.id == name for arg in passed)


def _callee(call: ast.Call, scope, resolver) -> Optional[ast.AST]:
    """The def `call` runs: a `self`/`cls` method (the class, then its bases), a function of this module,
    or a project function the callee's name is imported from."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
        node, facts = resolver.enclosing_class_facts(call)
        if facts is None:
            return None
        for owner in [facts] + [f for _, f in resolver.project.ancestors(facts) if f is not None]:
            if owner.method(func.attr) is None:
                continue
            if owner is facts and node is not None:  # the enclosing class: its tree is at hand
                return next((s for s in node.body if isinstance(s, FUNCTIONS) and s.name == func.attr), None)
            found = project_method(resolver.project, owner.qualname, func.attr)
            return found[0] if found is not None else None
        return None
    if isinstance(func, ast.Name) and func.id not in scope.names.imports:
        return next((s for s in scope.tree.body if isinstance(s, FUNCTIONS) and s.name == func.id), None)
    dotted = resolver.dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
    found = project_function(resolver.project, dotted) if dotted and "." in dotted else None
    return found[0] if found is not None else None


def _dict_keys(value: ast.AST, function: ast.AST) -> Optional[set]:
    """Literal keys of `{...}` / `dict(k=...)`, or of the one dict a returned local was bound to."""
    if isinstance(value, ast.Name):
        bound = [n for n in own_nodes(function) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign))
                 and any(isinstance(t, ast.Name) and t.id == value.id for t in _targets(n))]
        if len(bound) != 1 or not isinstance(bound[0], ast.Assign) or len(bound[0].targets) != 1:
            return None
        if any(_adds_keys(node, value.id, None) for node in own_nodes(function)):
            return None
        value = bound[0].value
    if isinstance(value, ast.Dict):
        keys = set()
        for key in value.keys:  # None: `**other` inside
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            keys.add(key.value)
        return keys
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
            and not value.args and all(k.arg is not None for k in value.keywords)):
        return {k.arg for k in value.keywords if k.arg is not None}
    return None


def _targets(node: ast.AST) -> list:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    return [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
