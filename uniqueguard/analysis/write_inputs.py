"""Which of a write's values its callers decide: the parameters each field of a unique set comes from,
and the tests on parameters that leave the function before the write.

Read from the write's own function, once per write (argument_kinds.py judges them against what each
call passes):

- a field written from a parameter (`name=name`), from `self` (`self.items.create(...)` sets the
  foreign key to `self`), or from the function's `**kwargs` unpacked into the write
  (`create(name=name, **kwargs)`: a field not written otherwise is whatever key a caller passes);
- a dict built in the function and unpacked into the write (`data = base.copy(); data["name"] = name`;
  `kwargs.update({"vcs": "local"})`; `data = dict(queue=queue, identifier=token)`): a key assigned on every
  path before the write holds that value, whatever the dict held before, as does a literal key it was
  built with that nothing assigns later;
- a parameter rebound once, ahead of the write on every path, as `x = x or <fresh random token>`: the
  caller's value when truthy, else a value nobody holds (Input.or_fresh);
- `if flag: return ...` / `if not flag: raise ...` before the write, on a parameter never rebound: a call
  whose argument takes that branch never reaches the write.
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, List, Optional, Tuple

from .argument_kinds import SELF, SPREAD, Exit, Input, Signature, encode_exits, encode_inputs, signature_of
from .scope import BindingKind, ModuleScope
from ..index.facts import positional_parameters

_UNKNOWN = ast.Pass()  # a key whose value the function may have changed in a way not read


def read(scope: ModuleScope, call: ast.Call, values: Dict[str, ast.AST], unknown_fields: bool,
         sets, field_for, random_token: Callable[[ast.AST], bool] = lambda value: False) -> Tuple[str, str, str]:
    """(HelperWrite.inputs, signature, exits) of a write; empty strings when it is not in a function.
    `random_token(value)`: whether a value is a fresh random token (fresh_values.is_random_token)."""
    func = scope.enclosing_function(call)
    if func is None or isinstance(func, ast.Lambda):
        return "", "", ""
    is_method = scope.takes_self(func)
    signature = signature_of(func, is_method)
    reader = _Reader(scope, func, signature, is_method, call, random_token)
    spread = reader.spread(call) if unknown_fields else None
    sets = [reader.inputs(unique_set.fields, values, spread, field_for) for unique_set in sets]
    inputs = ";".join(encode_inputs([one]) if one is not None else "-" for one in sets)
    return inputs if any(one is not None for one in sets) else "", signature.encode(), encode_exits(reader.exits(call))


class _Reader:
    def __init__(self, scope: ModuleScope, func, signature: Signature, is_method: bool, call: ast.Call,
                 random_token: Callable[[ast.AST], bool]):
        self.scope = scope
        self.func = func
        self.signature = signature
        self.call = call
        self.random_token = random_token
        args = func.args
        positional = positional_parameters(func)
        self.self_name = positional[0] if is_method and positional else None
        self.defaults: Dict[str, ast.AST] = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        self.defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)

    def param(self, name: str) -> bool:
        """A parameter of the function never rebound in it."""
        bindings = self.scope.bindings(self.func).get(name) or ()
        return bool(bindings) and all(b.kind == BindingKind.PARAM for b in bindings)

    def input_of(self, field: str, value: ast.AST) -> Optional[Input]:
        if not isinstance(value, ast.Name):
            return None
        or_fresh = not self.param(value.id) and self._or_fresh(value)
        if not (or_fresh or self.param(value.id)):
            return None
        if value.id == self.self_name:
            return None if or_fresh else Input(field, SELF, -1)
        if not self.signature.named(value.id):
            return None
        index = self.signature.positional.index(value.id) if value.id in self.signature.positional else -1
        default = self.defaults.get(value.id)
        return Input(field, value.id, index, isinstance(default, ast.Constant) and default.value is None, or_fresh)

    def _or_fresh(self, use: ast.Name) -> bool:
        """`x = x or f"{queue}_{uuid4().hex}"` on the parameter `x`, surely run before the write and the
        only other binding of `x` in the function, is the binding `use` reads: the value is the caller's
        when it passes a truthy one, else a fresh random token."""
        bindings = self.scope.bindings(self.func).get(use.id) or ()
        params = [b for b in bindings if b.kind == BindingKind.PARAM]
        others = [b for b in bindings if b.kind != BindingKind.PARAM]
        if len(params) != 1 or len(others) != 1 or others[0].kind is not BindingKind.ASSIGN:
            return False
        value = others[0].value
        if not (isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and len(value.values) == 2
                and isinstance(value.values[0], ast.Name) and value.values[0].id == use.id
                and self.random_token(value.values[1])):
            return False
        binding, _ = self.scope.binding_before(use.id, use)
        statement = self.scope.statement_of(value)
        return binding is others[0] and any(s is statement for s in self.scope.ran_before(self.call))

    def inputs(self, fields, values: Dict[str, ast.AST], spread, field_for) -> Optional[Tuple[Input, ...]]:
        found = []
        for field in fields:
            value = values.get(field)
            if value is None and spread is not None:
                assigned, from_kwargs = spread
                value = next((v for k, v in assigned.items() if field_for(k) == field), None)
                if value is None and from_kwargs:
                    found.append(Input(field, SPREAD, -1))
                    continue
            item = self.input_of(field, value) if value is not None and value is not _UNKNOWN else None
            if item is None:
                return None
            found.append(item)
        return tuple(found)

    # ------------------------------------------------------------------------------ `**` of the write
    def spread(self, call: ast.Call) -> Optional[Tuple[Dict[str, ast.AST], bool]]:
        """({key: value assigned before the write}, whether the other keys are the function's own
        `**kwargs`) of the one dict the write unpacks; None when there are several or it is unknown."""
        spreads = [k.value for k in call.keywords if k.arg is None]
        if len(spreads) != 1 or not isinstance(spreads[0], ast.Name):
            return None
        name = spreads[0]
        from_kwargs = self.signature.kwargs == name.id and self.param(name.id)
        built: Dict[str, ast.AST] = {}
        if not from_kwargs:
            binding, _ = self.scope.binding_before(name.id, name)
            if binding is None or binding.kind is not BindingKind.ASSIGN or not _copied_dict(binding.value):
                return None
            if len(self.scope.bindings(self.func).get(name.id) or ()) != 1:
                return None
            built = _built_keys(binding.value)  # `data = dict(queue=queue, identifier=token)`
        assigned = self._assigned_keys(name, call)
        if assigned is None:
            return None
        for key, value in built.items():
            assigned.setdefault(key, value)
        return assigned, from_kwargs

    def _assigned_keys(self, name: ast.Name, call: ast.Call) -> Optional[Dict[str, ast.AST]]:
        """Keys the function gives the dict before the write: `d["k"] = v` and `d.update({"k": v})`
        statements that surely ran; a key set otherwise (under a condition, twice) holds an unknown
        value; any other change of the dict (a computed key, `setdefault`, `update(other)`) makes every
        key unknown."""
        ran = set(map(id, self.scope.ran_before(call)))
        assigned: Dict[str, ast.AST] = {}
        for node in ast.walk(self.func):
            if not (isinstance(node, ast.Name) and node.id == name.id) or node is name:
                continue
            if (node.lineno, node.col_offset) > (call.lineno, call.col_offset):
                continue
            if self._left_before(node, call):
                continue  # in a branch that returns or raises before the write
            parent = self.scope.parent(node)
            statement = self.scope.statement_of(node)
            surely = id(statement) in ran
            if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Store):
                key = _string(parent.slice)
                if key is None:
                    return None
                value = statement.value if isinstance(statement, ast.Assign) and len(statement.targets) == 1 else None
                assigned[key] = value if surely and key not in assigned and value is not None else _UNKNOWN
            elif isinstance(parent, ast.Attribute) and parent.attr == "update":
                update = self.scope.parent(parent)
                given = update.args[0] if isinstance(update, ast.Call) and len(update.args) == 1 else None
                if not isinstance(given, ast.Dict) or not isinstance(update, ast.Call) or update.keywords:
                    return None
                keys = [_string(k) if k is not None else None for k in given.keys]
                if any(k is None for k in keys):
                    return None
                for one, value in zip(keys, given.values):
                    if one is not None:
                        assigned[one] = value if surely and one not in assigned else _UNKNOWN
            elif isinstance(parent, ast.Attribute) and parent.attr in ("pop", "get", "copy", "items", "keys", "values"):
                continue  # reads, or a key taken out: what is left is still what the callers passed
            elif isinstance(parent, ast.keyword) and parent.arg is None:
                continue  # unpacked into another call
            elif parent is not None and isinstance(parent, ast.Assign) and node in parent.targets:
                continue  # the binding itself
            else:
                return None  # handed to something that may change it
        return assigned

    def _left_before(self, node: ast.AST, call: ast.Call) -> bool:
        """Whether `node` sits in an `if` branch that always returns or raises and does not hold the write."""
        for child, parent in self.scope.ancestors(self.scope.statement_of(node)):
            if parent is self.func:
                return False
            for block in ("body", "orelse"):
                statements = getattr(parent, block, None) if isinstance(parent, ast.If) else None
                if (statements and child in statements and isinstance(statements[-1], (ast.Return, ast.Raise))
                        and not _spans(statements, call)):
                    return True
        return False

    # ------------------------------------------------------------------------------------- exits
    def exits(self, call: ast.Call) -> List[Exit]:
        found = []
        for statement in self.scope.ran_before(call):
            if not isinstance(statement, ast.If) or statement.orelse or not statement.body:
                continue
            if not isinstance(statement.body[-1], (ast.Return, ast.Raise)):
                continue
            test, truthy = statement.test, True
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, truthy = test.operand, False
            if not isinstance(test, ast.Name) or not self.param(test.id) or not self.signature.named(test.id):
                continue
            index = self.signature.positional.index(test.id) if test.id in self.signature.positional else -1
            found.append(Exit(test.id, index, truthy, _truth(self.defaults.get(test.id))))
        return found


def _string(node: ast.AST) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _spans(statements: list, node: ast.expr) -> bool:
    first, last = statements[0], statements[-1]
    return (first.lineno, first.col_offset) <= (node.lineno, node.col_offset) <= (
        getattr(last, "end_lineno", last.lineno) or last.lineno, getattr(last, "end_col_offset", 0) or 0)


def _truth(default: Optional[ast.AST]) -> str:
    if default is None:
        return ""
    if isinstance(default, ast.Constant):
        return "1" if default.value else "0"
    return "?"


def _built_keys(value: Optional[ast.AST]) -> Dict[str, ast.AST]:
    """{key: value} of a dict built with literal keys: `{"k": v}`, `dict(k=v)` (no `**`, no positional
    argument, which may hold any key); a key the literal repeats holds an unknown value. Keys a later
    statement assigns take precedence (`_assigned_keys`)."""
    if isinstance(value, ast.Dict):
        if any(k is not None and _string(k) is None for k in value.keys):
            return {}  # a computed key may be any of them
        last = max((i for i, k in enumerate(value.keys) if k is None), default=-1)
        # `{"k": v, **other}`: other may hold `k` too, and wins
        pairs: List[Tuple[Optional[str], ast.AST]] = [
            (_string(k) if k is not None else None, _UNKNOWN if i < last else v)
            for i, (k, v) in enumerate(zip(value.keys, value.values))]
    elif (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
          and not value.args):
        pairs = [(k.arg, k.value) for k in value.keywords]
    else:
        return {}
    found: Dict[str, ast.AST] = {}
    for key, item in pairs:
        if key is not None:
            found[key] = _UNKNOWN if key in found else item
    return found


def _copied_dict(value: Optional[ast.AST]) -> bool:
    """`x.copy()`, `dict(x)`, `{...}`, `{}`: a new dict of the function's own."""
    if isinstance(value, ast.Dict):
        return True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "copy":
        return not value.args and not value.keywords
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"


__all__ = ["read"]
