"""Module facts: one pass of `ast` over a file, reduced to plain data.

The project index never keeps syntax trees of the modules it reads for models, forms and settings: it
keeps these facts (dataclasses of strings, tuples and literal values). Plain data is what makes the
per-process cache cheap, a persistent cache possible and `-j` worker processes trivial.

Values are kept as *literals*: str/int/bool/None, tuples for lists/tuples/sets, `DictValue` for dicts,
`Ref` for names and attribute chains (resolved through the module's imports), `CallValue` for calls, and
`UNKNOWN` for anything else. Nothing is evaluated and nothing is imported.
"""
from __future__ import annotations

import ast
import builtins
import re
import sys
from typing import AbstractSet, Any, Dict, Iterable, List, Optional, Tuple

from .. import orm
from ..records import dataclass

_BUILTIN_NAMES = frozenset(dir(builtins))

# Deeper literal nesting than this is not a model declaration anyone writes; it becomes UNKNOWN instead of
# risking the interpreter's recursion limit on generated or adversarial code.
MAX_LITERAL_DEPTH = 40

QUERY_METHODS = orm.QUERIES  # a clean_<field>() calling one of these queries the database


def names_auth_user_model(dotted: Optional[str]) -> bool:
    """`settings.AUTH_USER_MODEL` under any import path: `django.conf.settings`, a project's settings
    module, or an app's re-export of Django's settings (`from myapp.conf import settings`, appconf)."""
    return dotted is not None and (dotted == "settings.AUTH_USER_MODEL" or dotted.endswith(".settings.AUTH_USER_MODEL"))


class _Unknown:
    """A value the static reader cannot know. A singleton that survives pickling."""

    _instance: Optional["_Unknown"] = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __reduce__(self) -> str:
        return "UNKNOWN"

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Ref:
    """A name or attribute chain, its head replaced by what the module imported it as."""

    dotted: str

    @property
    def last(self) -> str:
        return self.dotted.rpartition(".")[2]


@dataclass(frozen=True)
class CallValue:
    func: str  # dotted callee, resolved like Ref; "" when the callee is not a name/attribute chain
    args: tuple = ()
    kwargs: tuple = ()  # ((name, value), ...); name None for **expr

    @property
    def last(self) -> str:
        return self.func.rpartition(".")[2]

    def kwarg(self, name: str, default: Any = None) -> Any:
        for key, value in self.kwargs:
            if key == name:
                return value
        return default


@dataclass(frozen=True)
class DictValue:
    items: tuple = ()  # ((key, value), ...); key None for **expr

    def keys(self) -> Optional[frozenset]:
        """Literal string keys, or None when a key is not a literal string (then keys are unknown)."""
        keys = []
        for key, _ in self.items:
            if not isinstance(key, str):
                return None
            keys.append(key)
        return frozenset(keys)


@dataclass(frozen=True)
class MethodFacts:
    name: str
    lineno: int
    params: tuple  # positional parameter names, including self/cls
    decorators: tuple  # dotted names of decorators
    queries: bool  # the body calls a query method (exists/filter/get/count/first...): a uniqueness check
    super_calls: tuple  # method names called as super().<name>(...)
    inserts: tuple = ()  # save()/create_user()...: dotted classes whose rows the body inserts
    # Literals of the values the body returns (a returned local: what it was assigned), so a function
    # that hands out a model class (`get_voucher_model()`) names that model in every module calling it.
    returns: tuple = ()
    attributes: tuple = ()  # ((attr, literal), ...): `self.<attr> = value` statements of the body
    # For `__init__`: what it does to the keywords it is given before Django's field sees them
    # (`kwargs.setdefault("null", True)`), as ((keyword, how, literal), ...); see `keyword_changes`.
    keyword_changes: tuple = ()
    # ((name, literal), ...): `self.fields["<name>"] = Field(...)` statements — a form adding a field in
    # `__init__()`, whose field class may validate the value (validation.py)
    form_fields: tuple = ()
    # Positional parameters without a default, `self`/`cls` included: a method that needs an argument
    # beyond `self` is never called by a template or by Django under a name its bases do not define.
    required: int = 0


@dataclass(frozen=True)
class ClassFacts:
    module: str
    name: str
    lineno: int
    bases: tuple  # dotted names of the bases, resolved through imports ("" for non-name bases)
    assigns: tuple  # ((name, literal), ...) of class-level assignments, in source order
    methods: tuple  # MethodFacts
    meta: Optional["ClassFacts"] = None  # the inner `class Meta`
    nested: tuple = ()  # other inner classes (choices enums such as `class Status(TextChoices)`)

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}" if self.module else self.name

    def assigned(self, name: str, default: Any = None) -> Any:
        return last_assigned(self.assigns, name, default)

    def inner(self, name: str) -> Optional["ClassFacts"]:
        for facts in self.nested:
            if facts.name == name:
                return facts
        return None

    def method(self, name: str) -> Optional[MethodFacts]:
        for method in self.methods:
            if method.name == name:
                return method
        return None


@dataclass(frozen=True)
class ReceiverFacts:
    """A `post_save` receiver and the rows it inserts that point at the saved instance."""

    name: str
    lineno: int
    sender: Any  # literal of `sender=` (a Ref, an "app.Model" string), None when any model's save
    creates: tuple  # ((dotted class, field), ...): `Profile.objects.create(user=instance)` → ("...Profile", "user")
    connected: bool = True  # False: a plain `def f(sender, instance, ...)` another module may connect


