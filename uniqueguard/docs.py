"""The per-rule documentation pages (`uniqueguard/rule_docs/<CODE>.md`), read by `explain` and SARIF's
help text.

The pages live once, in the package, as package data: a wheel carries them and a checkout reads them in
place, with no link to follow (a checkout on a file system without symbolic links works too).
"""
from __future__ import annotations

import os
from typing import Optional

from .rules import BY_CODE, BY_SYMBOL, Rule

DOCS_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rule_docs")


def find_rule(name: str) -> Optional[Rule]:
    """A rule by flake8 code, pylint id or symbol, case-insensitively."""
    key = name.strip()
    for rule in BY_CODE.values():
        if key.upper() in (rule.code, rule.pylint_id) or key.lower() == rule.symbol:
            return rule
    return BY_SYMBOL.get(key.lower())


def page(rule: Rule) -> str:
    """The rule's docs page, or its one-line title when the page is missing from this install."""
    try:
        with open(os.path.join(DOCS_ROOT, f"{rule.code}.md"), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return f"# {rule.code} `{rule.symbol}` (pylint {rule.pylint_id})\n\n{rule.title}.\n"
