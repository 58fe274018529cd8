"""The pylint front end reuses the `ast` tree astroid parsed, and falls back to parsing when it cannot."""
import ast
import types
from pathlib import Path

from pylint.lint import Run

from uniqueguard.fronts import pylint_plugin, pylint_trees

REGISTRATION = Path(__file__).resolve().parent.parent / "fixtures" / "core" / "registration"


def test_a_kept_tree_is_used_only_for_the_exact_bytes_it_was_parsed_from(tmp_path):
    path = str(tmp_path / "views.py")
    text = "User.objects.create(email=e)\n"
    pylint_trees._kept[path] = (text, ast.parse(text))
    assert pylint_trees.take(path, text.encode().replace(b"\n", b"\r\n")) is None  # changed: parse again
    assert pylint_trees.take(path, text.encode()) is None  # taken once, then gone
    pylint_trees._kept[path] = (text, ast.parse(text))
    assert isinstance(pylint_trees.take(path, text.encode()), ast.Module)


def test_without_the_private_hooks_nothing_is_installed():
    assert pylint_trees.install(type("Linter", (), {}), types.SimpleNamespace(), lambda text: True) is False
    assert pylint_trees.install(type("Linter", (), {"get_ast": lambda *a: None}), types.SimpleNamespace(),
                                lambda text: True) is False


def test_pylint_runs_hand_the_engine_astroids_tree(monkeypatch, capsys):
    """Modules with a write call reach the engine as the tree astroid parsed (check_tree); the others
    go through check_source, which returns before parsing them. The findings are the usual ones."""
    calls = {"tree": [], "source": []}
    check_tree, check_source = pylint_plugin.check_tree, pylint_plugin.check_source

    def spy_tree(tree, path, *args, **kwargs):
        calls["tree"].append(path.replace("\\", "/").rsplit("/", 2)[-2:])
        return check_tree(tree, path, *args, **kwargs)

    def spy_source(source, path, *args, **kwargs):
        calls["source"].append(path.replace("\\", "/").rsplit("/", 2)[-2:])
        return check_source(source, path, *args, **kwargs)

    monkeypatch.setattr(pylint_plugin, "check_tree", spy_tree)
    monkeypatch.setattr(pylint_plugin, "check_source", spy_source)
    monkeypatch.chdir(REGISTRATION)
    Run(["--load-plugins=uniqueguard", "--disable=all", "--enable=unguarded-create", "--persistent=n",
         "--rcfile=/dev/null", "--score=n", "--msg-template={path}:{line}:{symbol}", "accounts/views.py",
         "accounts/models.py"], exit=False)
    assert ["accounts", "views.py"] in calls["tree"]
    assert ["accounts", "models.py"] in calls["source"]  # no write call: never parsed by the engine
    assert "accounts/views.py:11:unguarded-create" in capsys.readouterr().out
