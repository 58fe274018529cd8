"""The one table of uniqueguard's rules.

Every front end (flake8, pylint, the command line) and every docs page reads its codes, symbols, titles
and default state from here, so a rule is renamed or re-worded in exactly one place.
"""
from __future__ import annotations

from .records import dataclass


@dataclass(frozen=True)
class Rule:
    code: str  # flake8 / CLI code, e.g. "UNQ001"
    pylint_id: str  # pylint message id, e.g. "W5801"
    symbol: str  # pylint symbol, kebab-case verb of the problem
    title: str  # one line: what the rule flags
    default_enabled: bool = True
    strict_only: bool = False  # reported only when the `strict` option is on
    precision: str = "high"  # how often a finding is right (SARIF/code scanning: very-high..low)
    severity: str = "warning"  # code scanning's problem.severity: error, warning or recommendation


RULES: tuple[Rule, ...] = (
    Rule("UNQ000", "W5800", "uniqueguard-unreadable",
         "a module the analysis needs could not be read, so writes through it are not checked",
         precision="very-high", severity="recommendation"),
    Rule("UNQ001", "W5801", "unguarded-create",
         "write can violate a unique constraint and nothing catches IntegrityError"),
    Rule("UNQ002", "W5802", "check-then-create-race",
         "write is guarded only by an existence check that races with concurrent requests"),
    Rule("UNQ003", "W5803", "integrity-error-in-atomic",
         "IntegrityError is caught inside an atomic block without a savepoint around the write"),
    Rule("UNQ004", "W5804", "validated-create-race",
         "write is guarded only by form or serializer validation, which races", default_enabled=False,
         precision="medium", severity="recommendation"),
    # Reported only in strict mode (the `strict` option), so no front end needs to filter it.
    Rule("UNQ005", "W5805", "unresolved-write",
         "strict mode: a write through a manager uniqueguard cannot resolve to a model", strict_only=True,
         precision="low", severity="recommendation"),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
BY_SYMBOL: dict[str, Rule] = {rule.symbol: rule for rule in RULES}
