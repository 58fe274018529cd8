"""Writes: the calls that insert or update rows, and which unique sets each one can violate.

A write risks only the unique sets whose fields it sets: keyword arguments, `**` of a known dict, the
fields of the form whose `cleaned_data` it unpacks, attributes assigned on an instance before `save()`.
Unknown `**kwargs` risks every set. A `get_or_create` whose lookup covers a unique set cannot violate it.
"""
from __future__ import annotations

import ast
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from .. import orm
from ..index.facts import UNKNOWN, CallValue, Ref, dotted_name, positional_parameters
from .assigned import AssignedAttributes, ScopeSummary, apart, reaching
from .fresh_values import is_random_token, left_null, own_key_value, unset_field_is_fresh
from .form_inserts import may_fill, surely_inserts
from .new_rows import READS_ONLY, Creator, NewRows
from .parent_links import ParentLinks
from .returned_rows import ReturnedRows
from .resolve import Resolver, is_request_user, unchained
from .returned_dicts import returned_keys, unchanged_dict
from .scope import Binding, BindingKind, ModuleScope, call_label
from .verdict import Fix
from ..index.uniqueness import ModelInfo, UniqueSet, as_inherited
from ..records import dataclass, field


UNKNOWN_FIELDS = None  # "this write may set any field"
MAX_LIST_HOPS = 2  # functions a list of objects is followed through (handed on, or passed in)


@dataclass
class Source:
    """Where a written value comes from, when it comes from a form or serializer."""

    holder: ast.AST  # the expression holding the form (e.g. the Name `form`)
    field: Optional[str]  # the cleaned_data key, None for the whole dict


@dataclass
class Write:
    call: ast.Call
    method: str  # the ORM method: create, create_user, bulk_create, get_or_create, save...
    label: str  # the callee as written, shortened: "User.objects.create_user"
    model: ModelInfo
    risked: Tuple[UniqueSet, ...]
    written: Optional[frozenset] = None  # fields the write sets; None when unknown (`**kwargs`)
    sources: Dict[str, Source] = field(default_factory=dict)  # field → form source of its value
    commit_false_form: Optional[ast.AST] = None  # obj from `form.save(commit=False)`
    own_savepoint: bool = False  # get_or_create / update_or_create wrap the insert in a savepoint
    lookup_hint: Optional[str] = None  # for get_or_create: the defaults key that breaks it
    # For get_or_create whose lookup pins something beside a unique key it risks: (Fix, the key, what else it asks).
    lookup_fix: Optional[Tuple["Fix", str, Tuple[str, ...]]] = None
    origin: Optional[ast.AST] = None  # where a saved instance was built: existence checks guard that
    validated_by: Optional[str] = None  # `obj.full_clean()` ran on the instance before this save()
    # A one-to-one to a row inserted just before, which a receiver or the parent's own code also creates.
    created_elsewhere: Optional[Creator] = None
    values: Dict[str, ast.AST] = field(default_factory=dict)  # field → the expression written, when known
    # The sets at risk are written on different arms of an `if`, never two on one path (assigned.py).
    apart: bool = False
    # Sets a relation holding a callee's result took out of risk through the check below the write
    # (returned_rows.py): that check is theirs, not one for the sets still at risk.
    settled: Tuple[UniqueSet, ...] = ()


def _outside(keys: List[Tuple[str, Optional[str]]], unique_set: UniqueSet) -> Tuple[str, ...]:
    """The get_or_create lookups that pin something other than a field of `unique_set` (the field, or
    the keyword as written when it names none): a row holding the set's values with other values there
    is not found by that lookup."""
    return tuple(dict.fromkeys(name or arg for arg, name in keys if name not in unique_set.fields))


def _risked(model: ModelInfo, fields, values: Dict[str, ast.AST], evaluate,
            insert: bool = True) -> Tuple[UniqueSet, ...]:
    """The unique sets a write can violate.

    A set is at risk when the write sets one of its fields (unknown `**kwargs`: every set). A
    conditional UniqueConstraint only when the values written do not contradict the condition
    (`Q(primary=True)` with `primary=False` written cannot collide), and, for an insert, only when the
    write sets all of its fields (a field left out takes its default, which conditions usually exclude);
    an updated row already holds the fields it does not change."""
    if fields is UNKNOWN_FIELDS:
        return model.unique_sets
    risked = []
    for unique_set in model.unique_sets:
        if not any(f in fields for f in unique_set.fields):
            continue
        if unique_set.conditional:
            if insert and not all(f in fields for f in unique_set.fields):
                continue
            if unique_set.condition and condition_fails(unique_set.condition, values, evaluate):
                continue
        risked.append(unique_set)
    return tuple(risked)


def condition_fails(condition, values: Dict[str, ast.AST], evaluate) -> bool:
    """Whether the literal values written contradict a simple `Q(...)` condition."""
    for lookup, expected in condition:
        name, _, operator = lookup.partition("__")
        if name not in values:
            continue
        actual = evaluate(values[name])
        if actual is UNKNOWN:
            continue
        if operator in ("", "exact") and actual != expected:
            return True
        if operator == "in" and isinstance(expected, tuple) and actual not in expected:
            return True
        if operator == "isnull" and isinstance(expected, bool) and (actual is None) != expected:
            return True
    return False


