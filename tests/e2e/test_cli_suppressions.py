"""`# noqa` and `# pylint: disable` in the command line (issue 14 item 1, reproducer d05): every output
format and `--write-baseline` honour them, `--disable-noqa` turns them off; flake8 and pylint keep
their own handling of the same comments. Real processes throughout."""
import json
import shutil

import pytest

from .harness import run_flake8, run_pylint
from .test_cli_reliability import _shop
from .test_command_line import _pre_commit_env, cli, git_and_pre_commit, local_hook

VIEWS = '''from shop.models import Tag


def noqa_all(n):
    Tag.objects.create(name=n)  # noqa


def noqa_code(n):
    Tag.objects.create(name=n)  # noqa: UNQ001


def noqa_other_code(n):
    Tag.objects.create(name=n)  # noqa: E501  # expect: UNQ001


def noqa_on_a_later_line_of_the_call(n):
    Tag.objects.create(  # expect: UNQ001
        name=n,
    )  # noqa: UNQ001  (flake8 reads it on the line the finding starts on)


def pylint_symbol(n):
    Tag.objects.create(name=n)  # pylint: disable=unguarded-create


def pylint_id(n):
    Tag.objects.create(name=n)  # pylint: disable=W5801,line-too-long


def pylint_other_message(n):
    Tag.objects.create(name=n)  # pylint: disable=line-too-long  # expect: UNQ001


def pylint_on_the_def_line(n):  # pylint: disable=unguarded-create
    Tag.objects.create(name=n)  # expect: UNQ001
    if n:
        # pylint: disable=unguarded-create
        Tag.objects.create(name=n)
    Tag.objects.create(name=n)  # expect: UNQ001


def pylint_block(n):
    Tag.objects.create(name=n)  # expect: UNQ001
    # pylint: disable=unguarded-create
    Tag.objects.create(name=n)
    # pylint: enable=unguarded-create
    Tag.objects.create(name=n)  # expect: UNQ001


def pylint_next(n):
    # pylint: disable-next=unguarded-create
    Tag.objects.create(name=n)
    Tag.objects.create(name=n)  # expect: UNQ001


def after_the_block(n):
    Tag.objects.create(name=n)  # expect: UNQ001
'''


def _tree(tmp_path):
    tree = _shop(tmp_path)
    (tree / "shop" / "views.py").write_text(VIEWS)
    return tree


def _marked():
    return sorted(number for number, line in enumerate(VIEWS.splitlines(), 1) if "# expect: UNQ001" in line)


def _all_writes():
    return sorted(number for number, line in enumerate(VIEWS.splitlines(), 1) if "Tag.objects.create(" in line)


def test_text_and_json_honour_the_comments(tmp_path):
    tree = _tree(tmp_path)
    text = cli(tree, "check", "shop/views.py")
    assert text.returncode == 1
    assert [int(line.split(":")[1]) for line in text.stdout.splitlines()] == _marked()
    rows = json.loads(cli(tree, "check", "--format", "json", "shop/views.py").stdout)
    assert [row["line"] for row in rows] == _marked()
    everything = json.loads(cli(tree, "check", "--format", "json", "--disable-noqa", "shop/views.py").stdout)
    assert [row["line"] for row in everything] == _all_writes()


@pytest.mark.parametrize("fmt", ["github", "sarif"])
def test_annotations_and_code_scanning_honour_the_comments(tmp_path, fmt):
    tree = _tree(tmp_path)
    out = cli(tree, "check", "--format", fmt, "shop/views.py").stdout
    if fmt == "github":
        lines = [int(item.split(",line=")[1].split(",")[0]) for item in out.splitlines()]
    else:
        lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"]
                 for r in json.loads(out)["runs"][0]["results"]]
    assert lines == _marked()


def test_write_baseline_leaves_suppressed_lines_out(tmp_path):
    tree = _tree(tmp_path)
    assert cli(tree, "check", "--write-baseline", "base.json", "shop").returncode == 0
    assert len(json.loads((tree / "base.json").read_text())["findings"]) == len(_marked())


def test_flake8_and_pylint_keep_their_own_handling(tmp_path):
    tree = _tree(tmp_path)
    writes = set(_all_writes())
    silenced_for_flake8 = {5, 9}
    silenced_for_pylint = {23, 27, 38, 45, 52}
    assert set(_marked()) == writes - silenced_for_flake8 - silenced_for_pylint
    assert {line for _, line, _ in run_flake8(tree, ["shop/views.py"])} == writes - silenced_for_flake8
    assert {line for _, line, _ in run_pylint(tree, ["shop/views.py"])} == writes - silenced_for_pylint


def test_the_repro_case_exits_0(tmp_path):
    tree = _shop(tmp_path)
    source = "from shop.models import Tag\n\ndef add(n):\n    Tag.objects.create(name=n)  # noqa: UNQ001\n"
    (tree / "shop" / "views.py").write_text(source)
    result = cli(tree, "check", "shop")
    assert result.returncode == 0 and result.stdout == ""


def test_pre_commit_hook_in_a_repository_whose_manage_py_is_in_a_subfolder(tmp_path):
    """This repository's hook (its entry, run by pre-commit) on a repository with the Django project in
    `site/`: it reports the finding, respects `# noqa`, and uses a baseline committed at the root."""
    pytest.importorskip("pre_commit")
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.move(str(_shop(tmp_path / "scratch")), str(repo / "site"))
    local_hook(repo, ["--baseline", ".uniqueguard-baseline.json"])
    git, pre_commit = git_and_pre_commit(repo, _pre_commit_env(tmp_path))
    views = repo / "site" / "shop" / "views.py"
    old = "from shop.models import Tag\n\n\ndef old(n):\n    Tag.objects.create(name=n)\n"
    views.write_text(old)

    git("init", "-q")
    recorded = cli(repo / "site", "check", "--write-baseline", "../.uniqueguard-baseline.json", ".")
    assert recorded.returncode == 0 and "recorded 1 finding(s)" in recorded.stderr
    git("add", "-A")
    git("commit", "-q", "-m", "legacy code and its baseline", "--no-verify")

    views.write_text(old + "\n\ndef new(n):\n    Tag.objects.create(name=n)\n")
    git("add", "site/shop/views.py")
    failed = pre_commit()
    assert failed.returncode == 1, failed.stdout
    assert "site/shop/views.py:9:5: UNQ001" in failed.stdout and ":5:5:" not in failed.stdout  # old one baselined

    views.write_text(old + "\n\ndef new(n):\n    Tag.objects.create(name=n)  # noqa: UNQ001\n")
    git("add", "site/shop/views.py")
    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout
