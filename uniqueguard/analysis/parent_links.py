"""A multi-table child written with its parent link given an existing row: the parent's sets are not inserted.

What Django does (django/db/models/base.py, `Model.save_base` / `_save_parents` / `_save_table`, the same
from 4.2 to 5.2): saving a child first copies a set link (`place_ptr`, or the child's own
`OneToOneField(Place, parent_link=True)`) into the parent's primary key, then saves the parent's table.
create()'s `force_insert=True` reaches only the child's own table (5.x `_validate_force_insert` turns it
into `(Child,)`; 4.2 never passes it to the parents), so with the key set the parent table gets an UPDATE
of that row, and an INSERT only when the UPDATE matches nothing. The parent's unique sets (and its own
parents', saved the same way up the chain) are therefore not inserted again: the row keeps its values
unless the write gives a field of the set another value — `Restaurant.objects.create(place_ptr=p,
name=p.name)` keeps `Place.name`, `name=form_name` changes it (an UPDATE that can collide). A field the
write leaves unset is, as for every write here, not counted. The child's own sets (declared on the child,
its explicit parent-link one-to-one among them) are inserted as usual.

When the link surely holds an existing row: a row the ORM loaded or inserted (`get()`, `latest()`,
`create()`, `get_or_create()`'s row, `get_object_or_404()`, a queryset's rows in a `for`), a parameter with
no `None` default — every binding of the local reaching the write being one of those; `<link>_id=` only
with `row.pk` (or `.id`, the parent's pk) of such a row of the parent (or of one of its children). Not: a
value that may be None (`first()`, a `None` default, a branch binding `None`: then Django inserts a new
parent), a raw key that may name no row (the UPDATE matches nothing: INSERT), nor a parent whose primary
key has a default (`UUIDField(default=uuid4)`: `_save_table` skips the UPDATE while the instance is being
added and INSERTs). An unsaved instance never reaches the database (`_prepare_related_fields_for_save`
raises ValueError), so it needs no rule. A `force_insert=` other than a literal bool is not read: no rule.

A project manager's `create()` override (askbot's `GroupManager.create`) that looks the parent up and passes
it on — `kwargs["group_ptr"] = AuthGroup.objects.get(name=kwargs["name"])`, then `super().create(**kwargs)`
— passes an existing row whenever the insert is reached, when the lookup stands on the path (it raises
DoesNotExist otherwise). When a `try` / `except DoesNotExist: pass` lets the insert run without it, the
parent is new on that path — inserted with the looked-up values, after a check that races — unless the call
site gives every value the lookup pins as that field of a row of the parent (`name=auth_group.name`): then
the lookup finds that row. The fields the lookup pins are written with the found row's own values.
"""
from __future__ import annotations

import ast
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from .. import orm
from ..index.facts import positional_parameters
from ..index.sources import project_function, project_method
from ..index.uniqueness import ModelInfo, UniqueSet
from ..records import dataclass
from .resolve import Resolver, unchained
from .scope import BindingKind, ModuleScope

# Calls whose value is surely a row (never None): the instance-returning ORM calls but first()/last().
SURE_ROWS = orm.INSTANCE_RETURNING - orm.PRESENCE_CHECKS
DOES_NOT_EXIST = ("DoesNotExist", "ObjectDoesNotExist")


@dataclass(frozen=True)
class OverrideLink:
    """A parent link a manager's `create()` override passes from a lookup of the parent."""

    link: str  # the link keyword (`group_ptr`)
    parent: str  # the parent model's qualname
    pins: Tuple[Tuple[str, str], ...]  # (parent field, the create() keyword the lookup pins it to)
    always: bool  # passed on every path reaching the insert (the lookup raises otherwise)
    complete: bool  # every keyword of the lookup is one of `pins` (nothing else narrows it)


