"""The pylint front end: pylint's module in, `W58xx` messages out. No analysis lives here.

The engine reads the standard library `ast` of the module's own source (pylint's astroid tree is not
needed), so both front ends see the same code the same way and report the same findings.
"""
from __future__ import annotations

from pylint.checkers import BaseChecker
from pylint.constants import WarningScope

from .discovery import ParseFailure, parse_source
from .engine import Options, check_tree
from .rules import BY_CODE, RULES


def _messages() -> dict:
    """pylint's `msgs` from the rule table. Line-scoped: the engine reports positions, not astroid nodes."""
    messages = {}
    for rule in RULES:
        options = {"scope": WarningScope.LINE}
        if not rule.default_enabled:
            options["default_enabled"] = False
        messages[rule.pylint_id] = ("%s", rule.symbol, rule.title + ".", options)
    return messages


class UniqueGuardChecker(BaseChecker):
    name = "uniqueguard"
    msgs = _messages()
    options = ()

    def visit_module(self, node) -> None:
        path = node.file
        if not path or not path.endswith(".py"):
            return
        try:
            with node.stream() as stream:
                source = stream.read()
            tree = parse_source(source, path)
        except (ParseFailure, OSError):
            return  # pylint reports syntax and read errors itself
        for finding in check_tree(tree, path, Options()):
            self.add_message(BY_CODE[finding.code].symbol, line=finding.line, col_offset=finding.col,
                             end_lineno=finding.end_line, end_col_offset=finding.end_col,
                             args=(finding.message,))


def register(linter) -> None:
    linter.register_checker(UniqueGuardChecker(linter))
