"""Rows inserted by the function itself, and what a unique set referencing one can still collide with.

A unique set holding a reference to a row this function has just inserted (`order =
Order.objects.create(...)`, then `Line.objects.create(order=order, position=1)`) cannot collide with an
existing row: none can reference the new one yet. A lone one-to-one to the new row is the exception when
a post_save receiver creates that row for every new parent (the second insert is the 500): then it is
at risk, and the message names the receiver.
"""
from __future__ import annotations

import ast
from typing import Dict, Optional

from .scope import ModuleScope
from .uniqueness import ModelInfo, UniqueSet


class NewRows:
    def __init__(self, scope: ModuleScope, resolver, inserting: frozenset):
        self.scope = scope
        self.resolver = resolver
        self.inserting = inserting  # manager methods whose result is a new row (create, create_user...)

    def verdict(self, unique_set: UniqueSet, model: ModelInfo, values: Dict[str, ast.AST]):
        """(whether the set is still at risk, the receiver note when a receiver makes the same row)."""
        new_rows = [(name, self._new_row(values[name])) for name in unique_set.fields
                    if name in values and getattr(model.fields.get(name), "relation", None) in ("fk", "o2o")]
        new_rows = [(name, found) for name, found in new_rows if found is not None]
        if not new_rows:
            return True, None
        if len(unique_set.fields) > 1:
            return False, None  # `Line(order=<order created above>, position=1)`: nothing holds it yet
        name, (parent, variable) = new_rows[0]
        creators = self.resolver.project.post_save_creators(parent, model, name, also=self._own_facts())
        if not creators:
            return False, None  # a one-to-one to a row inserted just before, which nothing else creates
        return True, (*creators[0], parent, variable)

    def _new_row(self, value: ast.AST):
        """(model, variable) when `value` (or its `.pk` / `.id`) is a local bound only ever, in this
        function, to a row the function inserts: `M.objects.create(...)`, `create_user(...)`, or
        `M(...)` (saved before use); else None."""
        if isinstance(value, ast.Attribute) and value.attr in ("pk", "id"):
            value = value.value
        if not isinstance(value, ast.Name):
            return None
        func = self.scope.enclosing_function(value)
        bindings = self.scope.bindings(func).get(value.id) if func is not None else None
        models = [self._inserted_model(b.value) if b.kind == "assign" else None for b in bindings or ()]
        if not models or None in models or len({m.qualname for m in models}) != 1:
            return None
        return models[0], value.id

    def _inserted_model(self, value: Optional[ast.AST]):
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr in self.inserting:
            manager = self.resolver.manager(func.value)
            return manager.model if manager is not None else None
        return self.resolver.model_class(func)

    def _own_facts(self):
        """The linted module's facts, for its own receivers (built from its tree on first use)."""
        return self.resolver.project.module(self.scope.module) if self.scope.module else None
