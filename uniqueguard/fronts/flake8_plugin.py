"""The flake8 front end: flake8's parsed tree in, `UNQ` tuples out. No analysis lives here.

flake8 handles `# noqa`, `--select`/`--extend-select`, `-j` and output formats itself; UNQ004 is added to
flake8's default ignore list so it stays off until a user selects it. Options are `--uniqueguard-<name>`
on the command line or `uniqueguard-<name> = ...` in flake8's config, over `[tool.uniqueguard]`.
"""
from __future__ import annotations

import ast
import sys
from typing import Iterator, Tuple

from .. import __version__
from ..config import HELP, SPEC, ConfigError, Options, options_from_mapping
from ..analysis.engine import check_tree, run_notes, start_run
from ..rules import RULES

Result = Tuple[int, int, str, type]


def _attribute(name: str) -> str:
    return "uniqueguard_" + name.replace("-", "_")


OPTIONAL = tuple(rule.code for rule in RULES if not rule.default_enabled)


def _hidden(selectors) -> frozenset:
    """Off-by-default codes not named in --select/--extend-select more precisely than the `UNQ` family.

    flake8 lets an explicit `--select=UNQ` override its default ignore list, which would switch UNQ004
    on for everyone who selects the family; a rule that is off by default stays off until named.
    """
    named = [s.strip() for s in selectors if s and len(s.strip()) > len("UNQ")]
    return frozenset(code for code in OPTIONAL if not any(code.startswith(s) for s in named))


def _files(options, paths) -> list:
    """The files flake8 will lint, listed the way flake8 itself lists them (`Manager.start`)."""
    from flake8.discover_files import expand_paths

    exclude = (*(getattr(options, "exclude", None) or ()), *(getattr(options, "extend_exclude", None) or ()))
    return list(expand_paths(paths=paths, stdin_display_name=getattr(options, "stdin_display_name", "stdin"),
                             filename_patterns=getattr(options, "filename", None) or ["*.py"], exclude=exclude))


class UniqueGuardPlugin:
    name = "uniqueguard"
    version = __version__
    options = Options()
    hidden = frozenset(OPTIONAL)

    def __init__(self, tree: ast.Module, filename: str, lines=None):
        self.tree = tree
        self.filename = filename
        self.lines = lines  # flake8 hands the physical lines too: a module with no write call is skipped

    @classmethod
    def add_options(cls, parser) -> None:
        parser.extend_default_ignore(list(OPTIONAL))
        for name in SPEC:
            parser.add_option(f"--uniqueguard-{name}", default=None, parse_from_config=True,
                              dest=_attribute(name), help=f"uniqueguard: {HELP[name]}")

    @classmethod
    def parse_options(cls, *args) -> None:
        """flake8 calls this as (option_manager, options, filenames), older versions as (options)."""
        options = args[1] if len(args) == 3 else args[0]
        cls.hidden = _hidden(list(getattr(options, "select", None) or ()) +
                             list(getattr(options, "extend_select", None) or ()))
        mapping = {name: getattr(options, _attribute(name), None) for name in SPEC}
        try:
            cls.options = options_from_mapping(mapping, "flake8's options (command line or its config file)")
        except ConfigError as exc:
            # A usage error, like flake8's own bad options: one line and exit 2 (flake8's ExecutionError
            # would exit 1, which CI reads as "findings").
            print(f"flake8: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        paths = [p for p in (getattr(options, "filenames", None) or ["."]) if p != "-"]
        start_run(paths, cls.options, lambda: _files(options, paths))

    def run(self) -> Iterator[Result]:
        source = "".join(self.lines) if self.lines is not None else None
        for finding in check_tree(self.tree, self.filename, self.options, source) + run_notes(self.filename):
            if finding.code in self.hidden:
                continue
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