@dataclass(frozen=True)
class ModuleFacts:
    name: str  # dotted module name ("" when unknown)
    path: str
    is_package: bool
    imports: tuple = ()  # ((local name, dotted target), ...)
    star_imports: tuple = ()  # dotted modules imported with `*`
    classes: tuple = ()  # ClassFacts
    assigns: tuple = ()  # ((name, literal), ...) at module level
    settings_hint: Optional[str] = None  # DJANGO_SETTINGS_MODULE default named in this file
    error: Optional[str] = None  # why the module could not be read, if it could not
    receivers: tuple = ()  # ReceiverFacts of the module's post_save receivers (and candidates)
    connections: tuple = ()  # ((dotted function, sender literal), ...): `post_save.connect(signals.f, ...)`
    functions: tuple = ()  # MethodFacts of the module-level functions

    def function(self, name: str) -> Optional[MethodFacts]:
        for facts in self.functions:
            if facts.name == name:
                return facts
        return None

    def import_map(self) -> dict:
        return dict(self.imports)

    def cls(self, name: str) -> Optional[ClassFacts]:
        for facts in self.classes:
            if facts.name == name:
                return facts
        return None

    def assigned(self, name: str, default: Any = None) -> Any:
        return last_assigned(self.assigns, name, default)


def last_assigned(assigns: tuple, name: str, default: Any = None) -> Any:
    """The value of the last `name = ...` among (name, value) pairs: Python's own last-one-wins."""
    found = default
    for key, value in assigns:
        if key == name:
            found = value
    return found


# --------------------------------------------------------------------------------------------------
# Names and imports


def resolve_relative(module: str, is_package: bool, level: int, target: Optional[str]) -> str:
    """The absolute dotted name of `from <level dots><target> import ...` written in `module`."""
    if level == 0:
        return target or ""
    package = module if is_package else module.rpartition(".")[0]
    parts = package.split(".") if package else []
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


def collect_imports(tree: ast.AST, module: str, is_package: bool, top_level_only: bool = True):
    """(local name → dotted target) for the imports of a module, and its star imports.

    Imports inside `if TYPE_CHECKING:`/`try:` at module level count; imports inside functions are
    collected by the caller's scope when `top_level_only` is False.
    """
    names: dict = {}
    stars: list = []
    nodes = _module_level_statements(tree) if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    names[head] = head
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(module, is_package, node.level or 0, node.module)
            for alias in node.names:
                if alias.name == "*":
                    stars.append(base)
                    continue
                names[alias.asname or alias.name] = sys.intern(f"{base}.{alias.name}") if base else alias.name
    return names, tuple(stars)


