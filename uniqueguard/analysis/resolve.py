"""The resolver: which model (or form) does this expression denote?

One question, many spellings. A model class: imported under any name, a module alias (`m.User`),
`get_user_model()` (in the function or bound at module level), `apps.get_model(...)`, `cls` in a
classmethod, `self.__class__` / `type(self)` in a model method, `self.model` in a manager or queryset
bound to one model. A manager: `M.<any attribute>`, queryset chains, `self` inside a bound manager, and
related managers (`author.book_set`, a `related_name`, a many-to-many field) of a resolved instance. An
instance: `M(...)`, `M.objects.get(...)`, `get_object_or_404(M, ...)`, `request.user`, an annotated
parameter, `self` in a model method, an attribute set in `__init__`, a FK/O2O attribute of an instance.

"Unknown" (None) is a valid answer: the engine stays silent on what it cannot resolve, never guesses.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import FrozenSet, Optional

from .. import orm
from ..index.facts import UNKNOWN, CallValue, ModuleFacts, Ref, iter_nodes, names_auth_user_model
from .scope import ModuleScope
from ..index.validation import Validator, validator_for

GET_USER_MODEL = ("django.contrib.auth.get_user_model",)
GET_MODEL = ("django.apps.apps.get_model", "apps.get_model")
MANAGER_BASES = ("django.db.models.Manager", "django.db.models.manager.Manager",
                 "django.db.models.manager.BaseManager", "django.db.models.QuerySet",
                 "django.db.models.query.QuerySet", "django.contrib.auth.base_user.BaseUserManager",
                 "django.contrib.auth.models.UserManager")
MANAGER_SUFFIXES = ("Manager", "QuerySet", "Queryset")
SELF_MODEL_ATTRIBUTES = ("model", "_model")


MAX_HOPS = 8
# Bindings followed at once (one question's chain through `a = b.x.first()`, `b = c.y.get()`...):
# beyond this the answer is "unknown", never a recursion that loses the whole file.
MAX_FOLLOWED = 32


@dataclass(frozen=True)
class ManagerRef:
    """A manager (or queryset) of `model`; `implied` are fields it sets itself (a reverse FK)."""

    model: object
    name: str
    implied: FrozenSet[str] = field(default_factory=frozenset)


def unchained(expr: ast.AST) -> ast.AST:
    """`M.objects` in `M.objects.using("x").filter(...)`: the expression before any queryset chain."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in orm.QUERYSET_CHAIN:
        expr = expr.func.value  # each step consumes a node: terminates on any chain length
    return expr