class WriteFinder:
    def __init__(self, scope: ModuleScope, resolver: Resolver, extra_creates: frozenset = frozenset()):
        self.scope = scope
        self.resolver = resolver
        self.creates = orm.CREATE | extra_creates  # configured `write-methods` insert like create()
        self.new_rows = NewRows(scope, resolver, orm.CREATE | orm.USER_CREATE)
        self.parent_links = ParentLinks(scope, resolver)
        self.returned_rows = ReturnedRows(scope, resolver)
        self.methods = orm.WRITES | extra_creates
        self._summaries: Dict[ast.AST, ScopeSummary] = {}
        self._validation_calls: Optional[List[ast.Call]] = None  # `<expr>.full_clean()`... in the module
        # qualnames of every model a write call was found to write, at risk or not: what its verdict (or
        # the absence of one) read of models (helpers.Shared.model_files)
        self.models: Set[str] = set()

    def _write(self, call, method, label, model, fields, sources=None, values=None, insert=True,
               new_row=True, own_objects: Tuple[frozenset, ...] = (), kept: FrozenSet[UniqueSet] = frozenset(),
               **extra) -> Write:
        """A Write risking the unique sets that `fields` (None: unknown, so all) touch. `new_row`: the
        write surely inserts, so a field it leaves unset takes its default. `own_objects`: per element
        of a batch, the fields it points at an object built in its own round (`ip_id=ip.id`). `kept`:
        multi-table parent sets the write only UPDATEs on an existing row, unchanged (parent_links.py)."""
        written = None if fields is UNKNOWN_FIELDS else frozenset(fields)
        values = values or {}
        risked, settled = [], []
        candidates = _risked(model, fields, values, self.resolver.static_value, insert)
        if insert and new_row and written is not None:
            candidates = self._with_null_sets(model, candidates, written)
        if kept:
            candidates = tuple(s for s in candidates if s not in kept)
        for unique_set in candidates:
            if any(f in values and self._fresh_in(values[f], unique_set) for f in unique_set.fields):
                continue  # `Token(user=user, key=uuid4())`: a fresh token or NULL in the set
            if own_objects and all(any(f in mine for f in unique_set.fields) for mine in own_objects):
                continue  # each object references its own new one: no row, nor another object, holds it
            if insert and new_row and written is not None and any(
                    f not in written and f in model.fields
                    and unset_field_is_fresh(self.resolver.project, model.fields[f], unique_set, model)
                    for f in unique_set.fields):
                continue  # a random or timestamp default, or NULL, that nobody supplies
            if self.returned_rows.settled(unique_set, model, values, call, extra.get("origin")):
                settled.append(unique_set)  # a relation holding a call's result, new or checked on each path
                continue
            at_risk, creator = self.new_rows.verdict(unique_set, model, values)
            if at_risk:
                risked.append(unique_set)
            if creator is not None:
                extra["created_elsewhere"] = creator
        return Write(call, method, label, model, tuple(risked), written, dict(sources or {}), values=values,
                     settled=tuple(settled), **extra)

    def find_unresolved(self) -> List[ast.Call]:
        """Manager-style writes whose receiver resolves to no model (strict mode audits these).

        Only receivers that look like a manager count (`x.objects`, `_default_manager`, `<name>_set`,
        or a queryset chain), so `stripe.Customer.create()` and friends stay out of the audit."""
        found = []
        for node in self.scope.method_calls:
            func = node.func
            if (not isinstance(func, ast.Attribute) or func.attr not in self.methods
                    or self._inside_write_primitive(node)):
                continue
            receiver = func.value
            if func.attr in orm.SAVE:
                if self._unresolved_instance(receiver):
                    found.append(node)
                continue
            if not _looks_like_manager(self._held(receiver)) or self.resolver.manager(receiver) is not None:
                continue
            found.append(node)
        return found

    def _held(self, receiver: ast.AST) -> ast.AST:
        """What a local holding a manager or queryset was bound to (`manager = x._default_manager...`)."""
        for _ in range(8):
            node = unchained(receiver)
            if not isinstance(node, ast.Name):
                return receiver
            binding, _ = self.scope.binding_before(node.id, node)
            if binding is None or binding.kind is not BindingKind.ASSIGN or binding.value is None:
                return receiver
            receiver = binding.value
        return receiver

    def _unresolved_instance(self, receiver: ast.AST) -> bool:
        """`obj.save()` where `obj = X(...)` (or `X(...).save()`) builds an instance of a class nothing
        resolves: a local holding a class (`model = ...; obj = model(...)`) or a capitalised class the
        project does not define. Known classes (forms, models without unique sets) are judged elsewhere."""
        built = self._follow(receiver) if isinstance(receiver, ast.Name) else receiver
        if not isinstance(built, ast.Call) or self.resolver.model_class(built.func) is not None:
            return False
        func = built.func
        if isinstance(func, ast.Name):
            binding, _ = self.scope.binding_before(func.id, func)
            if binding is not None and binding.kind in (BindingKind.ASSIGN, BindingKind.PARAM):
                return True  # a local or a parameter holding a class
        dotted = self.resolver.dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        if not dotted or not dotted.rpartition(".")[2][:1].isupper():
            return False
        return self.resolver.project.find_class(dotted) is None and self.resolver.validator_of_class(dotted) is None

    def find(self) -> List[Write]:
        writes = []
        for node in self.scope.method_calls:
            method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if method in self.methods and not self._inside_write_primitive(node):
                write = self._classify(node, method)
                if write is not None and write.risked:
                    writes.append(write)
        writes.sort(key=lambda w: (w.call.lineno, w.call.col_offset))
        return writes

    def _inside_write_primitive(self, node: ast.AST) -> bool:
        """A manager/queryset method that itself implements a tracked write (Django's documented custom
        `create_user`, an override of `create`) is judged where it is called, not inside."""
        func = self.scope.enclosing_function(node)
        if func is None or getattr(func, "name", None) not in orm.WRITE_PRIMITIVES:
            return False
        _, facts = self.resolver.enclosing_class_facts(node)
        return self.resolver.is_manager_class(facts)

    def _classify(self, call: ast.Call, method: str) -> Optional[Write]:
        if method in orm.SAVE:
            return self._save(call, method)
        if not isinstance(call.func, ast.Attribute):
            return None
        manager = self.resolver.manager(call.func.value)
        if manager is not None and manager.model.abstract and not (
                manager.name in manager.model.managers or manager.name in MANAGER_ATTRIBUTES):
            return None  # `cls.stripe_class.create()` in an abstract model: an API client, not a manager
        model = self._concrete(manager.model if manager is not None else None, call)
        if model is None or not model.unique_sets:
            return None
        label = call_label(call.func)
        implied = manager.implied if manager is not None else frozenset()
        owner = _related_manager_owner(call.func.value) if implied else None
        if method in self.creates:
            fields, sources, values = self._keyword_fields(call, model)
            for name in implied if owner is not None else ():
                values.setdefault(name, owner)  # `order.lines.create(...)` sets `order`
            fields = _with(fields, implied)
            return self._write(call, method, label, model, fields, sources, values,
                               kept=self._parents_kept(call, model, manager, fields, values))
        if method in orm.USER_CREATE:
            fields, sources, values = self._keyword_fields(call, model, self._user_positional(model, method, call))
            return self._write(call, method, label, model, fields, sources, values)
        if method in orm.BULK:
            return self._bulk(call, method, label, model)
        overridden = manager is not None and self._overridden(model, manager.name, method)
        linked = manager is not None and manager.related and not manager.implied  # a many-to-many manager
        return self._get_or_create(call, method, label, model, overridden, implied, owner,
                                   _related_manager_owner(call.func.value) if linked else None)

    def _parents_kept(self, call: ast.Call, model: ModelInfo, manager, fields, values) -> FrozenSet[UniqueSet]:
        """The parent sets a create() of a multi-table child leaves alone: its parent link given an
        existing row, by the call or by the project manager's create() override (parent_links.py)."""
        if not model.parent_links or fields is UNKNOWN_FIELDS:
            return frozenset()
        written = frozenset(fields)
        kept = self.parent_links.kept(model, [(k.arg, k.value) for k in call.keywords if k.arg], values,
                                      written, call)
        if manager is not None and isinstance(call.func, ast.Attribute):
            keywords = frozenset(k.arg for k in call.keywords if k.arg)
            kept |= self.parent_links.kept_by_override(model, manager.name, call.func.attr, values, written, keywords)
        return kept

    def _concrete(self, model: Optional[ModelInfo], call: ast.AST) -> Optional[ModelInfo]:
        """An abstract model has no table: a write through it (`cls(...)`, `self.save()`,
        `cls.objects...`) happens only in its own methods, on behalf of a concrete child, and is
        judged against the field-level unique sets every child inherits. Elsewhere it is no write."""
        if model is not None:
            self.models.add(model.qualname)
        if model is None or not model.abstract:
            return model
        _, facts = self.resolver.enclosing_class_facts(call)
        return as_inherited(model) if facts is not None and facts.qualname == model.qualname else None

    # ------------------------------------------------------------------------------- field reading
    def _with_null_sets(self, model: ModelInfo, risked: Tuple[UniqueSet, ...], written: frozenset
                        ) -> Tuple[UniqueSet, ...]:
        """`risked` and, in the model's order, each `UniqueConstraint(nulls_distinct=False)` the insert
        sets no field of, every field of which it leaves NULL (fresh_values.left_null): NULLs collide
        there, so the second such insert fails. A conditional set is left to `_risked` (an insert
        risks it only when it writes all of its fields)."""
        extra = [s for s in model.unique_sets
                 if not s.nulls_distinct and not s.conditional and s not in risked
                 and not any(f in written for f in s.fields)
                 and all(f in model.fields and left_null(self.resolver.project, model.fields[f], model)
                         for f in s.fields)]
        return tuple(s for s in model.unique_sets if s in risked or s in extra) if extra else risked

    def _keyword_fields(self, call: ast.Call, model: ModelInfo, positional: Tuple[str, ...] = ()):
        """(fields set by the call's arguments or UNKNOWN_FIELDS, their form sources, their values)."""
        fields = set()
        sources: Dict[str, Source] = {}
        values: Dict[str, ast.AST] = {}
        unknown = False
        for index, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                unknown = True
            elif index < len(positional):
                name = model.field_for(positional[index])
                if name is not None:
                    values[name] = arg
                if name is not None and not self._never_collides(arg):
                    fields.add(name)
                    self._note_source(sources, name, arg)
        for keyword in call.keywords:
            if keyword.arg is None:
                expanded = self._expand(keyword.value, model)
                if expanded is None:
                    unknown = True
                else:
                    more, more_sources, more_values = expanded
                    fields |= more
                    sources.update(more_sources)
                    values.update(more_values)
                continue
            name = model.field_for(keyword.arg)
            if name is not None:
                values[name] = keyword.value  # a fresh token too: the set holding it cannot collide
            if name is not None and not self._never_collides(keyword.value):
                fields.add(name)
                self._note_source(sources, name, keyword.value)
        return (UNKNOWN_FIELDS if unknown else fields), sources, values

    def _expand(self, value: ast.AST, model: ModelInfo):
        """Fields of `**value`: a dict literal, a local dict, a form's cleaned_data, or the dict a project
        function returns (`returned_dicts.py`); None if unknown."""
        given, value = value, self._follow(value)
        if isinstance(value, ast.Dict):
            fields = set()
            sources: Dict[str, Source] = {}
            values: Dict[str, ast.AST] = {}
            for key, item in zip(value.keys, value.values):
                if key is None or not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return None
                name = model.field_for(key.value)
                if name is not None and not self._never_collides(item):
                    fields.add(name)
                    values[name] = item
                    self._note_source(sources, name, item)
            return fields, sources, values
        holder = cleaned_data_holder(value)
        if holder is not None:  # **form.cleaned_data
            validator = self._validator_of(holder)
            if validator is None:
                return None
            fields = {name for name in map(model.field_for, validator.fields) if name is not None}
            return fields, {f: Source(holder, None) for f in fields}, {}
        if isinstance(value, ast.Call) and (not isinstance(given, ast.Name) or unchanged_dict(given, None, self.scope)):
            keys = returned_keys(value, self.scope, self.resolver)
            if keys is not None:
                return {name for name in map(model.field_for, keys) if name is not None}, {}, {}
        return None

    def _fresh_in(self, value: ast.AST, unique_set: UniqueSet) -> bool:
        """A value that keeps `unique_set` from colliding: a fresh token, or NULL unless NULLs collide there."""
        if self._surely_none(value):
            return unique_set.nulls_distinct
        return self.random_token(value)

    def _never_collides(self, value: ast.AST) -> bool:
        """NULL never collides, and neither, in practice, does a fresh random token (fresh_values.py)."""
        return self._surely_none(value) or self.random_token(value)

    def random_token(self, value: ast.AST) -> bool:
        """Whether `value` is a fresh random token (fresh_values.is_random_token), through local names."""
        return is_random_token(value, self.resolver.dotted, self._follow)

    def _surely_none(self, value: ast.AST, hops: int = 0) -> bool:
        """Whether `value` is NULL on every path: a `None` literal, or a local whose last binding is
        `None` and surely ran. `x = None` in one branch and `x = row` in another holds a real value."""
        while isinstance(value, ast.Name) and hops < 8:
            binding, func = self.scope.binding_before(value.id, value)
            if binding is None or binding.kind is not BindingKind.ASSIGN or binding.value is None:
                return False
            if _is_none(binding.value):
                others = [b for b in self.scope.bindings(func).get(value.id, ())
                          if b is not binding and (b.line, b.col) < (value.lineno, value.col_offset)
                          and not (b.kind is BindingKind.ASSIGN and b.value is not None and _is_none(b.value))]
                return not others or self.scope.statement_of(binding.value) in self.scope.ran_before(value)
            value = binding.value
            hops += 1
        return _is_none(value)

    def _follow(self, expr: ast.AST, hops: int = 0) -> ast.AST:
        """Through local names to the expression they were last bound to."""
        return self.scope.follow_locals(expr, hops)

    def _note_source(self, sources: Dict[str, Source], name: str, value: ast.AST) -> None:
        value = self._follow(value)
        source = cleaned_data_source(value, self._follow)
        if source is None and isinstance(value, ast.Call) and _sanitising_call(value):
            # `strip_all_tags(form.cleaned_data["username"])` written to `username`: the validated value,
            # cleaned once more; only under its own key (`slugify(data["title"])` into `slug` is not it)
            inner = cleaned_data_source(self._follow(value.args[0]), self._follow)
            source = inner if inner is not None and inner.field == name else None
        if source is not None:
            sources[name] = source

    def form_source(self, name: str, value: ast.AST) -> Optional[Source]:
        """Where `value`, written to the field `name`, comes from when a form or serializer gave it."""
        found: Dict[str, Source] = {}
        self._note_source(found, name, value)
        return found.get(name)

    def _validator_of(self, holder: ast.AST):
        return self.resolver.validator(holder)

    def _user_positional(self, model: ModelInfo, method: str, call: ast.Call) -> Tuple[str, ...]:
        """The parameter names `create_user(a, b, c)` binds its positional arguments to."""
        if not call.args or not isinstance(call.func, ast.Attribute):
            return ()
        project = self.resolver.project
        manager = self.resolver.manager(call.func.value)
        manager_attr = manager.name if manager is not None else None
        plain = orm.sync_name(method)
        for dotted in model.managers.get(manager_attr or "objects", ()):
            cls = project.find_class(dotted)
            chain = project.lineage(cls) if cls else []
            for facts in chain:
                found = facts.method(plain)
                if found is not None and len(found.params) > 1:
                    return found.params[1:]
        return (model.username_field or "username", "email", "password")

    # ------------------------------------------------------------------------------------- methods
    def _bulk(self, call: ast.Call, method: str, label: str, model: ModelInfo) -> Optional[Write]:
        for keyword in call.keywords:
            if keyword.arg in ("ignore_conflicts", "update_conflicts"):
                if not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                    return None
            if keyword.arg is None and not self._dict_lacks(keyword.value, ("ignore_conflicts", "update_conflicts")):
                return None  # `**options` that may (or does) ask to ignore conflicts: stay silent
        elements = (self.list_elements(call.args[0], call) or []) if call.args else []
        validated = self._elements_validated(elements, call)
        fields: Optional[Set[str]] = set()
        shared: Optional[Dict[str, ast.AST]] = None  # field → the value every element gives it
        own: List[frozenset] = []  # per element: the fields it sets to an object built in its own round
        for element in elements:
            element = self._follow(element)
            if isinstance(element, ast.Call) and self.resolver.model_class(element.func) is not None:
                more, _, values = self._keyword_fields(element, model)
                shared = values if shared is None else {
                    name: value for name, value in shared.items()
                    if name in values and ast.dump(values[name]) == ast.dump(value)}
                own.append(frozenset(name for name, value in values.items()
                                     if self.new_rows.object_of_the_round(value)))
                if more is UNKNOWN_FIELDS:  # `Label(project=project, **entry)`: the keyword still holds
                    fields = UNKNOWN_FIELDS
                    break
                fields |= more
            else:
                fields = UNKNOWN_FIELDS
                break
        if not elements:
            fields = UNKNOWN_FIELDS
        # Values all objects share (`[Line(order=order, ...) for ...]`): one pointing at a row inserted
        # just before keeps every set holding it from colliding with an existing row.
        # One object appended in a loop (`if day not in existing: batch.append(Entry(...))`): an existence
        # check around where it is built guards every row of the batch, as for a saved instance.
        return self._write(call, method, label, model, fields, values=shared if len(elements) == 1 or
                           fields is not UNKNOWN_FIELDS else None, validated_by=validated,
                           own_objects=tuple(own) if fields is not UNKNOWN_FIELDS else (),
                           origin=elements[0] if len(elements) == 1 and elements[0] is not call else None)

    def list_elements(self, iterable: ast.AST, before: ast.AST, depth: int = 0) -> Optional[List[ast.AST]]:
        """The element expressions of a list built earlier in the function: a literal, a comprehension's
        element, or `objs = []` filled by `objs.append(x)` / `.extend([...])` / `.insert(i, x)` before
        `before` — also by a function of this module it is handed to (`self.collect(objs)`, whose
        parameter is only filled so), and, for a parameter of a nested function, the lists its enclosing
        function passes it. None when something else may add to it."""
        target = self._follow(iterable)
        if isinstance(target, (ast.ListComp, ast.GeneratorExp)):
            return [target.elt]
        end = (getattr(before, "lineno", 0), getattr(before, "col_offset", 0))
        if isinstance(iterable, ast.Name) and target is iterable:
            passed = self._lists_passed(iterable, depth)  # a parameter: what the callers pass, plus appends
            added = self._filled(iterable.id, self.scope.enclosing_function(iterable), end, depth)
            return passed + added if passed is not None and added is not None else None
        if not isinstance(target, (ast.List, ast.Tuple)):
            return None
        elements: List[ast.AST] = list(target.elts)
        if not isinstance(iterable, ast.Name):
            return elements
        _, home = self.scope.binding_before(iterable.id, iterable)  # a lambda reads its function's list
        filled = self._filled(iterable.id, home, end, depth)
        return elements + filled if filled is not None else None

    def _filled(self, name: str, func, end: Tuple[int, int], depth: int) -> Optional[List[ast.AST]]:
        """What the function appends to its local list `name` before `end`, or hands it to a function of
        this module to append; None when something else is done to it (it may hold anything)."""
        elements: List[ast.AST] = []
        for node in ast.walk(func or self.scope.tree):
            if (isinstance(node, ast.Call) and (node.lineno, node.col_offset) < end
                    and not (isinstance(node.func, ast.Name) and node.func.id in READS_ONLY)
                    and not (isinstance(node.func, ast.Attribute) and node.func.attr in orm.BULK)
                    and any(isinstance(arg, ast.Name) and arg.id == name
                            for arg in list(node.args) + [k.value for k in node.keywords])):
                handed = self._filled_by_callee(node, name, depth)
                if handed is None:
                    return None  # handed to another function, which may fill it with anything
                elements.extend(handed)
        for node in self.scope.method_calls:
            callee = node.func
            if not (isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name)
                    and callee.value.id == name and (node.lineno, node.col_offset) < end
                    and self.scope.enclosing_function(node) is func):
                continue
            method = callee.attr
            if method == "append" and len(node.args) == 1:
                elements.append(node.args[0])
            elif method == "insert" and len(node.args) == 2:
                elements.append(node.args[1])
            elif method == "extend" and len(node.args) == 1 and isinstance(node.args[0], (ast.List, ast.Tuple)):
                elements.extend(node.args[0].elts)
            else:
                return None  # something else done to the list: it may hold other objects
        return elements

    def _filled_by_callee(self, call: ast.Call, name: str, depth: int) -> Optional[List[ast.AST]]:
        """What a function of this module appends to the list `name` it is handed (`self.collect(objs)`,
        `collect(objs)`), when that parameter is only ever filled; None otherwise."""
        callee = self._defined_here(call.func) if depth < MAX_LIST_HOPS else None
        if callee is None or isinstance(callee, ast.Lambda):
            return None
        param = _parameter_for(call, name, callee, self.scope)
        bindings = self.scope.bindings(callee).get(param) if param else None
        if param is None or not bindings or any(b.kind is not BindingKind.PARAM for b in bindings):
            return None
        return self._filled(param, callee, (10 ** 9, 0), depth + 1)

    def _lists_passed(self, param: ast.Name, depth: int) -> Optional[List[ast.AST]]:
        """The elements of the lists an enclosing function passes its nested function for the parameter
        `param` (`def _save(objs): ...bulk_create(objs)`, called as `_save(rows)`, also from a lambda),
        when every reference to the nested function is such a call; None otherwise."""
        func = self.scope.enclosing_function(param)
        outer = self.scope.enclosing_function(func) if func is not None else None
        if (depth >= MAX_LIST_HOPS or func is None or outer is None or isinstance(func, ast.Lambda)
                or isinstance(outer, ast.Lambda)
                or any(b.kind is not BindingKind.PARAM for b in self.scope.bindings(func).get(param.id, ()))):
            return None
        elements: List[ast.AST] = []
        calls = 0
        for node in ast.walk(outer):
            if not (isinstance(node, ast.Name) and node.id == func.name and isinstance(node.ctx, ast.Load)):
                continue
            call = self.scope.parent(node)
            if not (isinstance(call, ast.Call) and call.func is node):
                return None  # the nested function escapes: called from where nobody can see
            index = self.scope.call_position(func, param.id)
            passed = [k.value for k in call.keywords if k.arg == param.id]
            if 0 <= index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
                passed.append(call.args[index])
            if len(passed) != 1 or not isinstance(passed[0], ast.Name):
                return None
            # a call in a lambda may run later (`on_commit(lambda: _save(rows))`): every append counts
            found = self.list_elements(passed[0], _after(outer), depth + 1)
            if found is None:
                return None
            elements.extend(found)
            calls += 1
        return elements if calls else None

    def _defined_here(self, func: ast.AST):
        """The def a call names in this module: a nested function of an enclosing one, a module-level
        function, a method of the enclosing class through `self` / `cls`."""
        if isinstance(func, ast.Name):
            around = self.scope.enclosing_function(func)
            while around is not None:
                for statement in around.body if isinstance(around.body, list) else ():
                    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == func.id:
                        return statement
                around = self.scope.enclosing_function(around)
        return self.resolver.local_function(func)

    def _elements_validated(self, elements: List[ast.AST], call: ast.Call) -> Optional[str]:
        """`conn.full_clean()` on every object, by name, before the list goes to bulk_create()."""
        names = [e for e in elements if isinstance(e, ast.Name)]
        if not elements or len(names) != len(elements):
            return None
        found = None
        for element in names:
            binding, scope = self.scope.binding_before(element.id, element)
            if binding is None:
                return None
            found = self._instance_validation(element.id, scope or self.scope.tree, binding, call)
            if found is None:
                return None
        return found

    def _dict_lacks(self, expr: ast.AST, keys) -> bool:
        """Whether a `**expr` dict surely has none of `keys`: a literal, or a local dict whose every
        `d["key"] = ...` is visible. Unknown dicts may hold anything."""
        target = self._follow(expr)
        if not isinstance(target, ast.Dict):
            return False
        found = set()
        for key in target.keys:
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return False
            found.add(key.value)
        if isinstance(expr, ast.Name):
            func = self.scope.enclosing_function(expr)
            for node in ast.walk(func or self.scope.tree):
                if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and \
                        isinstance(node.value, ast.Name) and node.value.id == expr.id:
                    key = node.slice
                    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                        return False
                    found.add(key.value)
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                        node.func.attr in ("update", "setdefault") and \
                        isinstance(node.func.value, ast.Name) and node.func.value.id == expr.id:
                    return False
        return not (found & set(keys))

    def _overridden(self, model: ModelInfo, manager_name: str, method: str) -> bool:
        """Whether the project's manager class behind `model.<manager_name>` defines `method` itself
        (askbot's `get_or_create(name, user)` looks rows up its own way): Django's meaning is off."""
        project = self.resolver.project
        for dotted in model.managers.get(manager_name, ()):
            cls = project.find_class(dotted)
            chain = project.lineage(cls) if cls is not None else []
            if any(f.method(method) is not None and not f.module.startswith("django.") for f in chain):
                return True
        return False

    def _get_or_create(self, call: ast.Call, method: str, label: str, model: ModelInfo,
                       overridden: bool = False, implied: FrozenSet[str] = frozenset(),
                       owner: Optional[ast.AST] = None, linked_to: Optional[ast.AST] = None) -> Optional[Write]:
        """Risky where `defaults` can set a field of a unique set the lookup does not pin, and where the
        lookup pins a unique set together with more (`_over_pinned`). A reverse manager's own
        ForeignKey (`implied`, set to `owner`) is one more keyword of the lookup: Django's
        `create_reverse_many_to_one_manager` adds `kwargs[self.field.name] = self.instance`. A
        many-to-many manager (of the instance `linked_to`) looks only among the rows linked to it
        (`ManyRelatedManager.get_or_create` searches its own queryset, then links what it created), so
        a unique set its lookup pins is also pinned to "linked": an unlinked row holding the key is not
        found, and the insert collides with it."""
        lookup = set(implied)
        defaults = set()
        keys: List[Tuple[str, Optional[str]]] = [(name, name) for name in implied]
        values: Dict[str, ast.AST] = {name: owner for name in implied} if owner is not None else {}
        for keyword in call.keywords:
            if keyword.arg is None:
                return None  # unknown lookup: stay silent
            if keyword.arg == "through_defaults" and linked_to is not None:
                continue  # the through row's fields, not the lookup's
            if keyword.arg in ("defaults", "create_defaults"):
                value = self._follow(keyword.value)
                if not isinstance(value, ast.Dict):
                    return None  # unknown defaults: stay silent
                for key, item in zip(value.keys, value.values):
                    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                        return None
                    name = model.field_for(key.value)
                    if name is not None and not self._never_collides(item):
                        defaults.add(name)
                        values[name] = item
                continue
            name = model.lookup_field(keyword.arg)
            keys.append((keyword.arg, name))
            if name is not None:
                lookup.add(name)
                if name == keyword.arg or keyword.arg == f"{name}__exact":
                    values[name] = keyword.value
        candidates = _risked(model, lookup | defaults, values, self.resolver.static_value)
        risked = [s for s in candidates if not set(s.fields) <= lookup and set(s.fields) & defaults]
        hint = None
        lookup_fix = None
        outside = _outside(keys, risked[0]) if risked else ()
        if outside:  # the lookup asks for more than the set: moving the field in would not find the row either
            lookup_fix = (Fix.ROW_NOT_FOUND, " and ".join(risked[0].fields), outside)
        elif risked and not any(set(s.fields) <= lookup for s in model.unique_sets):
            # moving a field into a lookup that already pins a unique set would change which row is found
            hint = sorted(set(risked[0].fields) & defaults)[0]
        written = set(lookup | defaults)
        risked = list(self._with_null_sets(model, tuple(risked), frozenset(written)))  # the insert leaves them NULL
        for unique_set, fix in self._over_pinned(model, keys, lookup, values) if not overridden else ():
            written |= set(unique_set.fields)  # a derived field is written by save() itself
            if unique_set not in risked:
                risked.append(unique_set)
                lookup_fix = lookup_fix or (None if hint else fix)
        for unique_set in model.unique_sets if linked_to is not None else ():
            if (unique_set not in risked and not unique_set.conditional and set(unique_set.fields) <= lookup
                    and self._new_row_free(unique_set, model, values)):
                risked.append(unique_set)
                linked: Tuple[str, ...] = (call_label(linked_to),) if linked_to is not None else ()
                fix = (Fix.ROW_NOT_LINKED, " and ".join(unique_set.fields), linked)
                lookup_fix = lookup_fix or (None if hint else fix)
        return Write(call, method, call_label(call.func), model, tuple(risked), frozenset(written),
                     own_savepoint=orm.own_savepoint(method), lookup_hint=hint, lookup_fix=lookup_fix)

    def _over_pinned(self, model: ModelInfo, keys, lookup: set, values: Dict[str, ast.AST]):
        """(unique set, the fix) for the sets a get_or_create lookup pins together with
        something more: an existing row that matches the unique key but not the rest is not found, and
        the create() that follows collides with it. Looking it up by the key alone would hand back a row
        whose other fields differ from what the code asked for (the old target of a synonym, another
        tenant's row), so the fix named is to catch the IntegrityError. Also a unique field the model's save()
        derives from a looked-up one (`self.slug = slugify(self.name)`): two lookups deriving the same value collide."""
        found = []
        for unique_set in model.unique_sets:
            if unique_set.conditional or not set(unique_set.fields) <= lookup:
                continue
            extra = _outside(keys, unique_set)
            if extra and self._new_row_free(unique_set, model, values):
                found.append((unique_set, (Fix.ROW_NOT_FOUND, " and ".join(unique_set.fields), extra)))
        for field_name, source in _derived_in_save(self.resolver.project, model):
            derived = next((s for s in model.unique_sets if s.fields == (field_name,)), None)
            if derived is not None and field_name not in lookup and source in lookup:
                found.append((derived, (Fix.LOOKUP_BY_DERIVED, field_name, (source,))))
        return found

    def _new_row_free(self, unique_set: UniqueSet, model: ModelInfo, values: Dict[str, ast.AST]) -> bool:
        """Whether the set can hold an existing row's values: not when it references a row just inserted."""
        at_risk, _ = self.new_rows.verdict(unique_set, model, values)
        return at_risk

    def _save(self, call: ast.Call, method: str) -> Optional[Write]:
        """`obj.save()` on an instance this function built, got from a form, or loaded and changed."""
        if not isinstance(call.func, ast.Attribute):
            return None
        receiver = call.func.value
        label = call_label(call.func)
        if _is_false_kw(call, "commit"):
            return None
        if isinstance(receiver, ast.Call):  # Model(...).save()
            return self._constructed_save(call, method, label, receiver, AssignedAttributes())
        if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.value.id == "self":
            built = self.resolver.init_assignment(receiver)  # self.obj = Model(...) in __init__
            return (self._constructed_save(call, method, label, built, AssignedAttributes())
                    if isinstance(built, ast.Call) else None)
        if not isinstance(receiver, ast.Name):
            return None
        binding, scope = self.scope.binding_before(receiver.id, call)
        if binding is None:
            return None
        binding = self.scope.binding_on_branch(receiver.id, call, binding)
        if binding.kind in (BindingKind.ASSIGN, BindingKind.PARAM) and self._validator_of(receiver) is not None:
            return self.form_save(call)
        prior = self._saved_before(receiver.id, binding, call)
        if prior is not None:  # the row exists since that save: this one updates it
            since = Binding(prior.lineno, prior.col_offset, None, BindingKind.ASSIGN)
            return self._update_save(call, method, label, receiver, self._attributes_assigned(
                receiver.id, scope or self.scope.tree, since, call, self._key_attributes(receiver)))
        assigned = self._attributes_assigned(receiver.id, scope or self.scope.tree, binding, call,
                                             self._key_attributes(receiver) if _has_pk(binding) else None)
        validated = self._instance_validation(receiver.id, scope or self.scope.tree, binding, call)
        write = self._save_of_binding(call, method, label, receiver, binding, assigned)
        if write is not None and validated:
            write.validated_by = validated
        return write

    def _save_of_binding(self, call, method, label, receiver: ast.Name, binding, assigned) -> Optional[Write]:
        origin = self._representative(binding.value, call) if binding.kind is BindingKind.FOR else binding.value
        if isinstance(origin, ast.Name):  # `again = tag` where `tag = Tag(...)`: follow the alias
            origin = self._follow(origin)
        if isinstance(origin, ast.Call) and binding.kind is not BindingKind.UNPACK0:
            if isinstance(origin.func, ast.Attribute) and origin.func.attr == "save":
                if not _is_false_kw(origin, "commit"):  # `obj = form.save()` wrote the row already
                    return self._update_save(call, method, label, receiver, assigned,
                                             self._form_model(origin.func.value))
                return self._form_instance_save(call, method, label, origin, assigned)
            if self.resolver.model_class(origin.func) is not None:
                return self._constructed_save(call, method, label, origin, assigned)
        return self._update_save(call, method, label, receiver, assigned)

    def _update_save(self, call, method, label, receiver: ast.Name, assigned, loaded=None) -> Optional[Write]:
        """`obj.save()` of an existing row (loaded, request.user, a parameter, or saved earlier here):
        only a unique field changed since can collide. Re-pointing a relation is left out: it almost
        always links a row made just before."""
        loaded = self._concrete(loaded or self.resolver.instance_model(receiver), call)
        if loaded is None or not assigned:
            return None
        changed = {n: v for n, v in assigned.risky.items()
                   if getattr(loaded.fields.get(loaded.field_for(n) or ""), "relation", "") is None}
        fields = _restrict_to_update_fields(call, {loaded.field_for(n) for n in changed}, loaded)
        sources: Dict[str, Source] = {}
        for name, value in changed.items():
            self._note_source(sources, name, value)
        return _with_branches(self._write(call, method, label, loaded, fields, sources,
                                          {loaded.field_for(n): v for n, v in changed.items()}, insert=False),
                              assigned, frozenset())

    def _saved_before(self, name: str, binding, call: ast.Call) -> Optional[ast.Call]:
        """The last `name.save()` after the binding that surely ran before `call`
        (`obj.save(); obj.flag = True; obj.save()`)."""
        if binding.kind not in (BindingKind.ASSIGN, BindingKind.FOR):
            return None
        start = (binding.line, binding.col)
        found = None
        for statement in self.scope.ran_before(call):
            value = statement.value if isinstance(statement, ast.Expr) else None
            value = value.value if isinstance(value, ast.Await) else value
            if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                    and value.func.attr in orm.SAVE and isinstance(value.func.value, ast.Name)
                    and value.func.value.id == name and (value.lineno, value.col_offset) > start
                    and not _is_false_kw(value, "commit")):
                if found is None or (value.lineno, value.col_offset) > (found.lineno, found.col_offset):
                    found = value
        return found

    def _form_model(self, holder: ast.AST) -> Optional[ModelInfo]:
        validator = self._validator_of(holder)
        model = validator.model if validator is not None else None
        return self.resolver.project.model(model) if model else None

    def _constructed_save(self, call, method, label, constructor: ast.Call, assigned) -> Optional[Write]:
        """A new row: the constructor's keywords and the attributes set since then are written."""
        model = self._concrete(self.resolver.model_class(constructor.func), call)
        if model is None:
            return None
        fields, sources, values = self._keyword_fields(constructor, model)
        given = frozenset(fields) if fields is not UNKNOWN_FIELDS else frozenset()
        if fields is not UNKNOWN_FIELDS:
            fields = fields | {model.field_for(n) for n in assigned.risky} - {None}
        for name, value in assigned.items():
            self._note_source(sources, name, value)
            if model.field_for(name):
                values[model.field_for(name)] = value
        fields = _restrict_to_update_fields(call, fields, model)
        kept = self.parent_links.kept(
            model, _links_given(model, constructor, assigned), values,
            None if fields is UNKNOWN_FIELDS else frozenset(fields), call) if model.parent_links else frozenset()
        return _with_branches(self._write(call, method, label, model, fields,
                                          sources, values, origin=constructor, kept=kept), assigned, given)

    def _form_instance_save(self, call, method, label, form_save: ast.Call, assigned) -> Optional[Write]:
        """`obj = form.save(commit=False); obj.slug = ...; obj.save()`."""
        if not isinstance(form_save.func, ast.Attribute):
            return None
        holder = form_save.func.value
        validator = self._validator_of(holder)
        if validator is None or validator.model is None:
            return None
        model = self.resolver.project.model(validator.model)
        if model is None:
            return None
        written = {model.field_for(f) for f in validator.fields} | {model.field_for(f) for f in assigned.risky}
        written.discard(None)
        sources = {f: Source(holder, None) for f in validator.fields if f in model.fields}
        for name in assigned:
            sources.pop(name, None)
            self._note_source(sources, name, assigned[name])
        return self._write(call, method, label, model, written, sources, new_row=False, commit_false_form=holder)

    def form_save(self, call: ast.Call) -> Optional[Write]:
        """`form.save()` of a ModelForm (or `serializer.save()` of a ModelSerializer)."""
        if not isinstance(call.func, ast.Attribute):
            return None
        holder = call.func.value
        validator = self._validator_of(holder)
        if validator is None or validator.model is None or validator.custom_create:
            return None
        model = self.resolver.project.model(validator.model)
        if model is None or not model.unique_sets:
            return None
        fields = {model.field_for(f) for f in validator.fields if f not in validator.read_only} - {None}
        update = self._updates_instance(holder)
        extra = set()
        validated = set()
        for keyword in call.keywords:  # serializer.save(owner=request.user)
            if keyword.arg is not None:
                name = model.field_for(keyword.arg)
                if name is not None and update and _own_value(keyword.value, name):
                    fields.discard(name)  # `save(slug=serializer.instance.slug)`: the row keeps its value
                elif name is not None:
                    extra.add(name)
                    if _gives_default(validator.validated_default(keyword.arg), keyword.value):
                        validated.add(name)  # the value the generated UniqueTogetherValidator was given
        sources = {f: Source(holder, None) for f in fields | validated}
        written = fields | extra
        # a surely new row holds only what the class and the keywords write: the rest takes its default
        new_row = (not update and surely_inserts(self.resolver.project, self.scope, holder, validator)
                   and not may_fill(self.resolver.project, self.scope, holder, validator,
                                    self._unset_matters(model, written)))
        return self._write(call, call.func.attr, call_label(call.func), model, written, sources,
                           insert=not update, new_row=new_row)

    def _unset_matters(self, model: ModelInfo, written: Set[str]) -> Set[str]:
        """The fields of unique sets an insert leaving them unset gives a value no row holds, or NULL
        (`_write` reads them so): only whether something else fills these decides a form save's sets."""
        project = self.resolver.project
        return {f for s in model.unique_sets for f in s.fields
                if f not in written and f in model.fields
                and (unset_field_is_fresh(project, model.fields[f], s, model)
                     or left_null(project, model.fields[f], model))}

    def _updates_instance(self, holder: ast.AST) -> bool:
        """Whether the form/serializer edits an existing row: built with `instance=...` (a serializer's
        first positional argument is the instance), or the `serializer` of `perform_update()`."""
        if not isinstance(holder, ast.Name):
            return False
        binding, scope = self.scope.binding_before(holder.id, holder)
        if binding is None:
            return False
        if binding.kind == "param":
            return holder.id == "serializer" and getattr(scope, "name", "") == "perform_update"
        value = binding.value
        if binding.kind != "assign" or not isinstance(value, ast.Call):
            return False
        if any(k.arg == "instance" and not _is_none(k.value) for k in value.keywords):
            return True
        validator = self._validator_of(holder)
        return (validator is not None and validator.kind.is_serializer and bool(value.args)
                and not _is_none(value.args[0]))

    def _representative(self, iterable: ast.AST, call: ast.Call) -> Optional[ast.AST]:
        """For `for obj in objs: obj.save()` over a list built earlier (`[M(...), M(...)]`, appended
        `M(...)` objects): the first constructor call, when every element builds the same model."""
        elements = [self._follow(e) for e in self.list_elements(iterable, call) or ()]
        calls = [e for e in elements if isinstance(e, ast.Call)]
        if not calls or len(calls) != len(elements):
            return None
        models = {getattr(self.resolver.model_class(c.func), "qualname", None) for c in calls}
        return calls[0] if len(models) == 1 and None not in models else None

    def _instance_validation(self, name: str, scope: ast.AST, binding, call: ast.Call) -> Optional[str]:
        """`obj.full_clean()` (or validate_unique/validate_constraints) between the binding and the save."""
        start = (binding.line, binding.col)
        end = (call.lineno, call.col_offset)
        for position, method in self._summary(scope).validations.get(name, ()):
            if start < position < end:
                return f"{name}.{method}()"
        return None

    def _attributes_assigned(self, name: str, scope: ast.AST, binding, call: ast.Call,
                             own_key: Optional[Tuple[str, ...]] = None) -> AssignedAttributes:
        """Attributes `name.<attr> = value` assigned after the binding and before the call, with the
        values that reach the call (assigned.py).

        `obj.field = None` writes NULL, which never collides, as does a fresh token: such a value sets
        no field (`risky` leaves it out), but a set holding it cannot collide. `own_key`: the row has a
        primary key (loaded, or saved before), read through these attributes; then a value formatted
        from it (`f"deleted-{user.pk}"`) cannot collide either — unless the code assigns the pk too."""
        summary = self._summary(scope)
        start, end = (binding.line, binding.col), (call.lineno, call.col_offset)
        if own_key and any(a.attr in own_key + ("pk", "id") and start < a.position < end
                           for a in summary.assignments.get(name, ())):
            own_key = None  # `obj.pk = None`: a copy about to be inserted, whose pk is not its own yet

        def harmless(value: ast.AST) -> bool:
            return self._never_collides(value) or bool(own_key) and own_key_value(
                value, name, own_key or (), self.resolver.dotted, self._follow)

        return reaching(summary, name, start, end, harmless)

    def _key_attributes(self, receiver: ast.Name) -> Optional[Tuple[str, ...]]:
        """The attributes that read the primary key of the row `receiver` holds: `pk`, and the pk
        field's own name (`id` unless the model declares another)."""
        model = self.resolver.instance_model(receiver)
        return ("pk",) if model is None else tuple(dict.fromkeys(("pk", model.pk)))

    def _summary(self, scope: ast.AST) -> ScopeSummary:
        """What a function (or the module) does to local instances, read in one walk and kept: each
        `save()` looks its instance up here instead of walking its whole function again."""
        found = self._summaries.get(scope)
        if found is None:
            found = self._summaries[scope] = ScopeSummary(scope, self._validations_in(scope))
        return found

    def _validations_in(self, scope: ast.AST) -> Optional[List[ast.Call]]:
        """The instance validation calls at any depth in `scope`, from the module's list of method calls
        (few: the summary need not look at every expression for them); None for a scope of another tree."""
        if scope is not self.scope.tree and scope not in self.scope.parents:
            return None
        if self._validation_calls is None:
            self._validation_calls = [call for call in self.scope.method_calls
                                      if call.func.attr in orm.INSTANCE_VALIDATION]  # type: ignore[attr-defined]
        return [call for call in self._validation_calls
                if scope is self.scope.tree or any(parent is scope for _, parent in self.scope.ancestors(call))]


