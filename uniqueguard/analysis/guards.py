"""Guards: what stands between a write and a 500 — handlers, suppress, callers, checks, atomic blocks.

Each question the rules ask is one function here:
- `handler_guard`: is the write in the body of a `try` (or `with suppress`) that catches IntegrityError?
- (is every call site of the write's function guarded? the project call graph says: callers.py)
- `atomic_around`: does the guarding `try` run inside an atomic block with no savepoint around the write?
- `CheckFinder`: is the write reached only after an existence check on the same model said "absent"?
"""
from __future__ import annotations

import ast
import enum
import functools
from typing import FrozenSet, List, Optional, Set, Tuple

from .. import orm
from ..index.sources import project_function, project_method
from ..records import dataclass
from .resolve import Resolver, unchained
from .scope import FUNCTION_NODES, BindingKind, FunctionNode, ModuleScope, caught, exception_names

# What catches django.db.IntegrityError: itself and its bases (django/db/utils.py: IntegrityError <
# DatabaseError < Error < Exception), in their qualified names.
CATCHING = frozenset({
    "django.db.IntegrityError", "django.db.utils.IntegrityError",
    "django.db.DatabaseError", "django.db.utils.DatabaseError",
    "django.db.Error", "django.db.utils.Error",
    "Exception", "BaseException", "builtins.Exception", "builtins.BaseException",
})
# Spelled without an import we can see (a star import, a re-export): trusted by name.
CATCHING_UNQUALIFIED = frozenset({"IntegrityError", "DatabaseError"})
SUPPRESS = frozenset({"contextlib.suppress"})
ATOMIC = frozenset({"django.db.transaction.atomic"})
NON_ATOMIC_REQUESTS = frozenset({"django.db.transaction.non_atomic_requests"})
DOES_NOT_EXIST = ("DoesNotExist", "ObjectDoesNotExist", "RelatedObjectDoesNotExist")
EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
VIEW_BASE_SUFFIXES = ("View", "ViewSet", "ViewMixin", "APIView")
# Calls that read values out of a queryset, and builders of a collection from an iterable.
ROW_VALUES = frozenset({"values_list", "values", "iterator", "in_bulk"}) | orm.QUERYSET_CHAIN
SEQUENCES = ("set", "frozenset", "list", "dict", "tuple", "sorted")
EXISTENCE_ENDINGS = orm.names(orm.Kind.EXISTENCE)
TryNodes = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


class GuardKind(str, enum.Enum):
    TRY = "try"  # an `except` clause catching IntegrityError
    SUPPRESS = "suppress"  # `with contextlib.suppress(IntegrityError):`


@dataclass
class Guard:
    node: ast.AST  # the Try or With that guards
    kind: GuardKind
    line: int
    spelling: str  # how the exception was written, for messages


def catches_integrity_error(scope: ModuleScope, expr: Optional[ast.AST],
                            extra: frozenset = frozenset()) -> Optional[str]:
    """How the clause spells the exception that catches IntegrityError (it or a base: DatabaseError,
    Exception, a bare `except:`), or None if it does not.

    `extra` are qualified names the configuration adds (`guard-exceptions`)."""
    return caught(scope, expr, lambda qualified: (
        qualified in CATCHING or qualified in CATCHING_UNQUALIFIED or qualified in extra))


def handler_guard(scope: ModuleScope, node: ast.AST, extra: frozenset = frozenset()) -> Optional[Guard]:
    """The nearest `try` body / `with suppress(...)` around `node` (within its function) that catches it."""
    for child, parent in scope.ancestors(node):
        if isinstance(parent, FUNCTION_NODES) or isinstance(parent, ast.ClassDef):
            return None
        if isinstance(parent, TryNodes) and child in parent.body:
            for handler in parent.handlers:
                spelling = catches_integrity_error(scope, handler.type, extra)
                if spelling is not None:
                    return Guard(parent, GuardKind.TRY, handler.lineno, spelling)
        if isinstance(parent, (ast.With, ast.AsyncWith)) and child in parent.body:
            for item in parent.items:
                call = item.context_expr
                if (isinstance(call, ast.Call) and scope.qualify(call.func) in SUPPRESS
                        and any(catches_integrity_error(scope, arg, extra) for arg in call.args)):
                    return Guard(parent, GuardKind.SUPPRESS, parent.lineno, "suppress")
    return None


# ----------------------------------------------------------------------------------------- atomic
@dataclass
class AtomicContext:
    line: int
    how: str  # "with transaction.atomic()", "@transaction.atomic", "ATOMIC_REQUESTS"


def _atomic_call(scope: ModuleScope, expr: ast.AST) -> bool:
    """`transaction.atomic`, `atomic(...)`, not `atomic(savepoint=False)` (that makes no savepoint)."""
    call = expr if isinstance(expr, ast.Call) else None
    target = call.func if call is not None else expr
    if scope.qualify(target) not in ATOMIC:
        return False
    if call is not None:
        for keyword in call.keywords:
            if keyword.arg == "savepoint" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False:
                return False
    return True


def savepoint_between(scope: ModuleScope, write: ast.AST, guard: ast.AST) -> bool:
    """Whether a `with transaction.atomic():` stands between the guarding try and the write."""
    for _, parent in scope.ancestors(write):
        if parent is guard:
            return False
        if isinstance(parent, (ast.With, ast.AsyncWith)) and any(
                _atomic_call(scope, item.context_expr) for item in parent.items):
            return True
    return False


