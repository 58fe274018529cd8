"""Judge a module from the `ast` tree astroid already parsed for pylint, so no linted module is parsed twice
and no parsed tree outlives the moment it was made.

astroid builds its tree for pylint from a standard-library `ast` tree (`astroid.builder._parse_string`)
and then drops it. While pylint builds a module it is about to lint (`PyLinter.get_ast`), the engine
judges a module whose text holds a write call from that tree at once, and only its findings are kept,
keyed by path with a digest of the text, until the checker visits the module and takes them. Keeping the
trees themselves would hold one for every module at once: pylint builds every module before it lints the
first (809 modules: 563 → 1,150 MB). Nothing is judged or kept when the plugin's messages are all
disabled, and what a run did not take is dropped when it ends (`drop_all`). Both hooks are private API:
if either is missing, or the text astroid parsed is not byte for byte the file the checker reads, nothing
is used and the engine parses the source itself. The findings are the same either way.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import os
from typing import Callable, Dict, List, Optional, Tuple

from ..findings import Finding

# path → (digest of the text astroid parsed, the findings judged from its tree)
_kept: Dict[str, Tuple[bytes, List[Finding]]] = {}
_building: List[Tuple[object, str]] = []  # (linter, path) of the modules pylint is building right now
_MARK = "_uniqueguard_judges_trees"

# judge(linter, path, text, tree) → findings, or None when nothing is to be judged (messages disabled)
Judge = Callable[[object, str, str, ast.Module], Optional[List[Finding]]]


def install(linter_class, builder_module, judge: Judge) -> bool:
    """Wrap pylint's `get_ast` and astroid's `_parse_string` (once per process); False if they are absent."""
    parse = getattr(builder_module, "_parse_string", None)
    get_ast = getattr(linter_class, "get_ast", None)
    if parse is None or get_ast is None:
        return False
    if getattr(parse, _MARK, False):
        return True

    @functools.wraps(parse)
    def parse_and_judge(data, *args, **kwargs):
        result = parse(data, *args, **kwargs)
        tree = result[0] if isinstance(result, tuple) else result  # astroid < 4 returned (tree, parser)
        if _building and isinstance(data, str) and isinstance(tree, ast.Module):
            linter, path = _building[-1]
            if _is_the_file(path, data):  # astroid parses other text too while it builds a module
                found = judge(linter, path, data, tree)
                if found is not None:
                    _kept[path] = (_digest(data), found)
        return result

    @functools.wraps(get_ast)
    def get_ast_judging_the_tree(self, filepath, *args, **kwargs):
        _building.append((self, os.path.abspath(filepath)))
        try:
            return get_ast(self, filepath, *args, **kwargs)
        finally:
            _building.pop()

    setattr(parse_and_judge, _MARK, True)
    builder_module._parse_string = parse_and_judge
    linter_class.get_ast = get_ast_judging_the_tree
    return True


def _is_the_file(path: str, text: str) -> bool:
    """Whether `text` is byte for byte the file at `path`. While it builds one module, astroid also
    parses other text (its own brain modules, a package's `__init__`): judged under this path, that text
    would be taken for the module, and the index would keep its facts for the wrong file."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        return text.encode("utf-8") == data
    except (OSError, UnicodeEncodeError):
        return False


def _digest(text: str) -> bytes:
    try:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest()
    except UnicodeEncodeError:  # lone surrogates: not what a file holds, never matches
        return b""


def take(path: str, source: bytes) -> Optional[List[Finding]]:
    """The findings judged for `path` if its tree was parsed from exactly `source`, else None (then
    the checker judges the source itself)."""
    kept = _kept.pop(os.path.abspath(path), None)
    if kept is None:
        return None
    digest, found = kept
    return found if digest and digest == hashlib.blake2b(bytes(source), digest_size=20).digest() else None


def drop_all() -> None:
    """A run ended: whatever it built and never visited is let go."""
    _kept.clear()


__all__ = ["install", "take", "drop_all"]
