"""Baselines: adopt the linter on a legacy codebase by recording today's findings and reporting only new ones.

A fingerprint is built from the file, the rule, the enclosing function and the call's own text — never
the line number — so unrelated edits that shift lines keep old findings matched. Identical calls in the
same function are told apart by their order, and matching counts occurrences, so adding a second copy of
an already-baselined call is still reported.

Paths in a baseline are POSIX paths relative to its anchor: the git root above the baseline file, else the
nearest folder above it holding a configuration file, else the baseline's own folder. The same file
therefore matches whatever the working directory (the pre-commit hook runs from the git root, a developer
from a subfolder) and whatever the operating system.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from typing import Callable, Iterable, List, Tuple

from ..findings import Finding
from ..index.discovery import folder_with
from ..paths import relative_posix
from ..records import dataclass

FORMAT = 1
CONFIG_FILES = ("pyproject.toml", "setup.cfg", "tox.ini", ".flake8")


class BaselineError(ValueError):
    pass


def anchor(baseline_path: str) -> str:
    """The folder a baseline's paths are relative to (see the module docstring)."""
    start = os.path.dirname(os.path.abspath(baseline_path))
    return folder_with(start, (".git",)) or folder_with(start, CONFIG_FILES) or start


def relative_to(root: str) -> Callable[[str], str]:
    return lambda path: relative_posix(path, root)


def fingerprints(findings: Iterable[Finding], relpath: Callable[[str], str]) -> List[str]:
    """One fingerprint per finding, in order; `relpath(path)` makes paths independent of the cwd."""
    seen: Counter = Counter()
    result = []
    for finding in findings:
        key = "\x1f".join((relpath(finding.path), finding.code, finding.context, finding.snippet))
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\x1f{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest()
        result.append(digest[:24])
    return result


def render(findings: List[Finding], prints: List[str], relpath: Callable[[str], str]) -> str:
    entries = [{"fingerprint": fp, "path": relpath(f.path), "code": f.code, "context": f.context,
                "message": f.message} for f, fp in zip(findings, prints)]
    return json.dumps({"format": FORMAT, "tool": "uniqueguard", "findings": entries}, indent=1) + "\n"


def read(path: str) -> Counter:
    """Fingerprint → how many times it is recorded. Anything but a well-formed baseline is a BaselineError."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not a uniqueguard baseline (format {FORMAT})")
    known: Counter = Counter()
    for number, entry in enumerate(data["findings"], 1):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise BaselineError(f"baseline {path}: entry {number} has no fingerprint string")
        known[fingerprint] += 1
    return known


@dataclass
class Match:
    new: List[Tuple[Finding, str]]  # findings the baseline does not account for
    old: List[Tuple[Finding, str]]  # findings it does
    stale: int  # entries that match no finding any more (fixed, or the code moved)


def match(findings: List[Finding], prints: List[str], known: Counter) -> Match:
    """Split the findings by the baseline, counting occurrences."""
    remaining = Counter(known)
    new, old = [], []
    for finding, fp in zip(findings, prints):
        if remaining[fp] > 0:
            remaining[fp] -= 1
            old.append((finding, fp))
        else:
            new.append((finding, fp))
    return Match(new, old, sum(remaining.values()))