def atomic_around(scope: ModuleScope, node: ast.AST, atomic_requests: bool, project) -> Optional[AtomicContext]:
    """The atomic block `node` runs in within its function: a `with`, a decorator, or ATOMIC_REQUESTS."""
    for child, parent in scope.ancestors(node):
        if isinstance(parent, (ast.With, ast.AsyncWith)) and child in parent.body:
            for item in parent.items:
                if _atomic_call(scope, item.context_expr):
                    return AtomicContext(parent.lineno, "with transaction.atomic()")
        if isinstance(parent, FUNCTION_NODES):
            for decorator in getattr(parent, "decorator_list", []):
                if _atomic_call(scope, decorator):
                    return AtomicContext(decorator.lineno, "@transaction.atomic")
            if atomic_requests and is_view(scope, parent, project):
                return AtomicContext(parent.lineno, "ATOMIC_REQUESTS")
            return None
    return None


def is_view(scope: ModuleScope, func: FunctionNode, project) -> bool:
    """A view runs inside ATOMIC_REQUESTS' transaction: a function taking `request`, or a view method."""
    if isinstance(func, ast.Lambda):
        return False
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if scope.qualify(target) in NON_ATOMIC_REQUESTS:
            return False
    if isinstance(func, ast.AsyncFunctionDef):
        return False  # Django refuses ATOMIC_REQUESTS for async views
    cls = scope.enclosing_class(func)
    if cls is None:
        params = func.args.args
        return bool(params) and params[0].arg == "request" and isinstance(scope.parent(func), ast.Module)
    for decorator in cls.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if scope.qualify(target) in NON_ATOMIC_REQUESTS or (
                isinstance(decorator, ast.Call) and any(
                    scope.qualify(a) in NON_ATOMIC_REQUESTS for a in decorator.args)):
            return False
    bases = [scope.qualify(b) or "" for b in cls.bases]
    if any(b.endswith(VIEW_BASE_SUFFIXES) for b in bases):
        return True
    facts = project.find_class(f"{scope.module}.{cls.name}")
    return facts is not None and any(dotted.endswith(VIEW_BASE_SUFFIXES) for dotted, _ in project.ancestors(facts))


# ------------------------------------------------------------------------------ writes never committed
SET_ROLLBACK = frozenset({"django.db.transaction.set_rollback"})
CONTEXT_MANAGER = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})


def never_commits(scope: ModuleScope, node: ast.AST, resolver) -> Optional[str]:
    """How the write is rolled back on every path, when it is: inside `with cm():` where `cm` is a project
    context manager that enters `transaction.atomic()` and always raises after `yield` (a dry run, a
    preview), or followed in its block by `transaction.set_rollback(True)`. A rolled-back insert can
    still fail on a conflicting row, but it never leaves a duplicate behind: a preview, not production
    state (issue 13 item 5)."""
    for child, parent in scope.ancestors(node):
        if isinstance(parent, (ast.With, ast.AsyncWith)) and child in parent.body:
            for item in parent.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and _rolls_back(resolver, call.func):
                    return f"{ast.unparse(call.func)}()"
        for block in ("body", "orelse", "finalbody"):
            statements = getattr(parent, block, None)
            if isinstance(statements, list) and child in statements and _has_rollback_after(scope, statements, child):
                return "transaction.set_rollback(True)"
        if isinstance(parent, FUNCTION_NODES):
            return None
    return None


def _has_rollback_after(scope: ModuleScope, statements, child) -> bool:
    """`transaction.set_rollback(True)` as a statement after `child` in the same block."""
    if child not in statements:
        return False
    for statement in statements[statements.index(child) + 1:]:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if (isinstance(call, ast.Call) and scope.qualify(call.func) in SET_ROLLBACK and call.args
                and isinstance(call.args[0], ast.Constant) and call.args[0].value is True):
            return True
    return False


def _guarding_function(project, dotted: str):
    """`project_function` for what the guards look for in a called function's body — a query of one of
    the project's models, Django's `transaction.atomic` — which no function of the standard library
    holds: its modules are not read to find out. They were, whole, for every call of a standard-library
    class (`datetime.datetime(...)`, `zipfile.ZipFile(...)`: 90 kB modules parsed to learn that the name
    is no module-level function)."""
    return None if project.modules.in_standard_library(dotted) else project_function(project, dotted)


def _rolls_back(resolver, func: ast.AST) -> bool:
    """Whether `func` is a project context manager whose body is `with transaction.atomic(): ... yield ...
    raise` (the raise after the yield at the same level, so every use rolls back)."""
    found = None
    if isinstance(func, ast.Name):
        local = [f for f in resolver.scope.functions if getattr(f, "name", None) == func.id
                 and isinstance(resolver.scope.parent(f), ast.Module)]
        if local:
            found = (local[-1], resolver.scope.names_at(local[-1]))
    if found is None:
        dotted = resolver.dotted(func)
        found = _guarding_function(resolver.project, dotted) if dotted else None
    if found is None:
        return False
    function, names = found
    if not any(names.of(d) in CONTEXT_MANAGER for d in getattr(function, "decorator_list", ())):
        return False
    for node in ast.walk(function):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
                names.of(i.context_expr.func if isinstance(i.context_expr, ast.Call) else i.context_expr) in ATOMIC
                for i in node.items):
            yields = [i for i, st in enumerate(node.body)
                      if isinstance(st, ast.Expr) and isinstance(st.value, (ast.Yield, ast.Await))]
            if yields and any(isinstance(st, ast.Raise) for st in node.body[yields[0] + 1:]):
                return True
    return False


def only_reraises(scope, try_node: ast.AST, extra: frozenset) -> bool:
    """Whether every handler of `try_node` that catches IntegrityError only re-raises: the atomic block
    around it rolls back, so no query runs in a broken transaction (no UNQ003)."""
    handlers = [h for h in getattr(try_node, "handlers", ())
                if catches_integrity_error(scope, h.type, extra) is not None]
    return bool(handlers) and all(reraises(h) for h in handlers)