def _module_level_statements(tree: ast.AST):
    """Module-level statements, looking into if/try/with blocks (not into functions or classes)."""
    stack = list(reversed(getattr(tree, "body", [])))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
            children = list(getattr(node, "body", [])) + list(getattr(node, "orelse", []))
            children += list(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                children += list(handler.body)
            stack.extend(reversed(children))


def dotted_name(node: ast.AST) -> Optional[str]:
    """`a.b.c` for a Name/Attribute chain, None for anything else (calls, subscripts...)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class Names:
    """Resolves the head of a dotted name through a module's imports and top-level definitions.

    A qualified name is interned: the facts a run keeps name the same few imports over and over
    (weblate's 108 modules read: `django.utils.translation.gettext_lazy` 760 times), each a string of
    its own when built; shared, they are half a megabyte less beside flake8's work (issue 9's memory)."""

    def __init__(self, module: str, imports: dict, local_defs: AbstractSet[str] = frozenset()):
        self.module = module
        self.imports = imports
        self.local_defs = local_defs

    def qualify(self, dotted: str) -> str:
        head, dot, rest = dotted.partition(".")
        if head in self.imports:
            target = self.imports[head]
        elif head in self.local_defs and self.module:
            target = f"{self.module}.{head}"
        else:
            return dotted
        return sys.intern(f"{target}{dot}{rest}")

    def of(self, node: ast.AST) -> Optional[str]:
        dotted = dotted_name(node)
        return self.qualify(dotted) if dotted is not None else None

    def with_imports(self, local: dict) -> "Names":
        """These names, and `local` (a function's own imports) over the module's."""
        return Names(self.module, {**self.imports, **local}, self.local_defs)


def literal(node: Optional[ast.AST], names: Names, depth: int = 0) -> Any:
    """The static value of an expression, as plain data (see the module docstring)."""
    if node is None:
        return None
    if depth > MAX_LITERAL_DEPTH:
        return UNKNOWN
    if isinstance(node, ast.Constant):
        value = node.value
        return value if isinstance(value, (str, int, float, bool, type(None))) else UNKNOWN
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return tuple(literal(elt, names, depth + 1) for elt in node.elts)
    if isinstance(node, ast.Dict):
        return DictValue(tuple(
            (literal(key, names, depth + 1) if key is not None else None, literal(value, names, depth + 1))
            for key, value in zip(node.keys, node.values)))
    if isinstance(node, (ast.Name, ast.Attribute)):
        dotted = names.of(node)
        return Ref(dotted) if dotted else UNKNOWN
    if isinstance(node, ast.Call):
        func = names.of(node.func) or ""
        args = tuple(literal(arg, names, depth + 1) for arg in node.args
                     if not isinstance(arg, ast.Starred))
        if not func and isinstance(node.func, ast.Call):
            # `Manager.from_queryset(QS)()`: the inner call's name marked as called twice, and the
            # inner call's arguments first, so the queryset class is not lost.
            inner = literal(node.func, names, depth + 1)
            if isinstance(inner, CallValue) and inner.func:
                func = f"{inner.func}()"
                args = inner.args + args
        kwargs = tuple((kw.arg, literal(kw.value, names, depth + 1)) for kw in node.keywords)
        return CallValue(func, args, kwargs)
    return UNKNOWN


# --------------------------------------------------------------------------------------------------
# Classes and modules


_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}  # node class → its fields that can hold nodes
# The grammar's builtin types (ast's ASDL): a field declared with one holds a plain value, never a node.
_VALUE_TYPES = frozenset({"identifier", "string", "constant", "int"})
_SIGNATURE = re.compile(r"\w+\((.*)\)")


def node_fields(kind: type) -> Tuple[str, ...]:
    """The fields of a node class that can hold nodes, in order: every walk of a tree asks each node
    for these, so the ones that never hold a node are left out once per class — `ctx` (the shared
    Load/Store singletons, which have no children) and those the grammar declares plain values
    (`Name.id`, `Attribute.attr`, `Constant.value`, `keyword.arg`, `alias.name`...), read from the
    class's ASDL signature (`Name(identifier id, expr_context ctx)`). A class whose signature does not
    read so keeps all its fields but `ctx`: the walks check every value's type anyway."""
    found = _CHILD_FIELDS.get(kind)
    if found is None:
        match = _SIGNATURE.fullmatch((kind.__doc__ or "").strip())
        declared = [part.split() for part in match.group(1).split(",")] if match and match.group(1) else []
        values = {words[1] for words in declared if len(words) == 2 and words[0].rstrip("*?") in _VALUE_TYPES}
        found = _CHILD_FIELDS[kind] = tuple(
            name for name in getattr(kind, "_fields", ()) if name != "ctx" and name not in values)
    return found


def iter_nodes(tree: ast.AST, parents: Optional[dict] = None):
    """Every node below `tree`, depth first: `ast.walk` without its generator-per-node overhead,
    skipping the shared Load/Store context singletons. With `parents`, records each node's parent:
    this loop is the engine's hottest path."""
    stack = [tree]
    AST = ast.AST
    child_fields = _CHILD_FIELDS
    while stack:
        node = stack.pop()
        yield node
        kind = type(node)
        names = child_fields.get(kind)
        if names is None:
            names = node_fields(kind)
        for name in names:
            value = getattr(node, name, None)
            if type(value) is list:
                for child in value:
                    if isinstance(child, AST):
                        if parents is not None:
                            parents[child] = node
                        stack.append(child)
            elif isinstance(value, AST):
                if parents is not None:
                    parents[value] = node
                stack.append(value)


def child_nodes(node: ast.AST) -> List[ast.AST]:
    """`ast.iter_child_nodes` as a list, in the same order, without the Load/Store context singletons
    (which have no children): one call per node instead of a generator resumed per child."""
    kind = type(node)
    names = _CHILD_FIELDS.get(kind)
    if names is None:
        names = node_fields(kind)
    found: List[ast.AST] = []
    AST = ast.AST
    for name in names:
        value = getattr(node, name, None)
        if type(value) is list:
            found.extend(child for child in value if isinstance(child, AST))
        elif isinstance(value, AST):
            found.append(value)
    return found


def _method_facts(node, names: Names) -> MethodFacts:
    positional = _parameters(node, keyword_only=False)
    params = tuple(positional)
    decorators = tuple(names.of(d.func if isinstance(d, ast.Call) else d) or "" for d in node.decorator_list)
    queries = False
    super_calls = []
    # Only validation methods are read for queries and super() calls (see validation.py); walking every
    # method body of every class would be most of the cost of reading a module.
    inspected = node.name.startswith(("clean", "validate"))
    for sub in iter_nodes(node) if inspected else ():
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if sub.func.attr in QUERY_METHODS:
                queries = True
            target = sub.func.value
            if isinstance(target, ast.Call) and isinstance(target.func, ast.Name) and target.func.id == "super":
                super_calls.append(sub.func.attr)
    inserts = _inserted_classes(node, _with_inner_imports(node, names)) if node.name in INSERTING_METHODS else ()
    returns, attributes, form_fields = _returns_and_attributes(node, _with_inner_imports(node, names), positional)
    changes = keyword_changes(node, names) if node.name == "__init__" else ()
    return MethodFacts(node.name, node.lineno, params, decorators, queries, tuple(super_calls), inserts,
                       returns, attributes, changes, form_fields, len(positional) - len(node.args.defaults))


# How `keyword_changes` says an `__init__` treats one keyword: "default" (kept when given, else the
# literal), "set" (the literal, whatever was given), "drop" (not passed on: Django's own default),
# "unknown" (changed in a way not read: under a condition, by `update()`...). Keyword "*": every keyword.
KEYWORD_HOWS = ("default", "set", "drop", "unknown")
KWARGS_GET = "**.get"  # `kwargs.get("blank")` in a recorded value: the keyword as the caller gave it


def keyword_changes(function, names: Names) -> tuple:
    """What an `__init__` (a project field class's) does to its keywords before `super().__init__()`
    passes them on, in order: `kwargs.setdefault("null", True)`, `kwargs["unique"] = True`,
    `kwargs.pop("x")`, a keyword parameter with a default passed on as `null=null`, and the keywords the
    `super().__init__(...)` call spells. Only statements of the body itself, before that call, are read;
    a change under a condition or to a computed key is "unknown", and no `super().__init__()` at the top
    of the body makes everything unknown: what cannot be read is never guessed."""
    args = function.args
    kwargs = args.kwarg.arg if args.kwarg is not None else None
    params = list(getattr(args, "posonlyargs", [])) + list(args.args)
    defaults = dict(zip([a.arg for a in params[len(params) - len(args.defaults):]], args.defaults))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)

    def value(node):
        return _kwargs_reads(literal(node, names), kwargs)

    changes: list = []
    for stmt in function.body:
        call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
        if call is not None and _is_super_init(call):
            passed = {kw.arg for kw in call.keywords if kw.arg is not None}
            passed |= {arg.id for arg in call.args if isinstance(arg, ast.Name)}  # by position: not read
            if kwargs is not None and not any(kw.arg is None and isinstance(kw.value, ast.Name)
                                              and kw.value.id == kwargs for kw in call.keywords):
                return tuple(changes) + (("*", "unknown", None),)  # the keywords given go elsewhere
            changes += [(name, "drop", None) for name in defaults if name not in passed]
            changes += [(arg.id, "unknown", None) for arg in call.args
                        if isinstance(arg, ast.Name) and arg.id in defaults]
            for kw in call.keywords:
                if kw.arg is None:
                    continue
                if isinstance(kw.value, ast.Name) and kw.value.id in defaults:
                    changes.append((kw.arg, "default", value(defaults[kw.value.id])))
                else:
                    changes.append((kw.arg, "set", value(kw.value)))
            return tuple(changes)
        if kwargs is None:
            continue
        change = _keyword_change(stmt, kwargs, value)
        if change is not None:
            changes.append(change)
            continue
        for sub in iter_nodes(stmt):  # a change under a condition, or one not read: unknown
            touched = _touched_keyword(sub, kwargs)
            if touched is not None:
                changes.append((touched, "unknown", None))
    return (("*", "unknown", None),)


def _is_super_init(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name) and func.value.func.id == "super")


