"""The ORM vocabulary: every Django method name the engine reasons about, in one table.

Each row says what a call of that name does to rows (its `Kind`), its async twin (Django 4.1+ spells
the async form with an `a` prefix: `acreate`, `aget_or_create`, `asave`), whether it returns a model
instance, and whether Django runs it in a savepoint of its own. Every method-name set in the engine
(writes, facts, resolve, guards, the early-exit text test) and the test harness derives from this
table, so a new write primitive — say `create_polymorphic` — is one row here (plus a fixture tree that
shows it flagged and guarded, and a line in README's list of writes).

What the names mean is Django's (docs/ref/models/querysets.txt, instances.txt and
django/contrib/auth/base_user.py / models.py); nothing here depends on a project's own spelling.
"""
from __future__ import annotations

import enum
from typing import Dict, FrozenSet, Iterable, Optional, Tuple
from .records import dataclass


class Kind(enum.Enum):
    """What a call does, as far as uniqueness is concerned."""

    INSERT = "insert"  # `Manager.create(**fields)`: one INSERT
    USER_INSERT = "user insert"  # `UserManager.create_user(username, ...)`: one INSERT, positional fields
    BULK = "bulk"  # `bulk_create(objs)`: one INSERT of many rows
    UPSERT = "upsert"  # `get_or_create` / `update_or_create`: SELECT, then INSERT when nothing matched
    SAVE = "save"  # `instance.save()`: INSERT of a new instance, UPDATE of a loaded one
    USER_HELPER = "user insert helper"  # a user manager's private helper that inserts (`_create_user`)
    USER_BUILDER = "user builder"  # a user manager's private helper that builds the unsaved row
    EXISTENCE = "existence check"  # `exists()`: whether a row matches
    COUNT = "count"  # `count()`: how many rows match
    LOOKUP = "lookup"  # `get(**lookup)`: the one matching row, DoesNotExist otherwise
    LOADER = "loader"  # `first()`, `latest()`: a row of the queryset (first/last: None when empty)
    FILTER = "filter"  # `filter()`, `exclude()`: a narrower queryset of the same model
    CHAIN = "chain"  # `all()`, `using()`, `order_by()`: a queryset of the same model
    VALIDATION = "instance validation"  # `full_clean()`: checks an instance, racy like a form's checks


@dataclass(frozen=True)
class Method:
    name: str
    kind: Kind
    async_twin: Optional[str] = None  # the `a…` spelling; None when Django has none
    returns_instance: bool = False  # the call's value is one instance of the manager's model
    own_savepoint: bool = False  # Django wraps the INSERT in `transaction.atomic()` itself
    none_when_missing: bool = False  # a loader that returns None for an empty queryset (first, last)


def _row(name: str, kind: Kind, *, twin: bool = True, **flags: bool) -> Method:
    private = name.startswith("_")  # `_create_user` → `_acreate_user`
    async_twin = ("_a" + name[1:] if private else "a" + name) if twin else None
    return Method(name, kind, async_twin, **flags)


TABLE: Tuple[Method, ...] = (
    # writes: what the engine reports
    _row("create", Kind.INSERT, returns_instance=True),
    _row("create_user", Kind.USER_INSERT, returns_instance=True),
    _row("create_superuser", Kind.USER_INSERT, returns_instance=True),
    _row("bulk_create", Kind.BULK),
    _row("get_or_create", Kind.UPSERT, own_savepoint=True),  # returns (instance, created)
    _row("update_or_create", Kind.UPSERT, own_savepoint=True),
    _row("save", Kind.SAVE),
    # a user manager's internals: the public create_user() calling them is the write
    _row("_create_user", Kind.USER_HELPER),
    _row("_create_user_object", Kind.USER_BUILDER, twin=False),
    # reads
    _row("exists", Kind.EXISTENCE),
    _row("count", Kind.COUNT),
    _row("get", Kind.LOOKUP, returns_instance=True),
    _row("first", Kind.LOADER, returns_instance=True, none_when_missing=True),
    _row("last", Kind.LOADER, returns_instance=True, none_when_missing=True),
    _row("latest", Kind.LOADER, returns_instance=True),
    _row("earliest", Kind.LOADER, returns_instance=True),
    _row("filter", Kind.FILTER, twin=False),
    _row("exclude", Kind.FILTER, twin=False),
    _row("complex_filter", Kind.FILTER, twin=False),
    *(_row(name, Kind.CHAIN, twin=False) for name in (
        "all", "using", "db_manager", "select_related", "prefetch_related", "order_by", "only", "defer",
        "annotate", "alias", "select_for_update", "distinct", "get_queryset", "none", "reverse")),
    # an instance's own uniqueness checks
    _row("full_clean", Kind.VALIDATION, twin=False),
    _row("validate_unique", Kind.VALIDATION, twin=False),
    _row("validate_constraints", Kind.VALIDATION, twin=False),
)