def reraises(handler: ast.ExceptHandler) -> bool:
    """A handler that only re-raises lets the atomic block roll back: no query runs in the broken transaction."""
    if not handler.body or not isinstance(handler.body[-1], ast.Raise):
        return False
    return not any(isinstance(n, ast.Call) for stmt in handler.body[:-1] for n in ast.walk(stmt))


# --------------------------------------------------------------------------------- existence checks
@dataclass
class ExistenceCheck:
    line: int
    text: str  # e.g. "exists()"
    model: str = ""  # qualname of the model whose rows were checked
    # The model's fields the query pins (`filter(user=u)`: user); None when unknown or none (all rows).
    fields: Optional[FrozenSet[str]] = None


class CheckFinder:
    """Existence checks on a model that the write is reached only after ("absent"). With `model` None,
    a check on any model (the call graph records which, for the function a call reaches)."""

    def __init__(self, scope: ModuleScope, resolver: Resolver):
        self.scope = scope
        self.resolver = resolver
        self._rows_followed: Set[Tuple[str, int, int]] = set()  # locals `_row_or_none` is reading: no cycle

    def find(self, write_node: ast.AST, model, keys: Optional[FrozenSet[str]] = None) -> Optional[ExistenceCheck]:
        """The check the write is reached after. With `keys` (the fields of the unique sets at risk), a
        query that pins only other fields (`filter(owner=u).exists()` before inserting a unique `name`)
        is no check for the row: another owner's row with that name is not looked for."""
        statement = self.scope.statement_of(write_node)

        def for_keys(check: Optional[ExistenceCheck]) -> bool:
            return check is not None and (keys is None or check.fields is None or bool(check.fields & keys))

        if (isinstance(write_node, ast.Call) and isinstance(write_node.func, ast.Attribute)
                and write_node.func.attr in orm.BULK and write_node.args):
            check = self._missing_rows(write_node.args[0], model)  # objects built only for keys found absent
            if for_keys(check):
                return check
        for child, parent in self.scope.ancestors(statement):
            if isinstance(parent, ast.ClassDef):
                return None
            if isinstance(parent, ast.If):
                polarity, check = self._polarity(parent.test, model)
                if for_keys(check):
                    if (child in parent.body and polarity == "absent") or (
                            child in parent.orelse and polarity == "present"):
                        return check
            if isinstance(parent, (ast.For, ast.AsyncFor)) and child in parent.body:
                check = self._missing_rows(parent.iter, model)
                if for_keys(check):
                    return check
            if isinstance(parent, ast.ExceptHandler) and self._catches_does_not_exist(parent):
                tried = self.scope.parent(parent)
                check = self._get_in(tried.body if isinstance(tried, TryNodes) else [], model)
                if for_keys(check):
                    return check
            for block in ("body", "orelse", "finalbody"):
                statements = getattr(parent, block, None)
                if isinstance(statements, list) and child in statements:
                    found = self._early_exit(statements[: statements.index(child)], model)
                    if for_keys(found):
                        return found
            if isinstance(parent, FUNCTION_NODES):
                return None
        return None

    def queried_before(self, write_node: ast.Call, model) -> bool:
        """Whether the write's function checks for rows of `model` before it (`exists()`, `count()`...)."""
        func = self.scope.enclosing_function(write_node)
        position = (write_node.lineno, write_node.col_offset)
        return any(self.scope.enclosing_function(call) is func and (call.lineno, call.col_offset) < position
                   and (self._row_query(call, model) or self._row_query(call, model, counts=True))
                   for call in self.scope.method_calls)

    def _early_exit(self, before: List[ast.stmt], model) -> Optional[ExistenceCheck]:
        """`if <present>: return ...` (or raise/continue/break) before the write."""
        for statement in reversed(before):
            if isinstance(statement, ast.If) and statement.body and isinstance(statement.body[-1], EXITS):
                polarity, check = self._polarity(statement.test, model)
                if check is not None and polarity == "present":
                    return check
        return None

    def _polarity(self, test: ast.AST, model, depth: int = 0) -> Tuple[Optional[str], Optional[ExistenceCheck]]:
        """("present" | "absent", check) when the test is true, for tests about rows of `model`."""
        if depth > 6:
            return None, None
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            polarity, check = self._polarity(test.operand, model, depth + 1)
            return {"present": "absent", "absent": "present"}.get(polarity or ""), check
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            for value in test.values:
                polarity, check = self._polarity(value, model, depth + 1)
                if check is not None:
                    return polarity, check
            return None, None
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            # `if not M.objects.filter(user=u).exists() or <too old>:` — the branch is taken, among other
            # reasons, when the check found nothing: a write there may follow that check, the race of
            # check-then-create. A part saying the row is present makes the branch mean nothing sure.
            parts = [self._polarity(value, model, depth + 1) for value in test.values]
            if any(check is not None and polarity == "present" for polarity, check in parts):
                return None, None
            absent = [check for polarity, check in parts if check is not None and polarity == "absent"]
            return ("absent", absent[0]) if absent else (None, None)
        if isinstance(test, ast.Name):
            flagged = self._missing_flag(test, model)
            if flagged[1] is not None:
                return flagged
            check = self._row_or_none(test, model) or self._evaluated_rows(test, model)
            if check is not None:
                return "present", check
            binding, _ = self.scope.binding_before(test.id, test)
            if binding is not None and binding.kind is BindingKind.ASSIGN and binding.value is not None:
                return self._polarity(binding.value, model, depth + 1)
            return None, None
        if isinstance(test, ast.Await):
            return self._polarity(test.value, model, depth + 1)
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return self._compare(test, model, depth)
        check = self._row_query(test, model) or self._related_row(test, model) or self._evaluated_rows(test, model)
        if check is not None:
            return "present", check
        return self._project_check(test, model)

    def _missing_flag(self, flag: ast.Name, model) -> Tuple[Optional[str], Optional[ExistenceCheck]]:
        """A flag that says the row is missing: set to a constant in an `except DoesNotExist` whose
        `try` looks the row up (`found = False`), and bound only to the opposite constant anywhere else
        in the function (`found = True` before the `try`). Its value then tells whether the get() failed.
        A parameter set in the handler (`def create_token(user, force_new=False)`, `force_new = True` when
        the get() fails) says "missing, or the caller asked": like an `or` with the check as one part,
        the insert may follow the check. Any other value may say anything: no check."""
        func = self.scope.enclosing_function(flag)
        if func is None:
            return None, None
        in_handler: List[Tuple[bool, ExistenceCheck]] = []
        elsewhere = set()
        parameter = False
        for binding in self.scope.bindings(func).get(flag.id, ()):
            value = binding.value
            if binding.kind is BindingKind.PARAM:
                parameter = True
                continue
            if binding.kind is not BindingKind.ASSIGN or not (isinstance(value, ast.Constant)
                                                              and isinstance(value.value, bool)):
                return None, None
            handler = next((p for _, p in self.scope.ancestors(value) if isinstance(p, (ast.ExceptHandler,)
                                                                                    + FUNCTION_NODES)), None)
            if isinstance(handler, ast.ExceptHandler) and self._catches_does_not_exist(handler):
                tried = self.scope.parent(handler)
                check = self._get_in(tried.body if isinstance(tried, TryNodes) else [], model)
                if check is None:
                    return None, None
                in_handler.append((value.value, check))
            else:
                elsewhere.add(value.value)
        if not in_handler or len({v for v, _ in in_handler}) != 1 or not (elsewhere or parameter):
            return None, None
        missing, check = in_handler[0]
        if missing in elsewhere:
            return None, None
        return ("absent" if missing else "present"), check

    def _related_row(self, expr: Optional[ast.AST], model) -> Optional[ExistenceCheck]:
        """`hasattr(user, "profile")` or `user.profile` (truthy when the related row exists), where
        `profile` is a one-to-one accessor of the user leading to `model`."""
        if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "hasattr"
                and len(expr.args) == 2 and isinstance(expr.args[1], ast.Constant)
                and isinstance(expr.args[1].value, str)):
            owner, accessor = expr.args[0], expr.args[1].value
        elif isinstance(expr, ast.Attribute):
            owner, accessor = expr.value, expr.attr
        else:
            return None
        instance = self.resolver.instance_model(owner)
        project = self.resolver.project
        if instance is not None:
            target = project.one_to_one_accessor(instance.qualname, accessor)
            if target is None or (model is not None and target.qualname != model.qualname):
                return None
            found = target.qualname
        else:  # an owner of unknown type: the accessor must lead to the model being written
            targets = {t.qualname for t in project.one_to_one_accessor(None, accessor)}
            if model is not None and model.qualname not in targets:
                return None
            if model is None and len(targets) != 1:
                return None
            found = model.qualname if model is not None else next(iter(targets))
        spelling = f"hasattr(..., {accessor!r})" if isinstance(expr, ast.Call) else f".{accessor}"
        return ExistenceCheck(expr.lineno, spelling, found)

    def _compare(self, test: ast.Compare, model, depth: int):
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, (ast.In, ast.NotIn)):  # `if name not in existing:` (a dict/set of the rows)
            if self._existing_rows(right, model):
                return ("present" if isinstance(op, ast.In) else "absent"), ExistenceCheck(test.lineno, "`in`")
            return None, None
        subject: Optional[ast.AST] = left
        if isinstance(op, (ast.Is, ast.IsNot)) and isinstance(right, ast.Constant) and right.value is None:
            check = self._row_or_none(subject, model) if isinstance(subject, ast.Name) else None
            if check is not None:
                return ("absent" if isinstance(op, ast.Is) else "present"), check
            if isinstance(subject, ast.Name):
                binding, _ = self.scope.binding_before(subject.id, subject)
                subject = binding.value if binding is not None and binding.kind is BindingKind.ASSIGN else None
            check = (self._row_query(subject, model) or self._related_row(subject, model)
                     if subject is not None else None)
            if check is not None:
                return ("absent" if isinstance(op, ast.Is) else "present"), check
            return None, None
        if isinstance(subject, ast.Name):
            binding, _ = self.scope.binding_before(subject.id, subject)
            subject = binding.value if binding is not None and binding.kind is BindingKind.ASSIGN else None
        check = self._row_query(subject, model, counts=True) if subject is not None else None
        if check is None and _is_len(subject):  # `len(qs) == 0`: count() by another name
            assert isinstance(subject, ast.Call)
            check = self._evaluated_rows(subject, model)
        if check is None or not isinstance(right, ast.Constant) or not isinstance(right.value, int):
            return None, None
        polarity = _count_polarity(op, right)
        return (polarity, check) if polarity else (None, None)

    def _row_query(self, expr: Optional[ast.AST], model, counts: bool = False) -> Optional[ExistenceCheck]:
        """`M.objects.filter(...).exists()`, `.first()`, `.count()` on the same model."""
        if isinstance(expr, ast.Await):
            expr = expr.value
        if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)):
            return None
        method = expr.func.attr
        wanted = orm.COUNTS if counts else orm.PRESENCE_CHECKS
        if method not in wanted:
            return None
        found = self.resolver.manager(expr.func.value)
        if found is None or found.model is None or (model is not None and found.model.qualname != model.qualname):
            return None
        return ExistenceCheck(expr.lineno, f"{method}()", found.model.qualname, pinned_fields(expr, found.model))

    def _evaluated_rows(self, expr: Optional[ast.AST], model) -> Optional[ExistenceCheck]:
        """A queryset of `model` asked for its truth or its length — `if not qs:`, `len(qs) == 0`,
        `not len(M.objects.filter(...))`, also through a local bound to one: Django evaluates the
        queryset, and the answer says whether rows match, as `exists()` / `count()` would. Only a
        queryset whose filters pin fields by keyword (`Q(...)` objects included) is a check of a key:
        `if not M.objects.all():` or a project manager method's own queryset says nothing of the row
        written."""
        line = getattr(expr, "lineno", 0)
        spelling = "len()" if _is_len(expr) else ""
        if spelling:
            assert isinstance(expr, ast.Call)
            expr = expr.args[0]
        if expr is not None:
            expr = self.scope.follow_locals(expr, hops=5)  # three links at most (follow_locals stops at 8)
        if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
                and expr.func.attr in orm.QUERYSET_CHAIN):
            return None
        found = self.resolver.manager(expr)
        if found is None or found.model is None or (model is not None and found.model.qualname != model.qualname):
            return None
        fields = pinned_fields(expr, found.model)
        if not fields:
            return None
        return ExistenceCheck(line, spelling or f"{expr.func.attr}()", found.model.qualname, fields)

    def _row_or_none(self, name: ast.Name, model) -> Optional[ExistenceCheck]:
        """The check behind a local that holds the row when a query found it and None when it found
        none: every binding of it before the use is either `None` reached only after an existence check
        said "absent" (`if len(matching) == 0: user = None`), or a row of `model` read from its rows
        (`matching[0]`, `qs.get()`, `qs.first()`, a loop over `qs`). A model instance is always true
        (Model defines neither `__bool__` nor `__len__`), so the local's truth is the check's answer."""
        func = self.scope.enclosing_function(name)
        key = (name.id, name.lineno, name.col_offset)
        if func is None or key in self._rows_followed:
            return None
        position = (name.lineno, name.col_offset)
        bindings = [b for b in self.scope.bindings(func).get(name.id, ()) if (b.line, b.col) < position]
        check: Optional[ExistenceCheck] = None
        self._rows_followed.add(key)
        try:
            for binding in bindings:
                value = binding.value
                if binding.kind is BindingKind.ASSIGN and isinstance(value, ast.Constant) and value.value is None:
                    found = self.find(value, model)
                    if found is None:
                        return None
                    check = check or found
                elif not self._row_of(binding, model):
                    return None
        finally:
            self._rows_followed.discard(key)
        return check

    def _row_of(self, binding, model) -> bool:
        """Whether a binding holds a row of `model` read from its rows: `qs[0]`, `qs.get(...)`,
        `qs.first()`, or the variable of a loop over `qs`."""
        value = binding.value
        if binding.kind is BindingKind.FOR:
            return value is not None and self._own_manager(value, model)
        if binding.kind is not BindingKind.ASSIGN:
            return False
        if isinstance(value, ast.Subscript) and not isinstance(value.slice, ast.Slice):
            return self._own_manager(value.value, model)
        return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                and value.func.attr in orm.INSTANCE_RETURNING and self._own_manager(value.func.value, model))

    # ------------------------------------------------------------- the rows, read before the write
    def _existing_rows(self, expr: Optional[ast.AST], model, depth: int = 0) -> bool:
        """Whether `expr` holds rows of `model` read earlier (or values read from them): a queryset,
        `values_list(...)`, `set(...)`/`dict(...)` of one, a comprehension over one, a local bound to
        one, or a local list/set/dict filled in a loop over one."""
        if expr is None or depth > 5:
            return False
        while (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
               and expr.func.attr in ROW_VALUES):
            expr = expr.func.value
        if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in SEQUENCES
                and len(expr.args) == 1):
            return self._existing_rows(expr.args[0], model, depth + 1)
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return any(self._existing_rows(g.iter, model, depth + 1) for g in expr.generators)
        if isinstance(expr, ast.Name):
            binding, scope = self.scope.binding_before(expr.id, expr)
            if binding is None or binding.kind != "assign" or binding.value is None:
                return self._own_manager(expr, model)  # `self` in a manager: `self.all()` lost its call above
            value = binding.value
            if _empty(value):
                return self._filled_from_rows(expr.id, scope, model, depth)
            return self._existing_rows(value, model, depth + 1)
        if not isinstance(expr, (ast.Call, ast.Attribute)):
            return False
        if self._own_manager(expr, model):
            return True
        method = self._manager_method(expr, model)  # `Setting.objects.get_settings_dict(category)`
        return method is not None and _returns_own_rows(method[0])

    def _own_manager(self, expr: ast.AST, model) -> bool:
        """Whether `expr` is a manager or queryset of `model` (`self` in its manager, `M.objects`)."""
        found = self.resolver.manager(expr)
        return (found is not None and found.model is not None
                and (model is None or found.model.qualname == model.qualname))

    def _filled_from_rows(self, name: str, scope, model, depth: int) -> bool:
        """`names = []` then `names.append(tag.name)` in `for tag in <rows of model>`."""
        for node in ast.walk(scope or self.scope.tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("append", "add", "update", "extend")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == name):
                for _, parent in self.scope.ancestors(node):
                    if (isinstance(parent, (ast.For, ast.AsyncFor))
                            and self._existing_rows(parent.iter, model, depth + 1)):
                        return True
                    if isinstance(parent, FUNCTION_NODES):
                        break
        return False

    def _missing_rows(self, iterable: ast.AST, model, depth: int = 0) -> Optional[ExistenceCheck]:
        """`for name in set(wanted) - set(existing)`, or over a local bound to one, or over
        `[n for n in wanted if n not in existing]`: each write is for a key a read found absent."""
        if depth > 6:
            return None
        if isinstance(iterable, ast.Name):
            binding, func = self.scope.binding_before(iterable.id, iterable)
            if binding is None:
                return None
            if binding.kind is BindingKind.UNPACK0 or (binding.kind is BindingKind.ASSIGN and binding.value is None):
                unpacked = self._unpacked(binding, func)  # `tags, missing = split_by_existence(names)`
                return self._returned_missing(unpacked[0], unpacked[1], model, depth + 1) if unpacked else None
            if binding.kind is BindingKind.ASSIGN and binding.value is not None:
                if _empty(binding.value):  # `missing = []`, then `missing.append(name)` after each check
                    return self._only_missing(iterable.id, func, model, depth + 1)
                return self._missing_rows(binding.value, model, depth + 1)
            return None
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id in SEQUENCES \
                and len(iterable.args) == 1:
            return self._missing_rows(iterable.args[0], model, depth + 1)
        if isinstance(iterable, ast.Call):
            return self._returned_missing(iterable, None, model, depth + 1)
        if (isinstance(iterable, ast.BinOp) and isinstance(iterable.op, ast.Sub)
                and self._existing_rows(iterable.right, model)):
            return ExistenceCheck(iterable.lineno, "set difference")
        if isinstance(iterable, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            for generator in iterable.generators:
                for condition in generator.ifs:
                    polarity, check = self._polarity(condition, model, 1)
                    if polarity == "absent" and check is not None:
                        return check
        return None

    def _only_missing(self, name: str, func, model, depth: int) -> Optional[ExistenceCheck]:
        """A collection that holds only keys a check found absent: every binding of `name` in `func` is
        empty or missing rows (`set(wanted) - have`), and every `append` / `add` / `extend` / `update` /
        `insert` of it is reached only after an existence check said "absent" (`if not M.objects.filter(
        key=k).exists(): missing.append(k)`) or adds missing rows. Any other change (`+=`, an item
        stored) may add anything: None."""
        check: Optional[ExistenceCheck] = None
        for binding in self.scope.bindings(func).get(name, ()):
            if binding.kind is not BindingKind.ASSIGN or binding.value is None:
                return None
            if not _empty(binding.value):
                found = self._missing_rows(binding.value, model, depth + 1)
                if found is None:
                    return None
                check = check or found
        for node in ast.walk(func if func is not None else self.scope.tree):
            changed = isinstance(node, ast.AugAssign) or (isinstance(node, ast.Subscript)
                                                          and isinstance(node.ctx, ast.Store))
            filled = (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FILLS
                      and isinstance(node.func.value, ast.Name) and node.func.value.id == name)
            if not (filled or (changed and _names(node, name))) or self.scope.enclosing_function(node) is not func:
                continue
            if changed:
                return None
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            found = self.find(node, model)
            if found is None and node.func.attr in ("extend", "update") and len(node.args) == 1:
                found = self._missing_rows(node.args[0], model, depth + 1)
            if found is None:
                return None
            check = check or found
        return check

    def _unpacked(self, binding, func) -> Optional[Tuple[ast.Call, int]]:
        """(the call, the position) a name of `a, b = call(...)` was bound from."""
        for node in ast.walk(func if func is not None else self.scope.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                for target in node.targets:
                    for index, element in enumerate(getattr(target, "elts", ())):
                        if isinstance(element, ast.Name) and (element.lineno, element.col_offset) == (
                                binding.line, binding.col):
                            return node.value, index
        return None

    def _returned_missing(self, call: ast.Call, index: Optional[int], model, depth: int) -> Optional[ExistenceCheck]:
        """The check behind what a project function returns (element `index` of the tuple it returns, or
        the whole value) when every `return` of it hands back only keys or objects its own body found
        absent (`new = set(names) - {t.name for t in Tag.objects.filter(name__in=names)}; return tags,
        new`; a list of objects appended only after an `exists()` said no): the caller's inserts follow
        that check. Named as the call, at the call. Only for a write's own model: a call site read for
        the call graph (`model` None, callsites.py) does not open other bodies — the graph reads every call
        site of the project, and one body per loop over a call would parse modules the run never needs."""
        found = self.callee(call) if depth <= 3 and model is not None else None
        if found is None or id(found[0]) in _FOLLOWED:
            return None
        function, names = found
        finder = _function_checks(function, names, self.resolver.project)
        check: Optional[ExistenceCheck] = None
        _FOLLOWED.add(id(function))
        try:
            for node in ast.walk(function):
                if not isinstance(node, ast.Return) or finder.scope.enclosing_function(node) is not function:
                    continue
                value = node.value
                if index is not None:
                    if not (isinstance(value, (ast.Tuple, ast.List)) and index < len(value.elts)):
                        return None
                    value = value.elts[index]
                one = finder._missing_rows(value, model, depth) if value is not None else None
                if one is None:
                    return None
                check = check or one
        finally:
            _FOLLOWED.discard(id(function))
        if check is None:
            return None
        spelling = getattr(call.func, "attr", None) or getattr(call.func, "id", "helper")
        return ExistenceCheck(call.lineno, f"{spelling}()", check.model, check.fields)

    def _project_check(self, expr: ast.AST, model) -> Tuple[Optional[str], Optional[ExistenceCheck]]:
        """(what it says when true, the check) for a call of the project's own manager method or
        function whose body answers an existence query on `model`
        (`ContributorAgreement.objects.has_agreed(user, c)`, `is_opted_out()`, a `count() == 0` helper)."""
        if isinstance(expr, ast.Await):
            expr = expr.value
        if not isinstance(expr, ast.Call):
            return None, None
        project = self.resolver.project
        answer = None
        if isinstance(expr.func, ast.Attribute):
            manager = self.resolver.manager(expr.func.value)
            owner = model if model is not None else getattr(manager, "model", None)
            found = self._manager_method(expr, owner) if owner is not None else None
            if found is not None:
                answer = _returns_existence(found[0], lambda node: _self_model(node, owner))
            spelling = f"{expr.func.attr}()"
        else:
            dotted = self.resolver.dotted(expr.func)
            found = _guarding_function(project, dotted) if dotted else None
            if found is not None:
                function, names = found

                def model_of(node):
                    manager = unchained(node)
                    target = names.of(manager.value) if isinstance(manager, ast.Attribute) else None
                    return project.model(target) if target else None

                answer = _returns_existence(function, model_of, model)
            spelling = f"{getattr(expr.func, 'id', 'helper')}()"
        if answer is None:
            return None, None
        return answer[0], ExistenceCheck(expr.lineno, spelling, *answer[1:])

    def _manager_method(self, call: ast.AST, model):
        """(def, Names) of the project manager method `call` calls on a manager of `model`."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return None
        manager = self.resolver.manager(call.func.value)
        if manager is None or manager.model is None or (model is not None and manager.model.qualname != model.qualname):
            return None
        project = self.resolver.project
        classes = manager.model.managers.get(manager.name, ())
        if not classes and isinstance(call.func.value, ast.Name) and call.func.value.id == "self":
            func = self.scope.enclosing_function(call)  # `self.prefetch()` in the manager's own method
            owner = self.scope.enclosing_class(func) if func is not None else None
            classes = (f"{self.scope.module}.{owner.name}",) if owner is not None else ()
        for dotted in classes:
            cls = project.find_class(dotted)
            for facts in project.lineage(cls) if cls is not None else ():
                if facts.method(call.func.attr) is not None:
                    return project_method(project, f"{facts.module}.{facts.name}", call.func.attr)
        return None

    def picked_by_query(self, values, keys: FrozenSet[str], model) -> Optional[ExistenceCheck]:
        """A unique value the project's own function picks after reading the values taken
        (`username = self.get_safe_username(name)`, whose body lists the usernames like it and appends a
        number; a slug loop that asks `filter(slug=candidate).exists()`): the pick is a check, and two
        runs pick the same free value. The function's body must query `model` on that very field."""
        project = self.resolver.project
        for name in sorted(keys):
            value = values.get(name)
            if isinstance(value, ast.Name):
                binding, _ = self.scope.binding_before(value.id, value)
                value = binding.value if binding is not None and binding.kind is BindingKind.ASSIGN else None
            found = self.callee(value) if isinstance(value, ast.Call) else None
            if found is None:
                continue
            function, names = found
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in orm.QUERIES | ROW_VALUES):
                    continue
                manager = unchained(node.func.value)
                target = names.of(manager.value) if isinstance(manager, ast.Attribute) else None
                queried = project.model(target) if target else None
                if queried is None or queried.qualname != model.qualname:
                    continue
                listed = {a.value for a in node.args if isinstance(a, ast.Constant)} \
                    if node.func.attr in ("values_list", "values") else set()
                if name in (pinned_fields(node, queried) or ()) or name in listed:
                    assert isinstance(value, ast.Call)
                    spelling = getattr(value.func, "attr", None) or getattr(value.func, "id", "helper")
                    return ExistenceCheck(value.lineno, f"{spelling}()", model.qualname, frozenset({name}))
        return None

    def callee(self, call: ast.Call):
        """(def, its module's Names) of the project function or `self`/`cls` method a call names."""
        func = call.func
        project = self.resolver.project
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            _, facts = self.resolver.enclosing_class_facts(call)
            for owner in [facts] + [f for _, f in project.ancestors(facts)] if facts is not None else ():
                if owner is not None and owner.method(func.attr) is not None:
                    return project_method(project, f"{owner.module}.{owner.name}", func.attr)
            return None
        dotted = self.resolver.dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        return _guarding_function(project, dotted) if dotted else None  # `helpers.parse(...)`: a module's function

    def _catches_does_not_exist(self, handler: ast.ExceptHandler) -> bool:
        names = exception_names(self.scope, handler.type) if handler.type is not None else []
        return any(q.endswith(DOES_NOT_EXIST) for q, _ in names)

    def _get_in(self, statements: List[ast.stmt], model) -> Optional[ExistenceCheck]:
        """`M.objects.get(...)`, or reading a one-to-one accessor (`user.profile`), in a try body."""
        for statement in statements:
            for node in ast.walk(statement):
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                    related = self._related_row(node, model)
                    if related is not None:
                        return related
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in orm.LOOKUPS):
                    found = self.resolver.manager(node.func.value)
                    if found is not None and found.model is not None and (
                            model is None or found.model.qualname == model.qualname):
                        return ExistenceCheck(node.lineno, "get()", found.model.qualname,
                                              pinned_fields(node, found.model))
        return None