def _keyword_change(stmt: ast.stmt, kwargs: str, value) -> Optional[tuple]:
    """A top-level `kwargs.setdefault("k", v)`, `kwargs["k"] = v`, `kwargs.pop("k")` / `del kwargs["k"]`."""
    call = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) and isinstance(stmt.value, ast.Call) else None
    if (call is not None and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
            and call.func.value.id == kwargs and call.args and _string(call.args[0]) is not None):
        key = _string(call.args[0])
        if call.func.attr == "setdefault" and len(call.args) == 2 and isinstance(stmt, ast.Expr):
            return key, "default", value(call.args[1])
        if call.func.attr == "pop":
            return key, "drop", None
    slot = stmt.targets[0] if isinstance(stmt, (ast.Assign, ast.Delete)) and len(stmt.targets) == 1 else None
    if not (isinstance(slot, ast.Subscript) and _keyword_slot(slot, kwargs)):
        return None
    key = _string(slot.slice)
    if isinstance(stmt, ast.Assign):
        return (key, "set", value(stmt.value)) if key is not None else ("*", "unknown", None)
    return (key, "drop", None) if key is not None else None


def _touched_keyword(node: ast.AST, kwargs: str) -> Optional[str]:
    """The keyword a node may change (`"*"` when not a literal one), or None when it changes none."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)) and _keyword_slot(node, kwargs):
        return _string(node.slice) or "*"
    if isinstance(node, ast.Name) and node.id == kwargs and isinstance(node.ctx, ast.Store):
        return "*"
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == kwargs and node.func.attr in ("setdefault", "pop", "update", "clear", "popitem")):
        return (_string(node.args[0]) if node.args and node.func.attr in ("setdefault", "pop") else None) or "*"
    return None


def _keyword_slot(node: ast.AST, kwargs: str) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == kwargs


def _string(node: ast.AST) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _kwargs_reads(value: Any, kwargs: Optional[str], depth: int = 0) -> Any:
    """`kwargs.get("blank")` inside a recorded value, spelled `**.get` whatever the parameter's name."""
    if not isinstance(value, CallValue) or depth > 3:
        return value
    func = KWARGS_GET if kwargs is not None and value.func == f"{kwargs}.get" else value.func
    return CallValue(func, tuple(_kwargs_reads(a, kwargs, depth + 1) for a in value.args),
                     tuple((k, _kwargs_reads(v, kwargs, depth + 1)) for k, v in value.kwargs))


MAX_RETURNS = 8  # a function returning more different things than this names no one model


