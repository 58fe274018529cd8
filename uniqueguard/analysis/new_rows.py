"""Rows inserted by the function itself, and what a unique set referencing one can still collide with.

A unique set holding a reference to a row this function has just inserted (`order =
Order.objects.create(...)`, then `Line.objects.create(order=order, position=1)`) cannot collide with an
existing row: none can reference the new one yet. A lone one-to-one to the new row is the exception when
something else creates that row for every new parent — a post_save receiver, the model's `save()`, the
manager method that inserted the parent (`create_user()`) — and the second insert is the 500: then it is
at risk, and the message names what else creates it.
"""
from __future__ import annotations

import ast
from typing import Any, Dict, NamedTuple, Optional, Set, Tuple

from .fresh_values import unset_field_is_fresh
from .function_ids import enclosing_id
from .scope import BindingKind, FUNCTION_NODES, ModuleScope, call_label
from .. import orm
from ..index import named
from ..index.facts import positional_parameters
from ..paths import inside
from ..index.uniqueness import ModelInfo, UniqueSet


# (who, the file, the line) of what else creates the row
CreatorPlace = Tuple[str, Optional[str], int]

# Builtins that read a list without changing it: handing a list to them adds nothing to it.
READS_ONLY = frozenset({"len", "list", "tuple", "set", "sorted", "reversed", "iter", "enumerate", "zip",
                        "any", "all", "min", "max", "sum", "bool", "print", "isinstance", "repr", "str"})
# What reading a list or dict of new rows may also do to it without adding a row: methods that only read,
# bulk writes that take the rows (`bulk_update(rows, [...])`), `chain(rows, more)`.
_READ_METHODS = frozenset({"keys", "values", "items", "copy", "index"})
_ROW_READERS = orm.BULK | frozenset({"bulk_update", "abulk_update", "chain", "from_iterable"})
_CONFLICT_OPTIONS = ("ignore_conflicts", "update_conflicts")
_ROW_SOURCES = orm.BULK | frozenset({"chain"})  # calls whose value may be rows a bulk_create returned
MAX_ROW_HOPS = 4  # locals, chain() and comprehensions followed to the bulk_create that inserted rows


class Placement(NamedTuple):
    """Where a new parent comes from, for "does the write repeat for one parent": a loop around the
    write gives a new parent per round when it holds every insert in `inserts`, or when it is the loop
    whose iterable `per_round` is (`for unit in <new units>`: each round a different new row)."""

    inserts: Tuple[ast.AST, ...]
    per_round: Optional[ast.AST] = None


class Creator(NamedTuple):
    """What else inserts the one-to-one row for a new parent, for the finding's message."""

    who: str  # "the post_save receiver create_profile()" / "UserManager.create_user()"
    path: Optional[str]
    line: int
    parent: ModelInfo  # the new row's model
    variable: str  # the local holding the new row