def _returns_existence(function, model_of, model=None) -> Optional[Tuple[str, str, Optional[FrozenSet[str]]]]:
    """("present" | "absent", the model's qualname, the fields its queries pin) when every `return` of
    `function` answers whether rows of one model exist: `<queryset>.exists()` (also negated, or through
    a local or cache entry), `<queryset>.count() == 0` and its kin (`username_is_acceptable()`: true
    when no row has the name), or a constant that never says the opposite of the query (`return False`
    before the query of a function that is true when the row is absent: its true answer always comes
    from the query). `model_of(receiver)` names the model a receiver queries (for a manager method, its
    own model); with `model` given, only queries on it count."""
    returns = [n.value for n in ast.walk(function) if isinstance(n, ast.Return)]
    answers, constants, found = set(), set(), set()
    pinned: Optional[Set[str]] = set()
    for value in returns:
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            constants.add(value.value)
            continue
        polarity, receiver = _existence_answer(function, value)
        if polarity is None or receiver is None:
            return None
        queried = model_of(receiver)
        if queried is None or (model is not None and queried.qualname != model.qualname):
            return None
        answers.add(polarity)
        found.add(queried.qualname)
        fields = pinned_fields(receiver, queried)
        pinned = None if pinned is None or fields is None else pinned | fields
    if len(answers) != 1 or len(found) != 1:
        return None
    answer: str = answers.pop()
    if constants - {answer == "present"}:  # a constant saying "absent" (or "present") without a query
        return None
    return answer, found.pop(), frozenset(pinned) if pinned else None


