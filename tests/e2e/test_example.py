"""The example project prints exactly the finding its README shows, in every front end."""
import re
import subprocess
import sys
from pathlib import Path

from .harness import environment, run_flake8, run_pylint

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLE = REPOSITORY / "examples" / "registration"


def documented_line() -> str:
    text = (EXAMPLE / "README.md").read_text()
    (line,) = [row for row in text.splitlines() if re.match(r"^examples/registration/.*: UNQ\d{3} ", row)]
    return line


def test_readme_finding_is_what_flake8_prints():
    result = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=UNQ", "examples/registration"],
                            cwd=str(REPOSITORY), capture_output=True, text=True, env=environment())
    assert result.stdout.splitlines() == [documented_line()]


def test_readme_finding_is_what_the_cli_and_pylint_report():
    path, line, _, code = documented_line().split(":", 3)[0:1] + documented_line().split(":")[1:3] + \
        [documented_line().split(": ", 1)[1].split()[0]]
    relative = Path(path).relative_to("examples/registration").as_posix()
    want = {(relative, int(line), code)}
    assert run_flake8(EXAMPLE) == want
    assert run_pylint(EXAMPLE) == want
    cli = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "examples/registration"], cwd=str(REPOSITORY),
                         capture_output=True, text=True, env=environment())
    assert cli.returncode == 1 and cli.stdout.splitlines() == [documented_line()]