class NewRows:
    def __init__(self, scope: ModuleScope, resolver, inserting: frozenset):
        self.scope = scope
        self.resolver = resolver
        self.inserting = inserting  # manager methods whose result is a new row (create, create_user...)
        self.callers: Optional[Any] = None  # the project's callers (analysis/callers.py), for parameters fed new rows
        self.consulted: Set[str] = set()  # functions whose call sites a verdict rested on (helper summaries)

    def verdict(self, unique_set: UniqueSet, model: ModelInfo, values: Dict[str, ast.AST]):
        """(whether the set is still at risk, the Creator when something else inserts the same row)."""
        new_rows = [(name, self._new_row(values[name], model, name)) for name in unique_set.fields
                    if name in values and getattr(model.fields.get(name), "relation", None) in ("fk", "o2o")]
        new_rows = [(name, found) for name, found in new_rows if found is not None]
        if not new_rows:
            return True, None
        if len(unique_set.fields) > 1:
            # `Line(order=<order created above>, position=1)`: nothing holds it yet — unless the write
            # repeats for that one parent (a loop, a bulk_create batch) with the other fields from input.
            name, found = new_rows[0]
            return self._repeats_for_parent(unique_set, model, values, name, found), None
        name, found = new_rows[0]
        parent, variable, method, manager, receiver, _ = found
        # bulk_create() runs neither save() nor post_save receivers: only an override of it may insert more
        bulk = method in orm.BULK
        creator = ((None if bulk else self._receiver_creating(parent, model, name, receiver))
                   or self._method_creating(parent, method, manager, model, saved=not bulk))
        if creator is not None:
            return True, Creator(*creator, parent, variable)
        # `for row in rows: Kit.objects.create(club=club)`: the second round collides with the first
        return self._repeats_for_parent(unique_set, model, values, name, found), None

    def _repeats_for_parent(self, unique_set: UniqueSet, model: ModelInfo, values: Dict[str, ast.AST], field: str,
                            found) -> bool:
        """Whether the write runs more than once for the one new parent — in a loop or comprehension the
        parent's insert is not inside — with no other field of the set distinct by construction in it
        (a `range()` index, a key of a set or dict, a row of a queryset) and no existence check in the
        loop skipping what an earlier round inserted: then the batch's own duplicates collide."""
        placed = found[5] if len(found) > 5 else None
        if placed is not None and not isinstance(placed, Placement):
            placed = Placement((placed,))
        check = None
        looked = False
        for loop, targets, iterable in _loops_around(self.scope, values[field]):
            if placed is not None and (iterable is not None and iterable is placed.per_round or placed.inserts and all(
                    any(node is loop for _, node in self.scope.ancestors(insert)) for insert in placed.inserts)):
                continue  # a new parent per iteration: one row per parent
            if not looked:
                from .guards import CheckFinder  # a late import: guards reads the resolver, as this does

                check = CheckFinder(self.scope, self.resolver).find(values[field], model)
                looked = True
            if check is not None and loop.lineno <= check.line <= getattr(loop, "end_lineno", loop.lineno):
                continue  # `if M.objects.filter(parent=p, n=n).exists(): continue` skips the batch's repeats
            if not any(_distinct_in(values.get(other), targets, iterable, self.resolver)
                       for other in unique_set.fields if other != field):
                return True
        return False

    def _receiver_creating(self, parent, holder: ModelInfo, field: str, own=None) -> Optional[CreatorPlace]:
        """Another post_save receiver inserting the row (`own`, the receiver the write sits in, is not
        another: its insert is the write being judged)."""
        own_facts = self._own_facts()
        creators = self.resolver.project.post_save_creators(parent, holder, field, also=own_facts)
        if own is not None:
            here = getattr(own_facts, "path", None)
            creators = [(r, path) for r, path in creators
                        if not (r.name == own.name and r.lineno == own.lineno and path == here)]
        if not creators:
            return None
        receiver, path = creators[0]
        return f"the post_save receiver {receiver.name}()", path, receiver.lineno

    def _method_creating(self, parent, method: Optional[str], manager: Optional[str],
                         holder: ModelInfo, saved: bool = True) -> Optional[CreatorPlace]:
        """The project's own code that runs on the parent's insert — the model's `save()` (unless the
        parent was not `saved` through it: bulk_create), the manager method called (`create_user()`) —
        when it inserts a `holder` row too."""
        project = self.resolver.project
        chains = [("save", parent.facts)] if parent.facts is not None and saved else []
        if method and manager:
            chains += [(method, project.find_class(dotted)) for dotted in parent.managers.get(manager, ())]
        for name, cls in chains:
            for facts in project.lineage(cls) if cls is not None else ():
                found = facts.method(name)
                if found is None:
                    continue
                for dotted in found.inserts:
                    model = project.model(dotted)
                    if model is not None and model.qualname == holder.qualname:
                        return f"{facts.name}.{name}()", project.module_path(facts.module), found.lineno
        return None

    def _new_row(self, value: ast.AST, model: ModelInfo, field: str):
        """(model, variable, manager method, manager attribute, receiver) when `value` (or its `.pk` /
        `.id`) is a row inserted a moment ago: a local bound only ever, in this function, to a row the
        function inserts (`M.objects.create(...)`, `create_user(...)`, `M(...)` saved before use), an
        insert nested in the write (`Line.objects.create(order=Order.objects.create(...))`), or the
        `instance` of a post_save receiver where `created` is true (then `receiver` is that function,
        whose own insert is not "another" creator); else None."""
        if isinstance(value, ast.Attribute) and value.attr in ("pk", "id"):
            value = value.value
        if isinstance(value, (ast.Call, ast.Await)):
            found = self._insert(value)
            if found is None or found[1] is None:
                return None  # `M(...)` nested in a write is unsaved: Django refuses it
            return (found[0], call_label(value.func) if isinstance(value, ast.Call) else "it", found[1], found[2], None,
                    value)
        if isinstance(value, ast.Subscript):
            picked = self._picked(value)
            return (picked[0], _spelled(value), *picked[1:]) if picked is not None else None
        receiver = fresh_signal_instance(self.scope, value)
        if receiver is not None:
            parent = self.resolver.project.related_model(model, model.fields[field])
            return (parent, _spelled(value), None, None, receiver, None) if parent is not None else None
        if not isinstance(value, ast.Name):
            return None
        local = self._local_insert(value)
        if local is not None:
            binding, func = self.scope.binding_before(value.id, value)
            bound = self._bound_node(value.id, func, binding) if binding is not None and func is not None else None
            return local[0], value.id, local[1], local[2], None, bound
        picked = self._row_held(value)
        if picked is not None:
            return (picked[0], value.id, *picked[1:])
        fresh = self._fresh_parameter(value)
        return (fresh, value.id, None, None, None, None) if fresh is not None else None

    def _fresh_parameter(self, value: ast.AST) -> Optional[ModelInfo]:
        """The model of the rows every call site of the function, anywhere in the project, passes for
        the parameter `value` names, when each one is a row the caller has just inserted (a custom
        signal's `send()` counts as a call of its receivers); else None."""
        if self.callers is None or not isinstance(value, ast.Name):
            return None
        func = self.scope.parameter_of(value)
        if func is None:
            return None
        function = enclosing_id(self.scope, value)
        if function is not None:
            self.consulted.add(function)
        found = self.callers.sites(function)
        if found is None or not found[0] or found[1]:
            return None
        index = self.scope.call_position(func, value.id)  # `obj.method(row)`: row is the 2nd parameter
        models = set()
        for site in found[0]:
            passed = site.passes(index, value.id)
            if passed is None or passed[0] != "new":
                return None
            models.add(passed[1])
        return self.resolver.project.model(models.pop()) if len(models) == 1 else None

    def new_row_model(self, value: ast.AST) -> Optional[ModelInfo]:
        """The model of the row `value` holds when it is one this function has just inserted (a local
        bound to inserts, or an insert itself): what a call passes, for the call graph."""
        if isinstance(value, ast.Attribute) and value.attr in ("pk", "id"):
            value = value.value
        if isinstance(value, (ast.Call, ast.Await)):
            found = self._insert(value)
            return found[0] if found is not None and found[1] is not None else None
        local = self._local_insert(value)
        return local[0] if local is not None else None

    def _local_insert(self, value: ast.AST) -> Optional[tuple]:
        """(model, manager method, manager attribute) when `value` is a local holding a row this function
        inserts: bound only ever to inserts of one model, or to one in effect at the use."""
        if not isinstance(value, ast.Name):
            return None
        func = self.scope.enclosing_function(value)
        bindings = self.scope.bindings(func).get(value.id) if func is not None else None
        inserts = [self._insert(b.value) if b.kind is BindingKind.ASSIGN else None for b in bindings or []]
        known = [insert for insert in inserts if insert is not None]
        if inserts and len(known) == len(inserts) and len({model.qualname for model, _, _ in known}) == 1:
            return known[-1]
        return self._insert_in_effect(value, bindings or ())

    def _bound_node(self, name: str, func, binding) -> Optional[ast.AST]:
        """The Name node a binding binds (to place the parent's insert against loops)."""
        for node in ast.walk(func):
            if (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
                    and (node.lineno, node.col_offset) == (binding.line, binding.col)):
                return node
        return None

    def _insert_in_effect(self, value: ast.Name, bindings) -> Optional[tuple]:
        """The insert `value` holds when its other bindings do not matter: the binding in effect is an
        insert whose statement surely ran before the use (`project = get()` in a `try` that may fail,
        then `project = Project.objects.create(...)`), and no later binding can come round a loop."""
        bound = self._value_in_effect(value, bindings)
        return self._insert(bound) if bound is not None else None

    def _value_in_effect(self, value: ast.Name, bindings=None) -> Optional[ast.AST]:
        """What the assignment in effect at `value` bound it to, when that statement surely ran before the
        use and no later binding of the name can come round a loop; else None."""
        binding, func = self.scope.binding_before(value.id, value)
        if binding is None or binding.kind is not BindingKind.ASSIGN or binding.value is None:
            return None
        if self.scope.statement_of(binding.value) not in self.scope.ran_before(value):
            return None
        if bindings is None:
            bindings = self.scope.bindings(func).get(value.id) or () if func is not None else ()
        position = (value.lineno, value.col_offset)
        in_loop = any(isinstance(parent, (ast.For, ast.AsyncFor, ast.While))
                      for _, parent in self.scope.ancestors(value))
        if in_loop and any((b.line, b.col) > position for b in bindings):
            return None
        return binding.value

    # -------------------------------------------------------------------- rows a bulk_create returned
    def _row_held(self, value: ast.Name) -> Optional[tuple]:
        """(model, manager method, manager attribute, None, Placement) when the local `value` holds one
        of the rows a bulk_create of this function returned: the variable of a loop or comprehension
        over them (`for unit in units:`, a new row each round), or a local bound to one picked from them
        (`component = Component.objects.bulk_create([component])[0]`)."""
        binder = self._loop_binder(value)
        if binder is not None:
            rows = self._rows(binder)
            return self._described(rows, Placement(rows[1], binder)) if rows is not None else None
        binding, _ = self.scope.binding_before(value.id, value)
        if binding is None or not isinstance(binding.value, ast.Subscript):
            return None  # the common case, told apart before the costlier checks of `_value_in_effect`
        bound = self._value_in_effect(value)
        return self._picked(bound) if isinstance(bound, ast.Subscript) else None

    def _picked(self, value: ast.Subscript) -> Optional[tuple]:
        """As `_row_held`, for `rows[i]` of the rows a bulk_create returned, or `lookup[key]` of a dict
        built over them (`{t.original_id: t for t in translations}`): each value is one of those rows.
        The same row may be picked in every round of a loop, so the placement is the insert's."""
        if isinstance(value.slice, ast.Slice):
            return None
        container = value.value
        rows = self._rows(container)
        if rows is None:
            built = self._kept_local(container) if isinstance(container, ast.Name) else container
            if (isinstance(built, ast.DictComp) and len(built.generators) == 1
                    and isinstance(built.generators[0].target, ast.Name) and isinstance(built.value, ast.Name)
                    and built.value.id == built.generators[0].target.id):
                rows = self._rows(built.generators[0].iter)
        return self._described(rows, Placement(rows[1])) if rows is not None else None

    def _described(self, rows, placement: Placement) -> tuple:
        """(model, manager method, manager attribute, receiver, placement) of rows a bulk_create returned."""
        model, calls = rows
        managers = {getattr(self.resolver.manager(call.func.value), "name", None) for call in calls}
        return model, calls[0].func.attr, managers.pop() if len(managers) == 1 else None, None, placement

    def _rows(self, value: ast.AST, depth: int = 0) -> Optional[Tuple[ModelInfo, Tuple[ast.Call, ...]]]:
        """(model, the bulk_create calls) when iterating `value` yields rows this function inserted, each
        once: what `M.objects.bulk_create(objs)` returns (without `ignore_conflicts` / `update_conflicts`,
        which hand back objects whose row was not inserted, or an existing row updated), a local bound to
        that and never added to, `chain()` of distinct ones, a comprehension that passes them through."""
        if depth > MAX_ROW_HOPS:
            return None
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Name):
            bound = self._kept_local(value)
            return self._rows(bound, depth + 1) if bound is not None else None
        if isinstance(value, (ast.ListComp, ast.GeneratorExp)):
            generator = value.generators[0] if len(value.generators) == 1 else None
            if (generator is None or not isinstance(generator.target, ast.Name) or not isinstance(value.elt, ast.Name)
                    or value.elt.id != generator.target.id):
                return None
            return self._rows(generator.iter, depth + 1)
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr in orm.BULK:
            if len(value.args) > 2 or any(k.arg is None or k.arg in _CONFLICT_OPTIONS and not (
                    isinstance(k.value, ast.Constant) and k.value.value is False) for k in value.keywords):
                return None
            objs = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "objs"), None)
            if objs is not None and self._repeats(objs):
                return None
            manager = self.resolver.manager(func.value)
            return (manager.model, (value,)) if manager is not None and manager.model is not None else None
        if (self.resolver.dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None) != "itertools.chain":
            return None
        parts = [self._rows(arg, depth + 1) for arg in value.args]
        if not parts or value.keywords or any(part is None for part in parts):
            return None
        calls = tuple(call for part in parts if part is not None for call in part[1])
        models = {part[0].qualname for part in parts if part is not None}
        if len(models) != 1 or len({id(call) for call in calls}) != len(calls):
            return None  # `chain(units, units)`: each row twice
        return parts[0][0], calls  # type: ignore[index]

    def _repeats(self, objs: ast.AST, depth: int = 0) -> bool:
        """Whether the objects handed to a bulk_create may hold one object twice — a literal naming a local
        twice (`[shelf, shelf]`), a repetition (`[shelf] * n`), a comprehension whose element is a name its
        own `for` does not bind (`[shelf for _ in range(n)]`), also through the local bound to one: its
        rows are then not one per object (the object comes round again in a loop over them)."""
        if isinstance(objs, ast.Name):
            values = self.scope.assigned_values(objs) if depth < MAX_ROW_HOPS else []
            return bool(values) and self._repeats(values[0], depth + 1)
        if isinstance(objs, (ast.List, ast.Tuple)):
            names = [e.id for e in objs.elts if isinstance(e, ast.Name)]
            return len(names) != len(set(names))
        if isinstance(objs, ast.BinOp) and isinstance(objs.op, ast.Mult):
            return True
        if isinstance(objs, (ast.ListComp, ast.GeneratorExp)) and isinstance(objs.elt, ast.Name):
            return objs.elt.id not in {n for g in objs.generators for n in _target_names(g.target)}
        return False

    def _kept_local(self, value: ast.Name) -> Optional[ast.AST]:
        """What the local `value` was bound to, when that binding is in effect and the function never
        adds to or changes what it holds (an append, an item assignment, a call that may fill it)."""
        binding, _ = self.scope.binding_before(value.id, value)
        shape = binding.value.value if binding is not None and isinstance(binding.value, ast.Await) else \
            getattr(binding, "value", None)
        if not (isinstance(shape, (ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.Name)) or (
                isinstance(shape, ast.Call) and isinstance(shape.func, (ast.Name, ast.Attribute))
                and (shape.func.id if isinstance(shape.func, ast.Name) else shape.func.attr) in _ROW_SOURCES)):
            return None  # not a list of rows, a dict over them or a chain of them: no need to look further
        bound = self._value_in_effect(value)
        func = self.scope.enclosing_function(value)
        if bound is None or func is None:
            return None
        name = value.id
        for node in ast.walk(func):
            if (isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del))
                    and isinstance(node.value, ast.Name) and node.value.id == name):
                return None
            if not isinstance(node, ast.Call):
                continue
            callee = node.func
            if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and callee.value.id == name:
                if callee.attr not in _READ_METHODS:
                    return None
            elif any(isinstance(arg, ast.Name) and arg.id == name
                     for arg in list(node.args) + [k.value for k in node.keywords]):
                reader = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", None)
                if reader not in READS_ONLY and reader not in _ROW_READERS:
                    return None  # handed to a function that may add to it
        return bound

    def _loop_binder(self, value: ast.Name) -> Optional[ast.AST]:
        """The iterable of the loop or comprehension whose variable `value` is, when the use is in its
        body and nothing there binds the name again."""
        for child, parent in self.scope.ancestors(value):
            if isinstance(parent, FUNCTION_NODES):
                return None
            if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                # the generators that bind names for the use: those before the one it sits in, and that
                # one too unless the use is its iterable (evaluated before its variable is bound)
                generators = list(parent.generators)
                if child in generators:
                    current = generators.index(child)
                    inside_iter = any(node is value for node in ast.walk(child.iter))
                    generators = generators[:current] if inside_iter else generators[:current + 1]
                for generator in reversed(generators):
                    if isinstance(generator.target, ast.Name) and generator.target.id == value.id:
                        return generator.iter
                    if value.id in _target_names(generator.target):
                        return None
            if isinstance(parent, (ast.For, ast.AsyncFor)) and _target_names(parent.target):
                if value.id not in _target_names(parent.target):
                    continue
                if not isinstance(parent.target, ast.Name) or child not in parent.body:
                    return None
                if any(isinstance(node, ast.Name) and node.id == value.id and isinstance(node.ctx, ast.Store)
                       for statement in parent.body for node in ast.walk(statement)):
                    return None  # rebound in the loop: it may hold something else by the use
                return parent.iter
        return None

    def _insert(self, value: Optional[ast.AST]) -> Optional[tuple]:
        """(model, manager method, manager attribute) of `M.objects.create_user(...)`; (model, None, None)
        of `M(...)`; None for anything else."""
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr in self.inserting:
            manager = self.resolver.manager(func.value)
            return (manager.model, func.attr, manager.name) if manager is not None and manager.model else None
        model = self.resolver.model_class(func)
        if model is None:
            model = self._copy_of(value)
        return (model, None, None) if model is not None else None

    def _copy_of(self, call: ast.Call) -> Optional[ModelInfo]:
        """The model of `obj` when `call` builds a new, unsaved instance of its class — `obj.__class__(...)`,
        `type(obj)(...)`, or a project function whose every `return` is one of those for a parameter
        (`copy_model_instance(obj)`): saved, it is a new row, as `M(...)` is."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "__class__":
            return self.resolver.instance_model(func.value)
        if (isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id == "type"
                and len(func.args) == 1 and not func.keywords):
            return self.resolver.instance_model(func.args[0])
        dotted = self.resolver.dotted(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        project = self.resolver.project
        path = project.module_path(dotted.rpartition(".")[0]) if dotted and "." in dotted else None
        if dotted is None or path is None or not inside(path, project.root):
            return None  # only the project's own helpers: an installed package's module is not read for it
        found = named.function_facts(project, dotted)
        if found is None:
            return None
        position = named.copied_parameter(found[0])
        if position is None:
            return None
        name = found[0].params[position]
        passed = [k.value for k in call.keywords if k.arg == name]
        if position < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:position + 1]):
            passed.append(call.args[position])
        return self.resolver.instance_model(passed[0]) if len(passed) == 1 else None

    def object_of_the_round(self, value: ast.AST) -> bool:
        """Whether `value` is `obj.pk` / `obj.id` of an object built without a primary key (`obj =
        IpAddress(subnet=s, ip=a)`) by a statement that surely ran in the same round of every loop
        around `value`: until saved its pk is NULL, or its default, drawn per object (a UUID), and once
        saved it is a new row's — so each object of a batch references its own one, which no row holds
        yet. A model whose primary key is a field without a fresh default is not such an object."""
        if not (isinstance(value, ast.Attribute) and value.attr in ("pk", "id") and isinstance(value.value, ast.Name)):
            return False
        name = value.value.id
        binding, func = self.scope.binding_before(name, value)
        if (binding is None or func is None or binding.kind is not BindingKind.ASSIGN
                or not isinstance(binding.value, ast.Call) or binding.value.args
                or any(k.arg in (None, "pk", "id") for k in binding.value.keywords)):
            return False
        built = binding.value
        if self.scope.statement_of(built) not in self.scope.ran_before(value):
            return False
        loops = {id(loop) for loop, _, _ in _loops_around(self.scope, value)}
        if loops - {id(loop) for loop, _, _ in _loops_around(self.scope, built)}:
            return False  # built once, read in every round of a loop around the read
        if any(isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and n.attr in ("pk", "id")
               and isinstance(n.value, ast.Name) and n.value.id == name for n in ast.walk(func)):
            return False  # `obj.pk = ...`: a key chosen by the code
        model = self.resolver.model_class(built.func)
        if model is None:
            return self._unread_model(built.func)
        pk = next((f for f in model.fields.values() if f.primary_key), None)
        if pk is not None and any(k.arg == pk.name for k in built.keywords):
            return False  # `Subnet(uuid=value)`: the key is chosen
        return pk is None or pk.kind.endswith("AutoField") or (
            pk.default is not None and unset_field_is_fresh(self.resolver.project, pk, _PK_SET))

    def _unread_model(self, func: ast.AST) -> bool:
        """A class bound to a model loader (`IpAddress = swapper.load_model("ipam", "IpAddress")`,
        `apps.get_model(...)`) whose model the project cannot read: a model, with Django's own primary
        key unless its source says otherwise, which nobody can read here."""
        if not isinstance(func, ast.Name):
            return False
        binding, _ = self.scope.binding_before(func.id, func)
        loader = binding.value if binding is not None and binding.kind is BindingKind.ASSIGN else None
        callee = self.resolver.dotted(loader.func) if isinstance(loader, ast.Call) else None
        return callee is not None and callee.rpartition(".")[2] in MODEL_LOADERS

    def _own_facts(self):
        """The linted module's facts, for its own receivers (built from its tree on first use)."""
        return self.resolver.project.module(self.scope.module) if self.scope.module else None