def pinned_fields(query: ast.AST, model) -> Optional[FrozenSet[str]]:
    """The fields of `model` a queryset chain's filters pin by keyword (`filter(user=u).get(day=d)`: user
    and day; `Q(username=n) | Q(email=e)` inside one: username and email), relations spanned counting as
    the relation (`user__email`: user). None when none are, or when a keyword is unknown (`**kwargs`)
    or names no field (an annotation): then the query may look at anything."""
    heads: Set[str] = set()
    node = query
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in orm.QUERIES:
            keywords = list(node.keywords) + [k for arg in node.args for sub in ast.walk(arg)
                                              if isinstance(sub, ast.Call) for k in sub.keywords]
            for keyword in keywords:
                if keyword.arg is None:
                    return None
                heads.add(keyword.arg.split("__")[0])
        node = node.func.value
    fields = {model.field_for(head) for head in heads}
    return None if not fields or None in fields else frozenset(f for f in fields if f)


def _existence_answer(function, value: Optional[ast.AST], depth: int = 0) -> Tuple[Optional[str], Optional[ast.AST]]:
    """("present" | "absent", the queryset asked) for a returned existence query; (None, None) else."""
    if value is None or depth > 3:
        return None, None
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not):
        polarity, receiver = _existence_answer(function, value.operand, depth + 1)
        return {"present": "absent", "absent": "present"}.get(polarity or ""), receiver
    if isinstance(value, (ast.Name, ast.Subscript, ast.Attribute)):  # a local, or a cache entry
        spelled = ast.dump(value, annotate_fields=False).replace("Store()", "Load()")
        bound = [n.value for n in ast.walk(function) if isinstance(n, ast.Assign) and len(n.targets) == 1
                 and ast.dump(n.targets[0], annotate_fields=False).replace("Store()", "Load()") == spelled]
        return _existence_answer(function, bound[0], depth + 1) if len(bound) == 1 else (None, None)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in EXISTENCE_ENDINGS:
        return "present", value.func.value
    if isinstance(value, ast.Compare) and len(value.ops) == 1:
        counted = value.left
        if (isinstance(counted, ast.Call) and isinstance(counted.func, ast.Attribute)
                and counted.func.attr in orm.COUNTS):
            return _count_polarity(value.ops[0], value.comparators[0]), counted.func.value
    return None, None


