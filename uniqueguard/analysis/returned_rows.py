"""What a project function returns, path by path, and the unique sets a caller's check settles with it.

`user = self.login_external(provider, name)`, then `try: Link.objects.get(user=user, provider=provider)
except Link.DoesNotExist: Link(user=user, provider=provider).save()`: the set (user, provider) of the
written model takes the callee's result. When every `return` of the callee gives
- `None`: a NULL in a unique set never collides;
- a row inserted on that path (`M.objects.create(...)`, `create_user(...)`, the row of `get_or_create()`
  under `if created:`): no other row references it yet, and whatever the callee's own code (a receiver of a
  signal it sends, a `save()` override) inserted for it synchronously is committed before the caller's
  check runs, which then finds it;
- `r.<relation>` of a row `r = W.objects.get(...)` of the written model whose filters tie fields to the
  callee's parameters: that row already holds the returned value with those fields' values, so the caller's
  check on the set finds it whenever each field the check pins is the relation itself or a field the
  callee's lookup pinned to the very value the caller passed for that parameter — the insert after
  "absent" is never reached on that path;
then the set is not at risk: on no path can the insert meet an existing row. The check is required (it is
what turns the third shape and the callee's own inserts into "found"; it is looked for first, so a write
without one never has the callee's body read); any other return (a row looked up on other terms, a
parameter, a call) keeps the set. One call level; a body read once per function (`_summary`).
"""
from __future__ import annotations

import ast
import functools
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

from .. import orm
from ..index.uniqueness import ModelInfo, UniqueSet
from .resolve import Resolver
from .scope import FUNCTION_NODES, BindingKind, ModuleScope, argument_for

NONE = "none"  # `return None`, a bare `return`, falling off the end
NEW = "new"  # a row inserted on that path
UNKNOWN = "unknown"
_FILTERING = orm.LOOKUPS | frozenset({"filter"})  # queryset calls whose keywords all hold on the row found
# Statements this reading does not follow.
_NAMED_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BEYOND = tuple(getattr(ast, name) for name in ("Match", "Global", "Nonlocal") if hasattr(ast, name))


class Related(NamedTuple):
    """`r.<attribute>` of a row `r` the callee fetched with `model.objects.get(...)`: `pins` maps each
    field its filters tie to a parameter of the callee (by exact equality) to that parameter's name."""

    model: str
    attribute: str
    pins: Tuple[Tuple[str, str], ...]


class _Row(NamedTuple):  # a row `W.objects.get(...)` fetched, held in a local
    model: str
    pins: Tuple[Tuple[str, str], ...]


class _Created(NamedTuple):  # the row of `row, flag = M.objects.get_or_create(...)`, new where `flag` is true
    flag: str


Env = Dict[str, FrozenSet[object]]


def returned(function: ast.AST, resolver: Resolver) -> Optional[FrozenSet[object]]:
    """What `function` returns on each path (NONE, NEW, Related), or None when some path returns
    anything else, or the body is beyond this reading (a generator, `match`, a `return` in `finally`)."""
    reading = _Reading(function, resolver)
    found = reading.run()
    if found is None or any(value == UNKNOWN or isinstance(value, (_Row, _Created)) for value in found):
        return None
    return found