def _own_statements(function):
    """The statements of a function body at any block depth (if/for/with/try/match), not those of nested
    functions or classes: a walk over statements only, far cheaper than one over every expression."""
    stack = list(reversed(function.body))
    while stack:
        node = stack.pop()
        yield node
        kind = type(node)
        blocks = _BLOCKS.get(kind)
        if blocks is None:
            blocks = _BLOCKS[kind] = () if issubclass(kind, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                else tuple(name for name in ("handlers", "cases", "finalbody", "orelse", "body")
                           if name in getattr(kind, "_fields", ()))
        for name in blocks:  # most statements (assignments, calls, returns) hold none
            children = getattr(node, name, None)
            if isinstance(children, list):
                stack.extend(reversed(children))


# statement class → its fields holding statement blocks, in the order `_own_statements` pushes them
_BLOCKS: Dict[type, Tuple[str, ...]] = {}


def _returns_and_attributes(function, names: Names, params: Optional[list] = None) -> Tuple[tuple, tuple, tuple]:
    """(returned literals, `self.<attr> = value` pairs, `self.fields["x"] = value` pairs) of a function
    body. Only values that may name a model or build an instance are kept (names, strings, calls with
    simple arguments); anything else is UNKNOWN, so a cached fact stays small and an unknown return still
    spoils agreement. `params`: the function's positional parameters, when the caller has them.

    It reads every statement of every method of every module the index reads, so it dispatches on each
    statement's type once, and skips building the literal of a value `_small` drops whole (a container,
    an operation: `_small_literal`)."""
    assigned: Dict[str, list] = {}
    returned = []
    attributes: List[Tuple[str, Any]] = []
    form_fields: List[Tuple[str, Any]] = []
    self_name = (params if params is not None else _parameters(function, keyword_only=False))[:1]
    this = self_name[0] if self_name else None
    Return, Assign, Name, Attribute, Subscript = ast.Return, ast.Assign, ast.Name, ast.Attribute, ast.Subscript
    for stmt in _own_statements(function):
        kind = type(stmt)
        if kind is Return:
            if stmt.value is not None:
                returned.append(stmt.value)
        elif kind is Assign and len(stmt.targets) == 1:
            target = stmt.targets[0]
            target_kind = type(target)
            if target_kind is Name:
                assigned.setdefault(target.id, []).append(stmt.value)
            elif target_kind is Attribute:
                if (type(target.value) is Name and this is not None and target.value.id == this
                        and len(attributes) < MAX_RETURNS):
                    attributes.append((target.attr, _small_literal(stmt.value, names)))
            elif target_kind is Subscript and len(form_fields) < MAX_RETURNS:
                field = _form_field_assigned(stmt, self_name)
                if field is not None:
                    built = literal(stmt.value, names)  # only the class matters: the call's arguments are dropped
                    form_fields.append((field, CallValue(built.func) if isinstance(built, CallValue) else UNKNOWN))
    values = []
    for value in returned:
        if type(value) is Name and value.id in assigned:
            values.extend(assigned[value.id])
        else:
            values.append(value)
    if len(values) > MAX_RETURNS:
        return (UNKNOWN,), tuple(attributes), tuple(form_fields)
    return tuple(_small_literal(value, names) for value in values), tuple(attributes), tuple(form_fields)


_SMALL_KINDS = (ast.Constant, ast.Name, ast.Attribute, ast.Call)  # the expressions `_small` may keep


def _small_literal(node: ast.AST, names: Names) -> Any:
    """`_small(literal(node, names))`, without building the literal of anything but a constant, a name
    or a call: a container's is a tuple or a DictValue, anything else's UNKNOWN, all of which `_small`
    makes UNKNOWN."""
    return _small(literal(node, names)) if isinstance(node, _SMALL_KINDS) else UNKNOWN


def _form_field_assigned(stmt, self_name: list) -> Optional[str]:
    """"x" for `self.fields["x"] = ...` (a form adding a field in `__init__()`), else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript)):
        return None
    target = stmt.targets[0]
    holder, key = target.value, target.slice
    if (isinstance(holder, ast.Attribute) and holder.attr == "fields" and isinstance(holder.value, ast.Name)
            and [holder.value.id] == self_name and isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return key.value
    return None


def _small(value: Any, depth: int = 0) -> Any:
    """`value` when it is a name, a string or a call whose arguments are such (`apps.get_model(
    settings.X)`, `getattr(settings, "X", "app.M")`), else UNKNOWN."""
    if value is None or isinstance(value, (str, bool, int, Ref)):
        return value
    if isinstance(value, CallValue) and depth < 3:
        parts = list(value.args) + [item for _, item in value.kwargs]
        if len(parts) <= 6 and all(_small(part, depth + 1) is part for part in parts):
            return value
        if value.func.endswith(".__class__") or (
                value.func == "type()" and value.args and isinstance(value.args[0], Ref)):
            # `obj.__class__(**data)`, `type(obj)(...)`: a new instance of an argument's class (a copy
            # helper); what it is given does not matter, only whose class it is
            return CallValue(value.func, value.args[:1] if value.func == "type()" else ())
    return UNKNOWN


# Methods that run when a row is inserted, and may insert others: a model's save(), a manager's
# create_user(). What they insert is read, so a one-to-one they already create is known.
INSERTING_METHODS = orm.INSERTING_BODIES


def _inserted_classes(function, names: Names) -> tuple:
    """Dotted classes a body inserts rows of: `X.objects.create(...)` (any inserting manager method)
    and `X(...)` of a capitalised name (a model built, then saved)."""
    found = []
    for sub in iter_nodes(function):
        if not isinstance(sub, ast.Call):
            continue
        holder = _row_class(sub)
        if holder is sub.func and not (dotted_name(holder) or "_").rpartition(".")[2][:1].isupper():
            continue  # only `Model(...)`: a class, by Python's naming convention
        dotted = names.of(holder) if holder is not None else None
        if dotted and dotted not in found:
            found.append(dotted)
    return tuple(found)


def _row_class(call: ast.Call) -> Optional[ast.AST]:
    """The expression naming the class a call inserts a row of: `X` in `X.objects.create(...)` (any
    inserting manager method) and in `X(...)`; None for a manager not hung on a name (`x().create()`)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _INSERTING:
        manager = func.value  # `Profile.objects`: the class is what the manager hangs on
        return manager.value if isinstance(manager, ast.Attribute) else None
    return func


def _base_names(bases, names: Names) -> list:
    """Dotted names of a class's bases; `with_metaclass(Meta, A, B)` (six, future) stands for A, B, and
    `Manager.from_queryset(QS)` for Manager and QS (Django copies the queryset's methods onto the manager
    class it makes, so `self.prefetch()` in the manager is QS's method)."""
    found: List[str] = []
    for base in bases:
        called = (names.of(base.func) or "").rpartition(".")[2] if isinstance(base, ast.Call) else ""
        if called == "with_metaclass" and len(base.args) > 1:
            found.extend(names.of(arg) or "" for arg in base.args[1:])
        elif called == "from_queryset" and isinstance(base.func, ast.Attribute) and len(base.args) == 1:
            found.extend(names.of(node) or "" for node in (base.func.value, base.args[0]))
        else:  # `ModelSerializer[Role]` (a generic alias) is ModelSerializer
            found.append(names.of(base.value if isinstance(base, ast.Subscript) else base) or "")
    return found


def _own_module_name(base: str, module: str) -> str:
    """A base written as a bare name nothing imported or defined at the top of the module names: the
    module's own name for it (`class Order(AbstractOrder)` after `from .abstract_models import *`, or a
    class defined under an `if` at module level), which the class lookup follows through the module's
    definitions and `*` imports as Python does. A builtin (`object`, `Exception`, `dict`) stays bare."""
    if not base or "." in base or not module or base in _BUILTIN_NAMES:
        return base
    return f"{module}.{base}"


def _assigned(stmt, names: Names) -> list:
    """(name, literal) pairs a plain or annotated assignment binds; tuple targets are not followed."""
    if isinstance(stmt, ast.Assign):
        value = literal(stmt.value, names)
        return [(target.id, value) for target in stmt.targets if isinstance(target, ast.Name)]
    if isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return [(stmt.target.id, literal(stmt.value, names))]
    return []


def class_facts(node: ast.ClassDef, module: str, names: Names, depth: int = 0,
                members: Optional[Iterable[List[ast.stmt]]] = None) -> ClassFacts:
    """The facts of a class; its body is `node`'s, or the groups of statements `members` gives in order
    (index/piecewise.py reads a big class a few members at a time)."""
    assigns = []
    methods = []
    meta = None
    nested = []
    # Statements under `if settings.X:` / `else:` / `try:` in a class body count in every branch.
    groups = (node,) if members is None else (ast.Module(body=body, type_ignores=[]) for body in members)
    for stmt in (stmt for group in groups for stmt in _module_level_statements(group)):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            assigns.extend(_assigned(stmt, names))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            methods.append(_method_facts(stmt, names))
        elif isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            meta = class_facts(stmt, module, names)
        elif isinstance(stmt, ast.ClassDef) and depth < 3:
            nested.append(class_facts(stmt, module, names, depth + 1))
    bases = tuple(_own_module_name(base, module) for base in _base_names(node.bases, names))
    return ClassFacts(module, node.name, node.lineno, bases, tuple(assigns), tuple(methods), meta, tuple(nested))


def _settings_hint(tree: ast.AST) -> Optional[str]:
    """The module named in `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<module>")`."""
    for node in iter_nodes(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("setdefault", "__setitem__") and len(node.args) == 2):
            key, value = node.args
            if (isinstance(key, ast.Constant) and key.value == "DJANGO_SETTINGS_MODULE"
                    and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                return value.value
    return None


def module_facts(tree: ast.Module, module: str, path: str, is_package: bool,
                 want_settings_hint: bool = False) -> ModuleFacts:
    """The facts of a module parsed whole."""
    reader = ModuleReader(module, is_package, want_settings_hint)
    reader.add(tree.body)
    return reader.finish(path, tree)


class ModuleReader:
    """Builds a module's facts from its top-level statements, given in source order one group at a time
    (`add`), so that a big module need not be one tree in memory: index/piecewise.py parses it a few
    kilobytes at a time when it is read beside a module under analysis (issue 9's memory). Parsed whole,
    a module is one group.

    A group's imports and top-level names are taken before its statements are read, as a whole parse
    takes the module's. With `asked`, every name resolved is noted, and a later group that imports or
    defines one of them again raises `Reread`: what was resolved may not be what a whole parse resolves
    (an import at the bottom of a models module, against a circular import), so the caller reads it
    whole. A function calling one defined further down is the common case, so the caller may give the
    top-level names it expects (`defined`, read from the text); `finish` raises `Reread` when the
    groups did not define exactly those. Parsed in groups, a module's `post_save.connect()` calls
    cannot be read (`finish` needs the tree for them): index/piecewise.py reads whole a module whose
    text names `connect`."""

    def __init__(self, module: str, is_package: bool, want_settings_hint: bool = False,
                 asked: Optional[set] = None, defined: Optional[set] = None):
        self.module = module
        self.is_package = is_package
        self.want_settings_hint = want_settings_hint
        self.imports: dict = {}
        self.local_defs: set = set(defined or ())
        self.expected = defined
        self.defined: set = set()
        self.asked = asked
        self.names: Names = (Names(module, self.imports, self.local_defs) if asked is None
                             else AskedNames(module, self.imports, self.local_defs, asked))
        self.stars: list = []
        self.classes: list = []
        self.assigns: list = []
        self.functions: list = []
        self.settings_hint: Optional[str] = None
        # name → (as a decorated receiver, as a candidate receiver), per module-level function, in order
        self.receivers: Dict[str, Tuple[Optional[ReceiverFacts], Optional[ReceiverFacts]]] = {}

    def add(self, body: List[ast.stmt], members: Optional[Iterable[List[ast.stmt]]] = None) -> None:
        """The next top-level statements of the module, in source order; with `members`, `body` is one
        class whose statements these groups are (see `class_facts`)."""
        group = ast.Module(body=body, type_ignores=[])
        imports, stars = collect_imports(group, self.module, self.is_package)
        defs = {node.name for node in body if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}
        if self.asked:
            bound = {name for name, target in imports.items() if self.imports.get(name) != target}
            if not self.asked.isdisjoint(bound | (defs - self.local_defs)):
                raise Reread(self.module)
        self.imports.update(imports)
        self.stars.extend(stars)
        self.local_defs.update(defs)
        self.defined.update(defs)
        names = self.names
        for node in _module_level_statements(group):
            if isinstance(node, ast.ClassDef):
                self.classes.append(class_facts(node, self.module, names, members=members))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.append(_method_facts(node, names))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                self.assigns.extend(_assigned(node, names))
            elif (isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name)
                  and isinstance(node.op, ast.Add)):
                # INSTALLED_APPS += [...]: keep what is added so app labels are still found.
                self.assigns.append((node.target.id + "+", literal(node.value, names)))
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.receivers[node.name] = _receiver_roles(node, names)
        if self.want_settings_hint:
            # The whole module's walk meets its last statements first: a later group's hint wins.
            self.settings_hint = _settings_hint(group) or self.settings_hint

    def finish(self, path: str, tree: Optional[ast.Module] = None) -> ModuleFacts:
        """The facts; `tree`, the module parsed whole, for its `post_save.connect()` calls."""
        if self.expected is not None and self.defined != self.expected:
            raise Reread(self.module)
        receivers, connections = _receivers(self.receivers, tree, self.names)
        return ModuleFacts(self.module, path, self.is_package, tuple(sorted(self.imports.items())), tuple(self.stars),
                           tuple(self.classes), tuple(self.assigns), self.settings_hint, None, receivers,
                           connections, tuple(self.functions))


class Reread(Exception):
    """A module read in groups of statements has to be read whole (see ModuleReader)."""


class AskedNames(Names):
    """Names that notes each name it is asked to resolve (ModuleReader's `asked`)."""

    def __init__(self, module: str, imports: dict, local_defs, asked: set):
        super().__init__(module, imports, local_defs)
        self.asked = asked

    def qualify(self, dotted: str) -> str:
        self.asked.add(dotted.partition(".")[0])
        return super().qualify(dotted)

    def with_imports(self, local: dict) -> Names:
        return AskedNames(self.module, {**self.imports, **local}, self.local_defs, self.asked)


# Calls in a receiver that insert a row (or make sure one exists) holding a reference to the instance.
_INSERTING = orm.INSERTS_FROM_KEYWORDS


def _receiver_roles(node, names: Names) -> Tuple[Optional[ReceiverFacts], Optional[ReceiverFacts]]:
    """A module-level function as a `@receiver(post_save, sender=X)` (its last such decorator), and as a
    candidate another module may connect: a plain function taking an `instance`."""
    decorated = None
    for decorator in node.decorator_list:
        if (isinstance(decorator, ast.Call) and (names.of(decorator.func) or "").endswith("receiver")
                and decorator.args and _names_post_save(decorator.args[0], names)):
            decorated = _receiver(node, _keyword(decorator, "sender"), names)
    candidate = None
    if not node.decorator_list and "instance" in _parameters(node):
        candidate = _receiver(node, None, names, connected=False)
    return decorated, candidate


def _receivers(roles: dict, tree: Optional[ast.Module], names: Names) -> Tuple[tuple, tuple]:
    """(receivers, connections) of a module. Receivers: `@receiver(post_save, sender=X)` functions,
    functions connected here with `post_save.connect(f, sender=X)`, and, as candidates another module may
    connect, plain module-level functions taking an `instance` — each with what it inserts for the saved
    instance. Connections: `post_save.connect(<function of another module>, sender=X)`, at module level
    or in an AppConfig's `ready()`; read from `tree`, the module parsed whole."""
    found: Dict[str, ReceiverFacts] = {name: decorated for name, (decorated, _) in roles.items() if decorated}
    connections = []
    if tree is not None:
        functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for call, scope_names in _connect_calls(tree, names):
            target, sender = call.args[0], _keyword(call, "sender")
            if isinstance(target, ast.Name) and target.id in functions and target.id not in scope_names.imports:
                found[target.id] = _receiver(functions[target.id], sender, names)
            elif scope_names.of(target):
                connections.append((scope_names.of(target),
                                    literal(sender, scope_names) if sender is not None else None))
    for name, (_, candidate) in roles.items():
        if name not in found and candidate is not None:
            found[name] = candidate
    return tuple(r for r in found.values() if r.creates), tuple(connections)


def _connect_calls(tree: ast.Module, names: Names):
    """(`post_save.connect(f, ...)` call, the names in scope there) at module level and in module-level
    classes' `ready()`, where the signals module is usually imported just before."""
    scopes = [(list(_module_level_statements(tree)), names)]
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for method in node.body:
                if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name == "ready":
                    scopes.append((method.body, _with_inner_imports(method, names)))
    for statements, scope_names in scopes:
        for node in statements:
            call = node.value if isinstance(node, ast.Expr) else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "connect" and _names_post_save(call.func.value, scope_names)
                    and call.args):
                yield call, scope_names


