"""The command line (issue 6) through real processes: formats, selection, exit codes, baselines,
configuration in every front end, and a real pre-commit run on a temporary git repository."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import FIXTURES, environment, expected, run_flake8, run_pylint, trees

CORE = FIXTURES / "core"
SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"


def cli(tree: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "uniqueguard", *args], cwd=str(tree), capture_output=True,
                            text=True, env=environment(env), timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def cli_findings(tree: Path, *args: str, env=None):
    result = cli(tree, "check", "--format", "json", *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    return {(row["path"], row["line"], row["code"]) for row in json.loads(result.stdout)}


def copy(tree: Path, tmp_path: Path) -> Path:
    target = tmp_path / tree.name
    shutil.copytree(tree, target)
    return target


# ------------------------------------------------------------------------------------- parity
@pytest.mark.parametrize("tree", trees("core"), ids=lambda t: t.name)
def test_cli_reports_what_flake8_and_pylint_report(tree):
    want = expected(tree)
    assert cli_findings(tree, ".") == want
    assert cli_findings(tree, "-j", "2", ".") == want
    everything = expected(tree, optional=True)
    assert cli_findings(tree, "--extend-select", "UNQ004", ".") == everything


def test_console_script_and_module_agree():
    tree = CORE / "registration"
    script = Path(sys.executable).with_name("uniqueguard")
    by_script = subprocess.run([str(script), "check", "."], cwd=str(tree), capture_output=True, text=True,
                               env=environment())
    by_module = cli(tree, "check", ".")
    assert by_script.returncode == by_module.returncode == 1
    assert by_script.stdout == by_module.stdout


# ------------------------------------------------------------------------------------ formats
def test_text_format_matches_flake8_lines():
    tree = CORE / "registration"
    text = cli(tree, "check", "accounts/views.py").stdout.splitlines()
    assert len(text) == 1
    assert text[0].startswith("accounts/views.py:11:16: UNQ001 User.objects.create_user() may violate unique "
                              "User.email, User.username; nothing catches IntegrityError")


def test_json_spans_the_whole_call():
    tree = CORE / "registration"
    (row,) = json.loads(cli(tree, "check", "--format", "json", "accounts/views.py").stdout)
    assert (row["line"], row["column"], row["end_line"], row["end_column"]) == (11, 16, 15, 10)
    assert row["symbol"] == "unguarded-create" and row["context"] == "register" and len(row["fingerprint"]) == 24


def test_github_annotations():
    tree = CORE / "registration"
    (line,) = cli(tree, "check", "--format", "github", "--sarif-root", ".", "accounts/views.py").stdout.splitlines()
    assert line.startswith("::warning file=accounts/views.py,line=11,col=16,endLine=15,endColumn=10,"
                           "title=UNQ001 unguarded-create::User.objects.create_user() may violate")


def test_sarif_validates_against_the_official_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    tree = CORE / "races"
    out = tmp_path / "report.sarif"
    result = cli(tree, "check", "--format", "sarif", "--sarif-root", ".", "-o", str(out), ".")
    assert result.returncode == 1 and result.stdout == ""
    document = json.loads(out.read_text())
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str)
    assert not errors, errors[:3]
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules][:5] == ["UNQ000", "UNQ001", "UNQ002", "UNQ003", "UNQ004"]
    assert all(r["help"]["text"].startswith("# " + r["id"]) and r["help"]["markdown"] == r["help"]["text"]
               and "helpUri" not in r for r in rules)
    results = run["results"]
    assert {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results} == expected(tree)
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        region = item["locations"][0]["physicalLocation"]["region"]
        assert region["endLine"] >= region["startLine"] and region["startColumn"] >= 1
        assert item["partialFingerprints"]["uniqueguard/v1"]


# ------------------------------------------------------------------------ selection, exit codes
def test_select_ignore_and_exit_codes(tmp_path):
    tree = CORE / "races"
    assert {c for _, _, c in cli_findings(tree, "--select", "UNQ002", ".")} == {"UNQ002"}
    assert {c for _, _, c in cli_findings(tree, "--ignore", "UNQ002,UNQ003", ".")} == {"UNQ001"}
    assert "UNQ004" not in {c for _, _, c in cli_findings(tree, "--select", "UNQ", ".")}
    assert "UNQ004" in {c for _, _, c in cli_findings(tree, "--select", "UNQ,UNQ004", ".")}
    clean = tmp_path / "clean"
    (clean / "app").mkdir(parents=True)
    (clean / "setup.py").write_text("")
    (clean / "app" / "views.py").write_text("def f():\n    return 1\n")
    assert cli(clean, "check", ".").returncode == 0
    assert cli(tree, "check", ".").returncode == 1
    missing = cli(tree, "check", "no/such/dir")
    assert missing.returncode == 2 and "no such file or folder: no/such/dir" in missing.stderr
    bad = cli(tree, "check", "--atomic-requests", "maybe", ".")
    assert bad.returncode == 2


def test_explain():
    tree = CORE / "races"
    for name in ("UNQ001", "unguarded-create", "W5801", "unq001"):
        page = cli(tree, "explain", name)
        assert page.returncode == 0 and page.stdout.startswith("# UNQ001 `unguarded-create`")
        assert "## Why is this bad?" in page.stdout
    listing = cli(tree, "explain").stdout.splitlines()
    assert [line.split()[0] for line in listing] == ["UNQ000", "UNQ001", "UNQ002", "UNQ003", "UNQ004", "UNQ005"]
    unknown = cli(tree, "explain", "UNQ999")
    assert unknown.returncode == 2 and "no rule named 'UNQ999'" in unknown.stderr


# ----------------------------------------------------------------------------------- baselines
def test_baseline_survives_shifted_lines_and_reports_only_new_writes(tmp_path):
    tree = copy(CORE / "guards", tmp_path)
    baseline = tmp_path / "baseline.json"
    recorded = cli(tree, "check", "--write-baseline", str(baseline), ".")
    assert recorded.returncode == 0 and "recorded 11 finding(s)" in recorded.stderr
    assert cli(tree, "check", "--baseline", str(baseline), ".").returncode == 0

    callers = tree / "shop" / "callers.py"
    source = callers.read_text()
    callers.write_text('"""A new docstring."""\n\n\nimport logging\n\nlog = logging.getLogger(__name__)\n' + source)
    shifted = cli(tree, "check", "--baseline", str(baseline), ".")
    assert shifted.returncode == 0, shifted.stdout

    source = callers.read_text().replace(
        "def never_called(code):\n    Coupon.objects.create(code=code)  # expect: UNQ001\n",
        "def never_called(code):\n    Coupon.objects.create(code=code)  # expect: UNQ001\n"
        "    Coupon.objects.create(code=code)\n\n\ndef brand_new(code):\n    Coupon(code=code).save()\n")
    callers.write_text(source)
    lines = source.splitlines()
    second_copy = lines.index("def never_called(code):") + 3
    brand_new = lines.index("    Coupon(code=code).save()") + 1
    new = cli(tree, "check", "--baseline", str(baseline), ".").stdout.splitlines()
    assert [int(line.split(":")[1]) for line in new] == [second_copy, brand_new]

    baseline.write_text("{not json")
    corrupt = cli(tree, "check", "--baseline", str(baseline), ".")
    assert corrupt.returncode == 2 and "is not valid JSON" in corrupt.stderr


# ------------------------------------------------------------------------------- configuration
PYPROJECT = """
[tool.uniqueguard]
unique = {"billing.Invoice" = ["number"]}
strict = true
extend-exclude = ["shop/skipped.py"]
"""

CONFIG_VIEWS = """
from billing.models import Invoice
from shop.models import Coupon