class _Reading:
    """One pass over a function's statements, keeping for each local what it may hold on the paths
    reaching a point. Loops and `try` handlers see every name they (or their body) bind as unknown."""

    def __init__(self, function: ast.AST, resolver: Resolver):
        self.function = function
        self.resolver = resolver
        self.found: List[object] = []
        self.beyond = False

    def run(self) -> Optional[FrozenSet[object]]:
        body = getattr(self.function, "body", None)
        if not isinstance(body, list) or any(isinstance(n, (ast.Yield, ast.YieldFrom))
                                             for n in _own_walk(self.function)):
            return None
        end = self._block(body, {})
        if end is not None:
            self.found.append(NONE)
        return None if self.beyond else frozenset(self.found)

    # ------------------------------------------------------------------------ statements
    def _block(self, statements: List[ast.stmt], env: Optional[Env]) -> Optional[Env]:
        for statement in statements:
            if env is None:
                return None
            env = self._statement(statement, env)
        return env

    def _statement(self, node: ast.stmt, env: Env) -> Optional[Env]:
        if not isinstance(node, ast.Return):
            env = _forget(env, _row_uses(_header(node), env))
        if isinstance(node, ast.Return):
            self.found.extend(self._value(node.value, env) if node.value is not None else {NONE})
            return None
        if isinstance(node, (ast.Raise, ast.Break, ast.Continue)):
            return None  # a loop's names are unknown where break/continue lead: its head and its exit
        if isinstance(node, ast.Assign):
            return self._assign(node, env)
        if isinstance(node, ast.If):
            return self._if(node, env)
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            inside = _forget(env, _stored(node))
            self._block(node.body, dict(inside))  # a later round, and the code after, see its names unknown
            return _join([inside, self._block(node.orelse, dict(inside))])
        if isinstance(node, (ast.With, ast.AsyncWith)):
            entry = _forget(env, _stored_in(node.items))
            end = self._block(node.body, dict(entry))
            if any(_suppresses(item.context_expr) for item in node.items):  # the body may stop anywhere
                return _join([end, _forget(entry, _stored(node.body))])
            return end
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            return self._try(node, env)
        if isinstance(node, _BEYOND):
            self.beyond = True
            return None
        return _forget(env, _stored(node))  # an expression, a def, `x += 1`: what it binds is unknown

    def _assign(self, node: ast.Assign, env: Env) -> Env:
        value = self._value(node.value, env)
        created = self._get_or_create(node)
        env = _forget(env, _stored(node))
        for target in node.targets:
            if isinstance(target, ast.Name):
                env[target.id] = value
            elif created is not None:
                env[created[0]] = frozenset({_Created(created[1])})
        return env

    def _get_or_create(self, node: ast.Assign) -> Optional[Tuple[str, str]]:
        """(row, flag) of `row, flag = M.objects.get_or_create(...)`."""
        call = node.value.value if isinstance(node.value, ast.Await) else node.value
        if not (len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple) and isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute) and call.func.attr in orm.UPSERT
                and self.resolver.manager(call.func.value) is not None):
            return None
        names = node.targets[0].elts
        if len(names) != 2 or not all(isinstance(n, ast.Name) for n in names):
            return None
        return names[0].id, names[1].id  # type: ignore[attr-defined]

    def _if(self, node: ast.If, env: Env) -> Optional[Env]:
        env = _forget(env, _stored(node.test))
        flag, truth = _flag_test(node.test)
        yes, no = dict(env), dict(env)
        if flag is not None:
            for name, values in env.items():
                if _Created(flag) in values:
                    rest = values - {_Created(flag)}
                    yes[name] = rest | {NEW if truth else UNKNOWN}
                    no[name] = rest | {UNKNOWN if truth else NEW}
        return _join([self._block(node.body, yes), self._block(node.orelse, no)])

    def _try(self, node: ast.AST, env: Env) -> Optional[Env]:
        if any(isinstance(n, ast.Return) for s in getattr(node, "finalbody", []) for n in (s, *_own_walk(s))):
            self.beyond = True
            return None
        body = self._block(node.body, dict(env))  # type: ignore[attr-defined]
        raised = _forget(env, _stored(node.body))  # type: ignore[attr-defined]
        ends = [self._block(node.orelse, body) if body is not None else None]  # type: ignore[attr-defined]
        for handler in node.handlers:  # type: ignore[attr-defined]
            entry = _forget(raised, [handler.name] if handler.name else [])
            ends.append(self._block(handler.body, entry))
        out = _join(ends)
        return self._block(node.finalbody, out) if out is not None else None  # type: ignore[attr-defined]

    # ------------------------------------------------------------------------ values
    def _value(self, node: ast.AST, env: Env) -> FrozenSet[object]:
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Constant) and node.value is None:
            return frozenset({NONE})
        if isinstance(node, ast.Name):
            return env.get(node.id, frozenset({UNKNOWN}))
        if isinstance(node, ast.Attribute):
            rows = self._value(node.value, env)
            if rows and all(isinstance(r, _Row) for r in rows):
                return frozenset(Related(r.model, node.attr, r.pins) for r in rows if isinstance(r, _Row))
            return frozenset({UNKNOWN})
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            manager = self.resolver.manager(node.func.value)
            if manager is not None and node.func.attr in orm.CREATE | orm.USER_CREATE:
                return frozenset({NEW})
            if manager is not None and manager.model is not None and node.func.attr in orm.LOOKUPS:
                pins = _parameter_pins(node, manager.model, self.function)
                if pins is not None:
                    return frozenset({_Row(manager.model.qualname, pins)})
        return frozenset({UNKNOWN})


