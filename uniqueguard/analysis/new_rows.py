"""Rows inserted by the function itself, and what a unique set referencing one can still collide with.

A unique set holding a reference to a row this function has just inserted (`order =
Order.objects.create(...)`, then `Line.objects.create(order=order, position=1)`) cannot collide with an
existing row: none can reference the new one yet. A lone one-to-one to the new row is the exception when
something else creates that row for every new parent — a post_save receiver, the model's `save()`, the
manager method that inserted the parent (`create_user()`) — and the second insert is the 500: then it is
at risk, and the message names what else creates it.
"""
from __future__ import annotations

import ast
from typing import Dict, NamedTuple, Optional

from .scope import ModuleScope
from ..index.uniqueness import ModelInfo, UniqueSet


class Creator(NamedTuple):
    """What else inserts the one-to-one row for a new parent, for the finding's message."""

    who: str  # "the post_save receiver create_profile()" / "UserManager.create_user()"
    path: Optional[str]
    line: int
    parent: ModelInfo  # the new row's model
    variable: str  # the local holding the new row


class NewRows:
    def __init__(self, scope: ModuleScope, resolver, inserting: frozenset):
        self.scope = scope
        self.resolver = resolver
        self.inserting = inserting  # manager methods whose result is a new row (create, create_user...)

    def verdict(self, unique_set: UniqueSet, model: ModelInfo, values: Dict[str, ast.AST]):
        """(whether the set is still at risk, the Creator when something else inserts the same row)."""
        new_rows = [(name, self._new_row(values[name])) for name in unique_set.fields
                    if name in values and getattr(model.fields.get(name), "relation", None) in ("fk", "o2o")]
        new_rows = [(name, found) for name, found in new_rows if found is not None]
        if not new_rows:
            return True, None
        if len(unique_set.fields) > 1:
            return False, None  # `Line(order=<order created above>, position=1)`: nothing holds it yet
        name, (parent, variable, method, manager) = new_rows[0]
        creator = self._receiver_creating(parent, model, name) or self._method_creating(parent, method, manager, model)
        if creator is None:
            return False, None  # a one-to-one to a row inserted just before, which nothing else creates
        return True, Creator(*creator, parent, variable)

    def _receiver_creating(self, parent, holder: ModelInfo, field: str) -> Optional[tuple]:
        creators = self.resolver.project.post_save_creators(parent, holder, field, also=self._own_facts())
        if not creators:
            return None
        receiver, path = creators[0]
        return f"the post_save receiver {receiver.name}()", path, receiver.lineno

    def _method_creating(self, parent, method: Optional[str], manager: Optional[str], holder: ModelInfo):
        """The project's own code that runs on the parent's insert — the model's `save()`, the manager
        method called (`create_user()`) — when it inserts a `holder` row too."""
        project = self.resolver.project
        chains = [("save", parent.facts)] if parent.facts is not None else []
        if method and manager:
            chains += [(method, project.find_class(dotted)) for dotted in parent.managers.get(manager, ())]
        for name, cls in chains:
            for facts in [cls] + [f for _, f in project.ancestors(cls)] if cls is not None else ():
                found = facts.method(name) if facts is not None else None
                if found is None:
                    continue
                for dotted in found.inserts:
                    model = project.model(dotted)
                    if model is not None and model.qualname == holder.qualname:
                        return f"{facts.name}.{name}()", project.module_path(facts.module), found.lineno
        return None

    def _new_row(self, value: ast.AST):
        """(model, variable, manager method, manager attribute) when `value` (or its `.pk` / `.id`) is a
        local bound only ever, in this function, to a row the function inserts: `M.objects.create(...)`,
        `create_user(...)`, or `M(...)` (saved before use); else None."""
        if isinstance(value, ast.Attribute) and value.attr in ("pk", "id"):
            value = value.value
        if not isinstance(value, ast.Name):
            return None
        func = self.scope.enclosing_function(value)
        bindings = self.scope.bindings(func).get(value.id) if func is not None else None
        inserts = [self._insert(b.value) if b.kind == "assign" else None for b in bindings or ()]
        if not inserts or None in inserts or len({model.qualname for model, _, _ in inserts}) != 1:
            return None
        model, method, manager = inserts[-1]
        return model, value.id, method, manager

    def _insert(self, value: Optional[ast.AST]) -> Optional[tuple]:
        """(model, manager method, manager attribute) of `M.objects.create_user(...)`; (model, None, None)
        of `M(...)`; None for anything else."""
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr in self.inserting:
            manager = self.resolver.manager(func.value)
            return (manager.model, func.attr, manager.name) if manager is not None and manager.model else None
        model = self.resolver.model_class(func)
        return (model, None, None) if model is not None else None

    def _own_facts(self):
        """The linted module's facts, for its own receivers (built from its tree on first use)."""
        return self.resolver.project.module(self.scope.module) if self.scope.module else None
