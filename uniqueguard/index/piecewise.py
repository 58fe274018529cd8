"""A module's facts read a few kilobytes of its top-level statements at a time, never as one tree.

The index reads a module for its facts at any moment of a check: a form class asked while a helper
module's writes are judged, beside the linted module's tree and the helper's. Parsed whole, a 100 kB
forms or models module is a tree of ~9 MB for that moment, and the memory the process took for it is not
given back (pymalloc arenas stay partly used): weblate's peak RSS under flake8 was made so (issue 9's
memory target; bench/RESULTS.md, eleventh round). Read here, only one group of statements is a tree at
a time (`GROUP` characters, or one statement when it is longer), and each line is parsed about once.
A class longer than `GROUP` (one models class can be most of a module) is read the same way a level
down: its header with a `pass` body, then its members a group at a time under an `if 1:` at their own
columns (`BigClass`).

**Where statements start, without tokenizing.** A top-level statement starts on a line at column 0
that is not blank, not a comment, not a closing bracket and not an `else`/`elif`/`except`/`finally`
clause; such a line may also be inside a string or a bracket, or follow a backslash or a decorator. A
group begins where the last one ended, at a true statement start. It ends before such a line, and is
taken when it parses: cut inside a string, a bracket, a continuation or a decorated definition, the
text ends in a syntax error, since the tokenizer reads it from the same state as the whole module.
After a failed attempt the group at least doubles, so the text parsed stays within a few times its
size (over the bench corpora, 1.013 times the text read); a group that fails up to the end of the file
means the file does not parse, and it is read whole to say why (UNQ000). Where a group ends is only
chosen by the text (before a long statement, so that it is a group of its own: `_LIKELY`); whether the
cut is right is always decided by parsing.

**When it is read whole instead** (`None`): the text is not plain UTF-8 (`sources.python_text`), it
names `connect` (the facts of `post_save.connect()` calls are read from the whole tree), it turns on a
`__future__` feature that changes the grammar, a later group imports a name an earlier group resolved,
or the top-level names defined are not those its `def`/`class` lines say (`facts.Reread`).
"""
from __future__ import annotations

import ast
import itertools
import re
from typing import Iterator, List, Optional, Pattern, Tuple, Union

from . import discovery
from .discovery import ParseFailure
from .facts import ModuleFacts, ModuleReader, Reread
from .sources import Layout, placed, python_text

# Characters of source per group: its tree is ~90 times that in memory.
GROUP = 8192

# The names a module's top-level `def` and `class` statements define, as its text reads (a line of a string
# may look like one: then the names found differ from those parsed, and the module is read whole); a
# pattern led by its newline is several times faster to search than one led by `^`
_DEFINED = re.compile(r"\n(?:async[ \t]+def|def|class)[ \t]+(\w+)")
_DEFINED_FIRST = re.compile(r"(?:async[ \t]+def|def|class)[ \t]+(\w+)")


def _names_connect(text: str) -> bool:
    """Whether the word `connect` is in the text (a `\\b` pattern searches several times slower)."""
    at = text.find("connect")
    while at >= 0:
        before, after = text[at - 1:at], text[at + 7:at + 8]  # at 0, text[-1:0] is ""
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            return True
        at = text.find("connect", at + 7)
    return False


def read(data: bytes, path: str, module: str, is_package: bool, status: Optional[list],
         want_settings_hint: bool = False) -> Optional[Tuple[ModuleFacts, Layout]]:
    """The facts and the layout of the module whose file holds `data`, read a group of statements at a
    time; None when it has to be parsed whole (see the module docstring)."""
    text = python_text(data)
    if text is None or "barry_as_FLUFL" in text or _names_connect(text):
        return None
    defined = {found.group(1) for found in _DEFINED.finditer(text)}
    opening = _DEFINED_FIRST.match(text)
    if opening is not None:
        defined.add(opening.group(1))
    reader = ModuleReader(module, is_package, want_settings_hint, asked=set(), defined=defined)
    layout = Layout(status, module)
    try:
        for piece in statement_groups(text, path, split_classes=not want_settings_hint):
            if isinstance(piece, BigClass):
                first = not layout.has_class(piece.header.name)
                layout.add([piece.header])
                reader.add([piece.header], _noting_methods(layout, piece, first))
            else:
                reader.add(piece)
                layout.add(piece)
        facts = reader.finish(path)
    except (Reread, ParseFailure, RecursionError):
        return None
    layout.imports = facts.imports
    return facts, layout