def _parameter_pins(call: ast.Call, model: ModelInfo, function: ast.AST) -> Optional[Tuple[Tuple[str, str], ...]]:
    """field → parameter for the keywords of a `filter(...).get(...)` chain that tie a field of `model`
    exactly to a parameter of `function` never rebound (other keywords pin something else: left out, as
    the row found holds them too). None when a link of the chain is no queryset call of the ORM's table."""
    params = {a.arg for a in _parameters(function)}
    rebound = _stored(function.body) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else set()
    pins: List[Tuple[str, str]] = []
    node: ast.AST = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        attr = node.func.attr
        if attr not in orm.QUERYSET_CHAIN | orm.LOOKUPS or attr == "exclude":
            return None
        if attr in _FILTERING:
            for keyword in node.keywords:
                if keyword.arg is None:
                    continue  # `**filters`: more pins, none known
                head, _, lookup = keyword.arg.partition("__")
                field = model.field_for(head)
                value = keyword.value
                if (field is not None and lookup in ("", "exact") and isinstance(value, ast.Name)
                        and value.id in params and value.id not in rebound):
                    pins.append((field, value.id))
        node = node.func.value
    return tuple(sorted(set(pins)))


def _header(node: ast.stmt) -> List[ast.AST]:
    """What a statement evaluates itself: a compound one's test or items, not its blocks."""
    if isinstance(node, (ast.If, ast.While)):
        return [node.test]
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.iter]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in node.items]
    if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
        return []
    return [node]


def _row_uses(nodes: List[ast.AST], env: Env) -> set:
    """Locals holding a fetched row that `nodes` use otherwise than to read a field (`link.user`): an
    attribute assigned or deleted, a method called, the row handed to a function may change the
    relation read off it later."""
    rows = {name for name, values in env.items() if any(isinstance(v, _Row) for v in values)}
    found: set = set()
    if not rows:
        return found
    for node in nodes:
        for parent in (node, *_own_walk(node)):
            for child in ast.iter_child_nodes(parent):
                if not (isinstance(child, ast.Name) and child.id in rows):
                    continue
                read = isinstance(parent, ast.Attribute) and isinstance(parent.ctx, ast.Load)
                if not read:
                    found.add(child.id)
            if (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)
                    and isinstance(parent.func.value, ast.Name) and parent.func.value.id in rows):
                found.add(parent.func.value.id)
    return found


def _flag_test(test: ast.AST) -> Tuple[Optional[str], bool]:
    """(name, truth) for `if name:` / `if not name:`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id, False
    return (test.id, True) if isinstance(test, ast.Name) else (None, True)


def _join(envs: List[Optional[Env]]) -> Optional[Env]:
    """The paths that go on: a name bound on only some of them may hold anything on the others."""
    live = [env for env in envs if env is not None]
    if not live:
        return None
    names = {name for env in live for name in env}
    return {name: frozenset().union(*(env.get(name, frozenset({UNKNOWN})) for env in live)) for name in names}


def _forget(env: Env, names) -> Env:
    """`env` with `names` unknown, and any `get_or_create` row whose flag is among them unknown too."""
    names = set(names)
    out = {}
    for name, values in env.items():
        if name in names:
            continue
        if any(isinstance(v, _Created) and v.flag in names for v in values):
            values = frozenset(UNKNOWN if isinstance(v, _Created) and v.flag in names else v for v in values)
        out[name] = values
    for name in names:
        out[name] = frozenset({UNKNOWN})
    return out


def _own_walk(node: ast.AST):
    """The nodes of `node` outside the bodies of defs and lambdas nested in it."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, FUNCTION_NODES + (ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(child))