def a(number, registry):
    Invoice.objects.create(number=number)
    registry.model.objects.create(number=number)
"""


def _config_tree(tmp_path):
    tree = copy(CORE / "guards", tmp_path)
    (tree / "shop" / "config_views.py").write_text(CONFIG_VIEWS)
    (tree / "shop" / "skipped.py").write_text(CONFIG_VIEWS)
    return tree


def test_pyproject_is_read_by_every_front_end(tmp_path):
    tree = _config_tree(tmp_path)
    assert ("shop/config_views.py", 7, "UNQ001") not in cli_findings(tree, "shop")
    with (tree / "pyproject.toml").open("a") as handle:
        handle.write(PYPROJECT)
    want = {("shop/config_views.py", 7, "UNQ001"), ("shop/config_views.py", 8, "UNQ005")}
    for found in (cli_findings(tree, "shop/config_views.py", "shop/skipped.py"),
                  run_flake8(tree, ["shop/config_views.py", "shop/skipped.py"]),
                  run_pylint(tree, ["shop/config_views.py", "shop/skipped.py"])):
        assert found == want


def test_native_options_override_pyproject(tmp_path):
    tree = _config_tree(tmp_path)
    with (tree / "pyproject.toml").open("a") as handle:
        handle.write(PYPROJECT)
    only_invoice = {("shop/config_views.py", 7, "UNQ001")}
    assert cli_findings(tree, "--strict", "shop/config_views.py") != only_invoice  # strict stays on
    (tree / "setup.cfg").write_text("[flake8]\nuniqueguard-strict = false\n")
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select=UNQ", "shop/config_views.py"],
                            cwd=str(tree), capture_output=True, text=True, env=environment())
    assert [line.split(":")[1] for line in flake8.stdout.splitlines()] == ["7"]
    assert run_pylint(tree, ["shop/config_views.py"], extra_args=["--uniqueguard-strict=n"]) == only_invoice
    (tree / "pylintrc").write_text("[MAIN]\nuniqueguard-strict=no\n")
    rc = subprocess.run([sys.executable, "-m", "pylint", "--rcfile=pylintrc", "--load-plugins=uniqueguard",
                         "--disable=all", "--enable=unguarded-create,unresolved-write", "--score=n",
                         "--msg-template={line}:{symbol}", "shop/config_views.py"],
                        cwd=str(tree), capture_output=True, text=True, env=environment())
    assert rc.stdout.split() == ["************* Module shop.config_views", "7:unguarded-create"] or \
        [line for line in rc.stdout.splitlines() if ":" in line] == ["7:unguarded-create"]


def test_bad_values_are_clear_errors_in_every_front_end(tmp_path):
    tree = _config_tree(tmp_path)
    (tree / "setup.cfg").write_text("[flake8]\nuniqueguard-unique = Invoice\n")
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select=UNQ", "shop"], cwd=str(tree),
                            capture_output=True, text=True, env=environment())
    assert flake8.returncode != 0 and "Traceback" not in flake8.stdout + flake8.stderr
    assert "invalid uniqueguard option 'unique'" in flake8.stdout + flake8.stderr
    (tree / "setup.cfg").unlink()
    pylint = subprocess.run([sys.executable, "-m", "pylint", "--load-plugins=uniqueguard", "--uniqueguard-unique=x",
                             "shop"], cwd=str(tree), capture_output=True, text=True, env=environment())
    assert pylint.returncode == 32 and "invalid uniqueguard option 'unique'" in pylint.stderr
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nexclude = 3\n')
    result = cli(tree, "check", "--format", "json", "shop/callers.py")
    assert result.returncode == 2
    found = json.loads(result.stdout)
    assert [(row["code"], row["line"]) for row in found] == [("UNQ000", 1)]
    assert "'exclude'" in found[0]["message"] and "pyproject.toml" in found[0]["message"]


# ---------------------------------------------------------------------------------- pre-commit
def _pre_commit_env(tmp_path):
    """A private pre-commit home and a git identity, so the tests touch nothing of the user's."""
    return environment({"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_AUTHOR_NAME": "t",
                        "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com"})