_BY_NAME: Dict[str, Method] = {}
for _method in TABLE:
    _BY_NAME[_method.name] = _method
    if _method.async_twin:
        _BY_NAME[_method.async_twin] = _method


def method(name: str) -> Optional[Method]:
    """The row of a method name, sync or async spelling."""
    return _BY_NAME.get(name)


def kind_of(name: str) -> Optional[Kind]:
    row = _BY_NAME.get(name)
    return row.kind if row is not None else None


def sync_name(name: str) -> str:
    """`create_user` for `acreate_user`: the spelling a manager class defines (the async one wraps it)."""
    row = _BY_NAME.get(name)
    return row.name if row is not None else name


def own_savepoint(name: str) -> bool:
    row = _BY_NAME.get(name)
    return row is not None and row.own_savepoint


def names(*kinds: Kind) -> FrozenSet[str]:
    """Every spelling (sync and async) of the methods of these kinds."""
    return frozenset(spelling for row in TABLE if row.kind in kinds for spelling in _spellings(row))


def _spellings(row: Method) -> Iterable[str]:
    yield row.name
    if row.async_twin:
        yield row.async_twin


# The sets the engine reads, each derived from the table.
CREATE = names(Kind.INSERT)
USER_CREATE = names(Kind.USER_INSERT)
BULK = names(Kind.BULK)
UPSERT = names(Kind.UPSERT)
SAVE = names(Kind.SAVE)
WRITES = CREATE | USER_CREATE | BULK | UPSERT | SAVE  # calls reported as writes
# Manager methods that implement a tracked write: a write inside one is judged at its callers.
WRITE_PRIMITIVES = CREATE | USER_CREATE | BULK | UPSERT | names(Kind.USER_HELPER, Kind.USER_BUILDER)
# Methods whose bodies run when a row is inserted (and may insert others): save(), create_user()...
INSERTING_BODIES = SAVE | CREATE | USER_CREATE | names(Kind.USER_HELPER)
# Calls that insert a row, or make sure one exists, from keyword arguments (a receiver's creates).
INSERTS_FROM_KEYWORDS = CREATE | UPSERT
# Calls that read the database: a clean_<field>() making one validates that field.
QUERIES = names(Kind.EXISTENCE, Kind.COUNT, Kind.LOOKUP, Kind.LOADER, Kind.FILTER)
# Calls that return a queryset of the same model (`M.objects.using("x").filter(...).create()`).
QUERYSET_CHAIN = names(Kind.FILTER, Kind.CHAIN)
# Queryset calls that neither repeat a row nor add one, so a loop over the result sees each row once
# (`annotate()` / `alias()` may join a many-valued relation, `complex_filter()` takes Q objects).
ROW_PRESERVING = (QUERYSET_CHAIN - {"annotate", "alias", "complex_filter"}) | {"iterator"}
# Queryset calls a check may go through and still see every row its keyword filters keep: not `exclude()`,
# `complex_filter()` (Q objects), `none()`, nor another database (`using()`, `db_manager()`).
ALL_ROWS_KEPT = (QUERIES | QUERYSET_CHAIN) - {"exclude", "complex_filter", "none", "using", "db_manager"}
# Calls whose value is one instance of the manager's model.
INSTANCE_RETURNING = frozenset(s for row in TABLE if row.returns_instance for s in _spellings(row))
# Existence checks in front of a write: `exists()` and the loaders that answer None when nothing matches.
PRESENCE_CHECKS = names(Kind.EXISTENCE) | frozenset(
    s for row in TABLE if row.none_when_missing for s in _spellings(row))
COUNTS = names(Kind.COUNT)
LOOKUPS = names(Kind.LOOKUP)
INSTANCE_VALIDATION = names(Kind.VALIDATION)
# Django's shortcuts that answer one row of the model given first or raise Http404: a row, never None.
ROW_SHORTCUTS = frozenset({"get_object_or_404", "aget_object_or_404"})


def is_row_shortcut(dotted: Optional[str]) -> bool:
    """`get_object_or_404(M, ...)` however it was imported (`shortcuts.get_object_or_404`); a project
    function that merely ends in the name (`my_get_object_or_404`) is not Django's."""
    return (dotted or "").rpartition(".")[2] in ROW_SHORTCUTS


__all__ = ["Kind", "Method", "TABLE", "method", "kind_of", "sync_name", "own_savepoint", "names", "CREATE",
           "USER_CREATE", "BULK", "UPSERT", "SAVE", "WRITES", "WRITE_PRIMITIVES", "INSERTING_BODIES",
           "INSERTS_FROM_KEYWORDS", "QUERIES", "QUERYSET_CHAIN", "ROW_PRESERVING", "INSTANCE_RETURNING",
           "PRESENCE_CHECKS", "COUNTS", "LOOKUPS", "INSTANCE_VALIDATION", "ROW_SHORTCUTS", "is_row_shortcut"]