def _stored(nodes) -> set:
    """Names bound anywhere in `nodes` (a statement, or a list of them), nested defs' names included."""
    found = set()
    for node in nodes if isinstance(nodes, list) else [nodes]:
        for sub in [node, *_own_walk(node)]:
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                found.add(sub.id)
            elif isinstance(sub, _NAMED_DEFS):
                found.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                found.update((a.asname or a.name).split(".")[0] for a in sub.names)
            elif isinstance(sub, ast.ExceptHandler) and sub.name:
                found.add(sub.name)
    return found


def _suppresses(expr: ast.AST) -> bool:
    """`suppress(...)` (contextlib): the code after the `with` runs from wherever its body raised."""
    func = expr.func if isinstance(expr, ast.Call) else None
    return getattr(func, "id", getattr(func, "attr", None)) == "suppress"


def _stored_in(items) -> set:
    return {n.id for item in items if item.optional_vars is not None
            for n in ast.walk(item.optional_vars) if isinstance(n, ast.Name)}


def _parameters(function: ast.AST) -> List[ast.arg]:
    args = getattr(function, "args", None)
    if args is None:
        return []
    return list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)


@functools.lru_cache(maxsize=32)
def _summary(function: ast.stmt, names, project) -> Optional[FrozenSet[object]]:
    """`returned()` of a function of any module, read in a scope over it alone (once per body)."""
    scope = ModuleScope.of_function(function, names)
    return returned(function, Resolver(scope, project))