def _noting_methods(layout: Layout, piece: "BigClass", first: bool) -> Iterator[List[ast.stmt]]:
    for body in piece.members:
        if first:
            layout.add_methods(piece.header.name, body)
        yield body


class BigClass:
    """A top-level class longer than `GROUP`: its header (the `class` statement with its decorators and
    bases, its body a `pass`), and its body's statements a group at a time (`members`). Once `members`
    is exhausted, `end` is where the class ends in the text, and `end_line` that line (from 0)."""

    def __init__(self, text: str, path: str, header: ast.ClassDef, body_at: int, body_line: int, indent: str):
        self.header = header
        self.end = self.end_line = -1
        self._args = (text, path, body_at, body_line, indent)

    @property
    def members(self) -> Iterator[List[ast.stmt]]:
        """The class's statements a group at a time, under an `if 1:` at their own columns, up to the first
        group that ends at column 0 or holds statements after the class (the wrapper's column 0 is the
        module's): where the class ends."""
        text, path, begin, line, indent = self._args
        starts = _statement_start(indent)
        while begin < len(text):
            tree, end = _parse_group(text, path, begin, line, starts, wrapped=True)
            wrapper = tree.body[0] if tree.body else None
            if not isinstance(wrapper, ast.If) or wrapper.orelse:  # an `else:` after the class: not Python
                raise ParseFailure("not the members of a class")
            yield wrapper.body
            if len(tree.body) > 1:
                # The group goes on past the class: it ends where the first statement after it starts, and
                # what follows is read at top level again (this group's cut may be inside a later class).
                after = tree.body[1]
                first = min([after.lineno] + [d.lineno for d in getattr(after, "decorator_list", ())])
                self.end, self.end_line = _line_start(text, begin, line, first - 1), first - 1
                return
            line += text.count("\n", begin, end)
            begin = end
            if end < len(text) and not text[end].isspace():
                break
        self.end, self.end_line = begin, line


def statement_groups(text: str, path: str,
                     split_classes: bool = True) -> Iterator[Union[List[ast.stmt], BigClass]]:
    """The top-level statements of `text`, parsed a group at a time, at their own line numbers; a class
    longer than `GROUP` as a BigClass, whose members the caller reads before the next group. Raises
    ParseFailure when the text does not parse."""
    begin = line = 0
    while begin < len(text):
        big = _big_class(text, path, begin, line) if split_classes else None
        if big is not None:
            yield big
            begin, line = big.end, big.end_line
            continue
        tree, end = _parse_group(text, path, begin, line, _START, cut=True)
        yield tree.body
        line += text.count("\n", begin, end)
        begin = end


def _parse_group(text: str, path: str, begin: int, line: int, starts: Pattern, cut: bool = False,
                 wrapped: bool = False) -> Tuple[ast.Module, int]:
    """(the tree, where it ends) of the statements from `begin` (line `line`, from 0) before the first
    `starts` line `GROUP` characters on, or further when that does not parse (`_end`); `wrapped`: a
    class's members, under an `if 1:` on the line before: they end where the class does, as far as the
    text tells (`_LIKELY`, past the cuts that failed; a few tries, then the group only doubles)."""
    want = GROUP
    failed = begin
    for attempt in itertools.count():
        end = _end(text, begin, want, starts, cut and want == GROUP)
        if wrapped and attempt < _CLASS_END_TRIES:
            found = _LIKELY.search(text, failed + 1, end)
            end = found.start() if found is not None else end
        try:
            return discovery.parse_source(placed(text[begin:end], line + 1, wrapped), path), end
        except ParseFailure:
            if end >= len(text):
                raise
            want, failed = 2 * (end - begin), end
    raise AssertionError("unreachable")


