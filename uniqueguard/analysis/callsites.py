"""Call sites of one module as call facts for the project call graph (index/callgraph.py).

For each reference to a function name the graph asks about, it says which project function the name
denotes — a function of this module (nested definitions shadow module-level ones), one imported from
another module (through re-exports), a method on `self` / `cls` / `super()` (found in the class or its
bases), a method of a class named through an import, of a resolved model instance, or of a model's
manager — and, for a call, what stands around it: the handler catching IntegrityError, the atomic block
that handler runs in, the existence check the call is reached after, which arguments are rows inserted
just before. A reference that is not called (a callback, a URL route) is recorded as an escape.
"""
from __future__ import annotations

import ast
import os
from typing import Dict, List, Optional, Tuple

from .. import orm
from ..index.callgraph import CallSite, Check, NameCalls, function_id, untyped_callee
from .function_ids import enclosing_id, function_qualname
from ..index.facts import CallValue, ClassFacts, positional_parameters
from .guards import CheckFinder, atomic_around, handler_guard, only_reraises, savepoint_between
from .argument_kinds import (ANY_KEY, CONSTANT, FORM, FORWARD, KEYS, NEW, NONE, PARAMETER, RANDOM, UNKNOWN_KIND, VALUE,
                             signature_of)
from .cleaned_copies import copied_from, keys_only_removed, returns_copy
from .fresh_values import is_random_token
from ..index.form_keys import keys_stored
from ..index.sources import project_method
from .new_rows import NewRows
from .resolve import Resolver
from ..paths import inside
from .scope import BindingKind, ModuleScope
from .writes import cleaned_data_holder, cleaned_data_source

MAX_REEXPORT_HOPS = 8


