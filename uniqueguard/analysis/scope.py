"""What one linted module says about itself: parents, functions, local bindings, names in scope.

Everything here is computed from the module's own tree with iterative walks (no recursion limit on
generated code) and memoised per module, so the later steps can ask "what was `obj` bound to before line
40?" or "which function holds this call?" cheaply and as often as they like.
"""
from __future__ import annotations

import ast
import enum
from typing import Callable, Dict, Iterable, List, Optional, Tuple, Union

from ..index.facts import Names, child_nodes, collect_imports, dotted_name, node_fields, positional_parameters
from ..records import dataclass

FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
DefNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]  # a function with a name, a body and decorators


Position = Tuple[int, int]


class BindingKind(str, enum.Enum):
    """How a name was bound. A `str` enum, so a kind compares equal to its old spelling."""

    ASSIGN = "assign"  # `x = value`, `x: T = value`, `x += value`, an element of `a, b = (1, 2)`
    PARAM = "param"  # a function parameter
    FOR = "for"  # `for x in iterable` (value: the iterable)
    WITH = "with"  # `with cm as x` (value: the context expression)
    IMPORT = "import"
    DEF = "def"  # a function or class definition
    UNPACK0 = "unpack0"  # the first target of `x, created = M.objects.get_or_create(...)`


@dataclass(frozen=True)
class Binding:
    """`name` was bound at (line, col) to `value` (None for a parameter or an unknowable target).

    Python evaluates the value before it binds the name, so a binding is seen only from `visible` on
    (the end of its value): in `comment = comment.replies.first()` and `for c in c.replies.all()` the
    name on the right is the *earlier* binding, never this one. `start` is where its statement's own
    part begins (the target, or a `with` item's expression): a use in [start, visible) is inside it.
    """

    line: int
    col: int
    value: Optional[ast.AST]
    kind: BindingKind
    start: Position = (0, 0)
    visible: Position = (0, 0)

    def holds(self, position: Position) -> bool:
        """Whether `position` lies in the binding's own statement part (its value, its target)."""
        return self.start <= position < self.visible


