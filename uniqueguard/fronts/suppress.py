"""Suppression comments for the command line: flake8's `# noqa` and pylint's `# pylint: disable=...`.

flake8 and pylint apply their own comments to their own messages. The command line — and so the
pre-commit hook, the SARIF and GitHub outputs and `--write-baseline` — reads the same comments, so a line
silenced for one linter a team runs is silent in every front:

- `# noqa` (every code) and `# noqa: UNQ001,UNQ002` (codes or prefixes) on the line the finding starts
  on (or any line of a multi-line string there), as flake8 maps them;
- `# pylint: disable=<symbol|id|code|all>[, ...]` after code on a line: that logical line (on a `def`
  line too: pylint, which places these messages by line, does not widen it to the body);
- the same comment alone on a line: from there to the end of the enclosing block (the end of the file at
  module level), until a `# pylint: enable=...` for the same names;
- `# pylint: disable-next=...`: the next logical line; `# pylint: skip-file` and `# flake8: noqa`: the
  whole file.
"""
from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

from ..docs import find_rule
from ..findings import Finding
from ..records import dataclass, field
from ..rules import RULES

# flake8's own patterns (flake8/defaults.py): codes after `noqa:`, else a blanket noqa; a whole file.
NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa\s*$", re.IGNORECASE)
PYLINT = re.compile(r"#\s*pylint\s*:\s*(?P<pragmas>[^#]*)")
PRAGMA = re.compile(r"(?P<kind>disable-next|disable|enable|skip-file)\s*(?:=\s*(?P<names>[\w\-, ]*))?")
ALL = frozenset(rule.code for rule in RULES)


@dataclass
class _Logical:
    start: int
    end: int
    indent: int


@dataclass
class Suppressions:
    """The comments of one file, ready to answer `covers(finding)`."""

    noqa: Dict[int, Optional[Tuple[str, ...]]] = field(default_factory=dict)  # row -> codes (None: all)
    disabled: List[Tuple[int, int, FrozenSet[str]]] = field(default_factory=list)  # (first, last row, codes)
    noqa_span: Dict[int, Tuple[int, int]] = field(default_factory=dict)  # row -> rows searched for noqa

    def covers(self, item: Finding) -> bool:
        first, last = self.noqa_span.get(item.line, (item.line, item.line))
        for row in range(first, last + 1):
            if row in self.noqa:
                codes = self.noqa[row]
                if codes is None or item.code.startswith(codes):
                    return True
        return any(lo <= item.line <= hi and item.code in codes for lo, hi, codes in self.disabled)


def _codes(names: str) -> FrozenSet[str]:
    """Rule codes for pylint's names: symbols, message ids, UNQ codes, `all`; other checkers' are ignored."""
    result = set()
    for name in (n.strip() for n in names.split(",")):
        if name.lower() == "all":
            return ALL
        rule = find_rule(name) if name else None
        if rule is not None:
            result.add(rule.code)
    return frozenset(result)


def _logical_lines(tokens: List[tokenize.TokenInfo]) -> List[_Logical]:
    lines: List[_Logical] = []
    first: Optional[tokenize.TokenInfo] = None
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    for token in tokens:
        if token.type in skip:
            continue
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if first is not None:
                lines.append(_Logical(first.start[0], token.start[0], first.start[1]))
            first = None
            continue
        if first is None:
            first = token
    return lines


def _noqa_spans(tokens: List[tokenize.TokenInfo]) -> Dict[int, Tuple[int, int]]:
    """flake8's mapping (FileProcessor._noqa_line_mapping): the rows between two line breaks share their
    noqa comments, so a multi-line string's rows count as one line; bracketed lines stay apart."""
    spans: Dict[int, Tuple[int, int]] = {}
    low, high = None, None
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT, tokenize.ENCODING):
            continue
        low = token.start[0] if low is None else min(low, token.start[0])
        high = token.end[0] if high is None else max(high, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            for row in range(low, high + 1):
                spans[row] = (low, high)
            low, high = None, None
    return spans


def _rest_of_block(lines: List[_Logical], first: int, indent: int) -> int:
    """Last row of the run of logical lines from index `first` on that are indented at least `indent`."""
    end = 0
    for line in lines[first:]:
        if line.indent < indent:
            break
        end = line.end
    return end


def parse(source) -> Suppressions:
    """The suppression comments of a file's text or bytes; none when it cannot be tokenized."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    result = Suppressions()
    if b"noqa" not in data.lower() and b"pylint" not in data:
        return result
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(data).readline))
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        return result
    lines = _logical_lines(tokens)
    result.noqa_span = _noqa_spans(tokens)
    index_of_row = {row: i for i, line in enumerate(lines) for row in range(line.start, line.end + 1)}
    code_rows = {t.start[0] for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                                                              tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
                                                              tokenize.ENDMARKER, tokenize.STRING)}
    code_rows |= {row for t in tokens if t.type == tokenize.STRING for row in range(t.start[0], t.end[0] + 1)}
    last_row = tokens[-1].start[0] if tokens else 1
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        row, col = token.start
        if NOQA_FILE.match(token.string):
            result.disabled.append((1, last_row, ALL))
        noqa = NOQA.search(token.string)
        if noqa:
            codes = noqa.group("codes")
            result.noqa[row] = (tuple(c.upper() for c in re.split(r"[,\s]+", codes.strip()) if c)
                                if codes else None)
        pylint = PYLINT.search(token.string)
        if pylint:
            _apply_pylint(result, pylint.group("pragmas"), row, col, row in code_rows, lines, index_of_row,
                          last_row)
    return result


def _apply_pylint(result: Suppressions, pragmas: str, row: int, col: int, trailing: bool,
                  lines: List[_Logical], index_of_row: Dict[int, int], last_row: int) -> None:
    following = next((i for i, line in enumerate(lines) if line.start > row), len(lines))
    for pragma in PRAGMA.finditer(pragmas):
        kind = pragma.group("kind")
        if kind == "skip-file":
            result.disabled.append((1, last_row, ALL))
            continue
        codes = _codes(pragma.group("names") or "")
        if not codes:
            continue
        if kind == "enable":
            _enable(result, row, codes)
        elif kind == "disable-next":
            if following < len(lines):
                result.disabled.append((lines[following].start, lines[following].end, codes))
        elif trailing:
            index = index_of_row.get(row)
            if index is not None:
                result.disabled.append((lines[index].start, lines[index].end, codes))
        else:
            result.disabled.append((row, max(_rest_of_block(lines, following, col), row), codes))


def _enable(result: Suppressions, row: int, codes: FrozenSet[str]) -> None:
    """`# pylint: enable=...` ends the named codes' suppressions from its row on."""
    kept = []
    for lo, hi, disabled in result.disabled:
        if lo <= row <= hi and disabled & codes:
            kept.append((lo, row - 1, disabled))
            if disabled - codes:
                kept.append((row, hi, disabled - codes))
        else:
            kept.append((lo, hi, disabled))
    result.disabled = kept


def apply(findings: Iterable[Finding], source) -> List[Finding]:
    """The findings no comment in `source` suppresses. Run failures (bad configuration, internal errors)
    are never suppressed: they are about the run, not the line they sit on."""
    findings = list(findings)
    if not findings:
        return findings
    comments = parse(source)
    if not comments.noqa and not comments.disabled:
        return findings
    return [f for f in findings if f.failure is not None or not comments.covers(f)]
