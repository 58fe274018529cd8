"""The resolver: which model (or form) does this expression denote?

One question, many spellings: a model class imported under any name, a module alias (`m.User`),
`get_user_model()` (in the function or bound at module level), `apps.get_model(...)`, an
`"app_label.Model"` string. "Unknown" (None) is a valid answer: the engine stays silent on what it cannot
resolve rather than guessing.
"""
from __future__ import annotations

import ast
from typing import Optional, Tuple

from .facts import CallValue, ModuleFacts, Ref
from .scope import ModuleScope
from .validation import Validator, validator_for

GET_USER_MODEL = ("django.contrib.auth.get_user_model",)
GET_MODEL = ("django.apps.apps.get_model", "apps.get_model")
AUTH_USER_MODEL_SETTING = ("django.conf.settings.AUTH_USER_MODEL",)

# Queryset methods that return a queryset of the same model: `M.objects.using("x").filter(...).create()`.
QUERYSET_CHAIN = frozenset({
    "all", "filter", "exclude", "using", "db_manager", "select_related", "prefetch_related", "order_by",
    "only", "defer", "annotate", "alias", "select_for_update", "distinct", "get_queryset", "none",
    "reverse", "complex_filter",
})

MAX_HOPS = 8


class Resolver:
    def __init__(self, scope: ModuleScope, project):
        self.scope = scope
        self.project = project
        self._validators: dict = {}

    def dotted(self, node: ast.AST) -> Optional[str]:
        """The qualified name of a Name/Attribute, looking into `from x import *` for unknown heads."""
        dotted = self.scope.qualify(node)
        if dotted is None or not self.scope.star_imports:
            return dotted
        head = dotted.partition(".")[0]
        if head in self.scope.names.imports or head in self.scope.names.local_defs:
            return dotted
        for star in self.scope.star_imports:
            candidate = f"{star}.{head}"
            if self.project.find_class(candidate) is not None:
                return f"{star}.{dotted}"
        return dotted

    # ------------------------------------------------------------------------- forms, serializers
    def validator(self, holder: ast.AST) -> Optional[Validator]:
        """The form/serializer class behind `form` in `form.cleaned_data` or `form.save()`.

        `form = SignupForm(request.POST)`; a view method's `form` / `serializer` parameter with the
        class's `form_class` / `serializer_class`; `self` inside the form or serializer class itself.
        """
        if not isinstance(holder, ast.Name):
            return None
        binding, scope = self.scope.binding_before(holder.id, holder)
        if binding is None:
            return None
        if binding.kind == "assign" and isinstance(binding.value, ast.Call):
            return self.validator_of_class(self.dotted(binding.value.func))
        if binding.kind == "param" and scope is not None:
            cls = self.scope.enclosing_class(scope)
            if cls is None:
                return None
            if holder.id == "self":
                return self.validator_of_class(f"{self.scope.module}.{cls.name}")
            attribute = {"form": "form_class", "serializer": "serializer_class"}.get(holder.id)
            for statement in cls.body if attribute else ():
                if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                        and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id == attribute):
                    return self.validator_of_class(self.dotted(statement.value))
        return None

    def validator_of_class(self, dotted: Optional[str]) -> Optional[Validator]:
        if not dotted:
            return None
        if dotted not in self._validators:
            self._validators[dotted] = None
            cls = self.project.find_class(dotted)
            self._validators[dotted] = validator_for(self.project, self, cls) if cls is not None else None
        return self._validators[dotted]

    # ------------------------------------------------------------------------------------- models
    def model_class(self, expr: ast.AST, hops: int = 0):
        """The ModelInfo of an expression that denotes a model class, or None."""
        if hops > MAX_HOPS or expr is None:
            return None
        if isinstance(expr, ast.Call):
            return self._model_from_call(expr)
        if isinstance(expr, ast.Name):
            binding, _ = self.scope.binding_before(expr.id, expr)
            if binding is not None and binding.kind == "assign" and binding.value is not None:
                return self.model_class(binding.value, hops + 1)
            if binding is not None and binding.kind in ("param", "for", "with", "unpack0"):
                return None
        if isinstance(expr, (ast.Name, ast.Attribute)):
            dotted = self.dotted(expr)
            if dotted is None:
                return None
            if dotted in AUTH_USER_MODEL_SETTING:
                return self.project.user_model()
            return self.project.model(dotted)
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return self.project.model_by_label(expr.value)
        return None

    def _model_from_call(self, call: ast.Call):
        callee = self.scope.qualify(call.func) or ""
        if callee in GET_USER_MODEL:
            return self.project.user_model()
        if callee in GET_MODEL or callee.endswith(".get_model") and "apps" in callee:
            return self.project.model_by_label(self._label_of_get_model(call))
        return None

    def _label_of_get_model(self, call: ast.Call) -> Optional[str]:
        args = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if len(args) == 2 and len(call.args) == 2:
            return f"{args[0]}.{args[1]}"
        if len(args) == 1 and len(call.args) == 1:
            return args[0]
        return None

    def manager(self, expr: ast.AST) -> Tuple[Optional[object], Optional[str]]:
        """(model, manager attribute) for `M.objects`, `M._default_manager.using(..).filter(..)`, ..."""
        node = expr
        while (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr in QUERYSET_CHAIN):
            node = node.func.value  # each step consumes a node: terminates on any chain length
        if not isinstance(node, ast.Attribute):
            return None, None
        model = self.model_class(node.value)
        if model is None or node.attr in model.fields:
            return None, None
        return model, node.attr

    # ---------------------------------------------------------------------------- facts-level values
    def model_of_value(self, facts: ModuleFacts, value, hops: int = 0):
        """A model named by a literal read from another module's facts (e.g. a form's `Meta.model`)."""
        if hops > MAX_HOPS:
            return None
        if isinstance(value, str):
            return self.project.model_by_label(value)
        if isinstance(value, CallValue):
            if value.func in GET_USER_MODEL:
                return self.project.user_model()
            if value.func in GET_MODEL or value.func.endswith("apps.get_model"):
                strings = [a for a in value.args if isinstance(a, str)]
                label = ".".join(strings) if strings else None
                return self.project.model_by_label(label) if label else None
            return None
        if isinstance(value, Ref):
            if value.dotted in AUTH_USER_MODEL_SETTING:
                return self.project.user_model()
            if "." not in value.dotted:
                bound = facts.assigned(value.dotted)
                if bound is not None:
                    return self.model_of_value(facts, bound, hops + 1)
                return None
            return self.project.model(value.dotted)
        return None