FILLS = frozenset({"append", "add", "extend", "update", "insert"})  # what puts items into a list, set or dict
_FOLLOWED: Set[int] = set()  # project functions whose returns are being read (`_returned_missing`): no cycle


@functools.lru_cache(maxsize=16)
def _function_checks(function: ast.stmt, names, project) -> "CheckFinder":
    """A CheckFinder over one function of another module (its scope alone), for reading its returns."""
    scope = ModuleScope.of_function(function, names)
    return CheckFinder(scope, Resolver(scope, project))


def _empty(value: ast.AST) -> bool:
    """`[]`, `{}`, `set()`, `list()`, `dict()`: a collection created empty."""
    return (isinstance(value, (ast.List, ast.Set, ast.Dict, ast.Tuple))
            and not getattr(value, "elts", getattr(value, "keys", None))) or (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in SEQUENCES
        and not value.args and not value.keywords)


def _names(node: ast.AST, name: str) -> bool:
    """Whether an augmented assignment or a subscript is of the local `name`."""
    target = node.target if isinstance(node, ast.AugAssign) else getattr(node, "value", None)
    return isinstance(target, ast.Name) and target.id == name


def _is_len(expr: Optional[ast.AST]) -> bool:
    """`len(x)`."""
    return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "len"
            and len(expr.args) == 1 and not expr.keywords)


