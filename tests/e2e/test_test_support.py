"""Test support and migration code outside tests/ (issue 13, item 1): silent by default in every front end,
reported again when `check-test-support` opts in (content rules) or `exclude` no longer names the path."""
import json
import subprocess
import sys

from .harness import FIXTURES, environment, expected, run_flake8, run_pylint

TREE = FIXTURES / "core" / "precision_test_support"
# Quiet only by what the code says (a top-level test import, a migration function), not by the path.
BY_CONTENT = {("club/sample_data.py", 14, "UNQ001"), ("club/browser_checks.py", 9, "UNQ001"),
              ("club/dataops/backfill.py", 9, "UNQ001"), ("club/dataops/backfill.py", 13, "UNQ001"),
              ("club/dataops/backfill.py", 14, "UNQ001")}
# Quiet by the default globs: test.py, factories.py, testing/, test_utils/, add_test_members.py.
BY_PATH = {("club/test.py", 5, "UNQ001"), ("club/factories.py", 5, "UNQ001"),
           ("club/testing/helpers.py", 6, "UNQ001"), ("club/test_utils/base.py", 6, "UNQ001"),
           ("club/management/commands/add_test_members.py", 6, "UNQ001")}


def _cli(*args):
    result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", *args],
                            cwd=str(TREE), capture_output=True, text=True, env=environment(), timeout=600)
    assert result.returncode in (0, 1), result.stderr
    return {(row["path"], row["line"], row["code"]) for row in json.loads(result.stdout)}


def test_opting_in_reports_what_the_code_marks_as_test_support():
    want = expected(TREE) | BY_CONTENT
    assert _cli("--check-test-support", ".") == want
    assert run_flake8(TREE, extra_args=["--uniqueguard-check-test-support"]) == want
    assert run_pylint(TREE, extra_args=["--uniqueguard-check-test-support"]) == want


def test_replacing_exclude_reports_the_support_paths():
    assert _cli("--exclude", "nothing.py", ".") == expected(TREE) | BY_PATH
