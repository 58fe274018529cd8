"""Run the real flake8 and pylint over fixture trees and compare with the trees' own markers.

A flagged line carries `# expect: UNQ001` (several codes comma-separated) on the line where the call
starts; every other line must stay clean. Findings are compared as (posix relpath, line, code), or with
`columns=True` as (posix relpath, line, column, code) where the column is 1-based in both front ends
(flake8 prints `col_offset + 1`, pylint's `{column}` is the 0-based `col_offset`).
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

from uniqueguard import orm
from uniqueguard.rules import BY_SYMBOL, RULES

Finding = Tuple[str, int, str]
Located = Tuple[str, int, int, str]
MARKER = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
# `# expect: UNQ001  # ends with: wrap in try/except`: the message of that finding ends with the text (the
# hint is the message's end), so a fixture shows which fix it offers, not only that it fires.
ENDING = re.compile(r"#\s*expect:[^#]*#\s*ends with:\s*(.+?)\s*$")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OPTIONAL = {rule.code for rule in RULES if not rule.default_enabled}
# What the engine treats as test code or migrations (ENGINE.md, "Scope and cost"): never reported.
NOT_REPORTED = re.compile(r"(^|/)(tests/|test/|testing/|tests?_[^/]*/|[^/]*_tests/|factories/|migrations/|"
                          r"tests?_[^/]*\.py$|[^/]*_tests?\.py$|[^/]*_test_[^/]*\.py$|tests?\.py$|testing\.py$|conftest\.py$|"
                          r"factor(y|ies)\.py$)")
# Every write call the engine may report, spelled from the ORM table (async twins included).
WRITE_CALL = re.compile(r"\.(" + "|".join(sorted(orm.WRITES, key=len, reverse=True)) + r")\(")


def expected(tree: Path, optional: bool = False) -> Set[Finding]:
    """Markers of every .py file under `tree`; off-by-default codes only when `optional`."""
    found = set()
    for path in sorted(tree.rglob("*.py")):
        relative = path.relative_to(tree).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = MARKER.search(line)
            if match:
                for code in (c.strip() for c in match.group(1).split(",")):
                    if code and (optional or code not in OPTIONAL):
                        found.add((relative, number, code))
    return found


def expected_endings(tree: Path) -> Dict[Tuple[str, int], str]:
    """(posix relpath, line) → the text its finding's message must end with, for every `ends with:` marker."""
    found = {}
    for path in sorted(tree.rglob("*.py")):
        relative = path.relative_to(tree).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = ENDING.search(line)
            if match:
                found[(relative, number)] = match.group(1)
    return found


def messages(front: str, tree: Path) -> Dict[Tuple[str, int], List[str]]:
    """(posix relpath, line) → the messages one front end prints there, from a whole-tree run."""
    if front == "flake8":
        command = [sys.executable, "-m", "flake8", "--isolated", "--select=UNQ",
                   "--format=%(path)s:%(row)d:%(code)s:%(text)s", "."]
    else:
        command = [sys.executable, "-m", "pylint", "--rcfile=/dev/null", "--persistent=n", "--recursive=y",
                   "--load-plugins=uniqueguard", "--disable=all", f"--enable={pylint_enable()}", "--score=n",
                   "--output-format=text", "--msg-template={path}:{line}:{symbol}:{msg}", "."]
    result = subprocess.run(command, cwd=str(tree), capture_output=True, text=True, env=environment(), timeout=600)
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    found: Dict[Tuple[str, int], List[str]] = {}
    for line in result.stdout.splitlines():
        match = re.match(r"^(.*?):(\d+):([A-Za-z0-9-]+):(.*)$", line)
        if match and (match.group(3).startswith("UNQ") or match.group(3) in BY_SYMBOL):
            text = match.group(4).strip()
            found.setdefault((_to_relpath(tree, match.group(1)), int(match.group(2))), []).append(text)
    return found


def only(findings: Iterable[tuple], relpath: str) -> Set[tuple]:
    return {f for f in findings if f[0] == relpath}


def _write_files(tree: Path) -> List[str]:
    return [path.relative_to(tree).as_posix() for path in sorted(tree.rglob("*.py"))
            if WRITE_CALL.search(path.read_text(encoding="utf-8"))]