def _line_start(text: str, begin: int, line: int, wanted: int) -> int:
    """Where line `wanted` starts in `text`, from `begin`, the start of line `line` (both from 0)."""
    for _ in range(wanted - line):
        begin = text.index("\n", begin) + 1
    return begin


def _end(text: str, begin: int, want: int, starts: Pattern, cut: bool) -> int:
    """Where a group from `begin` ends: before the first `starts` line `want` characters on (the end of
    the text when none). With `cut`, before a statement that starts within the group and is longer than
    `GROUP` (its decorators included), when one does."""
    if begin + want >= len(text):
        return len(text)
    end = _next_start(text, begin + want - 1, starts)
    if cut:
        inside = []  # not `endpos`: the pattern's look-ahead must see the text after it
        for found in starts.finditer(text, begin + 1):
            if found.start() >= begin + want:
                break
            inside.append(found.start())
        if inside:
            # where the last statement starting within the group ends, as far as the text tells
            stop = _next_start(text, inside[-1], _LIKELY)
            if text[inside[-1]] == "@":  # a decorated definition: after the line its decorators lead to
                while stop < len(text) and text[stop] == "@":
                    stop = _next_start(text, stop, _LIKELY)
                stop = _next_start(text, stop, _LIKELY)
            while len(inside) > 1 and text[inside[-2]] == "@":
                inside.pop()
            if stop - inside[-1] > GROUP:
                return inside[-1]
    return end


def _next_start(text: str, at: int, starts: Pattern) -> int:
    found = starts.search(text, at + 1) if at < len(text) else None
    return found.start() if found is not None else len(text)


def _big_class(text: str, path: str, begin: int, line: int) -> Optional[BigClass]:
    """The class starting at `begin` (its decorators included) as a BigClass, when the next top-level
    line is more than `GROUP` characters on, and its header is found: the first indented line after
    the `class` line at which the header, given a `pass` body there, parses as that class."""
    found = _CLASS_AT.match(text, begin)
    if found is None:
        return None
    if _next_start(text, found.end(), _LIKELY) - begin <= GROUP:
        return None
    for tries, indented in enumerate(_INDENTED.finditer(text, found.end())):
        if tries == _HEADER_TRIES:
            return None
        at, indent = indented.start(), indented.group(1)
        try:
            tree = discovery.parse_source("\n" * line + text[begin:at] + indent + "pass\n", path)
        except ParseFailure:
            continue
        if len(tree.body) == 1 and isinstance(tree.body[0], ast.ClassDef):
            return BigClass(text, path, tree.body[0], at, line + text.count("\n", begin, at), indent)
        return None
    return None


# A line that likely starts a top-level statement, not a line of a string at column 0: how long a statement
# is, for where to cut groups (any cut is checked by parsing it; a wrong guess only makes a group larger)
_LIKELY = re.compile(
    r"^(?:(?:async|class|def|for|from|if|import|try|while|with)\b|@|[A-Za-z_][\w.]*[ \t]*(?:[-+*/|&]?=|\())",
    re.MULTILINE)
# A class statement at column 0, after decorators written on one line each
_CLASS_AT = re.compile(r"(?:@[^\n]*\n)*class\b")
# An indented line that is neither blank nor a comment, and its indentation
_INDENTED = re.compile(r"^([ \t]+)(?![ \t\f#\n])", re.MULTILINE)
_HEADER_TRIES = 8
_CLASS_END_TRIES = 4


def _statement_start(indent: str) -> Pattern:
    """A line that may start a statement of a class body indented by `indent`, or one at column 0 (see the
    module docstring): a top-level statement, which ends the class."""
    return re.compile(rf"^(?:{re.escape(indent)})?(?![ \t\f#)\]}}\n]|(?:else|elif|except|finally)\b)", re.MULTILINE)


_START = _statement_start("")  # a line that may start a top-level statement
