"""The flake8 front end: flake8's parsed tree in, `UNQ` tuples out. No analysis lives here.

flake8 handles `# noqa`, `--select`/`--extend-select`, `-j` and output formats itself; UNQ004 is added to
flake8's default ignore list so it stays off until a user selects it.
"""
from __future__ import annotations

import ast
from typing import Iterator, Tuple

from . import __version__
from .engine import Options, check_tree
from .rules import RULES

Result = Tuple[int, int, str, type]


class UniqueGuardPlugin:
    name = "uniqueguard"
    version = __version__
    options = Options()

    def __init__(self, tree: ast.Module, filename: str):
        self.tree = tree
        self.filename = filename

    @classmethod
    def add_options(cls, parser) -> None:
        parser.extend_default_ignore([rule.code for rule in RULES if not rule.default_enabled])

    def run(self) -> Iterator[Result]:
        for finding in check_tree(self.tree, self.filename, self.options):
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
