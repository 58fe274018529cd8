"""The pylint front end: pylint's module in, `W58xx` messages out. No analysis lives here.

The engine works on the standard library `ast`, like the flake8 front end, so both report the same
findings. It is not parsed twice: `pylint_trees` takes the `ast` tree astroid built the module from
(checked byte for byte against the file; a plain parse when astroid's private hook is missing). Options
are `--uniqueguard-<name>` (command line or rc file), over `[tool.uniqueguard]`.
"""
from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional

import astroid.builder
from pylint.checkers import BaseChecker
from pylint.constants import WarningScope

from ..config import HELP, SPEC, ConfigError, Options, options_from_mapping
from . import pylint_trees
from ..analysis.engine import check_source, check_tree, may_write
from ..findings import Finding
from ..rules import BY_CODE, RULES


def _messages() -> dict:
    """pylint's `msgs` from the rule table. Line-scoped: the engine reports positions, not astroid nodes."""
    messages = {}
    for rule in RULES:
        options: Dict[str, object] = {"scope": WarningScope.LINE}
        if not rule.default_enabled:
            options["default_enabled"] = False
        messages[rule.pylint_id] = ("%s", rule.symbol, rule.title + ".", options)
    return messages


_BOOLEANS = ("strict", "cache", "atomic-requests", "check-test-support")
_PYLINT_TYPES = {**{name: "yn" for name in _BOOLEANS}, "exclude": "csv", "extend-exclude": "csv",
                 "write-methods": "csv", "guard-exceptions": "csv", "unique": "csv"}


def _attribute(name: str) -> str:
    return "uniqueguard_" + name.replace("-", "_")


class UniqueGuardChecker(BaseChecker):
    name = "uniqueguard"
    msgs = _messages()
    options = tuple((f"uniqueguard-{name}", {"default": None, "type": _PYLINT_TYPES.get(name, "string"),
                                             "metavar": "<y or n>" if name in _BOOLEANS else "<value>",
                                             "help": HELP[name]}) for name in SPEC)

    def open(self) -> None:
        """Read the options once per run; a bad value stops pylint with a usage error, like its own."""
        mapping = {name: getattr(self.linter.config, _attribute(name), None) for name in SPEC}
        try:
            self._options = options_from_mapping(mapping, "pylint's options (command line or its rc file)")
        except ConfigError as exc:
            print(f"pylint: error: {exc}", file=sys.stderr)
            raise SystemExit(32) from None
        linter: Any = self.linter  # an attribute of ours on pylint's linter: what pylint_trees judges with
        linter._uniqueguard_options = self._options

    def close(self) -> None:
        pylint_trees.drop_all()

    def visit_module(self, node) -> None:
        path = node.file
        if not path or not path.endswith(".py"):
            return
        try:
            with node.stream() as stream:
                source = stream.read()
        except OSError:
            return  # pylint reports read errors itself
        found = pylint_trees.take(path, source)
        if found is None:
            found = check_source(source, path, getattr(self, "_options", Options()))
        for finding in found:
            self._report(finding)

    def _report(self, finding: Finding) -> None:
        self.add_message(BY_CODE[finding.code].symbol, line=finding.line, col_offset=finding.col,
                         end_lineno=finding.end_line or None, end_col_offset=finding.end_col or None,
                         args=(finding.message,))


def _judge(linter, path: str, text: str, tree) -> Optional[List[Finding]]:
    """Findings for a module pylint is building, from astroid's own `ast` tree (pylint_trees); None
    when there is nothing to judge: no write call in the text, or none of our messages enabled."""
    options = getattr(linter, "_uniqueguard_options", None)
    if options is None or not path.endswith(".py") or not may_write(text, options.write_methods):
        return None
    if not any(linter.is_message_enabled(rule.symbol) for rule in RULES):
        return None
    return check_tree(tree, path, options, text)


def register(linter) -> None:
    linter.register_checker(UniqueGuardChecker(linter))
    pylint_trees.install(type(linter), astroid.builder, _judge)