class ModuleScope:
    def __init__(self, tree: ast.Module, module: str, is_package: bool):
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.parents: Dict[ast.AST, ast.AST] = {}
        self.functions: List[DefNode] = []  # every def, at any depth (not lambdas)
        self.method_calls: List[ast.Call] = []  # calls of the form `<expr>.<name>(...)`, in walk order
        # Name and Attribute loads: what the call-site graph reads
        self.loads: List[Union[ast.Name, ast.Attribute]] = []
        self.import_nodes: List[Union[ast.Import, ast.ImportFrom]] = []  # every import statement, at any depth
        # the expressions that bind a name (`(x := ...)`, a comprehension's `for x in ...`), at any depth
        self.binding_expressions: List[Union[ast.NamedExpr, ast.comprehension]] = []
        self._walk(tree)
        imports, self.star_imports = collect_imports(tree, module, is_package)
        local_defs = frozenset(
            n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)))
        self.names = Names(module, imports, local_defs)
        self._module_bindings: Optional[Dict[str, List[Binding]]] = None
        self._function_bindings: Dict[FunctionNode, Dict[str, List[Binding]]] = {}
        self._function_names: Dict[ast.AST, Names] = {}
        self._around_binding_expressions: Optional[set] = None

    @classmethod
    def of_function(cls, function: ast.stmt, names: Names) -> "ModuleScope":
        """A scope over one function of another module (index/sources.py's `project_function`): what its
        body binds and calls, its names qualified through that module's imports (`names`); the rest of
        that module is not walked."""
        scope = cls(ast.Module(body=[function], type_ignores=[]), names.module, False)
        scope.names = names
        return scope

    def _walk(self, tree: ast.Module) -> None:
        """One walk of the tree collects everything later steps scan, and every node's parent.

        `facts.iter_nodes` spelled out, in its order: this loop runs over every node of every module
        analysed — the engine's hottest — and a generator resumed per node and a tuple `isinstance`
        per node cost as much as the walk itself. A node's kind and the fields that can hold its
        children (`facts.node_fields`) are sorted out once per node class; the commonest nodes — names,
        constants (no children), attributes (one) — skip the loop over fields."""
        parents = self.parents
        method_calls, loads, functions, imports = self.method_calls, self.loads, self.functions, self.import_nodes
        binders = self.binding_expressions
        Attribute, Load, Name, AST = ast.Attribute, ast.Load, ast.Name, ast.AST
        sorts, fields = _SORTS, _FIELDS
        stack: List[ast.AST] = [tree]
        pop, push = stack.pop, stack.append
        while stack:
            node = pop()
            kind = type(node)
            sort = sorts.get(kind)
            if sort is None:
                sort = _sort_of(kind)
            if sort:
                if sort == _LEAF:
                    continue
                if sort == _REFERENCE:
                    if isinstance(node.ctx, Load):  # type: ignore[attr-defined]
                        loads.append(node)  # type: ignore[arg-type]
                    if kind is Name:
                        continue  # no children
                    if kind is Attribute:  # its one child, without the loop over fields
                        value = node.value  # type: ignore[attr-defined]
                        parents[value] = node
                        push(value)
                        continue
                if sort == _CALL:
                    if isinstance(node.func, Attribute):  # type: ignore[attr-defined]
                        method_calls.append(node)  # type: ignore[arg-type]
                elif sort == _DEF:
                    functions.append(node)  # type: ignore[arg-type]
                elif sort == _IMPORT:
                    imports.append(node)  # type: ignore[arg-type]
                elif sort == _BINDER:
                    binders.append(node)  # type: ignore[arg-type]
            for name in fields[kind]:
                value = getattr(node, name, None)
                if type(value) is list:
                    for child in value:
                        if isinstance(child, AST):
                            parents[child] = node
                            push(child)
                elif isinstance(value, AST):
                    parents[value] = node
                    push(value)

    def loads_named(self, names) -> List[Union[ast.Name, ast.Attribute]]:
        """The loads (`loads`, in their order) spelling one of `names`: a Name's id, an Attribute's attr.
        A plain scan: nearly every module is asked once (an index by name cost half as much again to
        build as a scan, and paid off only on the few modules asked several times)."""
        wanted = frozenset(names)
        return [node for node in self.loads
                if (node.id if isinstance(node, ast.Name) else node.attr) in wanted]

    # ----------------------------------------------------------------------------------- structure
    def parent(self, node: ast.AST) -> Optional[ast.AST]:
        return self.parents.get(node)

    def ancestors(self, node: ast.AST):
        """(child, parent) pairs from the node outward to the module."""
        child = node
        parent = self.parents.get(child)
        while parent is not None:
            yield child, parent
            child, parent = parent, self.parents.get(parent)

    def enclosing_function(self, node: ast.AST) -> Optional[FunctionNode]:
        """The function (or lambda) around `node`; None at module level or in a class body. Asked for
        nearly every node the analysis looks at: a plain loop up the parents, no generator."""
        parents = self.parents
        parent = parents.get(node)
        while parent is not None:
            if isinstance(parent, FUNCTION_NODES):
                return parent
            if isinstance(parent, ast.ClassDef):
                return None
            parent = parents.get(parent)
        return None

    def parameter_of(self, value: ast.AST) -> Optional[Union[ast.FunctionDef, ast.AsyncFunctionDef]]:
        """The function (not a lambda) of which `value`, a name, is a parameter its body never rebinds:
        what the name holds is then whatever each caller passed."""
        if not isinstance(value, ast.Name):
            return None
        func = self.enclosing_function(value)
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        bindings = self.bindings(func).get(value.id) or ()
        if not bindings or any(b.kind != BindingKind.PARAM for b in bindings):
            return None
        return func

    def takes_self(self, func: ast.AST) -> bool:
        """Whether a call of `func` binds its first parameter implicitly (`obj.m(x)`, `self.m(x)`,
        `cls.m(x)`): a function defined in a class body that is not a staticmethod."""
        return isinstance(self.parent(func), ast.ClassDef) and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in getattr(func, "decorator_list", ()))

    def call_position(self, func: ast.AST, name: str) -> int:
        """The index a positional argument for parameter `name` has in a call of `func` (-1: none)."""
        positional = positional_parameters(func)
        if name not in positional:
            return -1
        return positional.index(name) - (1 if self.takes_self(func) else 0)

    def enclosing_class(self, func: ast.AST) -> Optional[ast.ClassDef]:
        parent = self.parents.get(func)
        return parent if isinstance(parent, ast.ClassDef) else None

    def context_of(self, node: ast.AST) -> str:
        """`Class.method` / `function` / "" (module level) around a node: a line-independent address."""
        names = [p.name for _, p in self.ancestors(node)
                 if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        return ".".join(reversed(names))

    def statement_of(self, node: ast.AST) -> ast.AST:
        current = node
        while not isinstance(current, ast.stmt):
            parent = self.parents.get(current)
            if parent is None:
                return current
            current = parent
        return current

    def ran_before(self, node: ast.AST) -> List[ast.stmt]:
        """Statements of `node`'s function that surely ran before it: those before it in each block
        around it, and inside them the body of a `with` and of a `try` whose every handler leaves
        (return/raise/continue/break). Source order; what a branch or a loop may skip is left out."""
        found: List[ast.stmt] = []
        for child, parent in self.ancestors(self.statement_of(node)):
            if isinstance(parent, ast.ClassDef):
                break
            for block in ("body", "orelse", "finalbody"):
                statements = getattr(parent, block, None)
                if isinstance(statements, list) and child in statements:
                    found = _surely_run(statements[: statements.index(child)]) + found
            if isinstance(parent, FUNCTION_NODES):
                break
        return found

    def follow_locals(self, expr: ast.AST, hops: int = 0) -> ast.AST:
        """Through local names to the expression they were last bound to (8 links at most)."""
        while isinstance(expr, ast.Name) and hops < 8:
            values = self.assigned_values(expr)
            if not values:
                return expr
            expr = values[0]
            hops += 1
        return expr

    def assigned_values(self, use: ast.Name, every: bool = False) -> List[ast.AST]:
        """The values assigned to the local `use` names that may reach it. The position rule: the one
        binding in effect at the use (`binding_before`), none when that is not an assignment; with `every`,
        each assignment of the name in its function made before the use (a branch or a loop may pick any)."""
        if not every:
            binding, _ = self.binding_before(use.id, use)
            if binding is None or binding.kind is not BindingKind.ASSIGN or binding.value is None:
                return []
            return [binding.value]
        func = self.enclosing_function(use)
        if func is None:
            return []
        position = (use.lineno, use.col_offset)
        return [b.value for b in self.bindings(func).get(use.id, ())
                if b.kind is BindingKind.ASSIGN and b.value is not None and b.visible <= position]

    # ------------------------------------------------------------------------------------ bindings
    def _bindings_of(self, scope: Union[FunctionNode, ast.Module]) -> Dict[str, List[Binding]]:
        """Name bindings made directly in a function or module body (not in nested functions/classes).

        Statements bind names, and among expressions only `:=` and a comprehension's `for`: an expression
        with neither at or below it (`_around_binding_expressions`, from the walk's list of them) is not
        entered — most of a body's nodes. Only for a scope of this module's walked tree."""
        found: Dict[str, List[Binding]] = {}
        walked = scope is self.tree or scope in self.parents
        around = self._binding_expressions_around() if walked else set()
        Expr = ast.expr

        def bind(name: str, node: ast.AST, value: Optional[ast.AST], kind: BindingKind,
                 evaluated: Optional[ast.AST] = None) -> None:
            """`evaluated`: what Python evaluates before binding the name (default: `value`)."""
            here = _position(node)
            evaluated = value if evaluated is None else evaluated
            start, visible = here, here
            if evaluated is not None and kind is not BindingKind.DEF:
                start = min(here, _position(evaluated))
                visible = max(_end(node), _end(evaluated))
            found.setdefault(name, []).append(Binding(here[0], here[1], value, kind, start, visible))

        if isinstance(scope, FUNCTION_NODES):
            args = scope.args
            for arg in list(getattr(args, "posonlyargs", [])) + args.args + args.kwonlyargs:
                bind(arg.arg, arg, None, BindingKind.PARAM)
            for arg in (args.vararg, args.kwarg):
                if arg is not None:
                    bind(arg.arg, arg, None, BindingKind.PARAM)
            body: List[ast.AST] = [scope.body] if isinstance(scope, ast.Lambda) else list(scope.body)
        else:
            body = list(scope.body)
        stack = list(reversed(body))
        pop, fields = stack.pop, _FIELDS
        while stack:
            node = pop()
            if walked and isinstance(node, Expr) and node not in around:
                continue  # no name bound at or below it
            kind = type(node)
            binds = _BINDS.get(kind)
            if binds is None:
                binds = _BINDS[kind] = issubclass(kind, _BINDING_NODES)
                fields[kind] = node_fields(kind)
            if not binds:  # most nodes bind nothing (and names, constants have no children): on to the next
                if fields[kind]:
                    stack.extend(reversed(child_nodes(node)))
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bind(node.name, node, None, BindingKind.DEF)
                continue
            if isinstance(node, ast.Lambda):
                continue
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        bind(target.id, target, node.value, BindingKind.ASSIGN)
                    elif isinstance(target, (ast.Tuple, ast.List)):
                        self._bind_unpacked(target, node.value, bind)
                    elif isinstance(target, ast.Starred) and isinstance(target.value, ast.Name):
                        bind(target.value.id, target.value, None, BindingKind.ASSIGN, node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                bind(node.target.id, node.target, node.value, BindingKind.ASSIGN)
            elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                bind(node.target.id, node.target, node.value, BindingKind.ASSIGN)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                if isinstance(node.target, ast.Name):
                    bind(node.target.id, node.target, node.iter, BindingKind.FOR)
            elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                bind(node.optional_vars.id, node.optional_vars, node.context_expr, BindingKind.WITH)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    bind((alias.asname or alias.name).partition(".")[0], node, None, BindingKind.IMPORT)
            stack.extend(reversed(child_nodes(node)))
        return found

    def _binding_expressions_around(self) -> set:
        """Every node of the tree with a `:=` or a comprehension at or below it (built once: few are)."""
        if self._around_binding_expressions is None:
            found: set = set()
            parents = self.parents
            for node in self.binding_expressions:
                current: Optional[ast.AST] = node
                while current is not None and current not in found:
                    found.add(current)
                    current = parents.get(current)
            self._around_binding_expressions = found
        return self._around_binding_expressions

    @staticmethod
    def _bind_unpacked(target, value, bind) -> None:
        """`obj, created = M.objects.get_or_create(...)` binds obj to the call's first element."""
        for index, element in enumerate(target.elts):
            if isinstance(element, ast.Name):
                if isinstance(value, (ast.Tuple, ast.List)) and index < len(value.elts):
                    bind(element.id, element, value.elts[index], BindingKind.ASSIGN, value)
                elif index == 0 and isinstance(value, ast.Call):
                    bind(element.id, element, value, BindingKind.UNPACK0)
                else:
                    bind(element.id, element, None, BindingKind.ASSIGN, value)

    @property
    def module_bindings(self) -> Dict[str, List[Binding]]:
        """Built on first use: a module with no write call never needs them."""
        if self._module_bindings is None:
            self._module_bindings = self._bindings_of(self.tree)
        return self._module_bindings

    def bindings(self, func: Optional[FunctionNode]) -> Dict[str, List[Binding]]:
        if func is None:
            return self.module_bindings
        if func not in self._function_bindings:
            self._function_bindings[func] = self._bindings_of(func)
        return self._function_bindings[func]

    def binding_before(self, name: str, use: ast.AST) -> Tuple[Optional[Binding], Optional[FunctionNode]]:
        """The binding of `name` visible at `use`: the function's last one before it, else the module's.

        Returns (binding, scope it lives in). Control flow is approximated by source order: the last
        binding complete before the use; with none, the first (a closure or a loop sees a later one).
        A use in a function reads a module-level name's last binding. Never a binding whose own value
        holds the use (`x = x.parent` reads the earlier `x`): following a use moves to another statement.
        """
        position = _position(use)
        func = self.enclosing_function(use)
        in_function = func is not None
        while func is not None:
            candidates = self.bindings(func).get(name)
            if candidates:
                return _seen_at(candidates, position), func
            func = self.enclosing_function(func)
        candidates = self.module_bindings.get(name)
        if not candidates:
            return None, None
        if in_function:  # a function runs after the module has run: the module's last binding
            return candidates[-1], None
        return _seen_at(candidates, position), None

    def binding_on_branch(self, name: str, use: ast.AST, binding: Binding) -> Binding:
        """The binding of `name` in effect at `use` when source order picked one that cannot run on the
        way there: the picked one sits in one branch of `if flag:` / `else:`, `use` under a later `if flag:`
        (or `if not flag:`) taking the other, and `flag` is a local not rebound in between. Python runs
        only the branch the test selects, so the matching branch's binding is the one in effect
        (`if create: lang = get_or_create(...)[0]` / `else: lang = Language(...)`, then `if create:
        lang.save()` saves the row it got, not the unsaved instance)."""
        if binding.value is None:
            return binding
        placed = self._flag_branch(self.statement_of(binding.value))
        if placed is None:
            return binding
        branch_if, flag, truth = placed
        at_use = self._flag_branch(self.statement_of(use), flag)
        if at_use is None or at_use[0] is branch_if or at_use[2] == truth:
            return binding
        func = self.enclosing_function(use)
        if func is None or self.enclosing_function(branch_if) is not func:
            return binding
        start, position = _position(branch_if), _position(use)
        if any(start < (b.line, b.col) < position for b in self.bindings(func).get(flag, ())):
            return binding  # the flag may have changed
        matching = [b for b in self.bindings(func).get(name, ()) if b.visible <= position and b.value is not None
                    and self._flag_branch(self.statement_of(b.value)) == (branch_if, flag, at_use[2])]
        return matching[-1] if matching else binding

    def _flag_branch(self, statement: ast.AST, flag: Optional[str] = None) -> Optional[Tuple[ast.If, str, bool]]:
        """(the `if`, the flag, the flag's truth there) for the nearest `if <name>:` / `if not <name>:`
        around `statement` in its function (with `flag`, the nearest testing that name)."""
        for child, parent in self.ancestors(statement):
            if isinstance(parent, FUNCTION_NODES) or isinstance(parent, ast.ClassDef):
                return None
            if not isinstance(parent, ast.If) or child is parent.test:
                continue
            test, negated = parent.test, False
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, negated = test.operand, True
            if isinstance(test, ast.Name) and (flag is None or test.id == flag):
                return parent, test.id, (child in parent.body) != negated
            if flag is None:
                return None  # the nearest `if` tests something else
        return None

    # --------------------------------------------------------------------------------------- names
    def names_at(self, node: ast.AST) -> Names:
        """The module's import names, plus imports made inside the functions around `node`."""
        func = self.enclosing_function(node)
        if func is None:
            return self.names
        if func not in self._function_names:
            imports = dict(self.names.imports)
            chain: List[FunctionNode] = []
            current: Optional[FunctionNode] = func
            while current is not None:
                chain.append(current)
                current = self.enclosing_function(current)
            chain_set = set(chain)
            inner: List[ast.stmt] = [n for n in self.import_nodes if self.enclosing_function(n) in chain_set]
            if inner:
                holder = ast.Module(body=inner, type_ignores=[])
                local, _ = collect_imports(holder, self.module, self.is_package, top_level_only=False)
                imports.update(local)
            self._function_names[func] = Names(self.module, imports, self.names.local_defs)
        return self._function_names[func]

    def qualify(self, node: ast.AST) -> Optional[str]:
        dotted = dotted_name(node)
        if dotted is None:
            return None
        return self.names_at(node).qualify(dotted)


_OTHER, _CALL, _REFERENCE, _DEF, _IMPORT, _LEAF, _BINDER = range(7)
_SORTS: Dict[type, int] = {}  # node class → what ModuleScope._walk collects it as
_FIELDS: Dict[type, Tuple[str, ...]] = {}  # node class → its fields that can hold nodes (facts.node_fields)
_BINDS: Dict[type, bool] = {}  # node class → whether `_bindings_of` looks at it (else only at its children)
_BINDING_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.Assign, ast.AnnAssign,
                  ast.NamedExpr, ast.For, ast.AsyncFor, ast.comprehension, ast.withitem, ast.Import, ast.ImportFrom)


def _sort_of(kind: type) -> int:
    """What the walk collects a node class as, by `isinstance` in the walk's order of tests (so a
    subclass of a node class sorts as its base), or `_LEAF` for one that can hold no node (a constant,
    an operator); its child fields are noted at the same time."""
    _FIELDS[kind] = node_fields(kind)
    for sort, classes in ((_CALL, (ast.Call,)), (_REFERENCE, (ast.Name, ast.Attribute)),
                          (_DEF, (ast.FunctionDef, ast.AsyncFunctionDef)), (_IMPORT, (ast.Import, ast.ImportFrom)),
                          (_BINDER, (ast.NamedExpr, ast.comprehension))):
        if issubclass(kind, classes):
            _SORTS[kind] = sort
            return sort
    _SORTS[kind] = _OTHER if _FIELDS[kind] else _LEAF
    return _SORTS[kind]


def statements_in(tree: ast.AST) -> List[ast.AST]:
    """`tree` and the statements below it (with the exception handlers and match cases holding some), in
    `facts.iter_nodes`' order: only the fields that hold statement lists (`body`, `orelse`...) are
    entered. No expression holds a statement, so a search for statements (`self.x = ...`) need not walk
    the expressions — most of a body's nodes."""
    found: List[ast.AST] = []
    stack = [tree]
    pop, push, AST, Expr = stack.pop, stack.append, ast.AST, ast.expr
    while stack:
        node = pop()
        found.append(node)
        kind = type(node)
        blocks = _BLOCKS.get(kind)
        if blocks is None:
            blocks = _BLOCKS[kind] = tuple(name for name in node_fields(kind) if name in _BLOCK_FIELDS)
        for name in blocks:
            value = getattr(node, name, None)
            if type(value) is list:
                for child in value:
                    if isinstance(child, AST) and not isinstance(child, Expr):
                        push(child)
    return found


_BLOCK_FIELDS = frozenset({"body", "orelse", "handlers", "finalbody", "cases"})  # the fields holding statements
_BLOCKS: Dict[type, Tuple[str, ...]] = {}  # node class → its fields named so, in its field order


def _seen_at(candidates: List[Binding], position: Position) -> Optional[Binding]:
    """The binding a use at `position` sees: the last one visible there, else (a closure, a loop) the
    first that does not hold the use."""
    before = [b for b in candidates if b.visible <= position]
    if before:
        return before[-1]
    return next((b for b in candidates if not b.holds(position)), None)


def _position(node: ast.AST) -> Position:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _end(node: ast.AST) -> Position:
    """Where a node ends (its start where a synthesised tree carries no end position)."""
    end_line = getattr(node, "end_lineno", None)
    end_col = getattr(node, "end_col_offset", None)
    return (end_line, end_col) if end_line is not None and end_col is not None else _position(node)


def _surely_run(statements) -> List[ast.stmt]:
    found: List[ast.stmt] = []
    stack = list(reversed(statements))
    while stack:
        statement = stack.pop()
        found.append(statement)
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            stack.extend(reversed(statement.body))
        elif isinstance(statement, ast.Try) and all(
                h.body and isinstance(h.body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))
                for h in statement.handlers):
            stack.extend(reversed(statement.body + statement.finalbody))
    return found