def clean_write_files(tree: Path) -> List[str]:
    """Reported files of `tree` with write-looking calls and no marker at all: their look-alikes stay clean."""
    marked = {path for path, _, _ in expected(tree, optional=True)}
    return [p for p in _write_files(tree) if p not in marked and not NOT_REPORTED.search(p)]


def excluded_write_files(tree: Path) -> List[str]:
    """Test modules and migrations of `tree` with write-looking calls: never reported by default."""
    return [p for p in _write_files(tree) if NOT_REPORTED.search(p)]


def single_file_targets(tree: Path) -> List[str]:
    """What the single-file runs lint, one at a time: every marked file, plus one clean file with writes
    (a views module when there is one)."""
    marked = sorted({path for path, _, _ in expected(tree)})
    clean = clean_write_files(tree)
    views = [p for p in clean if "views" in p.rsplit("/", 1)[-1]]
    return marked + (views or clean)[:1]


def environment(extra: Optional[dict] = None) -> dict:
    env = dict(os.environ)
    env["UNIQUEGUARD_NO_CACHE"] = "1"  # every run reads the tree afresh
    env.pop("PYTHONPATH", None)
    env.update(extra or {})
    return env


def _to_relpath(tree: Path, path: str) -> str:
    return Path(os.path.normpath(os.path.join(str(tree), path))).relative_to(tree).as_posix()


def _run(tree: Path, command: List[str], ok: Callable[[int], bool], pattern: str,
         to_code: Callable[[str], Optional[str]], column_base: int, env: Optional[dict],
         columns: bool) -> Set[tuple]:
    """Run one front end in `tree`, fail on a crash, and return our findings in its output.

    Lines the pattern does not match, or whose name is not one of ours (e.g. pylint's own syntax-error),
    are the host linter's business and ignored."""
    result = subprocess.run(command, cwd=str(tree), capture_output=True, text=True, env=environment(env),
                            timeout=600)
    output = result.stdout + result.stderr
    assert ok(result.returncode), f"exit code {result.returncode}:\n{output}"
    assert "Traceback" not in output, output
    found = set()
    for line in result.stdout.splitlines():
        match = re.match(pattern, line)
        if match and to_code(match.group(4)) is not None:
            path, row, column, name = match.groups()
            item = (_to_relpath(tree, path), int(row), int(column) + column_base, to_code(name))
            found.add(item if columns else (item[0], item[1], item[3]))
    return found


def run_flake8(tree: Path, paths=(".",), extra_args=(), env: Optional[dict] = None,
               columns: bool = False) -> Set[tuple]:
    command = [sys.executable, "-m", "flake8", "--isolated", "--select=UNQ",
               "--format=%(path)s:%(row)d:%(col)d:%(code)s", *extra_args, *paths]
    return _run(tree, command, lambda rc: rc in (0, 1), r"^(.*?):(\d+):(\d+):(UNQ\d+)$",
                lambda code: code, 0, env, columns)


def pylint_enable(optional: bool = False) -> str:
    return ",".join(rule.symbol for rule in RULES if rule.default_enabled or optional)


def run_pylint(tree: Path, paths=(".",), extra_args=(), env: Optional[dict] = None, optional: bool = False,
               columns: bool = False) -> Set[tuple]:
    command = [sys.executable, "-m", "pylint", "--rcfile=/dev/null", "--persistent=n", "--recursive=y",
               "--load-plugins=uniqueguard", "--disable=all", f"--enable={pylint_enable(optional)}",
               "--score=n", "--output-format=text", "--msg-template={path}:{line}:{column}:{symbol}",
               *extra_args, *paths]
    # pylint's exit code is a bit field: 1 is a fatal message, 32 a usage error; the others are findings.
    return _run(tree, command, lambda rc: rc & (1 | 32) == 0, r"^(.*?):(\d+):(\d+):([a-z-]+)$",
                lambda symbol: BY_SYMBOL[symbol].code if symbol in BY_SYMBOL else None, 1, env, columns)


FRONTS = {"flake8": run_flake8, "pylint": run_pylint}


@functools.lru_cache(maxsize=None)
def whole_tree(front: str, tree: Path) -> frozenset:
    """A default whole-tree run with columns, once per session (fixture trees are never modified)."""
    return frozenset(FRONTS[front](tree, columns=True))


def without_columns(findings: Iterable[Located]) -> Set[Finding]:
    return {(path, line, code) for path, line, _, code in findings}


def trees(group: str):
    return sorted(p for p in (FIXTURES / group).iterdir() if p.is_dir())