MODEL_LOADERS = ("load_model", "get_model")  # swapper.load_model, apps.get_model: they return a model class
_PK_SET = UniqueSet(("pk",), "primary_key", "")


# ------------------------------------------------------------------------------ post_save, created
def fresh_signal_instance(scope: ModuleScope, value: ast.AST) -> Optional[ast.AST]:
    """The receiver function when `value` is the saved instance of a post_save receiver (its `instance`
    parameter, `kwargs["instance"]`, `kwargs.get("instance")`, or a local bound only to one of those) and
    `value` is reached only when `created` is true: under `if created:` (also `kwargs.get("created")`,
    `kwargs["created"]`), in the `else` of `if not created`, or after an early `if not created: return`."""
    func = scope.enclosing_function(value)
    if func is None or isinstance(func, ast.Lambda) or not _is_instance(scope, func, value):
        return None
    return func if _created_only(scope, func, value) else None


def _is_instance(scope: ModuleScope, func, value: ast.AST, depth: int = 0) -> bool:
    if _kwargs_item(func, value, "instance"):
        return True
    if not isinstance(value, ast.Name) or depth > 3:
        return False
    bindings = scope.bindings(func).get(value.id) or []
    positional = positional_parameters(func)
    named = value.id == "instance" or (len(positional) > 2 and positional[1] == value.id and "created" in positional)
    if named and bindings and all(b.kind is BindingKind.PARAM for b in bindings):
        return True
    return bool(bindings) and all(b.kind is BindingKind.ASSIGN and b.value is not None
                                  and _is_instance(scope, func, b.value, depth + 1) for b in bindings)