def call_label(func: ast.AST, limit: int = 60) -> str:
    """`User.objects.filter(...).create` for a call's callee: readable, short, no argument text."""
    parts = []
    node = func
    while True:
        if isinstance(node, ast.Attribute):
            parts.append("." + node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append("(...)")
            node = node.func
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            break
        else:
            parts.append("(...)")
            break
    label = "".join(reversed(parts))
    return label if len(label) <= limit else "..." + label[-(limit - 3):]


def names_field(name: object, fields: Iterable[str]) -> bool:
    """A field's name or its column's (`project_id`)."""
    return isinstance(name, str) and (name in fields or name.endswith("_id") and name[:-3] in fields)


def stores_field_of(root: ast.AST, holder: str, fields: Iterable[str], through: Tuple[str, ...] = ("instance",),
                    before: Optional[Position] = None) -> bool:
    """Whether `root` assigns `<holder>.instance.<field>` (or `<field>_id`) for one of `fields` — the view
    filling the form's row (`form.instance.project = p`), or the form's own `__init__` (`self.instance.project
    = p`); `through` names the holder's attributes looked at (`instance`). The position rule: with `before`,
    only a store that starts before that position (what a write there sees); without, anywhere in `root`."""
    fields = tuple(fields)
    for node in ast.walk(root):
        if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and names_field(node.attr, fields)
                and isinstance(node.value, ast.Attribute) and node.value.attr in through
                and isinstance(node.value.value, ast.Name) and node.value.value.id == holder
                and (before is None or (node.lineno, node.col_offset) < before)):
            return True
    return False


