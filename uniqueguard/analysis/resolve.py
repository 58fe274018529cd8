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
from typing import FrozenSet, List, Optional, Sequence, Tuple

from .. import orm
from ..index import named
from ..index.facts import UNKNOWN, ClassFacts, ModuleFacts, Ref, literal, names_auth_user_model
from ..index.sources import project_method
from .scope import BindingKind, ModuleScope, statements_in
from ..index.uniqueness import ModelInfo
from ..index.form_keys import cleaned_data_keys
from ..index.validation import Validator, ValidatorKind, classes_returned, validator_for
from ..records import dataclass, field, replace

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
    """A manager (or queryset) of `model`; `implied` are fields it sets itself (a reverse FK); `related`:
    a related manager (reverse ForeignKey, either side of a many-to-many), whose rows belong to an instance."""

    model: ModelInfo
    name: str
    implied: FrozenSet[str] = field(default_factory=frozenset)
    related: bool = False


def is_request_user(expr: ast.AST) -> bool:
    """`request.user`, `self.request.user`, `self.context["request"].user`: the user of the request."""
    if not (isinstance(expr, ast.Attribute) and expr.attr == "user"):
        return False
    value = expr.value
    return ((isinstance(value, ast.Name) and value.id == "request")
            or (isinstance(value, ast.Attribute) and value.attr == "request")
            or (isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant)
                and value.slice.value == "request"))


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
        self._attributes: dict = {}  # ClassDef → {attribute: [values `self.<attribute> =` in its methods]}
        self._implementers: Optional[list] = None  # class facts of the project and this module

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
            if binding is not None and binding.kind is BindingKind.ASSIGN and binding.value is not None:
                return self._through(binding, self.model_class, hops + 1)
            if binding is not None and binding.kind is BindingKind.PARAM:
                return self._model_of_param(expr.id, scope)
            if binding is not None and binding.kind in (BindingKind.FOR, BindingKind.WITH, BindingKind.UNPACK0):
                return None
        if isinstance(expr, ast.Attribute) and expr.attr == "through" and isinstance(expr.value, ast.Attribute):
            # `Book.authors.through`, and `book.authors.through`: Django's many-to-many manager on an
            # instance carries the same model (`ManyRelatedManager.__init__`: `self.through = rel.through`)
            owner = self.model_class(expr.value.value, hops + 1) or self.instance_model(expr.value.value, hops + 1)
            if owner is not None:
                return self.project.through_model(owner, expr.value.attr)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in ("self", "cls"):
            if expr.attr == "__class__":
                return self._enclosing_model(expr)
            if expr.attr in SELF_MODEL_ATTRIBUTES:
                bound = self._bound_model(expr)
                if bound is not None:
                    return bound
            return self._model_of_self_attribute(expr, hops)
        if (isinstance(expr, ast.Attribute) and expr.attr == "model" and isinstance(expr.value, ast.Attribute)
                and expr.value.attr in ("Meta", "_meta") and isinstance(expr.value.value, ast.Name)
                and expr.value.value.id in ("self", "cls")):
            return self._meta_model(expr)
        if isinstance(expr, (ast.Name, ast.Attribute)):
            dotted = self.dotted(expr)
            if dotted is None:
                return None
            if names_auth_user_model(dotted):
                return self.project.user_model()
            found = self.project.model(dotted)
            if found is None and dotted.partition(".")[0] in self.scope.names_at(expr).imports:
                # an imported name another module bound to a model: `Voucher = get_voucher_model()`
                found = named.model_of_dotted(self.project, None, dotted)
            return found
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return self.project.model_by_label(expr.value)
        return None

    def _model_of_param(self, name: str, func):
        """`cls` in a classmethod of a model, and a parameter annotated as a model class (`model:
        type[Group]`, `Type[Group]`, quoted or not: the class or a subclass, which carries its unique
        sets); `self.model`-style managers are handled by the caller."""
        if func is None or isinstance(func, ast.Lambda):
            return None
        params = func.args.args
        if params and params[0].arg == name and name in ("cls", "klass"):
            decorators = {self.scope.qualify(d) for d in func.decorator_list}
            if "classmethod" in decorators:
                return self._enclosing_model(func.body[0] if func.body else func)
        for arg in func.args.posonlyargs + params + func.args.kwonlyargs:
            if arg.arg == name and arg.annotation is not None:
                held = self._class_annotation(arg.annotation)
                return self.model_class(held) if held is not None else None
        return None

    def _class_annotation(self, annotation: ast.AST) -> Optional[ast.AST]:
        """`X` of a `type[X]` / `typing.Type[X]` annotation (quoted or not), else None."""
        annotation = _unquote_text(annotation)
        if isinstance(annotation, ast.Subscript) and self.scope.qualify(annotation.value) in ("type", "typing.Type"):
            return _unquote_text(annotation.slice)
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
        found = self._model_returned_by(call)
        if found is None:
            found = self._model_returned_by_method(call.func)
        if found is None:
            # a getter of another module: `get_voucher_model()` imported, `swapper.load_model(...)`
            found = named.model_of_call(self.project, self._own_facts(), self._literal(call))
        return found

    def _literal(self, node: ast.AST):
        return literal(node, self.scope.names_at(node))

    def _own_facts(self) -> Optional[ModuleFacts]:
        return self.project.module(self.scope.module) if self.scope.module else None

    def _model_returned_by(self, call: ast.Call):
        """`cls.user_model()`, `self.get_model()`, `helper()`: a function of this module whose every
        `return` names the same model class."""
        func = self.local_function(call.func)
        if func is None or func in self._returning:
            return None
        self._returning.add(func)
        try:
            returns = [n.value for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None
                       and self.scope.enclosing_function(n) is func]
            models = [self.model_class(value) for value in returns]
        finally:
            self._returning.discard(func)
        return named.the_one(models)

    def local_function(self, target: ast.AST):
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
        """`apps.get_model` in every spelling: `("app", "Model")`, `("app.Model")`, keywords `app_label=`
        / `model_name=`, `(settings.X)` (the setting's model, or the model swappable by it),
        `(getattr(settings, "X", "app.Model"))`, and a local variable holding the label."""
        value = self._literal(call)
        args = tuple(self._follow_constant(arg) for arg in call.args)
        return named.model_of_call(self.project, self._own_facts(), type(value)(value.func, args, value.kwargs))

    def _follow_constant(self, expr: ast.AST):
        """A local name bound to a string is that string (`label = "shop.Voucher"`)."""
        if isinstance(expr, ast.Name):
            binding, _ = self.scope.binding_before(expr.id, expr)
            if (binding is not None and binding.kind is BindingKind.ASSIGN and isinstance(binding.value, ast.Constant)
                    and isinstance(binding.value.value, str)):
                return binding.value.value
        return self._literal(expr)

    def _model_returned_by_method(self, target: ast.AST):
        """`self.get_model()` / `cls.get_model()` defined in a base class (of any module), or, when the
        class is an abstract model or a mixin, in the project's subclasses that implement it (when they
        all return the same model)."""
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id in ("self", "cls")):
            return None
        _, facts = self.enclosing_class_facts(target)
        if facts is None:
            return None
        for owner in [facts] + [f for _, f in self.project.ancestors(facts) if f is not None]:
            method = owner.method(target.attr)
            if method is not None and method.returns:
                found = named.agreed(self.project, self.project.module(owner.module), method.returns)
                if found is not None:
                    return found
        model = self.project.model(facts.qualname)
        if model is not None and not model.abstract:
            return None  # a concrete model's own method: its subclasses do not decide for it
        implementers = [(c, method) for c in self._classes() if c is not facts
                        for method in [c.method(target.attr)]
                        if method is not None and self.project.inherits(c, (facts.qualname,))]
        return named.the_one([named.agreed(self.project, self.project.module(c.module), method.returns)
                              for c, method in implementers])

    def _classes(self) -> List[ClassFacts]:
        """Class facts of the project's models modules and of this module: where subclasses are looked for."""
        if self._implementers is None:
            found: List[ClassFacts] = []
            for dotted in self.project.models_modules + ([self.scope.module] if self.scope.module else []):
                facts = self.project.module(dotted)
                found.extend(facts.classes if facts is not None else ())
            self._implementers = found
        return self._implementers

    def _meta_model(self, expr: ast.Attribute):
        """`self.Meta.model` in a ModelForm / ModelSerializer (its own or an inherited Meta), and
        `self._meta.model` in a model method."""
        own = self._enclosing_model(expr)
        if own is not None:
            return own
        _, facts = self.enclosing_class_facts(expr)
        for owner in ([facts] + [f for _, f in self.project.ancestors(facts) if f is not None]) if facts else ():
            value = owner.meta.assigned("model") if owner.meta is not None else None
            if value is not None:
                return named.model_of_value(self.project, self.project.module(owner.module), value)
        return None

    def _model_of_self_attribute(self, expr: ast.Attribute, hops: int):
        """`self.x` holding a model class: `self.x = Model` / `apps.get_model(...)` in any method of the
        class or its bases (a view's `dispatch()`), else a class attribute (`model = Voucher` on a view)."""
        values, remote = self.attribute_values(expr)
        if values or remote:
            models = [self.model_class(value, hops + 1) for value in values]
            models += [named.model_of_value(self.project, module, value) for module, value in remote]
            return named.the_one(models)
        _, facts = self.enclosing_class_facts(expr)
        for owner in ([facts] + [f for _, f in self.project.ancestors(facts) if f is not None]) if facts else ():
            value = owner.assigned(expr.attr)
            if value is not None:
                return named.model_of_value(self.project, self.project.module(owner.module), value)
        return None

    # ---------------------------------------------------------------------------------- managers
    def manager(self, expr: ast.AST, hops: int = 0) -> Optional[ManagerRef]:
        """The manager an expression denotes: `M.objects`, chains, `self` in a bound manager, related managers."""
        node = unchained(expr)
        if isinstance(node, ast.Name) and node.id == "self":
            model = self._bound_model(node)
            return ManagerRef(model, "self") if model is not None else None
        if isinstance(node, ast.Name) and hops < MAX_HOPS:
            # `manager = M._default_manager` / `qs = M.objects.filter(...)` held in a local
            binding, _ = self.scope.binding_before(node.id, node)
            if binding is not None and binding.kind is BindingKind.ASSIGN and binding.value is not None:
                return self._through(binding, self.manager, hops + 1)
            return None
        if not isinstance(node, ast.Attribute):
            return None
        model = self.model_class(node.value)
        if model is not None:
            return None if node.attr in model.fields else ManagerRef(model, node.attr)
        owner = self.instance_model(node.value)
        if owner is None:
            # `user.tokens` with `user` unknown: a reverse manager name only one relation has.
            reverse = self.project.sole_reverse_relation(node.attr) if self._may_own(node.value, node.attr) else None
            return self._reverse_manager(reverse, node.attr) if reverse is not None else None
        forward = owner.fields.get(node.attr)
        if forward is not None:
            if forward.relation != "m2m":
                return None
            target = self.project.related_model(owner, forward)
            return ManagerRef(target, node.attr, related=True) if target is not None else None
        reverse = self.project.reverse_relation(owner, node.attr)
        return self._reverse_manager(reverse, node.attr) if reverse is not None else None

    def _may_own(self, expr: ast.AST, accessor: str) -> bool:
        """Whether `expr`, which nothing here describes, may well be a model instance owning the reverse
        manager `accessor`: a parameter, a loop variable, `request.user`, an attribute of one. Not `self`
        of some other class, an imported name, or what a call to something unknown returned
        (`client.users` of an API client). A `<name>_set` accessor is Django's own spelling of a reverse
        manager (`ForeignObjectRel.get_accessor_name`), so for it any value will do — a call's result
        (`self.get_object().change_set`), an item (`languages[code].plural_set`) — but `self`/`cls`
        of a class that is no model, and attributes of an imported name (a module's, a class's)."""
        if isinstance(expr, ast.Name) and expr.id in ("self", "cls"):
            return False
        default_spelling = accessor.endswith("_set")
        root, computed = expr, False
        while isinstance(root, ast.Attribute) or (
                default_spelling and isinstance(root, (ast.Call, ast.Subscript, ast.Await))):
            computed = computed or not isinstance(root, ast.Attribute)
            root = root.func if isinstance(root, ast.Call) else root.value
        if not isinstance(root, ast.Name):
            return False
        binding, _ = self.scope.binding_before(root.id, expr)
        if binding is None:
            return False
        if default_spelling:  # an imported name's own attributes are a module's or a class's
            return binding.kind is not BindingKind.IMPORT or computed
        return binding.kind in (BindingKind.PARAM, BindingKind.FOR) or (
            binding.kind is BindingKind.ASSIGN and isinstance(binding.value, (ast.Name, ast.Attribute)))

    @staticmethod
    def _reverse_manager(reverse, accessor: str) -> ManagerRef:
        """A reverse manager writes rows of the relation's holder, the relation itself already set."""
        holder, relation = reverse
        implied = frozenset({relation.name}) if relation.relation == "fk" else frozenset()
        return ManagerRef(holder, accessor, implied, related=True)

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
            func = expr.value.func
            found = self.manager(func.value) if isinstance(func, ast.Attribute) else None
            upsert = isinstance(func, ast.Attribute) and func.attr in orm.UPSERT
            return found.model if found is not None and upsert else None
        if isinstance(expr, ast.Attribute):
            return self._instance_of_attribute(expr, hops)
        return None

    def _instance_of_name(self, expr: ast.Name, hops: int):
        binding, func = self.scope.binding_before(expr.id, expr)
        if binding is None:
            return None
        if binding.kind is BindingKind.ASSIGN:
            return self._through(binding, self.instance_model, hops + 1)
        if binding.kind is BindingKind.UNPACK0 and isinstance(binding.value, ast.Call):
            return self._through(binding, self._instance_of_unpacked)
        if binding.kind is BindingKind.FOR:
            return self._through(binding, self._instance_of_iterable)
        if binding.kind is BindingKind.PARAM and func is not None and not isinstance(func, ast.Lambda):
            if expr.id == "self":
                return self._enclosing_model(expr)
            if expr.id == "instance":
                sender = self._signal_sender(func)
                if sender is not None:
                    return sender
            for arg in func.args.args + func.args.kwonlyargs:
                if arg.arg == expr.id and arg.annotation is not None:
                    if self._class_annotation(arg.annotation) is not None:
                        return None  # `model: type[Group]` holds the class, not an instance
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
        if orm.is_row_shortcut(dotted) and call.args:
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
        if is_request_user(expr):
            return self.project.user_model()
        if isinstance(value, ast.Name) and value.id == "self":
            values, _ = self.attribute_values(expr)
            found = named.the_one([self.instance_model(v, hops + 1) for v in values])
            if found is not None:
                return found
        owner = self.instance_model(value, hops + 1)
        if owner is not None:
            relation = owner.fields.get(expr.attr)
            if relation is not None and relation.relation in ("fk", "o2o"):
                return self.project.related_model(owner, relation)
        return None

    def init_assignment(self, expr: ast.Attribute) -> Optional[ast.AST]:
        """The constructor call `self.<attr>` was given in a method of the class or of a base in this
        module (`self.order = Order(...)` in `__init__` or a view's `dispatch()`): the first one, when
        every assignment of the attribute builds the same model."""
        values, remote = self.attribute_values(expr)
        calls = [v for v in values if isinstance(v, ast.Call)]
        if remote or not calls or len(calls) != len(values):
            return None
        models = {getattr(self.model_class(c.func), "qualname", None) for c in calls}
        return calls[0] if len(models) == 1 and None not in models else None

    def attribute_values(self, expr: ast.Attribute):
        """([values], [(module facts, literal)]) `self.<attr>` is assigned in the methods of the enclosing
        class and its bases: syntax for the classes of this module, facts for bases of other modules."""
        cls = self._enclosing_classdef(expr)
        if cls is None:
            return [], []
        values = []
        for classdef in self._classdefs_up(cls):
            values.extend(self._self_assignments(classdef).get(expr.attr, ()))
        remote = []
        _, facts = self.enclosing_class_facts(expr)
        for owner in [f for _, f in self.project.ancestors(facts) if f is not None] if facts else ():
            if owner.module == self.scope.module:
                continue
            module = None
            for method in owner.methods:
                for attr, value in method.attributes:
                    if attr == expr.attr:
                        module = module or self.project.module(owner.module)
                        remote.append((module, value))
        return values, remote

    def _classdefs_up(self, cls: ast.ClassDef) -> list:
        """The class and its bases defined at module level in this module, nearest first."""
        by_name = {c.name: c for c in self.scope.tree.body if isinstance(c, ast.ClassDef)}
        found = [cls]
        index = 0
        while index < len(found) and len(found) < 16:
            for base in found[index].bases:
                parent = by_name.get(base.id) if isinstance(base, ast.Name) else None
                if parent is not None and parent not in found:
                    found.append(parent)
            index += 1
        return found

    def _self_assignments(self, cls: ast.ClassDef) -> dict:
        """attribute → values of `self.<attribute> = value` in any method of `cls`, in source order."""
        if cls not in self._attributes:
            assigned: dict = {}
            for statement in cls.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for node in statements_in(statement):
                        if isinstance(node, ast.Assign) and len(node.targets) == 1:
                            target = node.targets[0]
                            if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                                    and target.value.id == "self"):
                                assigned.setdefault(target.attr, []).append(node.value)
            self._attributes[cls] = assigned
        return self._attributes[cls]

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
            if binding is not None and binding.kind is BindingKind.ASSIGN and binding.value is not None:
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
        if binding.kind is BindingKind.ASSIGN and isinstance(binding.value, ast.Call):
            func = binding.value.func
            if (isinstance(func, ast.Attribute) and func.attr == "get_serializer" and isinstance(func.value, ast.Name)
                    and func.value.id == "self" and scope is not None):
                return self._view_serializer(scope)
            return self._validator_of_callee(func)
        if binding.kind is BindingKind.PARAM and scope is not None:
            cls = self.scope.enclosing_class(scope)
            if cls is None:
                return None
            if holder.id in ("self", "validated_data", "cleaned_data", "attrs"):
                # Inside the form/serializer itself: `self.cleaned_data`, `create(self, validated_data)`.
                return self.validator_of_class(f"{self.scope.module}.{cls.name}")
            attribute = {"form": "form_class", "serializer": "serializer_class"}.get(holder.id)
            if attribute == "form_class":
                classes = self._view_form_classes(holder, scope, cls)
                if classes is not None:
                    return self.validator_of_classes(classes)
            for statement in cls.body if attribute else ():
                if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                        and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id == attribute):
                    return self.validator_of_class(self.dotted(statement.value))
        return None

    def _view_serializer(self, func: ast.AST) -> Optional[Validator]:
        """The serializer DRF's `self.get_serializer(...)` builds in a view method: the class the view's
        `serializer_class` names (in the view or a base), when no class of the view outside DRF overrides
        `get_serializer()` or `get_serializer_class()` (which may pick another) and every base is read."""
        cls = self.scope.enclosing_class(func)
        if cls is None or self.scope.parent(cls) is not self.scope.tree:
            return None
        facts = self.project.find_class(f"{self.scope.module}.{cls.name}")
        if facts is None:
            return None
        chain = [(facts.qualname, facts)] + self.project.ancestors(facts)
        for dotted, one in chain:
            if dotted.startswith(("rest_framework.", "django.")) or dotted in ("object", "builtins.object"):
                continue
            if one is None or one.method("get_serializer") or one.method("get_serializer_class"):
                return None
        return self.validator_of_class(self._view_attribute_class(chain, cls, "serializer_class"))

    def _view_form_classes(self, holder: ast.Name, func: ast.AST, cls: ast.ClassDef) -> Optional[List[str]]:
        """The form classes a view method's `form` parameter may be, when the view (or a base) defines
        `get_form_class()`, which Django calls to build the form it hands to `form_valid()`: every class it
        returns (`self.form_class` as the view's attribute); under `if <test>:` in the method, the one it
        returns under the same test; after `if isinstance(form, C): ... return`, not C. None when the view
        defines no `get_form_class()`; [] when a return is not a class name."""
        dotted_cls = f"{self.scope.module}.{cls.name}"
        facts = self.project.find_class(dotted_cls) if self.scope.parent(cls) is self.scope.tree else None
        chain = [(dotted_cls, facts)] + (self.project.ancestors(facts) if facts else [])
        getter: Optional[ast.AST] = next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                                          and n.name == "get_form_class"), None)
        names = self.scope.names
        if getter is None:
            owner = next((dotted for dotted, one in chain[1:] if one is not None and one.method("get_form_class")),
                         None)
            found = project_method(self.project, owner, "get_form_class") if owner else None
            if found is None:
                return None
            getter, names = found
        returns: List[Tuple[Optional[str], Optional[str]]] = []
        for node in ast.walk(getter):
            if not isinstance(node, ast.Return) or node.value is None:
                continue
            value = node.value
            if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "self":
                dotted = self._view_attribute_class(chain, cls, value.attr)
            else:
                dotted = names.of(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
            returns.append((_branch_test(getter, node), dotted))
        if not returns or any(dotted is None for _, dotted in returns):
            return []
        tests = {ast.unparse(parent.test) for child, parent in self.scope.ancestors(holder)
                 if isinstance(parent, ast.If) and child in parent.body}
        picked = [dotted for test, dotted in returns if test is not None and test in tests]
        classes = [d for d in (picked[:1] or [dotted for _, dotted in returns]) if d is not None]
        for statement in self.scope.ran_before(holder):
            excluded = _excluded_class(statement, holder.id)
            if excluded is not None:
                dotted = self.dotted(excluded)
                classes = [c for c in classes if not dotted or not self._is_subclass(c, dotted)]
        return list(dict.fromkeys(classes))

    def _view_attribute_class(self, chain, cls: ast.ClassDef, name: str) -> Optional[str]:
        """The class a view attribute (`form_class = SignupForm`) names, in the view or a base."""
        for statement in cls.body:
            if (isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None
                    and any(isinstance(t, ast.Name) and t.id == name
                            for t in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]))):
                return self.dotted(statement.value)
        for _, facts in chain[1:]:
            value = facts.assigned(name) if facts is not None else None
            if isinstance(value, Ref):
                return value.dotted
        return None

    def _is_subclass(self, dotted: str, base: str) -> bool:
        facts = self.project.find_class(dotted)
        wanted = self.project.find_class(base)
        names = {base} | ({wanted.qualname} if wanted is not None else set())
        return dotted in names or (facts is not None and (
            facts.qualname in names or self.project.inherits(facts, names)))

    def _validator_of_callee(self, func: ast.AST) -> Optional[Validator]:
        """The class called, also through a local chosen by a condition (`Form = A if captcha else B`):
        then what both classes check."""
        if isinstance(func, ast.Name):
            binding, _ = self.scope.binding_before(func.id, func)
            if binding is not None and binding.kind == "assign" and isinstance(binding.value, ast.IfExp):
                one = self.validator_of_class(self.dotted(binding.value.body))
                other = self.validator_of_class(self.dotted(binding.value.orelse))
                return one.common(other) if one is not None and other is not None else None
            value = binding.value if binding is not None and binding.kind == "assign" else None
            if isinstance(value, ast.Call) and not value.args and not value.keywords:
                # `RegisterForm = forms.get_registration_form_class()`: the classes it returns
                dotted = self.dotted(value.func)
                classes = classes_returned(self.project, dotted) if dotted else None
                return self.validator_of_classes(classes or ())
        return self.validator_of_class(self.dotted(func))

    def validator_of_class(self, dotted: Optional[str]) -> Optional[Validator]:
        """What the form or serializer class `dotted` validates. The standard library has none: its modules
        are not read to find out whether a name called there is a class (`copy.copy(...)`)."""
        if not dotted:
            return None
        if dotted not in self._validators:
            self._validators[dotted] = None
            if self.project.modules.in_standard_library(dotted):
                return None
            cls = self.project.find_class(dotted)
            found = validator_for(self.project.modules, self.model_of_value, cls) if cls is not None else None
            self._validators[dotted] = replace(found, classes=(cls.qualname,)) if found is not None else None
        return self._validators[dotted]

    def validator_of_classes(self, classes: Sequence[str]) -> Optional[Validator]:
        """What every one of the classes (dotted) checks: a validator a call-graph fact names."""
        common: Optional[Validator] = None
        for index, dotted in enumerate(classes):
            one = self.validator_of_class(dotted)
            if one is None:
                return None
            common = one if index == 0 else (common.common(one) if common is not None else None)
        return common

    def cleaned_data_keys(self, dotted: str) -> Optional[FrozenSet[str]]:
        """The keys a form of class `dotted` can hold in cleaned_data (index/form_keys.py); None when
        unknown, or when the class is no form (a serializer's validated_data is not read)."""
        validator = self.validator_of_class(dotted)
        cls = self.project.find_class(dotted) if validator is not None else None
        if cls is None or validator is None or validator.kind not in (ValidatorKind.FORM, ValidatorKind.MODEL_FORM):
            return None
        return cleaned_data_keys(self.project.modules, self.model_of_value, cls,
                                 validator.kind is ValidatorKind.MODEL_FORM)

    # ---------------------------------------------------------------------------- facts-level values
    def model_of_value(self, facts: ModuleFacts, value, hops: int = 0):
        """A model named by a literal read from another module's facts (e.g. a form's `Meta.model`)."""
        return named.model_of_value(self.project, facts, value, hops)


