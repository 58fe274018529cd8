"""Output formats of the command line: text, json, sarif (2.1.0, for GitHub code scanning), github."""
from __future__ import annotations

import functools
from collections import Counter
import io
import json
import os
import tokenize
from typing import Callable, Dict, List, Tuple

from .. import __version__
from ..docs import page
from ..findings import Finding
from ..records import dataclass
from ..rules import BY_CODE, RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def text(findings: List[Finding], relpath: Callable[[str], str], prints: List[str], root: str = "") -> str:
    return styled_text(findings, relpath, TextStyle())


@dataclass(frozen=True)
class TextStyle:
    """How the text format looks: flake8's `--show-source` and `--quiet`, colour on a terminal."""

    show_source: bool = False
    quiet: bool = False
    color: bool = False


_BOLD, _CYAN, _RED, _RESET = "\033[1m", "\033[36m", "\033[1;31m", "\033[0m"


def styled_text(findings: List[Finding], relpath: Callable[[str], str], style: TextStyle) -> str:
    if style.quiet:  # flake8's -q: the files with findings, once each
        return "".join(f"{path}\n" for path in dict.fromkeys(relpath(f.path) for f in findings))
    lines = []
    for f in findings:
        path, where = relpath(f.path), f"{f.line}:{f.col + 1}:"
        if style.color:
            lines.append(f"{_BOLD}{path}{_RESET}{_CYAN}:{_RESET}{where} {_RED}{f.code}{_RESET} {f.message}\n")
        else:
            lines.append(f"{path}:{where} {f.code} {f.message}\n")
        if style.show_source:
            lines.append(_source_excerpt(f))
    return "".join(lines)


def _source_excerpt(f: Finding) -> str:
    """The finding's line and a caret under its column, as flake8's --show-source prints them."""
    found = _utf8_lines(f.path)
    if not 0 < f.line <= len(found):
        return ""
    line = found[f.line - 1].decode("utf-8", "replace").rstrip()
    column = _character_column(f.path, f.line, f.col) - 1
    indent = "".join(c if c == "\t" else " " for c in line[:column])
    return f"{line}\n{indent}^\n"


def statistics(findings: List[Finding]) -> str:
    """flake8's --statistics: how many findings of each rule, then the rule's symbol."""
    counts = Counter(f.code for f in findings)
    return "".join(f"{counts[code]:<5} {code} {BY_CODE[code].symbol}\n" for code in sorted(counts))


def as_json(findings: List[Finding], relpath: Callable[[str], str], prints: List[str], root: str = "") -> str:
    rows = [{"path": relpath(f.path), "line": f.line, "column": f.col + 1, "end_line": f.end_line,
             "end_column": f.end_col + 1, "code": f.code, "symbol": BY_CODE[f.code].symbol,
             "message": f.message, "context": f.context, "fingerprint": fp}
            for f, fp in zip(findings, prints)]
    return json.dumps(rows, indent=2) + "\n"


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


@functools.lru_cache(maxsize=64)
def _utf8_lines(path: str) -> Tuple[bytes, ...]:
    """The file's lines re-encoded as UTF-8 (what `ast` offsets count in), honouring its coding cookie."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        # bytes.splitlines() breaks only at \n, \r and \r\n, as Python's tokenizer does; str.splitlines()
        # would also break at form feeds and U+2028, shifting every later line.
        return tuple(data.decode(encoding, "replace").encode("utf-8", "surrogatepass").splitlines())
    except (OSError, SyntaxError, LookupError):
        return ()


def _character_column(path: str, line: int, byte_offset: int) -> int:
    """1-based column in characters. The engine, like flake8 and pylint, counts UTF-8 bytes; GitHub's
    annotations and SARIF's `unicodeCodePoints` count characters, which differ on a non-ASCII line."""
    lines = _utf8_lines(path)
    if not 0 < line <= len(lines):
        return byte_offset + 1
    return len(lines[line - 1][:byte_offset].decode("utf-8", "replace")) + 1


def github(findings: List[Finding], relpath: Callable[[str], str], prints: List[str], root: str = "") -> str:
    """GitHub Actions workflow commands: annotations on the pull request's diff (paths from the
    repository root, where GitHub looks them up)."""
    lines = []
    for f in findings:
        rule = BY_CODE[f.code]
        props = (f"file={_escape_property(relpath(f.path))},line={f.line},"
                 f"col={_character_column(f.path, f.line, f.col)},endLine={f.end_line or f.line},"
                 f"endColumn={_character_column(f.path, f.end_line or f.line, f.end_col)},"
                 f"title={_escape_property(f'{f.code} {rule.symbol}')}")
        lines.append(f"::warning {props}::{_escape_data(f.message)}\n")
    return "".join(lines)


def sarif(findings: List[Finding], relpath: Callable[[str], str], prints: List[str], root: str = "") -> str:
    """SARIF 2.1.0 as GitHub code scanning reads it: each `artifactLocation.uri` relative to `root` (the
    repository root: code scanning ignores `originalUriBaseIds`, so paths must be right on their own),
    each rule with its docs page as `help.markdown`, its precision, severity and tags."""
    index: Dict[str, int] = {rule.code: i for i, rule in enumerate(RULES)}
    rules = [{
        "id": rule.code,
        "name": rule.symbol,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.title},
        "help": {"text": page(rule), "markdown": page(rule)},
        "defaultConfiguration": {"level": "warning" if rule.default_enabled else "none"},
        "properties": {"pylint": rule.pylint_id, "precision": rule.precision, "problem.severity": rule.severity,
                       "tags": ["django", "correctness", "reliability", "database", "integrity"]},
    } for rule in RULES]
    results = []
    for f, fp in zip(findings, prints):
        region = {"startLine": f.line, "startColumn": _character_column(f.path, f.line, f.col)}
        if f.end_line:
            region.update({"endLine": f.end_line, "endColumn": _character_column(f.path, f.end_line, f.end_col)})
        results.append({
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "warning" if BY_CODE[f.code].severity == "warning" else "note",
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": relpath(f.path), "uriBaseId": "%SRCROOT%"},
                "region": region}}],
            "partialFingerprints": {"uniqueguard/v1": fp},
        })
    root_uri = "file://" + os.path.abspath(root or os.getcwd()).replace(os.sep, "/").rstrip("/") + "/"
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "uniqueguard", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(document, indent=2) + "\n"


FORMATS = {"text": text, "json": as_json, "sarif": sarif, "github": github}
# Formats whose paths are read by GitHub: relative to the repository root, not the working directory.
FROM_REPOSITORY_ROOT = ("sarif", "github")