class CallSites:
    """Reads one module's references to given function names into call facts."""

    def __init__(self, scope: ModuleScope, resolver: Resolver, path: str, extra_guards: frozenset,
                 atomic_requests: bool):
        self.scope = scope
        self.resolver = resolver
        self.project = resolver.project
        self.path = os.path.abspath(path)
        self.extra = extra_guards
        self.atomic_requests = atomic_requests
        self.checks = CheckFinder(scope, resolver)
        self.new_rows = NewRows(scope, resolver, orm.CREATE | orm.USER_CREATE)
        self._module_defs = {f.name: f for f in scope.tree.body
                             if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}

    def extract(self, names: frozenset) -> Dict[str, NameCalls]:
        sites: Dict[str, List[CallSite]] = {}
        escapes: Dict[str, List[str]] = {}
        aliases = {local: target.rpartition(".")[2] for local, target in self.scope.names.imports.items()
                   if local != target.rpartition(".")[2] and target.rpartition(".")[2] in names}
        for node in self.scope.loads_named(names.union(aliases)):
            name = node.id if isinstance(node, ast.Name) else node.attr
            name = aliases.get(name, name) if isinstance(node, ast.Name) else name  # `import issue as give`
            if name not in names:
                continue
            callee = self.callee(node)
            parent = self.scope.parent(node)
            if callee is None:
                if isinstance(node, ast.Attribute) and isinstance(parent, ast.Call) and parent.func is node:
                    site = self.untyped_site(parent, name)  # `x.name(...)` on a receiver nothing types
                    if site is not None:
                        sites.setdefault(name, []).append(site)
                continue
            if isinstance(parent, ast.Call) and parent.func is node:
                site = self.site(parent, callee)
                if site is not None and site.caller != callee:  # recursion says nothing of outside callers
                    sites.setdefault(name, []).append(site)
            elif not (isinstance(parent, ast.Attribute) and parent.value is node) and not self._connected(node):
                escapes.setdefault(name, []).append(callee)
        return {name: NameCalls(tuple(sites.get(name, ())), tuple(escapes.get(name, ()))) for name in names}

    # ------------------------------------------------------------------------------------ signals
    def _connected(self, node: ast.AST) -> bool:
        """`signal.connect(function)` of a project signal: its `send()`s are the function's calls."""
        parent = self.scope.parent(node)
        return (isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Attribute)
                and parent.func.attr == "connect" and self.signal(parent.func.value) is not None)

    def signal(self, expr: ast.AST) -> Optional[str]:
        """The id (`module:name`) of the project's own signal `expr` names (`name = Signal()`), else None."""
        dotted = self.resolver.dotted(expr)
        found = self._project_function(dotted) if dotted and "." in dotted else None
        if found is None and isinstance(expr, ast.Name) and self.scope.module:
            found = function_id(self.scope.module, expr.id)
        if found is None or "." in found.partition(":")[2]:
            return None
        facts = self.project.module(found.partition(":")[0])
        value = facts.assigned(found.partition(":")[2]) if facts is not None else None
        return found if isinstance(value, CallValue) and value.last == "Signal" else None

    def signals_received(self) -> Dict[str, List[str]]:
        """Module-level function name → the project signals it is connected to here (`@receiver(signal)`,
        `signal.connect(function)`), for every function of the module at once: a module is asked for
        several of its receivers, and its tree is seldom still in hand by the second."""
        found: Dict[str, List[Optional[str]]] = {}
        for qualname, func in self._module_defs.items():
            for decorator in func.decorator_list:
                if not (isinstance(decorator, ast.Call)
                        and (self.resolver.dotted(decorator.func) or "").endswith("receiver")):
                    continue
                targets = decorator.args[:1]
                if targets and isinstance(targets[0], (ast.List, ast.Tuple)):
                    targets = targets[0].elts
                found.setdefault(qualname, []).extend(self.signal(target) for target in targets)
        for call in self.scope.method_calls:
            connect = call.func
            if (isinstance(connect, ast.Attribute) and connect.attr == "connect" and call.args
                    and isinstance(call.args[0], ast.Name)):
                found.setdefault(call.args[0].id, []).append(self.signal(connect.value))
        return {name: [s for s in signals if s is not None] for name, signals in found.items()}

    def signals_connecting(self) -> Dict[str, List[str]]:
        """Function id → the project signals this module connects that function to:
        `account_opened.connect(receivers.open_wallet)` in an AppConfig's `ready()` or anywhere else."""
        found: Dict[str, List[str]] = {}
        for call in self.scope.method_calls:
            connect = call.func
            if (isinstance(connect, ast.Attribute) and connect.attr == "connect" and call.args
                    and isinstance(call.args[0], (ast.Name, ast.Attribute))):
                function = self.callee(call.args[0])
                signal = self.signal(connect.value) if function is not None else None
                if function is not None and signal is not None:
                    found.setdefault(function, []).append(signal)
        return found

    # ------------------------------------------------------------------------------------ callees
    def callee(self, node: ast.AST) -> Optional[str]:
        """The function id a Name/Attribute reference denotes, if it denotes a project function."""
        if isinstance(node, ast.Name):
            local = self._nested_def(node)
            if local is not None:
                qualname = function_qualname(self.scope, local)
                return function_id(self.scope.module, qualname) if qualname else None
            if node.id in self._module_defs and node.id not in self.scope.names.imports:
                return function_id(self.scope.module, node.id)
            dotted = self.resolver.dotted(node)
            return self._project_function(dotted) if dotted and dotted != node.id else None
        if not isinstance(node, ast.Attribute):
            return None
        value = node.value
        if node.attr in ("send", "send_robust"):
            signal = self.signal(value)
            if signal is not None:
                return signal + ".send"
        if isinstance(value, ast.Name) and value.id in ("self", "cls"):
            return self._method_of_enclosing_class(node, node.attr, skip_own=False)
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"):
            return self._method_of_enclosing_class(node, node.attr, skip_own=True)
        dotted = self.resolver.dotted(node)
        if dotted is not None:
            found = self._project_function(dotted)
            if found is not None:
                return found
        instance = self.resolver.instance_model(value)
        if instance is not None and instance.facts is not None:
            return self._method_in_chain(instance.facts, node.attr)
        manager = self.resolver.manager(value)
        if manager is not None and manager.model is not None:
            for dotted_manager in manager.model.managers.get(manager.name, ()):
                cls = self.project.find_class(dotted_manager)
                found = self._method_in_chain(cls, node.attr) if cls is not None else None
                if found is not None:
                    return found
        return None

    def _nested_def(self, node: ast.Name) -> Optional[ast.AST]:
        func = self.scope.enclosing_function(node)
        while func is not None:  # nested defs shadow module-level ones
            body = func.body if isinstance(func.body, list) else []
            for stmt in body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == node.id:
                    return stmt
            func = self.scope.enclosing_function(func)
        return None

    def _method_of_enclosing_class(self, node: ast.AST, name: str, skip_own: bool) -> Optional[str]:
        func = self.scope.enclosing_function(node)
        cls = self.scope.enclosing_class(func) if func is not None else None
        if cls is None:
            return None
        if not skip_own:
            for stmt in cls.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                    qualname = function_qualname(self.scope, stmt)
                    return function_id(self.scope.module, qualname) if qualname else None
        if self.scope.parent(cls) is not self.scope.tree:
            return None
        facts = self.project.find_class(f"{self.scope.module}.{cls.name}")
        if facts is None:
            return None
        for _, base in self.project.ancestors(facts):
            if base is not None and base.method(name) is not None:
                return function_id(base.module, f"{base.name}.{name}")
        return None

    def _method_in_chain(self, cls: Optional[ClassFacts], name: str) -> Optional[str]:
        if cls is None:
            return None
        for facts in self.project.lineage(cls):
            if facts.method(name) is not None:
                return function_id(facts.module, f"{facts.name}.{name}")
        return None

    def _project_function(self, dotted: str, hops: int = 0) -> Optional[str]:
        """`shop.services.issue` → `shop.services:issue`; `shop.services.Service.issue` →
        `shop.services:Service.issue`, through re-exports; None outside the project's own modules."""
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            path = self.project.module_path(module)
            if path is None:
                continue
            if not inside(path, self.project.root):
                return None
            rest = parts[cut:]
            facts = self.project.module(module)
            if facts is None or facts.error:
                return None
            target = facts.import_map().get(rest[0])
            if target is not None and hops < MAX_REEXPORT_HOPS:
                return self._project_function(".".join([target] + rest[1:]), hops + 1)
            if len(rest) == 1 and facts.cls(rest[0]) is not None:
                return None  # a class called: a constructor, not a function
            if len(rest) > 2:
                return None
            return function_id(module, ".".join(rest))
        return None

    # ------------------------------------------------------------------------------------- a site
    def untyped_site(self, call: ast.Call, name: str) -> Optional[CallSite]:
        """A call of a method `name` on a receiver the resolver cannot type: it may call any project
        function of that name, so what it passes counts among their callers' arguments (never as a
        guard of theirs: callers.py reads only resolved calls for that)."""
        caller = enclosing_id(self.scope, call)
        if caller is None:
            return None
        return CallSite(self.path, caller, untyped_callee(name), call.lineno, call.col_offset, args=self._args(call))

    def site(self, call: ast.Call, callee: str) -> Optional[CallSite]:
        caller = enclosing_id(self.scope, call)
        if caller is None:
            return None
        guard = handler_guard(self.scope, call, self.extra)
        atomic: tuple = ()
        if (guard is not None and guard.kind == "try" and not savepoint_between(self.scope, call, guard.node)
                and not only_reraises(self.scope, guard.node, self.extra)):  # a re-raise rolls back: no UNQ003
            context = atomic_around(self.scope, guard.node, self.atomic_requests, self.project)
            if context is not None:
                atomic = (context.line, context.how)
        check = self.checks.find(call, None)
        checks = (Check(check.line, check.text, check.model),) if check is not None and check.model else ()
        around = atomic_around(self.scope, call, self.atomic_requests, self.project)
        within = (around.line, around.how) if around is not None else ()  # a try in the callee needs a savepoint
        return CallSite(self.path, caller, callee, call.lineno, call.col_offset,
                        guard.line if guard is not None else 0, atomic, checks, self._args(call), within)

    def _args(self, call: ast.Call) -> tuple:
        """What the call passes, as ((key, kind, detail), ...): key "0", "1"... for a positional argument,
        the keyword for a keyword one, "self" for the receiver of `x.method(...)`, "**" for each `**`
        unpacking and "*" for a `*` one (argument_kinds.py says what each kind means)."""
        found = []
        for index, value in enumerate(call.args):
            if isinstance(value, ast.Starred):
                found.append(("*", "unknown", ""))
                break  # the positions after it are unknown
            found.append((str(index), *self._kind(value)))
        for keyword in call.keywords:
            if keyword.arg is None:
                found.append(("**", *self._spread(keyword.value)))
            else:
                found.append((keyword.arg, *self._kind(keyword.value)))
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        if receiver is not None and not (isinstance(receiver, ast.Name) and receiver.id in ("self", "cls")):
            kind = self._kind(receiver)
            if kind[0] != VALUE:
                found.append(("self", *kind))
        return tuple(found)

    def _kind(self, value: ast.AST) -> Tuple[str, str]:
        """(kind, detail) of one argument: a row just inserted, a fresh random token, a parameter passed
        on, None, a constant's truth, a validated form's value, or a plain value."""
        model = self.new_rows.new_row_model(value)
        if model is not None:
            return NEW, model.qualname
        if is_random_token(value, self.resolver.dotted, self._follow):
            return RANDOM, ""
        followed = self._follow(value)
        passed_on = self._own_parameter(followed)
        if passed_on is not None:
            return PARAMETER, passed_on
        if isinstance(followed, ast.Constant):
            if followed.value is None:
                return NONE, ""
            return CONSTANT, "1" if followed.value else "0"
        source = cleaned_data_source(followed, self._follow)
        validator = self.resolver.validator(source.holder) if source is not None else None
        if source is not None and validator is not None and validator.classes:
            return FORM, f"{'+'.join(validator.classes)}|{source.field or ''}"
        return VALUE, ""

    def _own_parameter(self, value: ast.AST) -> Optional[str]:
        """"name@index" when `value` is a parameter of the calling function, never rebound, passed on
        (index: its call position, `self` left out; -1 when keyword-only): its callers decide it."""
        func = self.scope.parameter_of(value)
        if func is None or not isinstance(value, ast.Name):
            return None
        signature = signature_of(func, self.scope.takes_self(func))
        if value.id in signature.positional:
            return f"{value.id}@{signature.positional.index(value.id)}"
        return f"{value.id}@-1" if value.id in signature.keyword_only else None

    def _spread(self, value: ast.AST) -> Tuple[str, str]:
        """(kind, detail) of `**value`: a validated form's cleaned data (or a copy of it:
        cleaned_copies.py), a dict of known keys, the caller's own `**kwargs` passed on unchanged, or
        unknown. A form's data the caller may have added keys to is FORM with the key ANY_KEY."""
        followed = self._follow(value)
        holder = cleaned_data_holder(followed)
        if holder is None:
            holder = self._copy_holder(followed)
        validator = self.resolver.validator(holder) if holder is not None else None
        if holder is not None and validator is not None and validator.classes:
            kept = self._no_key_added(value, holder)
            return FORM, f"{'+'.join(validator.classes)}|{'' if kept else ANY_KEY}"
        keys = [k.value for k in followed.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)] \
            if isinstance(followed, ast.Dict) else None
        if keys is not None and isinstance(followed, ast.Dict) and len(keys) == len(followed.keys):
            return KEYS, ",".join(keys)
        if isinstance(value, ast.Name) and self._unchanged_kwargs(value):
            return FORWARD, value.id
        return UNKNOWN_KIND, ""

    def _copy_holder(self, expr: ast.AST) -> Optional[ast.AST]:
        """`form` when `expr` copies or filters `form.cleaned_data` key by key (`dict(...)`, `.copy()`, a
        comprehension over its items), or is a call `self.method()` of a project method of the form's
        class every return of which does so for `self.cleaned_data`."""
        source = copied_from(expr, lambda e: cleaned_data_holder(self._follow(e)) is not None)
        if source is not None:
            return cleaned_data_holder(self._follow(source))
        if not (isinstance(expr, ast.Call) and not expr.args and not expr.keywords
                and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Name)
                and expr.func.value.id == "self"):
            return None
        callee = self.callee(expr.func)
        module, _, qualname = (callee or "").partition(":")
        owner, _, method = qualname.rpartition(".")
        found = project_method(self.project, f"{module}.{owner}", method) if owner else None
        if found is None:
            return None
        params = positional_parameters(found[0])
        own = params[0] if params else None
        own_data = (lambda e: isinstance(e, ast.Attribute) and e.attr == "cleaned_data"
                    and isinstance(e.value, ast.Name) and e.value.id == own)
        return expr.func.value if own and returns_copy(found[0], own_data) else None

    def _no_key_added(self, value: ast.AST, holder: ast.AST) -> bool:
        """Whether the dict spread holds no key the form's cleaned_data lacked: a local bound to it is
        only read or has keys removed (`.pop()`, `del`), and — for a form other than the caller's own
        `self`, whose class chain form_keys.py reads with this method in it — the caller stores no key
        into a cleaned_data."""
        func = self.scope.enclosing_function(value)
        if func is None or isinstance(func, ast.Lambda):
            return False
        if isinstance(value, ast.Name) and not keys_only_removed(func, value.id):
            return False
        if isinstance(holder, ast.Name) and holder.id == "self":
            return True
        return keys_stored(func, False) == set()

    def _unchanged_kwargs(self, name: ast.Name) -> bool:
        """`**kwargs` of the enclosing function, passed on as received: bound once (the parameter), and
        used nowhere but in `**` unpackings (no key added, popped or changed on the way)."""
        func = self.scope.enclosing_function(name)
        if func is None or isinstance(func, ast.Lambda) or func.args.kwarg is None or func.args.kwarg.arg != name.id:
            return False
        bindings = self.scope.bindings(func).get(name.id) or ()
        if len(bindings) != 1 or bindings[0].kind != BindingKind.PARAM:
            return False
        for node in ast.walk(func):
            if isinstance(node, ast.Name) and node.id == name.id and node is not name:
                parent = self.scope.parent(node)
                if not (isinstance(parent, ast.keyword) and parent.arg is None):
                    return False
        return True

    def _follow(self, expr: ast.AST, hops: int = 0) -> ast.AST:
        """Through local names to the expression they were last bound to."""
        return self.scope.follow_locals(expr, hops)
