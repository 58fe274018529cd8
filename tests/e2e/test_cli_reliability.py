"""The command line never fails silently or for the wrong reason (issue 10, reproducers d04, d08, d09,
d12, d13 in shared/repro/reliability): unparsable files are said, output and baseline errors are one line
and exit 2, a failed run writes no baseline, option typos are errors, columns survive form feeds, and a
baseline matches whatever the working directory. Real processes throughout."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import FIXTURES, environment
from .test_command_line import cli, copy

REGISTRATION = FIXTURES / "core" / "registration"
TAG_MODELS = "from django.db import models\n\n\nclass Tag(models.Model):\n    name = models.CharField(max_length=50, unique=True)\n"


def _shop(tmp_path: Path) -> Path:
    tree = tmp_path / "proj"
    (tree / "shop").mkdir(parents=True)
    (tree / "manage.py").write_text("")
    (tree / "shop" / "__init__.py").write_text("")
    (tree / "shop" / "models.py").write_text(TAG_MODELS)
    return tree


def _one_line_error(result, rc=2):
    assert result.returncode == rc, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("uniqueguard: error: "), result.stderr
    return lines[0]


# ------------------------------------------------------------------------------ d04: unparsable files
def test_files_that_do_not_parse_are_reported_with_the_reason(tmp_path):
    tree = _shop(tmp_path)
    shop = tree / "shop"
    (shop / "views.py").write_bytes(b'from shop.models import Tag\n\ndef add(request):\n'
                                    b'    Tag.objects.create(name=request.POST["n"]\n')
    (shop / "latin.py").write_bytes(b'from shop.models import Tag\nX = "caf\xe9"\ndef add(n):\n    Tag.objects.create(name=n)\n')
    (shop / "nul.py").write_bytes(b'from shop.models import Tag\nx = \x00 1\ndef add(n):\n    Tag.objects.create(name=n)\n')
    (shop / "tabs.py").write_bytes(b'from shop.models import Tag\ndef add(n):\n    if n:\n\tTag.objects.create(name=n)\n'
                                   b'        return 1\n')
    result = cli(tree, "check", "--format", "json", "shop")
    assert result.returncode == 1, result.stderr
    rows = {row["path"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"shop/views.py", "shop/latin.py", "shop/nul.py", "shop/tabs.py"}
    assert all(row["code"] == "UNQ000" and row["message"].startswith("cannot parse this file (")
               for row in rows.values())
    assert "'(' was never closed" in rows["shop/views.py"]["message"] and rows["shop/views.py"]["line"] == 4
    assert "utf-8" in rows["shop/latin.py"]["message"]
    assert "null bytes" in rows["shop/nul.py"]["message"]
    assert "tab" in rows["shop/tabs.py"]["message"].lower()
    # The flake8 front leaves syntax errors to flake8 (E999), which says them itself.
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select=UNQ,E999", "shop/views.py"], cwd=str(tree),
                            capture_output=True, text=True, env=environment())
    assert "E999" in flake8.stdout and "UNQ000" not in flake8.stdout


# --------------------------------------------------------------------- d08, d09: output and baselines
def test_output_and_baseline_errors_are_one_line_and_exit_2(tmp_path):
    tree = copy(REGISTRATION, tmp_path)
    missing = tmp_path / "no" / "such" / "dir"
    for args in (["--format", "sarif", "-o", str(missing / "out.sarif")], ["-o", str(tmp_path)],
                 ["--write-baseline", str(missing / "b.json")], ["--write-baseline", str(tmp_path)]):
        line = _one_line_error(cli(tree, "check", *args, "."))
        assert "cannot write" in line
    if Path("/dev/full").exists():
        assert "No space left" in _one_line_error(cli(tree, "check", "-o", "/dev/full", "."))
    bad = tmp_path / "bad.json"
    for entries in ([{"fingerprint": [1]}], [3], [{"path": "x"}]):
        bad.write_text(json.dumps({"format": 1, "findings": entries}))
        assert "entry 1 has no fingerprint" in _one_line_error(cli(tree, "check", "--baseline", str(bad), "."))


def test_write_baseline_of_a_failed_run_writes_nothing(tmp_path):
    tree = copy(REGISTRATION, tmp_path)
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nstrict = "maybe"\n')
    result = cli(tree, "check", "--write-baseline", "base.json", ".")
    assert result.returncode == 2 and not (tree / "base.json").exists()
    assert "invalid uniqueguard option 'strict'" in result.stderr and "was not written" in result.stderr
    report = cli(tree, "check", ".")
    assert report.returncode == 2
    assert report.stdout.count("invalid uniqueguard option 'strict'") == 1  # said once, not once per file


# ------------------------------------------------------------------------------ d12, d13 (a): options
def test_a_typo_in_root_or_settings_is_an_error(tmp_path):
    tree = copy(REGISTRATION, tmp_path)
    assert "'root'" in _one_line_error(cli(tree, "check", "--root", str(tmp_path / "typo"), "."))
    settings = cli(tree, "check", "--settings", "no.such.settings", ".")
    assert settings.returncode == 2 and "no module no.such.settings" in settings.stdout
    assert cli(tree, "check", "--settings", "portal.settings", ".").returncode == 1
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nroot = "../typo"\n')
    in_config = cli(tree, "check", ".")
    assert in_config.returncode == 2 and "invalid uniqueguard option 'root'" in in_config.stdout


def test_a_bad_flake8_plugin_option_is_a_usage_error(tmp_path):
    tree = copy(REGISTRATION, tmp_path)
    for args in (["--uniqueguard-unique=Invoice"], ["--uniqueguard-root=typo"]):
        result = subprocess.run([sys.executable, "-m", "flake8", "--select=UNQ", *args, "."], cwd=str(tree),
                                capture_output=True, text=True, env=environment())
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "invalid uniqueguard option" in result.stderr
    (tree / "setup.cfg").write_text("[flake8]\nuniqueguard-strict = maybe\n")
    in_config = subprocess.run([sys.executable, "-m", "flake8", "--select=UNQ", "."], cwd=str(tree),
                               capture_output=True, text=True, env=environment())
    assert in_config.returncode == 2 and "Traceback" not in in_config.stderr
    assert "invalid uniqueguard option 'strict'" in in_config.stderr


# -------------------------------------------------------------------------- d13 (b): columns
@pytest.mark.parametrize("separator", ["\x0c", "\u2028"], ids=["form-feed", "line-separator"])
def test_github_and_sarif_columns_after_form_feeds_and_line_separators(tmp_path, separator):
    tree = copy(REGISTRATION, tmp_path)
    (tree / "accounts" / "v_ff.py").write_text(
        f'from .models import User\n# a{separator}b\n\n\ndef signup(request):\n    if request.method == "POST":\n'
        '        x = 1; User.objects.create(email=request.POST["e"])\n', encoding="utf-8")
    github = cli(tree, "check", "--format", "github", "accounts/v_ff.py").stdout
    assert github.startswith("::warning file=accounts/v_ff.py,line=7,col=16,endLine=7,endColumn=60,"), github
    sarif = json.loads(cli(tree, "check", "--format", "sarif", "accounts/v_ff.py").stdout)
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (7, 16, 60)


# ---------------------------------------------------------------- d13 (c): baselines and the cwd
def test_a_baseline_matches_from_any_working_directory(tmp_path):
    tree = copy(REGISTRATION, tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=str(tree), check=True)
    written_below = cli(tree / "accounts", "check", "--write-baseline", "../base.json", "views.py")
    assert written_below.returncode == 0 and "recorded 1 finding(s)" in written_below.stderr
    recorded = json.loads((tree / "base.json").read_text())["findings"]
    assert [entry["path"] for entry in recorded] == ["accounts/views.py"]
    assert cli(tree, "check", "--baseline", "base.json", "accounts/views.py").returncode == 0
    written_at_root = cli(tree, "check", "--write-baseline", "accounts/base.json", "accounts/views.py")
    assert written_at_root.returncode == 0
    assert json.loads((tree / "accounts" / "base.json").read_text())["findings"][0]["path"] == "accounts/views.py"
    from_below = cli(tree / "accounts", "check", "--baseline", "base.json", "views.py")
    assert from_below.returncode == 0, from_below.stdout


def test_stale_baseline_entries_are_counted_and_pruned(tmp_path):
    tree = _shop(tmp_path)
    views = tree / "shop" / "views.py"
    two = ("from shop.models import Tag\n\n\ndef a(n):\n    Tag.objects.create(name=n)\n\n\n"
           "def b(n):\n    Tag.objects.create(name=n)\n")
    views.write_text(two)
    assert cli(tree, "check", "--write-baseline", "base.json", ".").returncode == 0
    views.write_text(two.replace("def b(n):\n    Tag.objects.create(name=n)\n",
                                 "def c(n):\n    Tag(name=n).save()\n"))  # b fixed, c new
    run = cli(tree, "check", "--baseline", "base.json", ".")
    assert run.returncode == 1 and [line.split(":")[1] for line in run.stdout.splitlines()] == ["9"]
    assert "1 entry of base.json no longer matches" in run.stderr
    pruned = cli(tree, "check", "--write-baseline", "base.json", ".")
    assert pruned.returncode == 0
    assert "recorded 1 finding(s) in base.json, dropped 1 that no longer match; 1 new finding(s) not added" \
        in pruned.stderr
    assert [e["context"] for e in json.loads((tree / "base.json").read_text())["findings"]] == ["a"]
    assert "no longer match" not in cli(tree, "check", "--baseline", "base.json", ".").stderr
    updated = cli(tree, "check", "--write-baseline", "base.json", "--update-baseline", ".")
    assert updated.returncode == 0 and "recorded 2 finding(s)" in updated.stderr
    assert cli(tree, "check", "--baseline", "base.json", ".").returncode == 0