def _kwargs_item(func, node: ast.AST, key: str) -> bool:
    """`kwargs["key"]` or `kwargs.get("key")` on the function's `**kwargs`."""
    star = func.args.kwarg.arg if func.args.kwarg is not None else None
    if star is None:
        return False
    if isinstance(node, ast.Subscript):
        container, index = node.value, node.slice
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
          and node.args):
        container, index = node.func.value, node.args[0]
    else:
        return False
    return (isinstance(container, ast.Name) and container.id == star and isinstance(index, ast.Constant)
            and index.value == key)


def _created(func, test: ast.AST) -> Optional[bool]:
    """True when the test holds only if `created` is true, False when it holds only if it is false."""
    if isinstance(test, ast.Name) and test.id == "created":
        return True
    if _kwargs_item(func, test, "created"):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is True and isinstance(test.ops[0], (ast.Is, ast.Eq)):
        return _created(func, test.left)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _created(func, test.operand)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        parts = [_created(func, v) for v in test.values]
        if isinstance(test.op, ast.And) and True in parts:
            return True  # `if created and not raw:`
        if isinstance(test.op, ast.Or) and False in parts:
            return False  # `if not created or raw: return`
    return None


def _created_only(scope: ModuleScope, func, node: ast.AST) -> bool:
    for child, parent in scope.ancestors(node):
        if parent is func:
            return _early_return(func, func.body, child)
        if isinstance(parent, ast.If):
            verdict = _created(func, parent.test)
            if (verdict is True and child in parent.body) or (verdict is False and child in parent.orelse):
                return True
        for block in ("body", "orelse", "finalbody"):
            statements = getattr(parent, block, None)
            if isinstance(statements, list) and child in statements and _early_return(func, statements, child):
                return True
        if isinstance(parent, FUNCTION_NODES):
            return False
    return False


