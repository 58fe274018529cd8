"""The flake8 front end: flake8's parsed tree in, `UNQ` tuples out. No analysis lives here.

flake8 handles `# noqa`, `--select`/`--ignore`, its own `per-file-ignores`, `-j` and output formats
itself; the engine applies uniqueguard's own selection (an off-by-default rule stays off until a user
names it in flake8's selection or in uniqueguard's configuration). Options are `--uniqueguard-<name>`
on the command line or `uniqueguard-<name> = ...` in flake8's config, over `[tool.uniqueguard]`.
"""
from __future__ import annotations

import ast
import inspect
import sys
from typing import Iterator, Tuple

from .. import __version__
from ..config import ConfigError, Options, options_from_mapping
from ..analysis.engine import check_tree, let_go_of_trees, run_notes, start_run
from ..findings import said_once
from .option_spec import add_flake8_options, flake8_mapping
from ..records import replace

Result = Tuple[int, int, str, type]
_SAID: set = set()  # notes about the environment already printed by this process


def _host_selected(selectors) -> Tuple[str, ...]:
    """What flake8's --select/--extend-select name of uniqueguard's codes more precisely than the `UNQ`
    family: handed to the engine as `extend-select`, so an off-by-default rule (UNQ004) named there is
    on, and `--select=UNQ` alone does not switch it on (selection.py)."""
    return tuple(s.strip().upper() for s in selectors
                 if s and s.strip().upper().startswith("UNQ") and len(s.strip()) > len("UNQ"))


def _files(options, paths) -> list:
    """The files flake8 will lint, listed the way flake8 itself lists them (`Manager.start`)."""
    from flake8.discover_files import expand_paths

    exclude = (*(getattr(options, "exclude", None) or ()), *(getattr(options, "extend_exclude", None) or ()))
    arguments = {"paths": paths, "stdin_display_name": getattr(options, "stdin_display_name", "stdin"),
                 "filename_patterns": getattr(options, "filename", None) or ["*.py"], "exclude": exclude}
    if "is_running_from_diff" in inspect.signature(expand_paths).parameters:  # flake8 5.x (its --diff mode)
        arguments["is_running_from_diff"] = bool(getattr(options, "diff", False))
    return list(expand_paths(**arguments))


class UniqueGuardPlugin:
    name = "uniqueguard"
    version = __version__
    options = Options()

    def __init__(self, tree: ast.Module, filename: str, lines=None):
        self.tree = tree
        self.filename = filename
        self.lines = lines  # flake8 hands the physical lines too: a module with no write call is skipped

    @classmethod
    def add_options(cls, parser) -> None:
        add_flake8_options(parser)

    @classmethod
    def parse_options(cls, *args) -> None:
        """flake8 calls this as (option_manager, options, filenames), older versions as (options)."""
        options = args[1] if len(args) == 3 else args[0]
        host = _host_selected(list(getattr(options, "select", None) or ()) +
                              list(getattr(options, "extend_select", None) or ()))
        mapping = flake8_mapping(options)
        try:
            cls.options = replace(options_from_mapping(mapping, "flake8's options (command line or its config file)"),
                                  extend_select=host)
        except ConfigError as exc:
            # A usage error, like flake8's own bad options: one line and exit 2 (flake8's ExecutionError
            # would exit 1, which CI reads as "findings").
            print(f"flake8: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        paths = [p for p in (getattr(options, "filenames", None) or ["."]) if p != "-"]
        start_run(paths, cls.options, lambda: _files(options, paths))

    def run(self) -> Iterator[Result]:
        source = "".join(self.lines) if self.lines is not None else None
        found = check_tree(self.tree, self.filename, self.options, source) + run_notes(self.filename)
        let_go_of_trees()  # flake8 goes on to its next file: nothing of this one's stays beside it
        for finding in found:
            if finding.note:
                if said_once(finding, _SAID):
                    print(f"uniqueguard: note: {finding.path}:{finding.line}: {finding.message}", file=sys.stderr)
                continue
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