def local_hook(repo: Path, args=()) -> None:
    """A pre-commit config running this repository's published hook entry from the test's environment."""
    hooks = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
    entry = next(line.split(":", 1)[1].strip() for line in hooks.read_text().splitlines()
                 if line.strip().startswith("entry:"))
    assert entry == "uniqueguard check"
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: uniqueguard\n        name: uniqueguard\n"
        f"        entry: {Path(sys.executable).with_name('uniqueguard')} check\n"
        + (f"        args: [{', '.join(args)}]\n" if args else "") +
        "        language: system\n        types: [python]\n")


def git_and_pre_commit(repo: Path, env: dict):
    """(git(*args), pre_commit()) bound to the repository and the private environment."""
    def git(*args):
        subprocess.run(["git", *args], cwd=str(repo), check=True, capture_output=True, env=env)

    def pre_commit():
        return subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=str(repo), capture_output=True,
                              text=True, env=env, timeout=600)
    return git, pre_commit


def test_pre_commit_hook_checks_only_the_staged_files_against_all_models(tmp_path):
    pytest.importorskip("pre_commit")
    repo = copy(CORE / "registration", tmp_path)
    local_hook(repo)
    git, pre_commit = git_and_pre_commit(repo, _pre_commit_env(tmp_path))
    git("init", "-q")
    git("add", ".pre-commit-config.yaml", "accounts/models.py", "accounts/forms.py", "accounts/__init__.py")
    git("commit", "-q", "-m", "models", "--no-verify")
    git("add", "accounts/views.py")
    failed = pre_commit()
    assert failed.returncode == 1, failed.stdout
    assert "accounts/views.py:11:16: UNQ001 User.objects.create_user() may violate unique User.email" in failed.stdout
    assert "spellings.py" not in failed.stdout  # not staged, not checked
    git("reset", "-q", "accounts/views.py")
    git("add", "accounts/forms.py")
    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout


