"""A user model the index cannot read is said, never replaced by auth.User (issue 10, item 3; reproducer
d06 in shared/repro/reliability): the module defining AUTH_USER_MODEL's class or the settings cannot be
read, or AUTH_USER_MODEL is computed. Every front end, real processes, on a copy of the example project."""
import json
import shutil
from pathlib import Path

import pytest

from .harness import run_flake8, run_pylint
from .test_command_line import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "registration"
VIEWS = "accounts/views.py"
WRITE = (VIEWS, 14, "UNQ001")  # User.objects.create_user(username=..., email=..., password=...)
NOTE = (VIEWS, 1, "UNQ000")
FRONTS = {"flake8": run_flake8, "pylint": run_pylint}


def _example(tmp_path: Path, edit=None) -> Path:
    tree = tmp_path / "registration"
    shutil.copytree(EXAMPLE, tree)
    if edit is not None:
        path, old, new = edit
        text = (tree / path).read_text()
        assert old in text
        (tree / path).write_text(text.replace(old, new))
    return tree


def _cli(tree: Path):
    result = cli(tree, "check", "--format", "json", VIEWS)
    assert result.returncode in (0, 1), result.stderr
    return {(row["line"], row["code"]): row["message"] for row in json.loads(result.stdout)}


UNREADABLE_MODELS = ("accounts/models.py", "class User(AbstractUser):", "class User(AbstractUser:")
COMPUTED = ("mysite/settings.py", 'AUTH_USER_MODEL = "accounts.User"',
            'import os\nAUTH_USER_MODEL = os.environ.get("AUTH_USER_MODEL", "accounts.User")')
UNREADABLE_SETTINGS = ("mysite/settings.py", 'DEBUG = True', 'DEBUG = (')


@pytest.mark.parametrize("front", sorted(FRONTS))
def test_the_readable_example_says_nothing_more(front, tmp_path):
    """The look-alike: the user model read, email and username judged, no note."""
    assert FRONTS[front](_example(tmp_path), [VIEWS]) == {WRITE}
    assert "User.email" in _cli(_example(tmp_path / "cli"))[(14, "UNQ001")]


@pytest.mark.parametrize("front", sorted(FRONTS))
def test_an_unreadable_user_model_module_is_named_and_nothing_is_guessed(front, tmp_path):
    tree = _example(tmp_path, UNREADABLE_MODELS)
    assert FRONTS[front](tree, [VIEWS]) == {NOTE}
    message = _cli(tree)[(1, "UNQ000")]
    assert message.startswith("AUTH_USER_MODEL 'accounts.User' is defined in accounts/models.py, which cannot "
                              "be read (syntax error at line 5")
    assert "writes to the user model are not checked" in message


@pytest.mark.parametrize("edit,why", [(COMPUTED, "AUTH_USER_MODEL in mysite/settings.py is computed"),
                                      (UNREADABLE_SETTINGS, "cannot read mysite/settings.py (syntax error")],
                         ids=["computed", "unreadable-settings"])
@pytest.mark.parametrize("front", sorted(FRONTS))
def test_unknown_settings_judge_with_the_only_custom_user_and_say_so(front, edit, why, tmp_path):
    tree = _example(tmp_path, edit)
    assert FRONTS[front](tree, [VIEWS]) == {NOTE, WRITE}
    found = _cli(tree)
    assert found[(1, "UNQ000")].startswith(why)
    assert "judged as accounts.models.User, the project's only custom user model" in found[(1, "UNQ000")]
    assert "User.email" in found[(14, "UNQ001")]  # the custom model's unique email, not auth.User's


def test_computed_with_two_custom_users_guesses_neither(tmp_path):
    tree = _example(tmp_path, COMPUTED)
    with open(tree / "accounts" / "models.py", "a") as models:
        models.write("\n\nclass Member(AbstractUser):\n    nickname = models.CharField(unique=True)\n")
    assert run_flake8(tree, [VIEWS]) == {NOTE}
    assert "; writes to the user model are not checked" in _cli(tree)[(1, "UNQ000")]