def _count_polarity(op: ast.cmpop, right: ast.AST) -> Optional[str]:
    """What `count() <op> right` says about the rows when true: `== 0` absent, `> 0` present."""
    if not (isinstance(right, ast.Constant) and isinstance(right.value, int) and not isinstance(right.value, bool)):
        return None
    value = right.value
    if (isinstance(op, ast.Eq) and value == 0) or (isinstance(op, ast.LtE) and value == 0) or (
            isinstance(op, ast.Lt) and value == 1):
        return "absent"
    if (isinstance(op, (ast.Gt, ast.NotEq)) and value == 0) or (isinstance(op, ast.GtE) and value == 1):
        return "present"
    return None


def _self_model(receiver: ast.AST, model):
    """In a manager method, `self.filter(...)` / `self.get_queryset()...` query the manager's own model."""
    node = unchained(receiver)
    return model if isinstance(node, ast.Name) and node.id == "self" else None


def _returns_own_rows(function) -> bool:
    """Whether a manager method returns its own rows: `dict(self.filter(...).values_list(...))`."""
    returns = [n.value for n in ast.walk(function) if isinstance(n, ast.Return)]
    for value in returns:
        while isinstance(value, ast.Call):
            if isinstance(value.func, ast.Name) and value.func.id in SEQUENCES and len(value.args) == 1:
                value = value.args[0]
            elif isinstance(value.func, ast.Attribute) and value.func.attr in ROW_VALUES:
                value = value.func.value
            else:
                break
        if isinstance(value, (ast.ListComp, ast.SetComp, ast.DictComp)) and len(value.generators) == 1:
            value = value.generators[0].iter
        if value is None or _self_model(value, True) is None:
            return False
    return bool(returns)