def test_the_published_hook_through_pre_commit_try_repo(tmp_path):
    """This repository's own .pre-commit-hooks.yaml, installed by pre-commit into its own environment."""
    pytest.importorskip("pre_commit")
    repo = copy(CORE / "registration", tmp_path)
    env = _pre_commit_env(tmp_path)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init", "--no-verify"]):
        subprocess.run(["git", *args], cwd=str(repo), check=True, capture_output=True, env=env)
    source = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(source), "uniqueguard",
                             "--files", "accounts/views.py", "accounts/signals.py"],
                            cwd=str(repo), capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    findings = [line for line in result.stdout.splitlines() if ": UNQ" in line]
    assert [line.split(": UNQ")[0] for line in findings] == [
        "accounts/signals.py:11:9", "accounts/signals.py:23:9", "accounts/views.py:11:16"]


# ------------------------------------------------------------------------------ option spellings
def test_one_spelling_per_option_and_flags_everywhere(tmp_path):
    """A true/false setting is a flag in every front end (`--x` / `--no-x`, `--uniqueguard-x` /
    `--uniqueguard-no-x`), and `x = true|false` in any config file, each over the configuration file."""
    tree = _config_tree(tmp_path)
    target = ["shop/config_views.py"]
    strict = {("shop/config_views.py", 7, "UNQ005"), ("shop/config_views.py", 8, "UNQ005")}  # no `unique` here

    def unresolved(found):
        return {f for f in found if f[2] == "UNQ005"}

    assert not unresolved(cli_findings(tree, *target))
    assert unresolved(cli_findings(tree, "--strict", *target)) == strict
    assert unresolved(run_flake8(tree, target, extra_args=["--uniqueguard-strict"])) == strict
    assert unresolved(run_pylint(tree, target, extra_args=["--uniqueguard-strict"])) == strict
    assert unresolved(run_pylint(tree, target, extra_args=["--uniqueguard-strict=yes"])) == strict
    (tree / "pyproject.toml").write_text("[tool.uniqueguard]\nstrict = true\n")
    assert unresolved(cli_findings(tree, *target)) == strict
    assert not unresolved(cli_findings(tree, "--no-strict", *target))
    assert not unresolved(run_flake8(tree, target, extra_args=["--uniqueguard-no-strict"]))
    assert not unresolved(run_pylint(tree, target, extra_args=["--uniqueguard-no-strict"]))
    assert not unresolved(run_pylint(tree, target, extra_args=["--uniqueguard-strict=no"]))
    (tree / "pyproject.toml").unlink()
    (tree / "setup.cfg").write_text("[flake8]\nuniqueguard-strict = true\n")
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select=UNQ", *target], cwd=str(tree),
                            capture_output=True, text=True, env=environment())
    assert ":8:" in flake8.stdout and "UNQ005" in flake8.stdout
    (tree / "pylintrc").write_text("[MAIN]\nuniqueguard-strict=yes\n")
    pylint = subprocess.run([sys.executable, "-m", "pylint", "--rcfile=pylintrc", "--load-plugins=uniqueguard",
                             "--disable=all", "--enable=unresolved-write", "--score=n", *target],
                            cwd=str(tree), capture_output=True, text=True, env=environment())
    assert "unresolved-write" in pylint.stdout, pylint.stdout + pylint.stderr
    for front in (["-m", "uniqueguard", "check", "--help"], ["-m", "flake8", "--help"]):
        usage = subprocess.run([sys.executable, *front], capture_output=True, text=True, env=environment()).stdout
        assert "-strict" in usage and "no-strict" in usage and "--uniqueguard-strict=" not in usage