class ReturnedRows:
    """Unique sets of a write that a relation holding a project call's result takes out of risk."""

    def __init__(self, scope: ModuleScope, resolver: Resolver):
        self.scope = scope
        self.resolver = resolver

    def settled(self, unique_set: UniqueSet, model: ModelInfo, values: Dict[str, ast.AST],
                write: ast.AST, origin: Optional[ast.AST]) -> bool:
        """Whether a relation of the set takes a call's result no path of which can collide (module doc)."""
        for field in unique_set.fields:
            value = values.get(field)
            if (isinstance(value, ast.Name) and getattr(model.fields.get(field), "relation", None) in ("fk", "o2o")
                    and self._settles(field, value, unique_set, model, write, origin)):
                return True
        return False

    def _settles(self, field: str, value: ast.Name, unique_set: UniqueSet, model: ModelInfo,
                 write: ast.AST, origin: Optional[ast.AST]) -> bool:
        func = self.scope.enclosing_function(value)
        bindings = self.scope.bindings(func).get(value.id, []) if func is not None else []
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGN:
            return False
        call = bindings[0].value.value if isinstance(bindings[0].value, ast.Await) else bindings[0].value
        if not isinstance(call, ast.Call):
            return False
        from .guards import CheckFinder  # a late import: guards reads the resolver, as this does

        checks = CheckFinder(self.scope, self.resolver)
        keys = frozenset(unique_set.fields)  # the check first: most writes have none, and the body is read only then
        check = checks.find(write, model, keys) or (checks.find(origin, model, keys) if origin is not None else None)
        pins = self._check_pins(check.line, model, func) if check is not None else None
        own = pins.get(field, value) if pins is not None else None
        if pins is None or not (isinstance(own, ast.Name) and own.id == value.id):
            return False  # the check must look for the relation's row itself, or not pin the relation
        found = checks.callee(call)
        paths = _summary(found[0], found[1], self.resolver.project) if found is not None else None
        if not paths:
            return False
        for path in paths:
            if not isinstance(path, Related):
                continue  # None, or a row the callee inserted
            if path.model != model.qualname or path.attribute not in (field, f"{field}_id"):
                return False
            tied = dict(path.pins)
            for checked, pinned in pins.items():
                passed = _passed(call, found[0], tied[checked]) if checked in tied else None
                if checked != field and (passed is None or not self._same(passed, pinned, func)):
                    return False
        return True

    def _check_pins(self, line: int, model: ModelInfo, func) -> Optional[Dict[str, ast.AST]]:
        """field → value of the one query on `model` the check at `line` makes, when it asks the model's
        plain manager and its filters are all exact keywords on fields, nothing in its chain dropping a
        row they keep (a `Q`, `**`, a spanning lookup, `exclude()`, another database, a reverse manager's
        hidden filter, a manager whose `get_queryset()` filters: None)."""
        queries = [c for c in self.scope.method_calls if c.lineno == line and isinstance(c.func, ast.Attribute)
                   and c.func.attr in orm.QUERIES and self.scope.enclosing_function(c) is func
                   and getattr(getattr(self.resolver.manager(c.func.value), "model", None), "qualname", None)
                   == model.qualname and not _chained_in_query(self.scope, c)]
        if len(queries) != 1:
            return None
        pins: Dict[str, ast.AST] = {}
        node: ast.AST = queries[0]
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            if attr not in orm.ALL_ROWS_KEPT:
                return None
            if attr in _FILTERING:
                if node.args:
                    return None
                for keyword in node.keywords:
                    head, _, lookup = (keyword.arg or "").partition("__")
                    field = model.field_for(head) if keyword.arg else None
                    if field is None or lookup not in ("", "exact") or field in pins:
                        return None
                    pins[field] = keyword.value
            node = node.func.value
        if not (isinstance(node, ast.Attribute) and self._plain_manager(node, model)):
            return None
        return pins or None

    def _plain_manager(self, node: ast.Attribute, model: ModelInfo) -> bool:
        """`M.objects` / `M._base_manager` of the model's class, `objects` being Django's own manager or a
        project one whose classes override no `get_queryset()`: it hands back every row."""
        owner = self.resolver.model_class(node.value)
        if owner is None or owner.qualname != model.qualname:
            return False
        if node.attr == "_base_manager":
            return True
        if node.attr != "objects":
            return False
        project = self.resolver.project
        for dotted in model.managers.get("objects", ()):
            cls = project.find_class(dotted)
            if cls is None:
                return dotted.startswith("django.")
            if any(facts.method("get_queryset") is not None and not facts.module.startswith("django.")
                   for facts in project.lineage(cls)):
                return False
        return True

    def _same(self, one: ast.AST, other: ast.AST, func) -> bool:
        """Whether two expressions of the function hold one value all along: equal literals, or one name
        that is a parameter never rebound (or a module's name the function never binds)."""
        if isinstance(one, ast.Constant) and isinstance(other, ast.Constant):
            return type(one.value) is type(other.value) and one.value == other.value
        if isinstance(one, ast.Name) and isinstance(other, ast.Name) and one.id == other.id:
            bound = self.scope.bindings(func).get(one.id, [])
            return not bound or (len(bound) == 1 and bound[0].kind is BindingKind.PARAM)
        return False


def _chained_in_query(scope: ModuleScope, call: ast.Call) -> bool:
    """Whether `call` is an inner link of a longer chain (`filter(...)` of `filter(...).exists()`)."""
    parent = scope.parent(call)
    return isinstance(parent, ast.Attribute) and isinstance(scope.parent(parent), ast.Call)


def _passed(call: ast.Call, function: ast.AST, parameter: str) -> Optional[ast.AST]:
    """What `call` passes for `parameter` of `function` (a `self.m()` / `cls.m()` call binds the first
    parameter itself, unless the method is a staticmethod)."""
    signature = function.args  # type: ignore[attr-defined]
    positional = [a.arg for a in list(signature.posonlyargs) + list(signature.args)]
    decorators = {getattr(d, "id", getattr(d, "attr", None)) for d in getattr(function, "decorator_list", [])}
    if (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
            and call.func.value.id in ("self", "cls") and "staticmethod" not in decorators):
        positional = positional[1:]
    return argument_for(call, parameter, positional.index(parameter) if parameter in positional else -1)
