"""Which rules a file is checked for: `select`, `extend-select`, `ignore` and `per-file-ignores`, with ruff's
meaning, decided once here for all three front ends.

- `select` replaces the default set (every rule that is on by default); `extend-select` adds to it;
  `ignore` takes away, and wins over both; `per-file-ignores` maps a glob (relative to the folder of the
  configuration file that sets it) to codes ignored in the files it matches.
- Entries are codes or prefixes (`UNQ`, `UNQ00`, `UNQ004`). A rule that is off by default (UNQ004) is on
  only when named more precisely than the whole `UNQ` family, so `select = ["UNQ"]` does not switch it
  on for everyone.
- A front end adds what its host selected: flake8's `--select`/`--extend-select`, pylint's `--enable`,
  the command line's flags. The host then applies its own filters (flake8's `--ignore` and its own
  `per-file-ignores`, pylint's `--disable`) on top.
"""
from __future__ import annotations

import os
from typing import Iterable, Optional, Sequence, Tuple

from .paths import matches, relative_posix
from .rules import BY_CODE, RULES

FAMILY = "UNQ"


def _named(code: str, selectors: Iterable[str]) -> Tuple[bool, bool]:
    """(named at all, named more precisely than the family) by the selectors."""
    hits = [s for s in selectors if code.startswith(s)]
    return bool(hits), any(len(s) > len(FAMILY) for s in hits)


def is_selected(code: str, select: Optional[Sequence[str]], extend_select: Sequence[str],
                ignore: Sequence[str]) -> bool:
    rule = BY_CODE.get(code)
    if rule is None:
        return True
    if any(code.startswith(s) for s in ignore):
        return False
    named, precisely = _named(code, tuple(select or ()) + tuple(extend_select))
    if precisely:
        return True
    if select is None:
        return rule.default_enabled
    return named and rule.default_enabled


def ignored_here(code: str, path: str, per_file_ignores, base: Optional[str]) -> bool:
    """Whether a `per-file-ignores` entry (glob relative to `base`) ignores `code` in `path`."""
    if not per_file_ignores:
        return False
    relative = relative_posix(path, base or os.getcwd())
    return any(code.startswith(tuple(codes)) and matches(relative, (glob,)) for glob, codes in per_file_ignores)


def selected_codes(select, extend_select, ignore) -> frozenset:
    """Every code `is_selected` keeps (for a front end's own listing)."""
    return frozenset(r.code for r in RULES if is_selected(r.code, select, extend_select, ignore))
