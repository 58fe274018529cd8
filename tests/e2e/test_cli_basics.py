"""The command-line basics users reach for (issue 14 item 7): --exit-zero, --statistics, --count,
--show-source, --quiet, colour on a terminal honouring NO_COLOR, and a walk that skips what .gitignore
ignores. Real processes throughout (a pseudo-terminal for colour)."""
import json
import os
import pty
import subprocess
import sys
from collections import Counter

from uniqueguard.rules import BY_CODE

from .harness import FIXTURES, environment, expected
from .test_command_line import cli, copy

RACES = FIXTURES / "core" / "races"
ESCAPE = "\x1b["


def test_exit_zero_keeps_exit_2_for_a_failed_run(tmp_path):
    tree = copy(RACES, tmp_path)
    assert cli(tree, "check", ".").returncode == 1
    quiet = cli(tree, "check", "--exit-zero", ".")
    assert quiet.returncode == 0 and "UNQ001" in quiet.stdout
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nstrict = "maybe"\n')
    assert cli(tree, "check", "--exit-zero", ".").returncode == 2


def test_statistics_count_show_source_and_quiet():
    want = Counter(code for _, _, code in expected(RACES))
    text = cli(RACES, "check", "--statistics", "--count", ".").stdout.splitlines()
    findings = [line for line in text if ": UNQ" in line]
    assert len(findings) == sum(want.values()) and len(want) > 1
    assert text[len(findings):] == [f"{want[code]:<5} {code} {BY_CODE[code].symbol}" for code in sorted(want)] + \
        [str(len(findings))]
    as_json = cli(RACES, "check", "--format", "json", "--count", ".")
    assert as_json.stdout.startswith("[") and as_json.stderr.strip() == str(len(findings))
    source = cli(RACES, "check", "--show-source", "signup/views.py").stdout.splitlines()
    first = source.index(next(line for line in source if line.startswith("signup/views.py:13:9:")))
    assert source[first + 1].strip().startswith("User.objects.create_user(")
    assert source[first + 2] == " " * 8 + "^"
    assert cli(RACES, "check", "-q", ".").stdout == "signup/views.py\n"


def _on_a_terminal(*args, extra_env=None):
    leader, follower = pty.openpty()
    env = environment(extra_env)
    process = subprocess.run([sys.executable, "-m", "uniqueguard", *args], cwd=str(RACES), stdout=follower,
                             stderr=subprocess.PIPE, env=env, timeout=600)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.returncode, b"".join(chunks).decode()


def test_colour_on_a_terminal_unless_no_color():
    rc, coloured = _on_a_terminal("check", "signup/views.py")
    assert rc == 1 and ESCAPE in coloured and "UNQ002" in coloured
    rc, plain = _on_a_terminal("check", "signup/views.py", extra_env={"NO_COLOR": "1"})
    assert rc == 1 and ESCAPE not in plain and "UNQ002" in plain
    assert ESCAPE not in cli(RACES, "check", "signup/views.py").stdout  # a pipe: no colour
    assert ESCAPE in cli(RACES, "check", "--color", "always", "signup/views.py").stdout


def test_the_walk_skips_what_gitignore_ignores(tmp_path):
    tree = copy(RACES, tmp_path)
    generated = tree / "generated"
    generated.mkdir()
    (generated / "__init__.py").write_text("")
    (generated / "views.py").write_text((tree / "signup" / "views.py").read_text().replace("from .", "from signup."))
    before = {path for path, _, _ in _paths(tree)}
    assert "generated/views.py" in before
    subprocess.run(["git", "init", "-q"], cwd=str(tree), check=True)
    (tree / ".gitignore").write_text("generated/\n")
    after = {path for path, _, _ in _paths(tree)}
    assert after == before - {"generated/views.py"} and "signup/views.py" in after
    named = {path for path, _, _ in _paths(tree, "generated/views.py")}  # a file named outright is checked
    assert named == {"generated/views.py"}


def _paths(tree, *targets):
    result = cli(tree, "check", "--format", "json", *(targets or (".",)))
    return {(row["path"], row["line"], row["code"]) for row in json.loads(result.stdout)}
