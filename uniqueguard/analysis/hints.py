"""Which fix a finding suggests, decided from the code (`messages.py` renders the verdict).

A hint is worth giving only when following it fixes the code without breaking it:
- `get_or_create(field=...)` reuses the existing row — right for a profile or a webhook record, wrong when
  the value is copied from another row (`tag_wiki=source.tag_wiki` finds *that* row), when the set lives
  on a multi-table parent (the child lookup finds nothing and inserts a second parent — also when the
  child has its parent's class name), for a sign-up (a second registration must be told the account
  exists), when the field is only reached through `**kwargs`, when the value is counted to name a new row
  (`"%d:%d" % (order.id, payments.count() + 1)`: the lookup hands back the row another run numbered the
  same and drops this one), or when the model's `objects` manager overrides get_or_create with a plain
  get / except DoesNotExist / create (as racy as the code it would replace);
- `ignore_conflicts=True` only when nothing may need the inserted objects' keys afterwards: with it Django
  sets no primary key on them (QuerySet.bulk_create), so a result subscripted, an object saved, passed on
  or made another row's relation would see `pk` None (reading a plain field of each is fine);
- "add X to Form.Meta.fields" only when the view does not supply X itself: when it does (`form.instance.x =
  ...`, `instance=row`, a keyword of the write; or the form's own `__init__` sets `self.instance.x`), X
  would become a required form field the request does not carry, so the form's clean() should query the
  set with that value instead;
- "move X from defaults into the lookup" only when the lookup pins no unique set already (else it changes
  which row is found; decided in writes.py, which leaves `lookup_hint` unset);
- inside a transaction (`atomic()` around it, ATOMIC_REQUESTS), the `try` needs its own
  `transaction.atomic()` savepoint, or following the hint produces UNQ003 (`transaction_around`).
"""
from __future__ import annotations

import ast
from typing import Dict, Iterable, List, Optional, Set, Tuple

from .. import orm
from ..index.sources import project_method
from .form_inserts import UPDATE_VIEWS, generic_view_form
from .guards import atomic_around
from .scope import BindingKind, ModuleScope, caught, stores_field_of


def reusable_field(write, unvalidated, scope, project) -> Optional[str]:
    """The one field `get_or_create(field=...)` can look the existing row up by, when reusing that row
    is the fix; None when it is not (see the module docstring)."""
    if write.method not in orm.CREATE or write.model.is_user:
        return None
    if len(unvalidated) != 1 or len(unvalidated[0].fields) != 1:
        return None
    unique_set = unvalidated[0]
    field = unique_set.fields[0]
    model = write.model
    if not model.proxy and (unique_set.table != model.name or _inherited(unique_set, model, project)):
        return None  # the set lives on a multi-table parent: the child's lookup never finds that row
    if field not in write.values:
        return None  # reached only through `**kwargs`: the lookup would name a value the code never shows
    if _copied(write.values.get(field), field):
        return None
    if counted(scope, write.values[field]) or _racy_get_or_create(project, model):
        return None
    return field


def _inherited(unique_set, model, project) -> bool:
    """Whether a multi-table parent holds the set (askbot's `Group(auth.Group)`: the same class name, so
    the set's table name alone does not tell)."""
    for qualname in model.base_models:
        base = project.model(qualname)
        if base is not None and not base.abstract and unique_set in base.unique_sets:
            return True
    return False


_COUNTING_METHODS = frozenset({"count", "aggregate"})  # `qs.count()` (no argument: not str/list.count(x))
_COUNTING_CALLS = frozenset({"len", "max", "Max"})


