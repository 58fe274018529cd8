"""Hand the engine the `ast` tree astroid already parsed for pylint, so no linted module is parsed twice.

astroid builds its tree for pylint from a standard-library `ast` tree (`astroid.builder._parse_string`)
and then drops it. While pylint builds a module it is about to lint (`PyLinter.get_ast`), the `ast` tree
of a module whose text holds a write call is kept, keyed by path, until the checker visits that module
and takes it — the same hand-over flake8 makes with the tree it parsed. Both hooks are private API: if
either is missing, or the text astroid parsed is not byte for byte the file the checker reads, nothing
is used and the engine parses the source itself. The findings are the same either way.
"""
from __future__ import annotations

import ast
import functools
import os
from typing import Callable, Dict, List, Optional, Tuple

_kept: Dict[str, Tuple[str, ast.Module]] = {}  # path → (text astroid parsed, its ast tree)
_building: List[str] = []  # paths pylint is building right now (PyLinter.get_ast)
_MARK = "_uniqueguard_keeps_trees"


def install(linter_class, builder_module, wanted: Callable[[str], bool]) -> bool:
    """Wrap pylint's `get_ast` and astroid's `_parse_string` (once per process); False if they are absent."""
    parse = getattr(builder_module, "_parse_string", None)
    get_ast = getattr(linter_class, "get_ast", None)
    if parse is None or get_ast is None:
        return False
    if getattr(parse, _MARK, False):
        return True

    @functools.wraps(parse)
    def parse_keeping_the_tree(data, *args, **kwargs):
        result = parse(data, *args, **kwargs)
        tree = result[0] if isinstance(result, tuple) else result  # astroid < 4 returned (tree, parser)
        if _building and isinstance(data, str) and isinstance(tree, ast.Module) and wanted(data):
            _kept[_building[-1]] = (data, tree)
        return result

    @functools.wraps(get_ast)
    def get_ast_keeping_the_tree(self, filepath, *args, **kwargs):
        _building.append(os.path.abspath(filepath))
        try:
            return get_ast(self, filepath, *args, **kwargs)
        finally:
            _building.pop()

    setattr(parse_keeping_the_tree, _MARK, True)
    builder_module._parse_string = parse_keeping_the_tree
    linter_class.get_ast = get_ast_keeping_the_tree
    return True


def take(path: str, source: bytes) -> Optional[ast.Module]:
    """The kept tree of `path` if it was parsed from exactly `source`, else None (then parse it)."""
    kept = _kept.pop(os.path.abspath(path), None)
    if kept is None:
        return None
    text, tree = kept
    try:
        same = text.encode("utf-8") == bytes(source)
    except UnicodeEncodeError:  # lone surrogates: not what a file holds
        same = False
    return tree if same else None


__all__ = ["install", "take"]
