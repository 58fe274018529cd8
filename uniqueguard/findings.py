"""One finding record, and the one place its message text is composed.

Every front end prints `Finding.message` as is (flake8 prefixes the code itself), so a message reads the
same in flake8, pylint and the command line: which call, which model and unique field(s), and the fix
that fits this code.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .rules import BY_CODE


class Failure(enum.Enum):
    """Why an UNQ000 means the run itself went wrong (the command line exits 2), not something about the
    code: a configuration uniqueguard cannot use, or a failure inside uniqueguard."""

    CONFIGURATION = "configuration"
    INTERNAL = "internal"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str
    end_line: int = 0
    end_col: int = 0
    context: str = ""  # the enclosing class/function, e.g. "RegisterView.post": stable across line shifts
    snippet: str = ""  # the call's own text, whitespace-normalised: stable across line shifts
    failure: Optional[Failure] = field(default=None, compare=False)  # set on UNQ000s that fail the run

    @property
    def rule(self):
        return BY_CODE[self.code]


def finding(path: str, line: int, col: int, code: str, message: str, end_line: int = 0, end_col: int = 0,
            context: str = "", snippet: str = "", failure: Optional[Failure] = None) -> Finding:
    """The one way findings are made: every message ends with its rule code, so an editor or a reader
    of pylint's output (which shows the symbol) can go straight to `docs/rules/<code>.md`."""
    return Finding(path, line, col, code, f"{message} ({code})", end_line, end_col, context, snippet, failure)


def run_failure(path: str, failure: Failure, message: str) -> Finding:
    """An UNQ000 on line 1 that says the run failed (bad configuration, internal error)."""
    return finding(path, 1, 0, "UNQ000", message, failure=failure)


def describe_sets(unique_sets: Iterable) -> str:
    """`User.email, User.username` — each unique set once, sorted, as the model and field(s)."""
    return ", ".join(sorted({s.describe() for s in unique_sets}))


def unguarded(call: str, fields: str, hint: str) -> str:
    return f"{call}() can violate unique {fields} and nothing catches IntegrityError; {hint}"


def created_elsewhere(call: str, fields: str, creator: str, holder: str, parent: str, existing: str) -> str:
    return (f"{call}() can violate unique {fields}: {creator} already creates a {holder} for every new "
            f"{parent}; update {existing} instead of creating it")


def check_then_create(call: str, fields: str, check: str, check_line: int, hint: str) -> str:
    return (f"{call}() can violate unique {fields}: the {check} check at line {check_line} races with "
            f"a concurrent insert; {hint}")


def integrity_error_in_atomic(call: str, fields: str, handler_line: int, atomic: str, atomic_line: int) -> str:
    where = ("the view's ATOMIC_REQUESTS transaction" if atomic == "ATOMIC_REQUESTS"
             else f"{atomic} at line {atomic_line}")
    return (f"{call}() can violate unique {fields}; the except at line {handler_line} catches IntegrityError "
            f"inside {where}, which leaves the transaction broken; put `with transaction.atomic():` "
            f"inside the try around the write")


def validated_race(call: str, fields: str, validators: str) -> str:
    return (f"{call}() can violate unique {fields}; {validators} checks it first but two concurrent "
            f"requests can both pass the check; wrap the write in try/except IntegrityError")


def unreadable(module_path: str, reason: str) -> str:
    return f"cannot read {module_path} ({reason}): writes to its models are not checked"


def unparsable(reason: str) -> str:
    return f"cannot parse this file ({reason}): its writes are not checked"


def unresolved(call: str) -> str:
    return (f"{call}() writes through a manager uniqueguard cannot resolve to a model, so it cannot tell "
            f"whether a unique constraint is at risk; import the model class directly, or declare the "
            f"model's unique fields in the configuration")


def incomplete_walk(root: str) -> str:
    return (f"the project tree under {root} was not read completely (too many files or unreadable folders): "
            f"models in the unread part are unknown; set `root` to the project's own folder")
