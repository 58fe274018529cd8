"""Which fix a finding suggests, decided from the code (`messages.py` renders the verdict).

A hint is worth giving only when following it fixes the code without breaking it:
- `get_or_create(field=...)` reuses the existing row — right for a profile or a webhook record, wrong when
  the value is copied from another row (`tag_wiki=source.tag_wiki` finds *that* row), when the set lives
  on a multi-table parent (the child lookup finds nothing and inserts a second parent), for a sign-up (a
  second registration must be told the account exists), or when the field is only reached through
  `**kwargs`;
- "move X from defaults into the lookup" only when the lookup pins no unique set already (else it changes
  which row is found; decided in writes.py, which leaves `lookup_hint` unset);
- `ignore_conflicts=True` on a bulk_create only when nothing after it needs the objects' primary keys
  (Django sets none when conflicts are ignored): not when the call's value is used or the list handed
  to it is read again;
- inside a transaction (`atomic()` around it, ATOMIC_REQUESTS), the `try` needs its own
  `transaction.atomic()` savepoint, or following the hint produces UNQ003 (`transaction_around`).
"""
from __future__ import annotations

import ast
from typing import Optional

from .. import orm
from .guards import atomic_around


def reusable_field(write, unvalidated) -> Optional[str]:
    """The one field `get_or_create(field=...)` can look the existing row up by, when reusing that row
    is the fix; None when it is not (see the module docstring)."""
    if write.method not in orm.CREATE or write.model.is_user:
        return None
    if len(unvalidated) != 1 or len(unvalidated[0].fields) != 1:
        return None
    unique_set = unvalidated[0]
    field = unique_set.fields[0]
    model = write.model
    if unique_set.table != model.name and not model.proxy:
        return None  # the set lives on a multi-table parent: the child's lookup never finds that row
    if field not in write.values:
        return None  # reached only through `**kwargs`: the lookup would name a value the code never shows
    if _copied(write.values.get(field), field):
        return None
    return field


def _copied(value: Optional[ast.AST], field: str) -> bool:
    """`tag_wiki=source.tag_wiki`: the value is the same field of another row, which holds it already."""
    return isinstance(value, ast.Attribute) and value.attr in (field, f"{field}_id") and \
        isinstance(value.value, (ast.Name, ast.Attribute))


def transaction_around(scope, write, atomic_requests: bool, project) -> Optional[str]:
    """How the transaction the write runs in is spelled (`with transaction.atomic() at line 12`,
    ATOMIC_REQUESTS), when there is one; None for a get_or_create (its insert has a savepoint already)."""
    if write.method in orm.UPSERT:
        return None
    atomic = atomic_around(scope, write.call, atomic_requests, project)
    if atomic is None:
        return None
    return atomic.how if atomic.how == "ATOMIC_REQUESTS" else f"{atomic.how} at line {atomic.line}"


def ignoring_conflicts_fits(scope, call: ast.Call) -> bool:
    """Whether `ignore_conflicts=True` fixes the bulk_create `call` without breaking what follows: Django
    sets no primary key on the objects then, so not when the call's value is used (`bulk_create([c])[0]`
    as a parent, a loop over the rows it returns) nor when the list it is handed is read after it."""
    node: ast.AST = call
    parent = scope.parent(node)
    if isinstance(parent, ast.Await):
        node, parent = parent, scope.parent(parent)
    if not isinstance(parent, ast.Expr):
        return False
    objects = call.args[0] if call.args else None
    if not isinstance(objects, ast.Name):
        return True
    end = (getattr(call, "end_lineno", call.lineno), getattr(call, "end_col_offset", call.col_offset))
    return not any(isinstance(n, ast.Name) and n.id == objects.id and isinstance(n.ctx, ast.Load)
                   and (n.lineno, n.col_offset) > end and not _keyless_read(scope, n)
                   for n in ast.walk(scope.enclosing_function(call) or scope.tree))


def _keyless_read(scope, objects: ast.Name) -> bool:
    """A read of the objects' list that needs no primary key: `len(objs)`, or a loop over it that only
    reads plain attributes of each (`for ct in cts: print(ct.model)`), never the pk, a method or a
    related manager, nor the object itself (as a parent, an argument)."""
    parent = scope.parent(objects)
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len":
        return True
    if not (isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is objects
            and isinstance(parent.target, ast.Name)):
        return False
    variable = parent.target.id
    for statement in parent.body + parent.orelse:
        for node in ast.walk(statement):
            if not (isinstance(node, ast.Name) and node.id == variable):
                continue
            attribute = scope.parent(node)
            if not (isinstance(attribute, ast.Attribute) and attribute.attr not in ("pk", "id")
                    and not isinstance(scope.parent(attribute), (ast.Attribute, ast.Call))):
                return False
    return True