MANAGER_ATTRIBUTES = ("objects", "_default_manager", "_base_manager")


def _links_given(model: ModelInfo, constructor: ast.Call, assigned: AssignedAttributes) -> List[Tuple[str, ast.AST]]:
    """(link as written, value) of the multi-table parent links a saved instance holds: the constructor's
    keywords, replaced by an attribute assigned since (`obj.place_ptr = None` too); one that branches
    (several values may reach the save, or one under an `if`) holds no known row."""
    given: Dict[str, ast.AST] = {k.arg: k.value for k in constructor.keywords
                                 if k.arg and model.parent_link(k.arg) is not None}
    for name, value in assigned.items():
        found = model.parent_link(name)
        if found is None:
            continue
        given.pop(found[0], None)
        given.pop(f"{found[0]}_id", None)
        given[name] = ast.Constant(None) if name in assigned.branching else value
    return list(given.items())


def _has_pk(binding: Binding) -> bool:
    """Whether the row a binding holds surely has a primary key: a parameter (an existing row, as
    `_update_save` takes it), a row loaded or inserted by the ORM (`get()`, `first()`, `create()`,
    `get_or_create()`, `get_object_or_404()`), a saved form's instance, a queryset's rows in a `for`.
    An instance built here (`M(...)`, a copy, a project function's result) may have none yet."""
    if binding.kind in (BindingKind.PARAM, BindingKind.UNPACK0):
        return True
    value = binding.value
    if binding.kind is BindingKind.FOR:
        return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                and value.func.attr in orm.QUERYSET_CHAIN)
    if binding.kind is not BindingKind.ASSIGN or not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return orm.is_row_shortcut(func.id)
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in orm.SAVE:
        return not _is_false_kw(value, "commit")
    return func.attr in orm.INSTANCE_RETURNING and func.attr in (orm.QUERIES | orm.CREATE | orm.USER_CREATE)