def _early_return(func, statements, child) -> bool:
    """`if not created: return` before `child` in the same block."""
    for statement in statements[: statements.index(child)] if child in statements else ():
        if (isinstance(statement, ast.If) and statement.body and isinstance(statement.body[-1], (ast.Return, ast.Raise))
                and _created(func, statement.test) is False):
            return True
    return False


def _spelled(value: ast.AST) -> str:
    return value.id if isinstance(value, ast.Name) else ast.unparse(value)


# ------------------------------------------------------------------------------ repeated writes
def _loops_around(scope: ModuleScope, node: ast.AST):
    """(loop node, names it binds per round, what it iterates) for each loop or comprehension around
    `node` within its function, innermost first."""
    for child, parent in scope.ancestors(node):
        if isinstance(parent, FUNCTION_NODES):
            return
        if isinstance(parent, (ast.For, ast.AsyncFor)) and child in parent.body:
            yield parent, _target_names(parent.target), parent.iter
        elif isinstance(parent, (ast.While,)) and child in parent.body:
            yield parent, {}, None
        elif isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            for generator in parent.generators:
                if child is not generator.iter:
                    yield parent, _target_names(generator.target), generator.iter


def _target_names(target: ast.AST) -> Dict[str, int]:
    """Names a loop target binds, with their position in a tuple target (-1 for the whole item)."""
    if isinstance(target, ast.Name):
        return {target.id: -1}
    if isinstance(target, (ast.Tuple, ast.List)):
        return {e.id: i for i, e in enumerate(target.elts) if isinstance(e, ast.Name)}
    return {}