def _branch_test(function: ast.AST, node: ast.AST) -> Optional[str]:
    """The test of the `if` (directly in `function`'s body) whose body holds `node`, as source text."""
    for statement in getattr(function, "body", []):
        if isinstance(statement, ast.If) and any(node is sub for part in statement.body for sub in ast.walk(part)):
            return ast.unparse(statement.test)
    return None


def _excluded_class(statement: ast.stmt, name: str) -> Optional[ast.AST]:
    """`C` of `if isinstance(<name>, C): ... return` (a branch that always leaves): past it, not a C."""
    if not isinstance(statement, ast.If) or statement.orelse or not statement.body:
        return None
    if not isinstance(statement.body[-1], (ast.Return, ast.Raise)):
        return None
    test = statement.test
    if (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"
            and len(test.args) == 2 and isinstance(test.args[0], ast.Name) and test.args[0].id == name
            and isinstance(test.args[1], (ast.Name, ast.Attribute))):
        return test.args[1]
    return None


def _member_value(value):
    """A choices member `TOTP = "totp", _("TOTP")` is worth its first item; plain literals themselves."""
    if isinstance(value, tuple) and value and isinstance(value[0], (str, int, bool)):
        return value[0]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return UNKNOWN


def _unquote_text(annotation: ast.AST) -> ast.AST:
    """A string annotation (`"type[Group]"`, under `from __future__ import annotations` or for a name
    imported only when TYPE_CHECKING) as the expression it spells; anything else as it is."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return annotation
    return annotation


def _unquote(annotation: ast.AST) -> ast.AST:
    """`"User"` string annotations and `Optional[User]` → the class expression."""
    if isinstance(annotation, ast.Constant):
        return _unquote_text(annotation)
    if isinstance(annotation, ast.Subscript):
        inner = annotation.slice
        return inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    return annotation
