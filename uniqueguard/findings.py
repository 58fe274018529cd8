"""One finding record: where, which rule, and the message (composed by `analysis.messages`).

Every front end prints `Finding.message` as is, after the code (flake8, the command line) or with the
rule's symbol (pylint), so a message reads the same everywhere and names its code once.
"""
from __future__ import annotations

import enum
from typing import Optional

from .records import dataclass, field


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
    note: bool = field(default=False, compare=False)  # about the environment, said once on stderr (fronts)


def finding(path: str, line: int, col: int, code: str, message: str, end_line: int = 0, end_col: int = 0,
            context: str = "", snippet: str = "", failure: Optional[Failure] = None, note: bool = False) -> Finding:
    """The one way findings are made."""
    return Finding(path, line, col, code, message, end_line, end_col, context, snippet, failure, note)


def said_once(item: Finding, seen: set) -> bool:
    """True the first time a front end meets this note's message in this process."""
    if item.message in seen:
        return False
    seen.add(item.message)
    return True


def run_failure(path: str, failure: Failure, message: str) -> Finding:
    """An UNQ000 on line 1 that says the run failed (bad configuration, internal error)."""
    return finding(path, 1, 0, "UNQ000", message, failure=failure)