def caught(scope: "ModuleScope", expr: Optional[ast.AST], accepts: Callable[[str], bool]) -> Optional[str]:
    """How an `except` clause's type spells the first exception it catches that `accepts` takes (by its
    qualified name), or None: the one reading of except clauses — a name, a dotted name, a tuple, a local
    bound to a tuple; a bare `except:` is `BaseException`. The caller's rule says which exceptions count
    (guards.py: IntegrityError or a base of it; hints.py: IntegrityError named)."""
    for qualified, written in exception_names(scope, expr):
        if accepts(qualified):
            return written
    return None


def exception_names(scope: "ModuleScope", expr: Optional[ast.AST], depth: int = 0) -> List[Tuple[str, str]]:
    """(qualified name, as written) of each exception an `except` clause's type names."""
    if expr is None:
        return [("BaseException", "bare except")]
    if depth > 4:
        return []
    if isinstance(expr, (ast.Tuple, ast.List)):
        found = []
        for element in expr.elts:
            found.extend(exception_names(scope, element, depth + 1))
        return found
    if isinstance(expr, ast.Name):
        binding, _ = scope.binding_before(expr.id, expr)
        if (binding is not None and binding.kind is BindingKind.ASSIGN
                and isinstance(binding.value, (ast.Tuple, ast.List))):
            return exception_names(scope, binding.value, depth + 1)
    qualified = scope.qualify(expr)
    if qualified is None:
        return []
    return [(qualified, ast.unparse(expr))]


def argument_for(call: ast.Call, param: str, index: int) -> Optional[ast.AST]:
    """The expression a call passes for the parameter `param` at call position `index` (-1: keyword only)."""
    for keyword in call.keywords:
        if keyword.arg == param:
            return keyword.value
    if 0 <= index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
        return call.args[index]
    return None
