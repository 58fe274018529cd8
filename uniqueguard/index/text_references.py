"""Whether a module's text can refer to a module-level function of another module, read without parsing it.

For a function's callers the call graph parses every project file whose text names the function
(callgraph.py, `candidates`). A function defined at module level (`shop.services:issue`) is often named
in those files only as a method of something else — `basket.issue()`, `self.request.basket.issue()` —
and a call reaches a module-level function of another module only through what the caller's imports
bind (analysis/callsites.py, `CallSites.callee`, and `Names.qualify`): the bare name (`from
shop.services import issue`, `import ... as`), or a dotted chain whose head an import binds
(`services.issue()`) or that spells a project module itself (`shop.services.issue()`, resolved from the
source roots even without an import). A file whose every mention of the name is an attribute of any
other chain — a local, a parameter, `self`, a call's result — cannot call it, and is not parsed to say so.
"""
from __future__ import annotations

import re
from typing import Callable, FrozenSet, Iterable, Iterator, List, Optional, Tuple

_WORD = re.compile(r"\w+")
_COMMENT = re.compile(r"#[^\n]*")
# The dotted chain of names ending a line's text before a `.name` (spaces around the dots allowed).
_CHAIN_END = re.compile(r"(?:[^\W\d]\w*[ \t]*\.[ \t]*)*[^\W\d]\w*$")
MAX_CHAIN = 200  # characters of a line looked at before a mention for the dotted chain it ends
_IMPORT_LINE = re.compile(r"[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]")


def word_positions(text: str, name: str):
    """Where `text` holds the identifier `name` as a whole word (`\\bname\\b`'s matches), by `str.find`:
    a regular expression starting with `\\b` tries every position of the text."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        if not (start and _word_char(text[start - 1])) and not (end < len(text) and _word_char(text[end])):
            yield start
        start = text.find(name, start + 1)


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def import_words(text: str, statements: Iterable["re.Match[str]"]) -> FrozenSet[str]:
    """A superset of the names the module's imports bind, at module level or in a function: from each
    import statement (`statements`: callgraph's `_IMPORTS` matches, continuation lines included) the
    names it binds (`import a.b` binds `a`, `... as c` binds `c`), and every word of any other line
    saying `import` (`x = 1; import y`, `import a; import b`, an import after a colon)."""
    words = set()
    starts = set()
    for match in statements:
        starts.add(match.start())
        _, _, names, plain = match.groups()
        for part in import_parts(plain if plain is not None else names):
            bound = part.split(" as ")[-1].strip()
            words.add(bound if plain is None or " as " in part else bound.partition(".")[0])
    at = text.find("import")
    while at >= 0:
        start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        if start not in starts or ";" in text[start:end if end >= 0 else len(text)]:
            words.update(_WORD.findall(text, start, end if end >= 0 else len(text)))
        at = text.find("import", end) if end >= 0 else -1
    return frozenset(words)


def import_parts(spelled: str) -> List[str]:
    """The comma-separated names of an import, its parentheses, comments and line breaks left out."""
    return " ".join(_COMMENT.sub("", spelled).replace("\\\n", " ").strip("()").split()).split(",")


def names_only_where_never_used(text: Optional[str], name: str) -> bool:
    """Whether every mention of `name` in `text` is its own `def` line or a plain import line (no `as`,
    no `;`): then the module neither calls nor passes the function, and need not be parsed to say so.
    Any other mention — a call, a reference, a string, a comment, a continuation line — says "read it"."""
    if not text:
        return False
    return next(_mentions_in_use(text, name), None) is None


def _mentions_in_use(text: str, name: str) -> Iterator[Tuple[int, int, Optional[str]]]:
    """(start of its line, position, the line) of each mention of `name` that is neither its own `def`
    line nor a plain import line; the line is None when it holds a `;` (more than one statement)."""
    definition = re.compile(r"[ \t]*(?:async[ \t]+)?def[ \t]+" + re.escape(name) + r"\b")
    for found in word_positions(text, name):
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found + len(name))
        line = text[start:end if end >= 0 else len(text)]
        if ";" in line:
            yield start, found, None
        elif definition.match(line) and sum(1 for _ in word_positions(line, name)) == 1:
            continue
        elif _IMPORT_LINE.match(line) and " as " not in line and "\\" not in line:
            continue
        else:
            yield start, found, line


def may_refer(text: str, name: str, imported: Callable[[], FrozenSet[str]],
              names_module: Callable[[List[str]], bool]) -> bool:
    """Whether some mention of `name` in `text` may denote a module-level function of another module:
    anything but its own `def` line, a plain import line, and attributes of dotted chains whose head is
    not among the names the module's imports may bind (`imported()`, asked only then) and that spell no
    project module (`names_module(parts)`: any prefix of the chain is one). What cannot be told from one
    line (a chain continued from the line above, a parenthesised receiver) counts as a reference."""
    for start, found, line in _mentions_in_use(text, name):
        if line is None:
            return True
        before = text[start:found].rstrip(" \t")
        if not before.endswith("."):
            return True  # the bare name: bound by an import, or this module's own
        receiver = before[:-1].rstrip(" \t")
        cut = max(len(receiver) - MAX_CHAIN, 0)  # a minified line is not searched whole
        receiver = receiver[cut:]
        chain = _CHAIN_END.search(receiver)
        if chain is None or (cut and chain.start() == 0):
            return True  # `).name`, `"...".name`, a line starting with `.name`: not told here
        ahead = receiver[:chain.start()].rstrip(" \t")
        if ahead.endswith("."):  # `call().x.name`, `items[0].x.name`: no dotted name; `(a.b).x.name` may be
            if not ahead[:-1].rstrip(" \t").endswith("]"):
                return True
            continue
        if ahead[-1:] in (")", "]", "}", "'", '"') or (not ahead and _continues(text, start)):
            return True
        parts = [part.strip(" \t") for part in chain.group(0).split(".")]
        if parts[0] in imported() or names_module(parts):
            return True
    return False


def _continues(text: str, start: int) -> bool:
    """Whether the line before the one starting at `start` may go on into it with a chain's head
    (`shop.\\` or `(shop.` at its end, with or without a comment after)."""
    line = text[text.rfind("\n", 0, max(start - 1, 0)) + 1:max(start - 1, 0)].rstrip(" \t")
    bare = line.partition("#")[0].rstrip(" \t")
    return line.endswith((".", "\\")) or bare.endswith((".", "\\"))


__all__ = ["import_parts", "import_words", "may_refer", "names_only_where_never_used", "word_positions"]
