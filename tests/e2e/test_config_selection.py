"""Rule selection and configuration discovery (issue 14 items 2 and 4), through real flake8, pylint and
command-line processes: `select` / `ignore` / `extend-select` / `per-file-ignores` in the configuration
file apply in every front; flake8's own per-file-ignores still work; the nearest configuration file above
each linted file is used wherever manage.py is, and two Django projects in one repository stay apart."""
import shutil
import subprocess
import sys

from uniqueguard.rules import BY_SYMBOL

from .harness import FIXTURES, _run, environment, expected, run_flake8, run_pylint
from .test_command_line import cli_findings, copy

RACES = FIXTURES / "core" / "races"


def _plain_pylint(tree, paths):
    """pylint as a user runs it, with no --disable/--enable: its other messages are left out by the parse,
    and the off-by-default UNQ004 is on only when the configuration file names it."""
    command = [sys.executable, "-m", "pylint", "--rcfile=/dev/null", "--persistent=n", "--recursive=y",
               "--load-plugins=uniqueguard", "--score=n", "--msg-template={path}:{line}:{column}:{symbol}", *paths]
    return _run(tree, command, lambda rc: rc & (1 | 32) == 0, r"^(.*?):(\d+):(\d+):([a-z-]+)$",
                lambda symbol: BY_SYMBOL[symbol].code if symbol in BY_SYMBOL else None, 1, None, False)


def _all_fronts(tree, paths=(".",)):
    """The findings, the same in every front."""
    found = {"cli": cli_findings(tree, *paths), "flake8": run_flake8(tree, list(paths)),
             "pylint": _plain_pylint(tree, list(paths))}
    assert found["cli"] == found["flake8"] == found["pylint"], found
    return found["cli"]


def _codes(found):
    return {code for _, _, code in found}


def test_select_ignore_and_extend_select_in_the_config_file_apply_in_every_front(tmp_path):
    tree = copy(RACES, tmp_path)
    assert _codes(_all_fronts(tree)) == {"UNQ001", "UNQ002", "UNQ003"}
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nignore = ["UNQ002"]\nextend-select = ["UNQ004"]\n')
    assert _codes(_all_fronts(tree)) == {"UNQ001", "UNQ003", "UNQ004"}
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nselect = ["UNQ002"]\n')
    assert _codes(_all_fronts(tree)) == {"UNQ002"}
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nselect = ["UNQ"]\n')  # the family: not UNQ004
    assert _codes(_all_fronts(tree)) == {"UNQ001", "UNQ002", "UNQ003"}
    # The command line's own flags go over the file's: --select replaces, --ignore adds.
    assert _codes(cli_findings(tree, "--select", "UNQ003", ".")) == {"UNQ003"}
    assert _codes(cli_findings(tree, "--ignore", "UNQ001", ".")) == {"UNQ002", "UNQ003"}


def test_per_file_ignores_in_every_front_and_flake8s_own_beside_it(tmp_path):
    tree = copy(RACES, tmp_path)
    (tree / "signup" / "legacy.py").write_text((tree / "signup" / "views.py").read_text())
    everything = _all_fronts(tree, ("signup",))
    assert {path for path, _, _ in everything} == {"signup/views.py", "signup/legacy.py"}
    (tree / "pyproject.toml").write_text(
        '[tool.uniqueguard]\nper-file-ignores = {"signup/legacy.py" = ["UNQ00"], "**/views.py" = ["UNQ002"]}\n')
    found = _all_fronts(tree, ("signup",))
    assert {path for path, _, _ in found} == {"signup/views.py"}
    assert _codes(found) == {"UNQ001", "UNQ003"}
    # flake8's own per-file-ignores keep working beside uniqueguard's.
    (tree / "pyproject.toml").unlink()
    (tree / "setup.cfg").write_text("[flake8]\nper-file-ignores =\n    signup/legacy.py: UNQ001,UNQ002,UNQ003\n")
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select=UNQ", "signup"], cwd=str(tree),
                            capture_output=True, text=True, env=environment())
    assert {line.split(":")[0] for line in flake8.stdout.splitlines()} == {"signup/views.py"}, flake8.stdout


def test_bad_selection_values_are_clear_errors(tmp_path):
    tree = copy(RACES, tmp_path)
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nignore = ["E501"]\n')
    result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "."], cwd=str(tree), capture_output=True,
                            text=True, env=environment())
    assert result.returncode == 2 and "invalid uniqueguard option 'ignore'" in result.stdout
    assert "E501" in result.stdout


def _project(base, name):
    """A copy of the races project (manage.py, a custom User with a unique email) under `base/name`."""
    shutil.copytree(RACES, base / name)
    return base / name


def test_the_nearest_config_file_is_found_wherever_manage_py_is(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    site = _project(repo / "src", "site")
    (repo / "pyproject.toml").write_text('[tool.uniqueguard]\nignore = ["UNQ002"]\n')
    for where in (repo, site, site / "signup"):
        target = str((site / "signup" / "views.py").relative_to(where))
        assert _codes(cli_findings(where, target)) == {"UNQ001", "UNQ003"}, where
    assert _codes(run_flake8(repo, ["src/site/signup/views.py"])) == {"UNQ001", "UNQ003"}
    assert _codes(run_pylint(repo, ["src/site/signup/views.py"])) == {"UNQ001", "UNQ003"}
    # A nearer file without a uniqueguard section is passed over; a nearer one with it wins.
    (site / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n')
    assert _codes(cli_findings(repo, "src/site")) == {"UNQ001", "UNQ003"}
    (site / "setup.cfg").write_text("[uniqueguard]\nignore = UNQ003\n")
    assert _codes(cli_findings(repo, "src/site")) == {"UNQ001", "UNQ002"}
    (site / "setup.cfg").unlink()
    (site / "signup" / "tox.ini").write_text("[uniqueguard]\nselect = UNQ001\n")
    assert _codes(cli_findings(repo, "src/site")) == {"UNQ001"}
    (site / "signup" / "tox.ini").unlink()
    (site / ".flake8").write_text("[flake8]\nmax-line-length = 100\n\n[uniqueguard]\nselect = UNQ002\n")
    assert _codes(cli_findings(repo, "src/site")) == {"UNQ002"}


def test_two_django_projects_in_one_repository_stay_apart(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    first = _project(repo, "first")
    second = _project(repo, "second")
    # In `second`, signup.User (same app label, same model name) has no unique field at all: neither
    # project's models may lend the other a constraint.
    (second / "signup" / "models.py").write_text(
        "from django.db import models\n\n\nclass User(models.Model):\n    email = models.EmailField()\n")
    (first / "pyproject.toml").write_text('[tool.uniqueguard]\nignore = ["UNQ003"]\n')
    found = cli_findings(repo, ".")
    assert {code for path, _, code in found if path.startswith("first/signup/")} == {"UNQ001", "UNQ002"}
    in_second = {(path[len("second/"):], line, code) for path, line, code in found if path.startswith("second/")}
    assert in_second == cli_findings(second, ".")
    assert not {f for f in in_second if f[0] == "signup/views.py"}
    assert {f for f in in_second if f[0] == "hooks/tasks.py"} == {f for f in expected(RACES) if f[0] == "hooks/tasks.py"}