DISTINCT_BUILDERS = ("range", "set", "frozenset", "dict")


def _distinct_in(value: Optional[ast.AST], targets: Dict[str, int], iterable, resolver) -> bool:
    """Whether `value` differs in every round: the loop variable (or its pk, or text built from it) over
    an iterable whose items are distinct — `range()`, `enumerate()`'s index, a set, a dict's keys, the
    rows of a queryset."""
    if value is None or iterable is None:
        return False
    names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name) and n.id in targets}
    if isinstance(value, ast.Attribute) and value.attr not in ("pk", "id"):
        # `row.name`: attributes of distinct rows may repeat — unless the rows are unique on it there
        return (isinstance(value.value, ast.Name) and targets.get(value.value.id) == -1
                and _unique_among_rows(value.attr, iterable, resolver))
    for name in names:
        position = targets[name]
        source = iterable
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.func.id == "enumerate":
            if position == 0:
                return True  # the index
            continue
        if (isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute)
                and source.func.attr in ("items", "keys")):
            if position in (0, -1):
                return True
            continue
        if position != -1:
            continue
        if isinstance(source, (ast.Set, ast.SetComp, ast.Dict, ast.DictComp)):
            return True
        if isinstance(source, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) for e in source.elts):
            literals = [e.value for e in source.elts if isinstance(e, ast.Constant)]
            return len(set(literals)) == len(literals)  # distinct literals
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.func.id in DISTINCT_BUILDERS:
            return True
        if isinstance(value, ast.Name) or isinstance(value, ast.Attribute):
            found = resolver.manager(source) if isinstance(source, (ast.Call, ast.Attribute)) else None
            if found is not None and found.model is not None:
                return True  # the rows of a queryset
    return False


