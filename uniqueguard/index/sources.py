"""Function bodies of the project, read from source when a decision needs to look inside one.

The facts index keeps what every module says in a few fields; some decisions need a body it does not
keep — does this default function return a random token? is this manager method an existence query? —
and follow a project function one or two levels. Those bodies are read here on demand, once per file
version, never imported. What is kept is the definitions asked for, not their modules' trees: the 64
whole trees kept for the odd body (big models modules among them) were the largest thing a run held
(issue 9's memory target).

Nor is a module parsed whole again for each definition asked: its *layout* — where each module-level
function, class and direct method starts and ends, a few integers per definition — is noted whenever
the module is parsed (here, or by the index for its facts: `note_layout`), and a definition asked later
is parsed alone, from its own lines of the file (`_parse_span`), at its own lines and columns. The bodies
followed are mostly methods of models and forms modules the index has already parsed for their facts:
each was parsed whole again per method asked (weblate: 744 kB of parsing, a seventh of the run's).
"""
from __future__ import annotations

import array
import ast
import codecs
import functools
import os
import re
from typing import Dict, Iterable, Iterator, Optional, Tuple

from .cache import stamp
from .discovery import ParseFailure, parse_source, read_bytes
from .facts import Names, collect_imports
from .in_hand import held, tree_in_hand, tree_of

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """Every node of a function's body, not those of functions, lambdas or classes nested in it (their
    own returns and assignments are not the function's)."""
    stack = list(getattr(function, "body", []))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, FUNCTIONS + (ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def project_function(project, dotted: str) -> Optional[Tuple[ast.AST, Names]]:
    """(the def, its module's Names) of a module-level function `pkg.module.name` of the project."""
    module, _, name = dotted.rpartition(".")
    found = _file(project, module)
    return _definition(*found, module, name, None) if found is not None else None


def project_method(project, class_dotted: str, name: str) -> Optional[Tuple[ast.AST, Names]]:
    """(the def, its module's Names) of method `name` of the project class `pkg.module.Class`."""
    module, _, cls_name = class_dotted.rpartition(".")
    found = _file(project, module)
    return _definition(*found, module, cls_name, name) if found is not None else None


def _file(project, module: str) -> Optional[Tuple[str, int]]:
    """(path, mtime) of a module's source; the index is told it was read (`ModuleIndex.note_read`): a
    long-running process compares it with the disk like the files whose facts it holds, so a body
    edited there is read again, and what was concluded from it drawn again."""
    path = project.module_path(module) if module else None
    status = stamp(path) if path else None
    if path is None or status is None:
        return None
    project.note_read(path, status)
    return path, status[1]


@functools.lru_cache(maxsize=2048)
def _definition(path: str, mtime: int, module: str, name: str,
                method: Optional[str]) -> Optional[Tuple[ast.AST, Names]]:
    """The module-level function `name`, or method `method` of its class `name`, with the module's Names."""
    layout = None if held(path) else _fresh_layout(path, module)
    if layout is not None and tree_in_hand(path) is None:
        span = layout.span(name, method)
        if span is None:
            return None
        node = _parse_span(path, layout, span, method is not None)
        if node is not None:
            return node, layout.names
    found = _parsed(path, module)
    if found is None:
        return None
    tree, names = found
    if method is None:
        function = next((n for n in tree.body if isinstance(n, FUNCTIONS) and n.name == name), None)
        return (function, names) if function is not None else None
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    found_method = next((n for n in cls.body if isinstance(n, FUNCTIONS) and n.name == method), None) if cls else None
    return (found_method, names) if found_method is not None else None


def _parsed(path: str, module: str) -> Optional[Tuple[ast.Module, Names]]:
    status = stamp(path)
    try:
        tree = tree_of(path)  # a module being analysed right now is not parsed again
    except ParseFailure:
        return None
    imports, _ = collect_imports(tree, module, _is_package(path))
    local = frozenset(n.name for n in tree.body if isinstance(n, FUNCTIONS + (ast.ClassDef,)))
    names = Names(module, imports, local)
    if status is not None:
        _LAYOUTS[path] = Layout(status, module, tree.body, names=names)
    return tree, names


def _is_package(path: str) -> bool:
    return os.path.basename(path) == "__init__.py"


# ------------------------------------------------------------------------------------------ layouts
class Layout:
    """Where a module's definitions are, as it was parsed (`stamp`), under dotted name `module`: per
    top-level class (the first of its name), function and class's direct method, in the module's order,
    its owner ("" for a function, the class for a method; a class is its own owner with name ""), its
    name, and its first line (a decorator's), `def` line and last line. With the module's Names when
    it was parsed here, else its imports as the index's facts hold them."""

    __slots__ = ("stamp", "module", "owners", "names_", "lines", "imports", "_names")

    def __init__(self, status: Optional[list], module: str, body: Iterable[ast.stmt] = (),
                 names: Optional[Names] = None, imports: tuple = ()):
        self.stamp = status
        self.module = module
        self.owners: list = []
        self.names_: list = []
        self.lines = array.array("i")
        self.imports = imports
        self._names = names
        self.add(body)

    def add(self, body: Iterable[ast.stmt]) -> None:
        """The module's next top-level statements, in source order (index/piecewise.py reads a module a
        group of statements at a time)."""
        owners, names_, lines = self.owners, self.names_, self.lines
        classes = self._classes()
        for node in body:
            if isinstance(node, FUNCTIONS):
                owners.append("")
                names_.append(node.name)
                lines.extend(_lines(node))
            elif isinstance(node, ast.ClassDef) and node.name not in classes:
                classes.add(node.name)
                owners.append(node.name)
                names_.append("")
                lines.extend((0, 0, 0))
                self.add_methods(node.name, node.body)
            elif isinstance(node, ast.ClassDef):  # a later class of the same name: only its name counts
                owners.append(node.name)
                names_.append("")
                lines.extend((0, 0, 0))

    def has_class(self, name: str) -> bool:
        return name in self._classes()

    def _classes(self) -> set:
        """The names of the classes added so far (a row with an owner and no method name)."""
        return {owner for owner, name in zip(self.owners, self.names_) if not name}

    def add_methods(self, owner: str, body: Iterable[ast.stmt]) -> None:
        """The direct methods among `body`, statements of the class `owner` just added (the first of its
        name), in source order."""
        for sub in body:
            if isinstance(sub, FUNCTIONS):
                self.owners.append(owner)
                self.names_.append(sub.name)
                self.lines.extend(_lines(sub))

    @property
    def names(self) -> Names:
        if self._names is None:
            local = frozenset(owner or name for owner, name in zip(self.owners, self.names_) if not (owner and name))
            self._names = Names(self.module, dict(self.imports), local)
        return self._names

    def span(self, name: str, method: Optional[str]) -> Optional[Tuple[int, int, int]]:
        """(first line, `def` line, last line) of the function `name`, or of method `method` of the first
        class `name`; None when the module has none."""
        owner, wanted = (name, method) if method is not None else ("", name)
        seen_class = False
        for index, (who, what) in enumerate(zip(self.owners, self.names_)):
            if method is not None and who == owner and what == "":
                if seen_class:
                    return None  # a later class of that name: its methods are not the first class's
                seen_class = True
            elif who == owner and what == wanted:
                return tuple(self.lines[3 * index:3 * index + 3])  # type: ignore[return-value]
        return None


# PEP 263's cookie, as Python's tokenizer reads it on either of the first two lines
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_LINE_END = re.compile(rb"\r\n?|\n")


def _declares_utf8(data: bytes) -> bool:
    """Whether Python reads `data` as UTF-8: no coding cookie on its first two lines, or one naming UTF-8
    (any spelling or alias). Any other cookie, or one naming no known codec: False."""
    for line in _LINE_END.split(data, 2)[:2]:
        found = _COOKIE.match(line)
        if found is not None:
            try:
                return codecs.lookup(found.group(1).decode("ascii")).name == "utf-8"
            except LookupError:
                return False
    return True


def placed(segment: str, first: int, indented: bool) -> str:
    """Source that parses `segment`, lines of a file from line `first` (from 1), at their own lines (blank
    lines before it) and columns: indented lines (a class's members) under an `if 1:` on the line before,
    whose body is then what they are."""
    return ("\n" * (first - 2) + "if 1:\n" + segment) if indented else ("\n" * (first - 1) + segment)


def python_text(data: bytes) -> Optional[str]:
    """A file's text as Python reads it, its lines ended by "\\n" alone, when it is plain UTF-8 (a cookie
    declaring UTF-8 included: the first line of most modules written for Python 2); None for any other
    encoding or undecodable bytes, which only a whole parse of the bytes reads right."""
    if not _declares_utf8(data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:  # Python ends lines at \r\n, \r and \n alike
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _lines(node) -> Tuple[int, int, int]:
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return first, node.lineno, node.end_lineno or node.lineno


_LAYOUTS: Dict[str, Layout] = {}  # path → the layout of its last parse


def note_layout(path: str, is_package: bool, layout: Layout) -> None:
    """The index parsed `path` for its facts (as `layout.module`, its imports as the facts hold them): a
    definition asked of it later is parsed alone. Only when the facts were read as this module reads
    them (same dotted name, package or not), so its Names are those a whole parse here would give."""
    if layout.stamp is not None and is_package == _is_package(path):
        _LAYOUTS[path] = layout


def _fresh_layout(path: str, module: str) -> Optional[Layout]:
    layout = _LAYOUTS.get(path)
    if layout is None or layout.module != module or layout.stamp != stamp(path):
        return None
    return layout


def _parse_span(path: str, layout: Layout, span: Tuple[int, int, int], indented: bool) -> Optional[ast.AST]:
    """The definition at `span`, parsed from its own lines of the file at their own line numbers (blank
    lines before it) and columns (a method's indented lines under an `if 1:`, unchanged): the node a
    whole parse gives. None when the file is not what the layout was read from, or not plain UTF-8 text
    (`python_text`), or the lines do not parse to that definition: then the module is parsed whole."""
    first, line, last = span
    try:
        data = read_bytes(path)
    except OSError:
        return None
    text = python_text(data) if layout.stamp is not None and len(data) == layout.stamp[0] else None
    if text is None:
        return None
    lines = text.split("\n")
    if last > len(lines) or (indented and first < 2):
        return None
    try:
        tree = parse_source(placed("\n".join(lines[first - 1:last]), first, indented), path)
    except ParseFailure:
        return None
    body = tree.body[0].body if indented and tree.body and isinstance(tree.body[0], ast.If) else tree.body
    node = body[0] if len(body) == 1 else None
    if not isinstance(node, FUNCTIONS) or node.lineno != line or (node.end_lineno or line) != last:
        return None
    return node
