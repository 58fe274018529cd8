"""Name a pylint run's files to the engine in pylint's own process, before any worker starts.

What a run says once — the note that a project tree was not read completely — goes on the run's first
file of that project (`engine.start_run`), so `pylint -j1` and `-j2` print it once, on the same file.
pylint gives plugins no list of the files it will lint, so this wraps the private
`PyLinter._iterate_file_descrs`: `check` calls it, in the parent process, before it builds or forks any
worker (pylint 2.17 to 4.x, sequential and `-j N` alike). The wrapper leaves pylint's own listing alone —
consuming it early would move pylint's own messages about missing modules before `-j N` resets its
counts, which changes the score and the exit code — and lists the files again the way pylint does
(`expand_modules`, then `should_analyze_file`), only when a tree is incomplete. Workers forked from the
parent inherit what `start_run` decided; the carriers also travel on the linter, which pylint pickles
for workers that are not forked (spawn, forkserver). When the hook or pylint's listing is not what this
module expects, nothing is named and the note falls back to once per process.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import os
from typing import Any, Callable, List, Optional, Sequence

_MARK = "_uniqueguard_names_the_run"
_EXPAND_PARAMETERS = ["files_or_modules", "source_roots", "ignore_list", "ignore_list_re", "ignore_list_paths_re"]

# on_run(linter, paths named on the command line, files() → the .py files pylint will lint or None)
OnRun = Callable[[Any, Sequence[str], Callable[[], Optional[List[str]]]], None]


def install(linter_class, on_run: OnRun) -> bool:
    """Wrap `_iterate_file_descrs` (once per process); False when pylint has no such method."""
    iterate = getattr(linter_class, "_iterate_file_descrs", None)
    if iterate is None:
        return False
    if getattr(iterate, _MARK, False):
        return True

    @functools.wraps(iterate)
    def iterate_after_naming_the_run(self, files_or_modules, *args, **kwargs):
        extra_paths = kwargs.get("extra_packages_paths", args[0] if args else ())
        try:
            on_run(self, list(files_or_modules), lambda: listed(self, files_or_modules, extra_paths))
        except Exception:  # noqa: BLE001 - never take pylint down; the note then comes once per process
            pass
        return iterate(self, files_or_modules, *args, **kwargs)

    setattr(iterate_after_naming_the_run, _MARK, True)
    linter_class._iterate_file_descrs = iterate_after_naming_the_run
    return True


def listed(linter, files_or_modules: Sequence[str], extra_paths: Sequence[str] = ()) -> Optional[List[str]]:
    """The `.py` files pylint will lint for these arguments, found as `PyLinter._iterate_file_descrs` finds
    them, without its side effects (messages, counts); None when pylint's `expand_modules` is not the one
    this was written against."""
    from pylint.lint import expand_modules as expansion

    expand = getattr(expansion, "expand_modules", None)
    if expand is None or list(inspect.signature(expand).parameters) != _EXPAND_PARAMETERS:
        return None
    config = linter.config
    with _search_path(extra_paths):
        found, _errors = expand(list(files_or_modules), getattr(config, "source_roots", []) or [], config.ignore,
                                config.ignore_patterns, getattr(linter, "_ignore_paths", config.ignore_paths))
    return [item["path"] for item in found.values()
            if not item.get("isignored") and item["path"].endswith(".py")
            and linter.should_analyze_file(item["name"], item["path"], is_argument=item["isarg"])]


def _search_path(extra_paths: Sequence[str]):
    """The `sys.path` pylint lists files under (pylint 3.x and later add the linted packages' parents)."""
    try:
        from pylint.lint.utils import augmented_sys_path
    except ImportError:
        return contextlib.nullcontext()
    return augmented_sys_path(list(extra_paths or ()))


def carried(linter) -> tuple:
    """The carriers the parent named, as pickled with the linter into a worker."""
    value = getattr(linter, "_uniqueguard_walk_carriers", ())
    return tuple(p for p in value if isinstance(p, str) and os.path.isabs(p)) if isinstance(value, tuple) else ()


def carry(linter, carriers: Sequence[str]) -> None:
    linter._uniqueguard_walk_carriers = tuple(carriers)


__all__ = ["install", "listed", "carried", "carry"]