def _with_branches(write: Optional[Write], assigned: AssignedAttributes, given: frozenset) -> Optional[Write]:
    """Mark a write whose unique sets at risk are each assigned only on its own arm of an `if`
    (`if q: obj.a = 1` / `elif r: obj.b = 2`): no path writes two of them (`given`: fields the
    constructor sets on every path)."""
    if write is None or len(write.risked) < 2 or write.written is None:
        return write
    groups = []
    for unique_set in write.risked:
        if any(f in given for f in unique_set.fields):
            return write
        groups.append([arms for attr, found in assigned.arms.items()
                       if write.model.field_for(attr) in unique_set.fields for arms in found])
    write.apart = all(groups) and apart(groups)
    return write


def _looks_like_manager(receiver: ast.AST) -> bool:
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):

        return receiver.func.attr in orm.QUERYSET_CHAIN
    return isinstance(receiver, ast.Attribute) and (
        receiver.attr in MANAGER_ATTRIBUTES or receiver.attr.endswith("_set"))


def _related_manager_owner(receiver: ast.AST) -> Optional[ast.AST]:
    """`order` in `order.lines.filter(...).create`: the instance a reverse manager belongs to."""
    receiver = unchained(receiver)
    return receiver.value if isinstance(receiver, ast.Attribute) else None