class Resolver:
    def __init__(self, scope: ModuleScope, project):
        self.scope = scope
        self.project = project
        self._validators: dict = {}
        self._returning: set = set()  # functions being followed: recursion guard
        self._following: set = set()  # bindings being followed: cycle guard (see `_through`)
        self._init_attributes: dict = {}  # ClassDef → {attribute: value assigned in __init__}

    # ----------------------------------------------------------------------------------- classes
    def dotted(self, node: ast.AST) -> Optional[str]:
        """The qualified name of a Name/Attribute, looking into `from x import *` for unknown heads."""
        dotted = self.scope.qualify(node)
        if dotted is None or not self.scope.star_imports:
            return dotted
        head = dotted.partition(".")[0]
        if head in self.scope.names.imports or head in self.scope.names.local_defs:
            return dotted
        for star in self.scope.star_imports:
            if self.project.find_class(f"{star}.{head}") is not None:
                return f"{star}.{dotted}"
        return dotted

    def enclosing_class_facts(self, node: ast.AST):
        """(ast ClassDef, ClassFacts) of the class whose method holds `node`, or (None, None)."""
        cls = self._enclosing_classdef(node)
        if cls is None:
            return None, None
        return cls, self.project.find_class(f"{self.scope.module}.{cls.name}")

    def _enclosing_model(self, node: ast.AST):
        _, facts = self.enclosing_class_facts(node)
        return self.project.model(facts.qualname) if facts is not None else None

    def is_manager_class(self, facts) -> bool:
        if facts is None:
            return False
        if facts.name.endswith(MANAGER_SUFFIXES):
            return True
        return self.project.model(facts.qualname) is None and self.project.inherits(facts, MANAGER_BASES)

    def _bound_model(self, node: ast.AST):
        """The one model a manager/queryset class around `node` is bound to (`objects = ThisManager()`)."""
        _, facts = self.enclosing_class_facts(node)
        if not self.is_manager_class(facts):
            return None
        models = self.project.models_for_class(facts.qualname)
        return models[0] if len(models) == 1 else None

    # ------------------------------------------------------------------------------------ models
    def model_class(self, expr: ast.AST, hops: int = 0):
        """The ModelInfo of an expression that denotes a model class, or None."""
        if hops > MAX_HOPS or expr is None:
            return None
        if isinstance(expr, ast.Call):
            return self._model_from_call(expr)
        if isinstance(expr, ast.Name):
            binding, scope = self.scope.binding_before(expr.id, expr)
            if binding is not None and binding.kind == "assign" and binding.value is not None:
                return self._through(binding, self.model_class, hops + 1)
            if binding is not None and binding.kind == "param":
                return self._model_of_param(expr.id, scope)
            if binding is not None and binding.kind in ("for", "with", "unpack0"):
                return None
        if isinstance(expr, ast.Attribute) and expr.attr == "through" and isinstance(expr.value, ast.Attribute):
            owner = self.model_class(expr.value.value, hops + 1)
            if owner is not None:
                return self.project.through_model(owner, expr.value.attr)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self":
            if expr.attr == "__class__":
                return self._enclosing_model(expr)
            if expr.attr in SELF_MODEL_ATTRIBUTES:
                return self._bound_model(expr)
        if isinstance(expr, (ast.Name, ast.Attribute)):
            dotted = self.dotted(expr)
            if dotted is None:
                return None
            if names_auth_user_model(dotted):
                return self.project.user_model()
            return self.project.model(dotted)
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return self.project.model_by_label(expr.value)
        return None

    def _model_of_param(self, name: str, func):
        """`cls` in a classmethod of a model, `self.model`-style managers are handled by the caller."""
        if func is None or isinstance(func, ast.Lambda):
            return None
        params = func.args.args
        if params and params[0].arg == name and name in ("cls", "klass"):
            decorators = {self.scope.qualify(d) for d in func.decorator_list}
            if "classmethod" in decorators:
                return self._enclosing_model(func.body[0] if func.body else func)
        return None

    def _model_from_call(self, call: ast.Call):
        callee = self.dotted(call.func) or ""
        if callee in GET_USER_MODEL:
            return self.project.user_model()
        if callee in GET_MODEL or callee.rpartition(".")[2] == "get_model":
            # apps.get_model, and the same-shaped loaders of reusable apps (oscar.core.loading.get_model)
            return self._get_model(call)
        if (callee == "type" and len(call.args) == 1 and isinstance(call.args[0], ast.Name)
                and call.args[0].id == "self"):
            return self._enclosing_model(call)
        return self._model_returned_by(call)

    def _model_returned_by(self, call: ast.Call):
        """`cls.user_model()`, `self.get_model()`, `helper()`: a function of this module whose every
        `return` names the same model class."""
        func = self._local_function(call.func)
        if func is None or func in self._returning:
            return None
        self._returning.add(func)
        try:
            returns = [n.value for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None
                       and self.scope.enclosing_function(n) is func]
            models = [self.model_class(value) for value in returns]
        finally:
            self._returning.discard(func)
        if models and all(m is not None for m in models) and len({m.qualname for m in models}) == 1:
            return models[0]
        return None

    def _local_function(self, target: ast.AST):
        """The def a call target names in this module: `name`, or `self.name` / `cls.name` in its class."""
        if isinstance(target, ast.Name):
            for node in self.scope.tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == target.id:
                    return node
            return None
        if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id in ("self", "cls")):
            cls, _ = self.enclosing_class_facts(target)
            for node in cls.body if cls is not None else ():
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == target.attr:
                    return node
        return None

    def _get_model(self, call: ast.Call):
        """`apps.get_model("app", "Model")`, `apps.get_model("app.Model")`, `(settings.AUTH_USER_MODEL)`."""
        if len(call.args) == 1 and names_auth_user_model(self.scope.qualify(call.args[0])):
            return self.project.user_model()
        args = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if len(args) == 2 and len(call.args) == 2:
            return self.project.model_by_label(f"{args[0]}.{args[1]}")
        if len(args) == 1 and len(call.args) == 1:
            return self.project.model_by_label(args[0])
        return None

    # ---------------------------------------------------------------------------------- managers
    def manager(self, expr: ast.AST) -> Optional[ManagerRef]:
        """The manager an expression denotes: `M.objects`, chains, `self` in a bound manager, related managers."""
        node = unchained(expr)
        if isinstance(node, ast.Name) and node.id == "self":
            model = self._bound_model(node)
            return ManagerRef(model, "self") if model is not None else None
        if not isinstance(node, ast.Attribute):
            return None
        model = self.model_class(node.value)
        if model is not None:
            return None if node.attr in model.fields else ManagerRef(model, node.attr)
        owner = self.instance_model(node.value)
        if owner is None:
            # `user.tokens` with `user` unknown: a reverse manager name only one relation has.
            reverse = self.project.sole_reverse_relation(node.attr) if self._opaque(node.value) else None
            return self._reverse_manager(reverse, node.attr) if reverse is not None else None
        forward = owner.fields.get(node.attr)
        if forward is not None:
            if forward.relation != "m2m":
                return None
            target = self.project.related_model(owner, forward)
            return ManagerRef(target, node.attr) if target is not None else None
        reverse = self.project.reverse_relations(owner.qualname).get(node.attr)
        return self._reverse_manager(reverse, node.attr) if reverse is not None else None

    def _opaque(self, expr: ast.AST) -> bool:
        """Whether `expr` may well be a model instance that nothing here describes: a parameter, a loop
        variable, `request.user`, an attribute of one. Not `self` of some other class, an imported
        name, or what a call to something unknown returned (`client.users` of an API client)."""
        if isinstance(expr, ast.Name) and expr.id in ("self", "cls"):
            return False
        root = expr
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            return False
        binding, _ = self.scope.binding_before(root.id, expr)
        if binding is None:
            return False
        return binding.kind in ("param", "for") or (binding.kind == "assign"
                                                    and isinstance(binding.value, (ast.Name, ast.Attribute)))

    @staticmethod
    def _reverse_manager(reverse, accessor: str) -> ManagerRef:
        """A reverse manager writes rows of the relation's holder, the relation itself already set."""
        holder, relation = reverse
        implied = frozenset({relation.name}) if relation.relation == "fk" else frozenset()
        return ManagerRef(holder, accessor, implied)

    # --------------------------------------------------------------------------------- instances
    def instance_model(self, expr: ast.AST, hops: int = 0):
        """The model of which `expr` is an instance, or None."""
        if hops > MAX_HOPS or expr is None:
            return None
        if isinstance(expr, ast.Await):
            return self.instance_model(expr.value, hops + 1)
        if isinstance(expr, ast.Name):
            return self._instance_of_name(expr, hops)
        if isinstance(expr, ast.Call):
            return self._instance_of_call(expr)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Call):
            found = self.manager(expr.value.func.value) if isinstance(expr.value.func, ast.Attribute) else None
            return found.model if found is not None and expr.value.func.attr in orm.UPSERT else None
        if isinstance(expr, ast.Attribute):
            return self._instance_of_attribute(expr, hops)
        return None

    def _instance_of_name(self, expr: ast.Name, hops: int):
        binding, func = self.scope.binding_before(expr.id, expr)
        if binding is None:
            return None
        if binding.kind == "assign":
            return self._through(binding, self.instance_model, hops + 1)
        if binding.kind == "unpack0" and isinstance(binding.value, ast.Call):
            return self._through(binding, self._instance_of_unpacked)
        if binding.kind == "for":
            return self._through(binding, self._instance_of_iterable)
        if binding.kind == "param" and func is not None and not isinstance(func, ast.Lambda):
            if expr.id == "self":
                return self._enclosing_model(expr)
            if expr.id == "instance":
                sender = self._signal_sender(func)
                if sender is not None:
                    return sender
            for arg in func.args.args + func.args.kwonlyargs:
                if arg.arg == expr.id and arg.annotation is not None:
                    return self.model_class(_unquote(arg.annotation), hops + 1)
        return None

    def _through(self, binding, follow, *args, unknown=None):
        """`follow(binding.value, *args)`, unless this binding is already being followed (a cycle the
        source order cannot break: closures, loops, module names read in functions) or the chain is
        MAX_FOLLOWED long; then `unknown`."""
        if binding in self._following or len(self._following) >= MAX_FOLLOWED:
            return unknown
        self._following.add(binding)
        try:
            return follow(binding.value, *args)
        finally:
            self._following.discard(binding)

    def _instance_of_unpacked(self, call: ast.Call):
        """`obj` of `obj, created = M.objects.get_or_create(...)`."""
        if isinstance(call.func, ast.Attribute) and "or_create" in call.func.attr:
            found = self.manager(call.func.value)
            return found.model if found is not None else None
        return None

    def _signal_sender(self, func):
        """The model of `instance` in `@receiver(post_save, sender=Model)` (a signal handler)."""
        for decorator in getattr(func, "decorator_list", []):
            if isinstance(decorator, ast.Call) and (self.dotted(decorator.func) or "").endswith("receiver"):
                for keyword in decorator.keywords:
                    if keyword.arg == "sender":
                        return self.model_class(keyword.value)
        return None

    def _instance_of_call(self, call: ast.Call):
        if isinstance(call.func, ast.Attribute) and call.func.attr in orm.INSTANCE_RETURNING:
            found = self.manager(call.func.value)
            if found is not None:
                return found.model
        dotted = self.dotted(call.func) or ""
        if dotted.endswith(("get_object_or_404", "aget_object_or_404")) and call.args:
            return self.model_class(call.args[0])
        return self.model_class(call.func)  # a constructor: M(...)

    def _instance_of_iterable(self, iterable: ast.AST):
        if isinstance(iterable, (ast.List, ast.Tuple)) and iterable.elts:
            models = {getattr(self.instance_model(e), "qualname", None) for e in iterable.elts}
            first = self.instance_model(iterable.elts[0])
            return first if len(models) == 1 else None
        found = self.manager(iterable)
        return found.model if found is not None else None

    def _instance_of_attribute(self, expr: ast.Attribute, hops: int):
        value = expr.value
        if expr.attr == "user" and (
                (isinstance(value, ast.Name) and value.id == "request")
                or (isinstance(value, ast.Attribute) and value.attr == "request")):
            return self.project.user_model()
        if isinstance(value, ast.Name) and value.id == "self":
            assigned = self.init_assignment(expr)
            if assigned is not None:
                return self.instance_model(assigned, hops + 1)
        owner = self.instance_model(value, hops + 1)
        if owner is not None:
            relation = owner.fields.get(expr.attr)
            if relation is not None and relation.relation in ("fk", "o2o"):
                return self.project.related_model(owner, relation)
        return None

    def init_assignment(self, expr: ast.Attribute) -> Optional[ast.AST]:
        """The value `self.<attr>` was given in the enclosing class's `__init__`."""
        cls = self._enclosing_classdef(expr)
        if cls is None:
            return None
        if cls not in self._init_attributes:
            assigned = {}
            for statement in cls.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == "__init__":
                    for node in iter_nodes(statement):
                        if isinstance(node, ast.Assign) and len(node.targets) == 1:
                            target = node.targets[0]
                            if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                                    and target.value.id == "self"):
                                assigned.setdefault(target.attr, node.value)
            self._init_attributes[cls] = assigned
        return self._init_attributes[cls].get(expr.attr)

    def _enclosing_classdef(self, node: ast.AST) -> Optional[ast.ClassDef]:
        func = self.scope.enclosing_function(node)
        while func is not None:
            cls = self.scope.enclosing_class(func)
            if cls is not None:
                return cls
            func = self.scope.enclosing_function(func)
        return None

    # ------------------------------------------------------------------------------------ values
    def static_value(self, expr: ast.AST, hops: int = 0):
        """The literal a written value surely is, or UNKNOWN: a constant, a local name bound to one, or
        a class constant such as `WorkflowState.STATUS_IN_PROGRESS` or a choices member
        `Authenticator.Type.TOTP` (a `TextChoices` member's value is the first item of its tuple)."""
        if hops > MAX_HOPS:
            return UNKNOWN
        if isinstance(expr, ast.Constant):
            return expr.value
        if isinstance(expr, ast.Name):
            binding, _ = self.scope.binding_before(expr.id, expr)
            if binding is not None and binding.kind == "assign" and binding.value is not None:
                return self._through(binding, self.static_value, hops + 1, unknown=UNKNOWN)
            return UNKNOWN
        if isinstance(expr, ast.Attribute):
            dotted = self.dotted(expr)
            return _member_value(self._class_attribute(dotted)) if dotted else UNKNOWN
        return UNKNOWN

    def _class_attribute(self, dotted: str):
        """The literal assigned to `pkg.mod.Class[.Inner...].NAME`, found through class facts."""
        parts = dotted.split(".")
        for split in range(len(parts) - 1, 0, -1):
            cls = self.project.find_class(".".join(parts[:split]))
            if cls is None:
                continue
            for inner in parts[split:-1]:
                cls = cls.inner(inner) if cls is not None else None
            return cls.assigned(parts[-1], UNKNOWN) if cls is not None else UNKNOWN
        return UNKNOWN

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
            if holder.id in ("self", "validated_data", "cleaned_data", "attrs"):
                # Inside the form/serializer itself: `self.cleaned_data`, `create(self, validated_data)`.
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
            if cls is not None:
                self._validators[dotted] = validator_for(self.project.modules, self.model_of_value, cls)
        return self._validators[dotted]

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
            if value.func in GET_MODEL or value.last == "get_model":
                strings = [a for a in value.args if isinstance(a, str)]
                label = ".".join(strings) if strings else None
                return self.project.model_by_label(label) if label else None
            return None
        if isinstance(value, Ref):
            if names_auth_user_model(value.dotted):
                return self.project.user_model()
            if "." not in value.dotted:
                bound = facts.assigned(value.dotted)
                if bound is not None:
                    return self.model_of_value(facts, bound, hops + 1)
                return None
            return self.project.model(value.dotted)
        return None


def _member_value(value):
    """A choices member `TOTP = "totp", _("TOTP")` is worth its first item; plain literals themselves."""
    if isinstance(value, tuple) and value and isinstance(value[0], (str, int, bool)):
        return value[0]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return UNKNOWN


def _unquote(annotation: ast.AST) -> ast.AST:
    """`"User"` string annotations and `Optional[User]` → the class expression."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return annotation
    if isinstance(annotation, ast.Subscript):
        inner = annotation.slice
        return inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    return annotation
