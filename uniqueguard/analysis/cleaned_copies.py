"""A dict copied or filtered from a form's cleaned_data is the form's data, with no key it lacked.

`data = dict(self.cleaned_data)`, `self.cleaned_data.copy()`, `{k: v for k, v in
self.cleaned_data.items() if ...}`, `dict((k, v) for (k, v) in six.iteritems(self.cleaned_data) if k not
in skipped)`, or a method of the form whose every return is one of these
(`self._get_cleaned_data_without_translations()`): each key of the copy is a key of the cleaned_data,
and its value the form's cleaned value. A spread `**data` of such a copy is a spread of the form's data
(argument_kinds.FORM) as long as no key is added to it on the way: its later uses only read or remove
keys (`data.pop("x")`, `data.get("x")`, `del data["x"]`, `data["x"]`, `**data`).
"""
from __future__ import annotations

import ast
from typing import Callable, Optional

from ..index.facts import dotted_name
from ..index.form_keys import COPIERS, keys_only_removed
from ..index.sources import own_nodes

ITEMS = frozenset({"items", "iteritems", "viewitems"})  # `d.items()`, `six.iteritems(d)`


def copied_from(expr: ast.AST, is_source: Callable[[ast.AST], bool]) -> Optional[ast.AST]:
    """The dict `expr` copies or filters key by key, when `is_source` accepts it; else None."""
    if isinstance(expr, ast.Call) and not expr.keywords:
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "copy" and not expr.args and is_source(func.value):
            return func.value  # `d.copy()`
        name = dotted_name(func) or ""
        if name in COPIERS and len(expr.args) == 1:
            arg = expr.args[0]
            if is_source(arg):
                return arg  # `dict(d)`
            if isinstance(arg, ast.GeneratorExp) and isinstance(arg.elt, ast.Tuple) and len(arg.elt.elts) == 2:
                return _comprehended(arg, arg.elt.elts[0], is_source)  # `dict((k, v) for k, v in d.items())`
    if isinstance(expr, ast.DictComp):
        return _comprehended(expr, expr.key, is_source)
    return None


def _comprehended(comp, key: ast.AST, is_source: Callable[[ast.AST], bool]) -> Optional[ast.AST]:
    """The dict a one-`for` comprehension iterates the items of, when it yields each item's own key."""
    if len(comp.generators) != 1 or comp.generators[0].is_async:
        return None
    loop = comp.generators[0]
    target, items = loop.target, loop.iter
    if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[0], ast.Name)
            and isinstance(key, ast.Name) and key.id == target.elts[0].id):
        return None
    if not isinstance(items, ast.Call) or items.keywords:
        return None
    if isinstance(items.func, ast.Attribute) and items.func.attr in ITEMS and not items.args:
        source = items.func.value  # `d.items()`
    elif (dotted_name(items.func) or "").rpartition(".")[2] in ITEMS and len(items.args) == 1:
        source = items.args[0]  # `six.iteritems(d)`
    else:
        return None
    return source if is_source(source) else None


def returns_copy(function: ast.AST, is_source: Callable[[ast.AST], bool]) -> bool:
    """Whether every return of a method gives a copy (`copied_from`) of a dict `is_source` accepts,
    directly or through a local bound once to it."""
    returns = [node for node in own_nodes(function) if isinstance(node, ast.Return)]
    if not returns:
        return False
    assigned = {}
    for node in own_nodes(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = None if target.id in assigned else node.value
    for node in returns:
        value = node.value
        if isinstance(value, ast.Name):
            value = assigned.get(value.id)
            if not keys_only_removed(function, node.value.id):  # type: ignore[union-attr]
                return False
        if value is None or copied_from(value, is_source) is None:
            return False
    return True


__all__ = ["copied_from", "returns_copy"]