class ParentLinks:
    """Which parent sets a child write leaves alone (see the module docstring); one per analysed module."""

    def __init__(self, scope: ModuleScope, resolver: Resolver):
        self.scope = scope
        self.resolver = resolver
        self._overrides: Dict[Tuple[str, str], Tuple[OverrideLink, ...]] = {}

    # ------------------------------------------------------------------------------- the write's sets
    def kept(self, model: ModelInfo, given: Iterable[Tuple[str, ast.AST]], values: Dict[str, ast.AST],
             written: Optional[FrozenSet[str]], call: ast.Call) -> FrozenSet[UniqueSet]:
        """The parent sets a write of `model` only UPDATEs on an existing row without changing them.
        `given`: (keyword or attribute as written, value) pairs of the write; `values`: field → value."""
        if not model.parent_links or written is None or not _plain_insert(call):
            return frozenset()
        kept: Set[UniqueSet] = set()
        for name, value in given:
            found = model.parent_link(name)
            parent = self._parent(found[1]) if found is not None else None
            if found is None or parent is None:
                continue
            row = self._linked_row(value, by_key=name != found[0], parent=parent)
            if row is None:
                continue
            own = frozenset(f for f in parent.fields if f in values and self._own_value(values[f], f, row, parent))
            kept |= _unchanged(parent, written, own)
        return frozenset(kept)

    def kept_by_override(self, model: ModelInfo, manager: str, method: str, values: Dict[str, ast.AST],
                         written: Optional[FrozenSet[str]], keywords: FrozenSet[str]) -> FrozenSet[UniqueSet]:
        """The parent sets `model.<manager>.create(...)` leaves alone when the project's manager overrides
        create() to pass the parent link from a lookup (the module docstring's last paragraph)."""
        if not model.parent_links or written is None:
            return frozenset()
        kept: Set[UniqueSet] = set()
        for found in self.override_links(model, manager, method):
            parent = self._parent(found.parent)
            if parent is None or any(k not in keywords for _, k in found.pins):
                continue
            if not found.always and not (found.complete and found.pins and all(
                    self._field_of_row(values.get(field), field, parent) for field, _ in found.pins)):
                continue  # the lookup may find nothing: the insert then makes a new parent
            kept |= _unchanged(parent, written, frozenset(field for field, _ in found.pins))
        return frozenset(kept)

    def _parent(self, qualname: str) -> Optional[ModelInfo]:
        parent = self.resolver.project.model(qualname)
        if parent is None or any(f.primary_key and f.default is not None for f in parent.fields.values()):
            return None  # a pk with a default: Django INSERTs the parent of an instance being added
        return parent

    # ------------------------------------------------------------------------------------ the link
    def _linked_row(self, value: ast.AST, by_key: bool, parent: ModelInfo) -> Optional[ast.AST]:
        """The expression of the existing row the link is given (a local, or the loading call), or None."""
        if by_key:  # `place_ptr_id=place.pk`: the key of a row of the parent, or of one of its children
            if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)
                    and value.attr in ("pk", "id", parent.pk)):
                return None
            model = self.resolver.instance_model(value.value)
            if model is None or not self._descends(model, parent.qualname):
                return None
            value = value.value
        if isinstance(value, ast.Call):
            return value if self._row_call(value) else None
        if isinstance(value, ast.Name) and self._surely_row(value):
            return value
        return None

    def _reaching(self, name: ast.Name):
        """(the bindings of the local made before `name` — any may reach it —, the scope they live in)."""
        binding, func = self.scope.binding_before(name.id, name)
        if binding is None:
            return [], func
        position = (name.lineno, name.col_offset)
        return [b for b in self.scope.bindings(func).get(name.id, ()) if b.visible <= position] or [binding], func

    def _surely_row(self, name: ast.Name) -> bool:
        """Every binding of the local that may reach `name` holds a row (never None)."""
        reaching, func = self._reaching(name)
        return bool(reaching) and all(self._row_binding(b, name.id, func) for b in reaching)

    def _row_binding(self, binding, name: str, func) -> bool:
        kind, value = binding.kind, binding.value
        if kind is BindingKind.PARAM:
            return func is not None and not isinstance(func, ast.Lambda) and _plain_parameter(func, name)
        if kind is BindingKind.UNPACK0:
            return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                and value.func.attr in orm.UPSERT
        if kind is BindingKind.FOR:
            return value is not None and self.resolver.manager(value) is not None
        if kind is BindingKind.ASSIGN and isinstance(value, ast.Subscript):  # get_or_create(...)[0]
            inner = value.value
            return (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr in orm.UPSERT and _index(value) == 0)
        return kind is BindingKind.ASSIGN and isinstance(value, ast.Call) and self._row_call(value)

    def _row_call(self, call: ast.Call) -> bool:
        """`M.objects.get(...)`, `create()`, `latest()`..., `get_object_or_404(...)`: a row, never None."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in SURE_ROWS:
            return self.resolver.manager(func.value) is not None
        return orm.is_row_shortcut(self.resolver.dotted(func))

    def _descends(self, model: ModelInfo, ancestor: str, depth: int = 0) -> bool:
        if model.qualname == ancestor:
            return True
        return depth < 8 and any(base is not None and self._descends(base, ancestor, depth + 1)
                                 for base in map(self.resolver.project.model, model.base_models))

    # ------------------------------------------------------------------------- values the row keeps
    def _own_value(self, value: ast.AST, field: str, row: ast.AST, parent: ModelInfo) -> bool:
        """`name=place.name` for the linked `place`, or the value the lookup that loaded it pinned the
        field to (`place = Place.objects.get(name=n)` … `name=n`)."""
        if (isinstance(row, ast.Name) and isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)
                and value.value.id == row.id and value.attr in (field, f"{field}_id")):
            return True
        if isinstance(row, ast.Call):
            return _pins_to(row, field, value, parent)
        reaching, _ = self._reaching(row) if isinstance(row, ast.Name) else ([], None)
        return bool(reaching) and all(  # every lookup that may have loaded it pinned the field so
            b.kind is BindingKind.ASSIGN and isinstance(b.value, ast.Call) and _pins_to(b.value, field, value, parent)
            for b in reaching)

    def _field_of_row(self, value: Optional[ast.AST], field: str, parent: ModelInfo) -> bool:
        """`auth_group.name` given for `name`, `auth_group` a row of the parent (or of a child of it) that
        the ORM loaded: a lookup pinning `name` to it finds that row. (None there raises AttributeError
        before the write, so a loader that may answer None still gives a row whenever the write runs.)"""
        if not (isinstance(value, ast.Attribute) and value.attr == field and isinstance(value.value, ast.Name)):
            return False
        model = self._loaded_model(value.value)
        return model is not None and self._descends(model, parent.qualname)

    def _loaded_model(self, name: ast.Name) -> Optional[ModelInfo]:
        """The model of the rows every binding of `name` reaching it loads: an ORM loader, a queryset's
        rows in a `for`, or a project function handed the model class that returns `<that class>.objects
        .get(...)` (or None). An instance built here (`M(...)`) is no row the lookup would find."""
        reaching, _ = self._reaching(name)
        if not reaching:
            return None
        found: Set[str] = set()
        model = None
        for each in reaching:
            value = each.value
            model = None
            if each.kind is BindingKind.ASSIGN and isinstance(value, ast.Call):
                model = self._orm_row_model(value) or self._handed_class_row(value)
            elif each.kind is BindingKind.UNPACK0 and isinstance(value, ast.Call) and isinstance(
                    value.func, ast.Attribute) and value.func.attr in orm.UPSERT:
                manager = self.resolver.manager(value.func.value)
                model = manager.model if manager is not None else None
            elif each.kind is BindingKind.FOR and value is not None:
                manager = self.resolver.manager(value)
                model = manager.model if manager is not None else None
            if model is None:
                return None
            found.add(model.qualname)
        return model if len(found) == 1 else None

    def _orm_row_model(self, call: ast.Call) -> Optional[ModelInfo]:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in orm.INSTANCE_RETURNING:
            manager = self.resolver.manager(func.value)
            return manager.model if manager is not None else None
        if orm.is_row_shortcut(self.resolver.dotted(func)) and call.args:
            return self.resolver.model_class(call.args[0])
        return None

    def _handed_class_row(self, call: ast.Call) -> Optional[ModelInfo]:
        """`self.get_imported(AuthGroup, old_id)` whose body returns only `model_class.objects.get(...)` (or
        other ORM row loaders) and `None`, `model_class` the parameter handed `AuthGroup`: an AuthGroup row."""
        body = self._callee(call)
        if body is None:
            return None
        function, offset = body
        assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        params = positional_parameters(function)[offset:]
        returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
        handed: Set[str] = set()
        for node in returns:
            value = node.value
            if value is None or (isinstance(value, ast.Constant) and value.value is None):
                continue
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                    and value.func.attr in orm.INSTANCE_RETURNING):
                return None
            manager = unchained(value.func.value)
            if not (isinstance(manager, ast.Attribute) and isinstance(manager.value, ast.Name)
                    and manager.value.id in params):
                return None
            handed.add(manager.value.id)
        if len(handed) != 1:
            return None
        param = handed.pop()
        index = params.index(param)
        passed = [k.value for k in call.keywords if k.arg == param]
        if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
            passed.append(call.args[index])
        return self.resolver.model_class(passed[0]) if len(passed) == 1 else None

    def _callee(self, call: ast.Call) -> Optional[Tuple[ast.AST, int]]:
        """(def, the number of leading parameters the call does not pass) of the project function or
        `self` method the call names; nested functions and lambdas are not followed."""
        func = call.func
        project = self.resolver.project
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
            _, facts = self.resolver.enclosing_class_facts(call)
            for owner in project.lineage(facts) if facts is not None else ():
                method = owner.method(func.attr)
                if method is not None:
                    found = project_method(project, f"{owner.module}.{owner.name}", func.attr)
                    return (found[0], 1) if found is not None and _plain_def(found[0]) else None
            return None
        dotted = self.resolver.dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        found = project_function(project, dotted) if dotted else None
        return (found[0], 0) if found is not None and _plain_def(found[0]) else None

    # -------------------------------------------------------------------- manager create() overrides
    def override_links(self, model: ModelInfo, manager: str, method: str) -> Tuple[OverrideLink, ...]:
        """The parent links the project's `create()` override behind `model.<manager>` passes on."""
        plain = orm.sync_name(method)
        key = (model.qualname, f"{manager}.{plain}")
        if key not in self._overrides:
            self._overrides[key] = self._read_override(model, manager, plain)
        return self._overrides[key]

    def _read_override(self, model: ModelInfo, manager: str, method: str) -> Tuple[OverrideLink, ...]:
        project = self.resolver.project
        for dotted in model.managers.get(manager, ()):
            cls = project.find_class(dotted)
            for facts in project.lineage(cls) if cls is not None else ():
                if facts.method(method) is None:
                    continue
                if facts.module.startswith("django."):
                    return ()
                found = project_method(project, f"{facts.module}.{facts.name}", method)
                return _override_links(found[0], found[1], model, method, project) if found is not None else ()
        return ()


