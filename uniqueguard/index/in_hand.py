"""The trees of modules the engine has in hand right now, which every reader of those modules takes
instead of parsing the file again.

A module is read for several purposes in one run: its index facts (modules.py), a function body a
decision follows (sources.py), its call sites for the call graph (analysis/callers.py), its own writes
(analysis/engine.py). Each used to parse the file itself, so one module was often parsed three to ten
times a run, once per purpose. Two kinds of trees are alive anyway, and serve them all:

- a module being analysed (`holding`): the linted module's tree for its whole check, a helper module's
  while its writes are judged; a module whose check starts without a tree (its writes were judged
  earlier, from the same text) is held as soon as any reader parses it;
- the call graph's last module read (`kept`), until the graph lets it go, as long as the file is unchanged.

Nothing else is kept, so memory stays what it was.
"""
from __future__ import annotations

import ast
import contextlib
import os
from typing import Dict, Optional, Tuple

from . import discovery
from .cache import stamp

_HELD: Dict[str, Optional[ast.Module]] = {}  # path → its tree; None: held, not parsed yet
_KEPT: Dict[str, Tuple[Optional[list], ast.Module]] = {}  # path → (the file's stamp then, its tree)
# Trees `kept` at most: the graph keeps one module besides the linted one, per project and configuration;
# a graph dropped whole (its index rebuilt in a long-running process) never lets its trees go itself.
MAX_KEPT = 4


@contextlib.contextmanager
def holding(path: str, tree: Optional[ast.Module] = None):
    """For the duration, `path`'s tree (given, or the first one parsed) serves every reader of it. A
    nested hold of the same module keeps the outer one's tree."""
    path = os.path.abspath(path)
    outer = path in _HELD
    if not outer or (_HELD[path] is None and tree is not None):
        _HELD[path] = tree
    try:
        yield
    finally:
        if not outer:
            _HELD.pop(path, None)


def held(path: str) -> bool:
    """Whether `path` is being analysed right now (its tree, once parsed, is kept until then)."""
    return os.path.abspath(path) in _HELD


def kept(path: str, tree: Optional[ast.Module]) -> None:
    """A tree some part of the engine keeps anyway (the call graph's last module read) serves every reader
    of `path` until it is let go (`tree` None) or the file changes."""
    key = os.path.abspath(path)
    _KEPT.pop(key, None)
    if tree is not None:
        _KEPT[key] = (stamp(key), tree)
        for oldest in list(_KEPT)[:-MAX_KEPT]:
            del _KEPT[oldest]


def tree_in_hand(path: str) -> Optional[ast.Module]:
    """The module's tree when one is held or kept (and the file unchanged), without parsing it."""
    key = os.path.abspath(path)
    tree = _HELD.get(key)
    if tree is None and key in _KEPT:
        was, found = _KEPT[key]
        tree = found if was == stamp(key) else None
    return tree


def tree_of(path: str, data=None) -> ast.Module:
    """The module's tree: the one held or kept, else parsed from `data` (bytes or text) or, without it,
    from the file; a module held but not parsed yet keeps the tree parsed here. Raises ParseFailure."""
    key = os.path.abspath(path)
    tree = tree_in_hand(key)
    if tree is None:
        tree = discovery.parse_source(data, path) if data is not None else discovery.parse_file(path)
    if key in _HELD:
        _HELD[key] = tree
    return tree


__all__ = ["held", "holding", "kept", "tree_in_hand", "tree_of"]
