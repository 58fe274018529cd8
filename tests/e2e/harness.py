"""Run the real flake8 and pylint over fixture trees and compare with the trees' own markers.

A flagged line carries `# expect: UNQ001` (several codes comma-separated) on the line where the call
starts; every other line must stay clean. Findings are compared as (posix relpath, line, code).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Optional, Set, Tuple

from uniqueguard.rules import BY_SYMBOL, RULES

Finding = Tuple[str, int, str]
MARKER = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OPTIONAL = {rule.code for rule in RULES if not rule.default_enabled}


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


def only(findings: Iterable[Finding], relpath: str) -> Set[Finding]:
    return {f for f in findings if f[0] == relpath}


def environment(extra: Optional[dict] = None) -> dict:
    env = dict(os.environ)
    env["UNIQUEGUARD_NO_CACHE"] = "1"  # every run reads the tree afresh
    env.pop("PYTHONPATH", None)
    env.update(extra or {})
    return env


def _run(tree: Path, command, env: Optional[dict]) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=str(tree), capture_output=True, text=True, env=environment(env),
                            timeout=600)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr + result.stdout
    return result


def _parse(output: str, pattern: str, tree: Path, to_code) -> Set[Finding]:
    """Our findings in the output; the host linter's own messages (e.g. pylint's syntax-error) are not ours."""
    found = set()
    for line in output.splitlines():
        match = re.match(pattern, line)
        if match:
            path, number, name = match.groups()
            if to_code(name) is None:
                continue
            relative = Path(os.path.normpath(os.path.join(str(tree), path))).relative_to(tree).as_posix()
            found.add((relative, int(number), to_code(name)))
    return found


def run_flake8(tree: Path, paths=(".",), extra_args=(), env: Optional[dict] = None) -> Set[Finding]:
    command = [sys.executable, "-m", "flake8", "--isolated", "--select=UNQ",
               "--format=%(path)s:%(row)d:%(col)d:%(code)s", *extra_args, *paths]
    result = _run(tree, command, env)
    assert result.returncode in (0, 1), result.stderr
    return _parse(result.stdout, r"^(.*?):(\d+):\d+:(UNQ\d+)$", tree, lambda code: code)


def pylint_enable(optional: bool = False) -> str:
    return ",".join(rule.symbol for rule in RULES if rule.default_enabled or optional)


def run_pylint(tree: Path, paths=(".",), extra_args=(), env: Optional[dict] = None,
               optional: bool = False) -> Set[Finding]:
    command = [sys.executable, "-m", "pylint", "--rcfile=/dev/null", "--persistent=n", "--recursive=y",
               "--load-plugins=uniqueguard", "--disable=all", f"--enable={pylint_enable(optional)}",
               "--score=n", "--msg-template={path}:{line}:{column}:{symbol}", *extra_args, *paths]
    result = _run(tree, command, env)
    assert result.returncode & (1 | 32) == 0, result.stdout + result.stderr  # fatal or usage error
    return _parse(result.stdout, r"^(.*?):(\d+):\d+:([a-z-]+)$", tree,
                  lambda symbol: BY_SYMBOL[symbol].code if symbol in BY_SYMBOL else None)


def trees(group: str):
    return sorted(p for p in (FIXTURES / group).iterdir() if p.is_dir())