EQUALS = ((), ("exact",), ("pk",), ("id",))
MAX_CHAIN = 24  # queryset methods and local names followed from a loop's iterable


def _unique_among_rows(attribute: str, iterable: ast.AST, resolver) -> bool:
    """Whether `row.<attribute>` differs for every row of the queryset `iterable`: its model has a
    (non-conditional) unique set of that field and fields the queryset pins to one value
    (`Price.objects.filter(product=p, shop=s)` with `(product, shop, group)` unique: each row's `group`
    is its own). Filters through a many-valued relation may repeat a row, so any such filter spoils it."""
    found = resolver.manager(iterable) if isinstance(iterable, (ast.Call, ast.Attribute, ast.Name)) else None
    if found is None or found.model is None:
        return False
    model = found.model
    pinned = set(found.implied)
    node = iterable
    for _ in range(MAX_CHAIN):
        if isinstance(node, ast.Name):  # `qs = Price.objects.filter(...)`, then `for p in qs.filter(...)`
            binding, _ = resolver.scope.binding_before(node.id, node)
            if binding is None or binding.kind is not BindingKind.ASSIGN or binding.value is None:
                break
            node = binding.value
            continue
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            break
        if node.func.attr not in orm.ROW_PRESERVING:
            return False  # a method that may add or repeat rows (`union()`, `values()`...)
        if node.func.attr == "filter":
            if node.args:
                return False  # `Q(...)` objects: what they join is not read
            for keyword in node.keywords:
                pinned_field = _filter_field(model, keyword, resolver.project)
                if pinned_field is False:
                    return False
                if pinned_field:
                    pinned.add(pinned_field)
        node = node.func.value
    else:
        return False
    if isinstance(node, ast.Call):
        return False
    name = _field_name(model, attribute) or attribute
    return any(name in s.fields and not s.conditional and set(s.fields) - {name} <= pinned
               for s in model.unique_sets)


