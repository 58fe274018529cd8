"""Baselines: adopt the linter on a legacy codebase by recording today's findings and reporting only new ones.

A fingerprint is built from the file, the rule, the enclosing function and the call's own text — never
the line number — so unrelated edits that shift lines keep old findings matched. Identical calls in the
same function are told apart by their order, and matching counts occurrences, so adding a second copy of
an already-baselined call is still reported.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Dict, Iterable, List, Tuple

from ..findings import Finding

FORMAT = 1


def fingerprints(findings: Iterable[Finding], relpath) -> List[str]:
    """One fingerprint per finding, in order; `relpath(path)` makes paths independent of the cwd."""
    seen: Counter = Counter()
    result = []
    for finding in findings:
        key = "\x1f".join((relpath(finding.path), finding.code, finding.context, finding.snippet))
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\x1f{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest()
        result.append(digest[:24])
    return result


def write(path: str, findings: List[Finding], prints: List[str], relpath) -> None:
    entries = [{"fingerprint": fp, "path": relpath(f.path), "code": f.code, "context": f.context,
                "message": f.message} for f, fp in zip(findings, prints)]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"format": FORMAT, "tool": "uniqueguard", "findings": entries}, handle, indent=1)
        handle.write("\n")


class BaselineError(ValueError):
    pass


def read(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not a uniqueguard baseline (format {FORMAT})")
    return Counter(e.get("fingerprint") for e in data["findings"] if isinstance(e, dict))


def new_only(findings: List[Finding], prints: List[str], known: Counter) -> List[Tuple[Finding, str]]:
    """(finding, fingerprint) pairs not accounted for by the baseline, counting occurrences."""
    remaining: Dict[str, int] = dict(known)
    kept = []
    for finding, fp in zip(findings, prints):
        if remaining.get(fp, 0) > 0:
            remaining[fp] -= 1
        else:
            kept.append((finding, fp))
    return kept