def _with(fields, implied):
    return fields if fields is UNKNOWN_FIELDS else (set(fields) | set(implied))


def _restrict_to_update_fields(call: ast.Call, fields, model: ModelInfo):
    for keyword in call.keywords:
        if keyword.arg == "update_fields" and isinstance(keyword.value, (ast.List, ast.Tuple)):
            names = {e.value for e in keyword.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            allowed = {model.field_for(n) for n in names} - {None}
            return allowed if fields is UNKNOWN_FIELDS else (fields & allowed)
    return fields


def _derived_in_save(project, model: ModelInfo) -> List[Tuple[str, str]]:
    """(field, field it is computed from) for `self.<field> = f(self.<other>)` in the model's save() or a
    base's (module facts record what save() assigns): `self.slug = slugify(self.name)`."""
    found = []
    chain = [model.facts] + [f for _, f in project.ancestors(model.facts)] if model.facts is not None else []
    for facts in chain:
        save = facts.method("save") if facts is not None else None
        for attr, value in save.attributes if save is not None else ():
            target = model.field_for(attr)
            for source in _self_attributes(value):
                origin = model.field_for(source)
                if target is not None and origin is not None and origin != target:
                    found.append((target, origin))
    return found


def _self_attributes(value, depth: int = 0) -> List[str]:
    """`name` for each `self.name` a literal mentions (in a call's arguments, at any depth)."""
    if isinstance(value, Ref):
        head, _, rest = value.dotted.partition(".")
        return [rest] if head == "self" and rest and "." not in rest else []
    if isinstance(value, CallValue) and depth < 4:
        return [name for item in list(value.args) + [v for _, v in value.kwargs]
                for name in _self_attributes(item, depth + 1)]
    return []


def _gives_default(default: Optional[str], value: ast.AST) -> bool:
    """Whether `save(x=value)` writes what the read-only field's default gave DRF's validators: the
    request's user for `CurrentUserDefault()` (`self.request.user`, `request.user`,
    `self.context["request"].user`). Any other value, or default, may differ from the one validated."""
    return default is not None and default.rpartition(".")[2] == "CurrentUserDefault" and is_request_user(value)


def _own_value(value: ast.AST, field: str) -> bool:
    """`serializer.instance.slug` / `obj.slug` for the field `slug`: the edited row's own value."""
    return (isinstance(value, ast.Attribute) and value.attr == field
            and isinstance(value.value, (ast.Name, ast.Attribute)))


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_false_kw(call: ast.Call, name: str) -> bool:
    return any(k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is False
               for k in call.keywords)


def cleaned_data_holder(expr: ast.AST) -> Optional[ast.AST]:
    """`form` for `form.cleaned_data` / `serializer.validated_data`; the `validated_data` parameter of
    a serializer's create()/update() stands for its own class (the resolver maps it)."""
    if isinstance(expr, ast.Attribute) and expr.attr in ("cleaned_data", "validated_data"):
        return expr.value
    if isinstance(expr, ast.Name) and expr.id in ("validated_data", "cleaned_data"):
        return expr
    return None


def _sanitising_call(expr: ast.AST) -> bool:
    """`f(value)`: a function (not a method of the value) given that one value and nothing else."""
    return (isinstance(expr, ast.Call) and len(expr.args) == 1 and not expr.keywords
            and not isinstance(expr.args[0], ast.Starred) and dotted_name(expr.func) is not None)


def cleaned_data_source(expr: ast.AST, follow) -> Optional[Source]:
    """`form.cleaned_data["email"]`, `.get("email")`, `.pop(...)`, also through `data = form.cleaned_data`."""
    key = None
    container = None
    if isinstance(expr, ast.Subscript):
        container = expr.value
        index = expr.slice  # Python 3.9+: the key expression itself (ast.Index is gone in 3.14)
        if isinstance(index, ast.Constant) and isinstance(index.value, str):
            key = index.value
    elif (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
          and expr.func.attr in ("get", "pop") and expr.args):
        container = expr.func.value
        first = expr.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            key = first.value
    holder = cleaned_data_holder(follow(container)) if container is not None else None
    if holder is None or key is None:
        return None
    return Source(holder, key)


def _parameter_for(call: ast.Call, name: str, func, scope: ModuleScope) -> Optional[str]:
    """The parameter of `func` the argument `name` of `call` binds, when it is passed exactly once."""
    keywords = [k.arg for k in call.keywords if isinstance(k.value, ast.Name) and k.value.id == name]
    positions = [i for i, a in enumerate(call.args) if isinstance(a, ast.Name) and a.id == name]
    if len(keywords) + len(positions) != 1 or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if keywords:
        return keywords[0]
    params = positional_parameters(func)
    for param in params:
        if scope.call_position(func, param) == positions[0]:
            return param
    return None


def _after(func) -> ast.AST:
    """A node placed after the whole function: every statement of it comes before."""
    marker = ast.Pass()
    marker.lineno, marker.col_offset = getattr(func, "end_lineno", 10 ** 9) or 10 ** 9, 10 ** 6
    return marker