def _override_links(function: ast.AST, names, model: ModelInfo, method: str, project) -> Tuple[OverrideLink, ...]:
    """What a `create(self, **kwargs)` override passes as parent links: `kwargs["<link>"] = row` (or
    `<link>=row` in the call) before `return super().create(**kwargs)`, `row` bound to the parent's
    `get()` in the same block, or in a top-level `try` whose handlers catch DoesNotExist."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.args.kwarg is None:
        return ()
    kwargs = function.args.kwarg.arg
    params = {a.arg for a in function.args.args[1:] + function.args.kwonlyargs}
    body = function.body
    insert_at = next((i for i, s in enumerate(body) if _super_insert(s, method, kwargs) is not None), None)
    if insert_at is None or _kwargs_reshaped(function, kwargs):
        return ()
    insert = _super_insert(body[insert_at], method, kwargs)
    assert insert is not None
    passed: List[Tuple[str, ast.AST, Optional[ast.Try]]] = []  # (keyword, value, the try around it)
    for keyword in insert.keywords:
        if keyword.arg is not None:
            passed.append((keyword.arg, keyword.value, None))
    for statement in body[:insert_at]:
        for inner, around in ([(statement, None)] if not isinstance(statement, ast.Try)
                              else [(s, statement) for s in statement.body]):
            key = _stored_key(inner, kwargs)
            if key is not None:
                assert isinstance(inner, ast.Assign)
                passed.append((key, inner.value, around))
    links = []
    for key, value, around in passed:
        found = model.parent_link(key)
        if found is None or key != found[0]:
            continue
        lookup, lookup_try = _lookup_of(value, body[:insert_at], function)
        if lookup is None or (lookup_try is not None and around is not None and lookup_try is not around):
            continue
        around = around or lookup_try
        parent = project.model(found[1])
        manager = unchained(lookup.func.value) if isinstance(lookup.func, ast.Attribute) else None
        target = names.of(manager.value) if isinstance(manager, ast.Attribute) else None
        looked_up = project.model(target) if target else None
        if parent is None or looked_up is None or looked_up.qualname != parent.qualname:
            continue
        handlers = around.handlers if around is not None else []
        always = all(_leaves(h) for h in handlers)
        if not always and not all(_catches_does_not_exist(h) for h in handlers):
            continue
        pins, complete = _pins(lookup, parent, function, kwargs, params)
        links.append(OverrideLink(key, parent.qualname, pins, always, complete))
    return tuple(links)


def _super_insert(statement: ast.stmt, method: str, kwargs: str) -> Optional[ast.Call]:
    """`super().create(..., **kwargs)` (or `super(Cls, self)`) as the statement's value."""
    value = getattr(statement, "value", None)
    if isinstance(value, ast.Await):
        value = value.value
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and orm.sync_name(value.func.attr) == method and isinstance(value.func.value, ast.Call)
            and isinstance(value.func.value.func, ast.Name) and value.func.value.func.id == "super"):
        return None
    spread = [k for k in value.keywords if k.arg is None]
    if len(spread) != 1 or not (isinstance(spread[0].value, ast.Name) and spread[0].value.id == kwargs):
        return None
    return value