def _filter_field(model: ModelInfo, keyword: ast.keyword, project):
    """The field a filter keyword pins to one value (`shop=s`, `shop_id=s`, `shop__pk=s`); "" when it
    filters otherwise without repeating rows (a lookup, forward relations only: `order__number=...`);
    False when it may repeat rows (through a many-valued or reverse relation), names no field of the
    model, is `**kwargs`, or pins NULL, which does not make rows unique."""
    if keyword.arg is None or (isinstance(keyword.value, ast.Constant) and keyword.value.value is None):
        return False
    parts = keyword.arg.split("__")
    head = _field_name(model, parts[0])
    if head is None:
        return False
    if tuple(parts[1:]) in EQUALS:
        return head
    current: Optional[ModelInfo] = model
    for index, part in enumerate(parts):
        name = _field_name(current, part) if current is not None else None
        field = current.fields.get(name) if current is not None and name else None
        if name is None:
            return "" if index == len(parts) - 1 and index > 0 else False  # the lookup (`__startswith`)
        if field is None or field.relation is None:
            return "" if index >= len(parts) - 2 else False  # a column, then at most its lookup
        if field.relation not in ("fk", "o2o"):
            return False  # a many-to-many: one row per related row
        current = project.related_model(current, field)
    return ""


def _field_name(model: ModelInfo, name: str) -> Optional[str]:
    """The field `name` spells on `model` (`pk`, `<relation>_id` included); None when it is none."""
    if name == "pk":
        return next((f.name for f in model.fields.values() if f.primary_key), "id")
    if name in model.fields or name == "id":
        return name
    if name.endswith("_id") and getattr(model.fields.get(name[:-3]), "relation", None) in ("fk", "o2o"):
        return name[:-3]
    return None