def _with_inner_imports(function, names: Names) -> Names:
    """`names` plus the imports made in the function's own body (against circular imports)."""
    inner: List[ast.stmt] = [sub for sub in function.body if isinstance(sub, (ast.Import, ast.ImportFrom))]
    if not inner:
        return names
    local, _ = collect_imports(ast.Module(body=inner, type_ignores=[]), names.module, False)
    return names.with_imports(local)


def positional_parameters(node: Optional[ast.AST]) -> List[str]:
    """The parameters a call's positional arguments bind, in order (positional-only ones first; `self`
    included for a method); none for a node that is no function. The one spelling of it for the package:
    readers that left out `posonlyargs` bound a call's arguments to the wrong names."""
    args = getattr(node, "args", None)
    if not isinstance(args, ast.arguments):
        return []
    return [a.arg for a in list(args.posonlyargs) + list(args.args)]


def _parameters(node, keyword_only: bool = True) -> list:
    return positional_parameters(node) + ([a.arg for a in node.args.kwonlyargs] if keyword_only else [])


def _names_post_save(node: ast.AST, names: Names) -> bool:
    signals = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    return any((names.of(signal) or "").rpartition(".")[2] == "post_save" for signal in signals)


def _keyword(call: ast.Call, name: str) -> Optional[ast.AST]:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _receiver(node, sender: Optional[ast.AST], names: Names, connected: bool = True) -> ReceiverFacts:
    positional = _parameters(node, keyword_only=False)
    instance = "instance" if "instance" in _parameters(node) else (positional[1] if len(positional) > 1 else None)
    instances = ({instance} if instance else set()) | _kwargs_instance_locals(node)
    names = _with_inner_imports(node, names)
    creates = []
    for sub in iter_nodes(node) if instances else ():
        if not isinstance(sub, ast.Call):
            continue
        holder = _row_class(sub)
        dotted = names.of(holder) if holder is not None else None
        if not dotted or dotted.partition(".")[0] in instances:
            continue
        for keyword in sub.keywords:
            value = keyword.value
            if isinstance(value, ast.Name) and value.id in instances and keyword.arg:
                creates.append((dotted, keyword.arg))
            elif (isinstance(value, ast.Attribute) and value.attr in ("pk", "id") and isinstance(value.value, ast.Name)
                  and value.value.id in instances and keyword.arg and keyword.arg.endswith("_id")):
                creates.append((dotted, keyword.arg[:-3]))
    return ReceiverFacts(node.name, node.lineno, literal(sender, names) if sender is not None else None,
                         tuple(creates), connected)


def _kwargs_instance_locals(node) -> set:
    """Locals bound to the saved instance taken from `**kwargs`: `user = kwargs["instance"]` (or `.get`)."""
    star = node.args.kwarg.arg if node.args.kwarg is not None else None
    found = set()
    for stmt in node.body if star else ():
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        value = stmt.value
        if isinstance(value, ast.Subscript):
            container, key = value.value, value.slice
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" \
                and value.args:
            container, key = value.func.value, value.args[0]
        else:
            continue
        if isinstance(container, ast.Name) and container.id == star and isinstance(key, ast.Constant) \
                and key.value == "instance":
            found.add(stmt.targets[0].id)
    return found


def failed_module(module: str, path: str, is_package: bool, error: str) -> ModuleFacts:
    return ModuleFacts(module, path, is_package, error=error)


__all__ = [
    "UNKNOWN", "Ref", "CallValue", "DictValue", "MethodFacts", "ClassFacts", "ModuleFacts", "ReceiverFacts", "Names",
    "literal", "module_facts", "ModuleReader", "Reread", "failed_module", "collect_imports", "dotted_name",
    "resolve_relative", "QUERY_METHODS",
]