def _stored_key(statement: ast.stmt, kwargs: str) -> Optional[str]:
    """`kwargs["key"] = value`: the key."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return None
    target = statement.targets[0]
    if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == kwargs
            and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str)):
        return target.slice.value
    return None


def _kwargs_reshaped(function: ast.AST, kwargs: str) -> bool:
    """`kwargs.update(...)`, `.pop(...)`, `del kwargs[...]`, a computed key, or the dict handed on:
    what the insert gets may differ from what the caller wrote."""
    for node in ast.walk(function):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == kwargs
                and node.func.attr not in ("get", "__getitem__")):
            return True
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == kwargs
                and not isinstance(node.ctx, ast.Load)
                and not (isinstance(node.slice, ast.Constant) and isinstance(node.ctx, ast.Store))):
            return True
        if isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id == kwargs for a in node.args):
            return True
    return False


def _lookup_of(value: ast.AST, statements: List[ast.stmt], function: ast.AST
               ) -> Tuple[Optional[ast.Call], Optional[ast.Try]]:
    """The parent `get()` the passed value is: the call itself, or a local's only assignment among the
    statements before the insert (top level, or the body of a top-level `try`); with the `try` around it."""
    if isinstance(value, ast.Call):
        return (value, None) if _is_get(value) else (None, None)
    if not isinstance(value, ast.Name):
        return None, None
    assigned = [n for n in ast.walk(function)
                if any(isinstance(t, ast.Name) and t.id == value.id for t in _targets(n))]
    if len(assigned) != 1 or not isinstance(assigned[0], ast.Assign):
        return None, None
    for statement in statements:
        inner = [(statement, None)] if not isinstance(statement, ast.Try) else [(s, statement) for s in statement.body]
        for candidate, around in inner:
            if candidate is assigned[0] and isinstance(candidate.value, ast.Call) and _is_get(candidate.value):
                return candidate.value, around
    return None, None


def _targets(node: ast.AST) -> List[ast.AST]:
    if isinstance(node, ast.Assign):
        found: List[ast.AST] = []
        for target in node.targets:
            found.extend(ast.walk(target))
        return found
    if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.NamedExpr)):
        return list(ast.walk(node.target))
    if isinstance(node, ast.With):
        return [n for item in node.items if item.optional_vars is not None for n in ast.walk(item.optional_vars)]
    return []


def _is_get(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in orm.LOOKUPS


def _pins(lookup: ast.Call, parent: ModelInfo, function: ast.AST, kwargs: str, params: Set[str]
          ) -> Tuple[Tuple[Tuple[str, str], ...], bool]:
    """((parent field, create() keyword), ...) the lookup pins by exact value to what the caller passed
    (`kwargs["name"]`, `kwargs.get("name")`, a parameter `name`, or a local holding one of those); and
    whether nothing else narrows the lookup."""
    pins = []
    assert isinstance(lookup.func, ast.Attribute)
    complete = not lookup.args and unchained(lookup.func.value) is lookup.func.value  # no filter before get()
    stored = {_stored_key(n, kwargs) for n in ast.walk(function) if isinstance(n, ast.Assign)}
    for keyword in lookup.keywords:
        arg = keyword.arg or ""
        field = parent.lookup_field(arg) if arg else None
        key = _caller_key(keyword.value, function, kwargs, params)
        if field is None or key is None or key in stored or arg.partition("__")[2] not in ("", "exact") \
                or parent.field_for(key) != field:
            complete = False
            continue
        pins.append((field, key))
    return tuple(pins), complete


def _caller_key(value: ast.AST, function: ast.AST, kwargs: str, params: Set[str], hops: int = 0) -> Optional[str]:
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and value.value.id == kwargs \
            and isinstance(value.slice, ast.Constant) and isinstance(value.slice.value, str):
        return value.slice.value
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get"
            and isinstance(value.func.value, ast.Name) and value.func.value.id == kwargs and value.args
            and isinstance(value.args[0], ast.Constant) and isinstance(value.args[0].value, str)):
        return value.args[0].value
    if not isinstance(value, ast.Name) or hops > 3:
        return None
    assigned = [n for n in ast.walk(function) if any(isinstance(t, ast.Name) and t.id == value.id
                                                     for t in _targets(n))]
    if not assigned:
        return value.id if value.id in params else None
    if len(assigned) == 1 and isinstance(assigned[0], ast.Assign) and value.id not in params:
        return _caller_key(assigned[0].value, function, kwargs, params, hops + 1)
    return None


def _leaves(handler: ast.ExceptHandler) -> bool:
    return bool(handler.body) and isinstance(handler.body[-1], (ast.Raise, ast.Return))


def _catches_does_not_exist(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return bool(kinds) and all(k is not None and (getattr(k, "attr", None) or getattr(k, "id", None)) in DOES_NOT_EXIST
                               for k in kinds)


def _pins_to(loader: ast.Call, field: str, value: ast.AST, parent: ModelInfo) -> bool:
    """`Place.objects.get(name=n)` for `name` and `n`: the row it loads holds that value there."""
    if not (isinstance(loader.func, ast.Attribute) and loader.func.attr in orm.LOOKUPS):
        return False
    return any(parent.lookup_field(k.arg) == field and k.arg.partition("__")[2] in ("", "exact")
               and ast.dump(k.value) == ast.dump(value) for k in loader.keywords if k.arg)


def _unchanged(parent: ModelInfo, written: FrozenSet[str], own: FrozenSet[str]) -> Set[UniqueSet]:
    """The parent's sets whose every field the write sets gets the row's own value."""
    return {s for s in parent.unique_sets if all(f not in written or f in own for f in s.fields)}


def _plain_insert(call: ast.Call) -> bool:
    """No `force_insert=` but a literal bool: `save(force_insert=(Place,))` INSERTs the parent too."""
    return not any(k.arg == "force_insert"
                   and not (isinstance(k.value, ast.Constant) and isinstance(k.value.value, bool))
                   for k in call.keywords)


def _plain_parameter(func: ast.AST, name: str) -> bool:
    """A positional or keyword parameter (not `*args`/`**kwargs`) whose default, if any, is not None."""
    assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
    args = func.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults)):
        if arg.arg == name:
            return not (isinstance(default, ast.Constant) and default.value is None)
    return False


def _plain_def(function: ast.AST) -> bool:
    return isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))


def _index(subscript: ast.Subscript) -> Optional[int]:
    key = subscript.slice
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, int) else None
