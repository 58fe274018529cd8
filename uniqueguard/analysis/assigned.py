"""Attributes assigned on a local instance before its `save()`: the values that reach the save, and the
branches they are assigned on.

`obj.slug = value` counts when it runs after the instance is bound and before the save. Of several
assignments of one attribute, one that a later assignment in the same block (or in a block around it)
overwrites before the save never reaches it: `obj.a = x; obj.a = None` writes NULL. Assignments on
different arms of an `if` each may reach it: after `if c: obj.a = x` / `else: obj.a = None` the save may
write x, so the field is written, with x as its value — a NULL on one branch does not hide a value on
another. And fields assigned only on different arms of one `if` are never written together
(`if q: obj.a = 1` / `elif r: obj.b = 2`): the message names them as alternatives (`apart`).

One walk per function reads every assignment and instance validation (`ScopeSummary`, kept by the
caller), so each `save()` looks its instance up instead of walking the function again.
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from .. import orm
from ..index.facts import node_fields
from ..records import dataclass

Position = Tuple[int, int]
Block = Tuple[int, str]  # id() of the node holding a statement list, and the list's field ("body"...)
Arm = Tuple[int, str]  # id() of an `if` and the arm ("body" / "orelse") a statement is on


@dataclass(frozen=True)
class Assignment:
    position: Position
    attr: str
    value: ast.AST
    chain: Tuple[Tuple[Block, int], ...]  # (block, index of the statement in it), from the scope down
    arms: Tuple[Arm, ...]  # the `if` arms the statement sits on, outermost first


class ScopeSummary:
    """Per name, in one walk of a scope: the attributes assigned on it (`obj.slug = ...`) and the
    instance validations called on it (`obj.full_clean()`), with their positions, in source order.

    `calls`, when the caller has them: the scope's calls `<name>.<method>(...)` of instance validation
    methods, at any depth (the module's walk lists its method calls). The walk then enters statements
    only: an assignment is a statement, and no expression holds one — most of a scope's nodes."""

    def __init__(self, scope: ast.AST, calls: Optional[Iterable[ast.Call]] = None):
        self.assignments: Dict[str, List[Assignment]] = {}
        self.validations: Dict[str, List[Tuple[Position, str]]] = {}  # name → [((line, col), method)]
        expressions = calls is None  # without the calls, every node is looked at for them
        stack: List[Tuple[ast.AST, tuple, tuple]] = [(scope, (), ())]
        while stack:  # iterative: a deeply nested expression never exhausts Python's stack
            node, chain, arms = stack.pop()
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                        self.assignments.setdefault(target.value.id, []).append(Assignment(
                            (target.lineno, target.col_offset), target.attr, node.value, chain, arms))
            elif expressions and _validation(node):
                self._add_validation(node)  # type: ignore[arg-type]
            for name in node_fields(type(node)):
                value = getattr(node, name, None)
                # a list holds one kind of node (the grammar's `stmt*`, `expr*`...): its first says which
                if type(value) is list and value and isinstance(value[0], ast.stmt):
                    on = arms + ((id(node), name),) if isinstance(node, ast.If) else arms
                    for index, statement in enumerate(value):
                        stack.append((statement, chain + (((id(node), name), index),), on))
                elif type(value) is list:
                    stack.extend((item, chain, arms) for item in value
                                 if isinstance(item, ast.AST) and (expressions or not isinstance(item, ast.expr)))
                elif isinstance(value, ast.AST) and (expressions or not isinstance(value, ast.expr)):
                    stack.append((value, chain, arms))
        for call in calls or ():
            if _validation(call):
                self._add_validation(call)
        for found in self.assignments.values():
            found.sort(key=lambda a: a.position)
        for seen in self.validations.values():
            seen.sort()

    def _add_validation(self, call: ast.Call) -> None:
        self.validations.setdefault(call.func.value.id, []).append(  # type: ignore[attr-defined]
            ((call.lineno, call.col_offset), call.func.attr))  # type: ignore[attr-defined]


def _validation(node: ast.AST) -> bool:
    """`<name>.full_clean()` (or another instance validation method) called on a plain name."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in orm.INSTANCE_VALIDATION and isinstance(node.func.value, ast.Name))


class AssignedAttributes(Dict[str, ast.AST]):
    """attribute → the value assigned to it that reaches the save and decides: the first that can
    collide, else the last (a NULL or fresh token on every path). `risky` names the attributes some
    reaching value of which can collide; `arms` holds, per such attribute, the arms those values are
    assigned on."""

    def __init__(self):
        super().__init__()
        self.risky: Dict[str, ast.AST] = {}
        self.arms: Dict[str, List[Tuple[Arm, ...]]] = {}
        self.branching: set = set()  # attributes more than one value may reach the save with, or one under an `if`


def reaching(summary: ScopeSummary, name: str, start: Position, end: Position,
             harmless: Callable[[ast.AST], bool]) -> AssignedAttributes:
    """The attributes of `name` assigned after `start` (its binding) and before `end` (the save), with
    the values that reach the save (module docstring); `harmless`: a value that never collides."""
    window = [a for a in summary.assignments.get(name, ()) if start < a.position < end]
    found = AssignedAttributes()
    for attr in dict.fromkeys(a.attr for a in window):
        mine = [a for a in window if a.attr == attr]
        live = [a for a in mine if not any(_overwrites(later, a) for later in mine)]
        risky = [a for a in live if not harmless(a.value)]
        chosen = risky[0] if risky else (live or mine)[-1]
        found[attr] = chosen.value
        if len(live) > 1 or any(a.arms for a in live):
            found.branching.add(attr)
        if risky:
            found.risky[attr] = chosen.value
            found.arms[attr] = [a.arms for a in risky]
    return found


def _overwrites(later: Assignment, earlier: Assignment) -> bool:
    """Whether `later` surely runs after `earlier` on every way to the save: it is a statement of a block
    that holds `earlier` (directly or within a statement before it)."""
    depth = len(later.chain)
    if depth > len(earlier.chain) or earlier.chain[:depth - 1] != later.chain[:-1]:
        return False
    (block, index), (their_block, their_index) = later.chain[-1], earlier.chain[depth - 1]
    return block == their_block and their_index < index


def exclusive(one: Tuple[Arm, ...], other: Tuple[Arm, ...]) -> bool:
    """Whether statements on these arms never both run: they sit on different arms of one `if`."""
    mine = dict(one)
    return any(mine.get(node, arm) != arm for node, arm in other)


def apart(field_arms: Iterable[Optional[List[Tuple[Arm, ...]]]]) -> bool:
    """Whether no path writes two of these groups of fields together: for each unique set, the arms its
    fields are assigned on (None for a field written unconditionally, by the constructor)."""
    groups = list(field_arms)
    if len(groups) < 2 or any(g is None for g in groups):
        return False
    return all(exclusive(a, b) for i, one in enumerate(groups) for other in groups[i + 1:]
               for a in one or () for b in other or ())