def counted(scope, value: ast.AST, hops: int = 0) -> bool:
    """Whether `value` is, or is formatted from, a number counted from what exists — `qs.count() + 1`,
    `len(rows)`, `qs.aggregate(Max(...))`, `max(...)` — directly or through the locals bound to it before
    (any of their assignments, three links): a value computed to name a *new* row."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _COUNTING_METHODS and (
                    func.attr == "aggregate" or not (node.args or node.keywords)):
                return True
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in _COUNTING_CALLS and (name != "len" or isinstance(func, ast.Name)):
                return True
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and hops < 3:
            if any(counted(scope, value, hops + 1) for value in scope.assigned_values(node, every=True)):
                return True
    return False


def _racy_get_or_create(project, model) -> bool:
    """Whether `Model.objects.get_or_create()` is the project's own override that neither catches
    IntegrityError nor hands the work to a real get_or_create (`super().get_or_create(...)`, a queryset's):
    a get / except DoesNotExist / create as racy as the code the hint would replace. Django's own looks the
    row up again after the IntegrityError of a concurrent insert. An override whose body cannot be read is
    not offered either."""
    for dotted in model.managers.get("objects", ()):
        cls = project.find_class(dotted)
        for facts in project.lineage(cls) if cls is not None else ():
            method = facts.method("get_or_create")
            if method is None:
                continue
            if facts.module.split(".")[0] == "django" or "get_or_create" in method.super_calls:
                return False
            found = project_method(project, facts.qualname, "get_or_create")
            return found is None or not _delegates_or_catches(*found)
    return False


def _delegates_or_catches(function: ast.AST, names) -> bool:
    """An `except IntegrityError` in the body (named so: a broader clause is not taken as the fix), or a
    get_or_create call on something else than `self`."""
    scope = None
    for node in ast.walk(function):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            scope = scope or ModuleScope.of_function(function, names)  # type: ignore[arg-type]
            if caught(scope, node.type, _names_integrity_error) is not None:
                return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and orm.sync_name(node.func.attr) == "get_or_create"
                and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self")):
            return True
    return False


def _names_integrity_error(qualified: str) -> bool:
    return qualified.rpartition(".")[2] == "IntegrityError"


def objects_read_after(scope, call: ast.Call, elements: Optional[Iterable[ast.AST]], pk: str) -> bool:
    """Whether code may need the primary keys of the objects a bulk_create inserts: its result is used
    otherwise than bound to a name (subscripted, returned, iterated, passed on), or, after the call (and
    before the name is bound again), that name, the list passed in or one of its objects is read otherwise
    than for a plain field (`len(objs)`, `for o in objs: print(o.name)` need no key; `o.pk`, `o.save()`,
    `f(o)`, `objs[0]` may); or an object is made another row's relation (`Child(parent=obj)`, `child.parent =
    obj`), before the call too. `elements`: what the list holds, when writes.py knows; `pk`: the key's field."""
    parent = scope.parent(call)
    if isinstance(parent, ast.Await):
        parent = scope.parent(parent)
    lists: Set[str] = set()
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        lists.add(parent.targets[0].id)
    elif not isinstance(parent, ast.Expr):
        return True
    objs = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "objs"), None)
    if isinstance(objs, ast.Name):
        lists.add(objs.id)
    items = list(elements or ()) + (list(objs.elts) if isinstance(objs, (ast.List, ast.Tuple)) else [])
    objects: Set[str] = {e.id for e in items if isinstance(e, ast.Name)} - lists
    names = objects | lists
    if not names:
        return False
    keys = {"pk", "id", pk}
    end = (call.end_lineno or call.lineno, call.end_col_offset or 0)
    loads: List[Tuple[Tuple[int, int], ast.Name]] = []
    rebound: Dict[str, Tuple[int, int]] = {}
    for found in ast.walk(scope.enclosing_function(call) or scope.tree):
        if isinstance(found, ast.Name) and found.id in names:
            position = (found.lineno, found.col_offset)
            if isinstance(found.ctx, ast.Load):
                loads.append((position, found))
            elif position > end:
                rebound[found.id] = min(rebound.get(found.id, position), position)
    for position, load in loads:
        if end < position < rebound.get(load.id, (1 << 30, 0)):
            harmless = _list_read(scope, load, keys) if load.id in lists else _field_read(scope, load, keys)
            if not harmless:
                return True
        if load.id in objects and _made_relation(scope, load):
            return True
    return False


def _list_read(scope, load: ast.Name, keys: Set[str]) -> bool:
    """`len(objs)`, or `for o in objs:` whose body reads only plain fields of `o`: no key needed."""
    parent = scope.parent(load)
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len":
        return True
    if not (isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is load
            and isinstance(parent.target, ast.Name)):
        return False
    target = parent.target.id
    return all(_field_read(scope, n, keys) for statement in parent.body for n in ast.walk(statement)
               if isinstance(n, ast.Name) and n.id == target and isinstance(n.ctx, ast.Load))


def _field_read(scope, load: ast.Name, keys: Set[str]) -> bool:
    """`obj.name` read as a value: a field other than the key, not a method called or a manager followed."""
    parent = scope.parent(load)
    if not (isinstance(parent, ast.Attribute) and parent.value is load and parent.attr not in keys):
        return False
    above = scope.parent(parent)
    return not (isinstance(above, ast.Attribute) or isinstance(above, ast.Call) and above.func is parent)


def _made_relation(scope, load: ast.Name) -> bool:
    """`Child(parent=obj)` or `child.parent = obj`: another row will point at the object's primary key."""
    parent = scope.parent(load)
    if isinstance(parent, ast.keyword):
        return True
    return isinstance(parent, ast.Assign) and parent.value is load and any(
        isinstance(t, ast.Attribute) for t in parent.targets)


def supplied_by_view(project, scope, holder: ast.AST, field: str, model, before: ast.Call) -> bool:
    """Whether the view gives the form's instance `field` itself, so the form need not carry it: the form
    is built with `instance=` an existing row (or a new one given that field), or is the form an
    UpdateView hands `form_valid()` (its instance is the row `get_object()` found), or the function
    assigns `form.instance.<field>` before the write."""
    if not isinstance(holder, ast.Name):
        return False
    names = {field, f"{field}_id"}
    binding, method = scope.binding_before(holder.id, holder)
    if (binding is not None and binding.kind is BindingKind.PARAM and method is not None
            and generic_view_form(project, scope, holder, method, UPDATE_VIEWS)):
        return True
    built = binding.value if binding is not None and binding.kind is BindingKind.ASSIGN else None
    if isinstance(built, ast.Call):
        instance = next((k.value for k in built.keywords if k.arg == "instance"), None)
        if instance is not None:
            instance = scope.follow_locals(instance)
            if not (isinstance(instance, ast.Constant) and instance.value is None):
                if not isinstance(instance, ast.Call) or getattr(instance.func, "id", getattr(
                        instance.func, "attr", None)) != model.name:
                    return True  # an existing row: it holds every field the form leaves out
                if any(k.arg is None or k.arg in names for k in instance.keywords):
                    return True
    func = scope.enclosing_function(before)
    return stores_field_of(func or scope.tree, holder.id, (field,), before=(before.lineno, before.col_offset))


def filled_by_form(project, validator, field: str) -> bool:
    """Whether the form class gives its instance `field` itself: an `__init__` of the class or a project
    base assigns `self.instance.<field>` (from a keyword the view passes: `MemberForm(data, team=team)`),
    so the form need not carry it either."""
    for dotted in validator.classes:
        cls = project.find_class(dotted)
        for facts in project.lineage(cls) if cls is not None else ():
            method = facts.method("__init__")
            if facts.module.startswith(("django.", "rest_framework.")) or method is None or not method.params:
                continue
            found = project_method(project, facts.qualname, "__init__")
            if found is not None and stores_field_of(found[0], method.params[0], (field,)):
                return True
    return False


def _copied(value: Optional[ast.AST], field: str) -> bool:
    """`tag_wiki=source.tag_wiki`: the value is the same field of another row, which holds it already."""
    return isinstance(value, ast.Attribute) and value.attr in (field, f"{field}_id") and \
        isinstance(value.value, (ast.Name, ast.Attribute))


def transaction_around(scope, write, atomic_requests: bool, project) -> Optional[str]:
    """How the transaction the write runs in is spelled (`with transaction.atomic() at line 12`,
    ATOMIC_REQUESTS), when there is one; None for a get_or_create (its insert has a savepoint already)."""
    return transaction_at(scope, write.call, write.method, atomic_requests, project)


def transaction_at(scope, call: ast.AST, method: str, atomic_requests: bool, project) -> Optional[str]:
    """`transaction_around` for a call that runs a write of `method` — the write itself, or a call of the
    helper holding it, where a try around the call needs the savepoint as much."""
    if method in orm.UPSERT:
        return None
    atomic = atomic_around(scope, call, atomic_requests, project)
    if atomic is None:
        return None
    return atomic.how if atomic.how == "ATOMIC_REQUESTS" else f"{atomic.how} at line {atomic.line}"
