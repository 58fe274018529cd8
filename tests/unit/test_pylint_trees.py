"""The pylint front end reuses the `ast` tree astroid parsed, and falls back to parsing when it cannot."""
import ast
import types
from pathlib import Path

from pylint.lint import Run

from uniqueguard.fronts import pylint_plugin, pylint_trees

REGISTRATION = Path(__file__).resolve().parent.parent / "fixtures" / "core" / "registration"


def test_kept_findings_are_used_only_for_the_exact_bytes_they_were_judged_from(tmp_path):
    path = str(tmp_path / "views.py")
    text = "User.objects.create(email=e)\n"
    judged = [object()]
    pylint_trees._kept[path] = (pylint_trees._digest(text), judged)
    assert pylint_trees.take(path, text.encode().replace(b"\n", b"\r\n")) is None  # changed: judge again
    assert pylint_trees.take(path, text.encode()) is None  # taken once, then gone
    pylint_trees._kept[path] = (pylint_trees._digest(text), judged)
    assert pylint_trees.take(path, text.encode()) is judged


def test_without_the_private_hooks_nothing_is_installed():
    assert pylint_trees.install(type("Linter", (), {}), types.SimpleNamespace(), lambda *a: []) is False
    assert pylint_trees.install(type("Linter", (), {"get_ast": lambda *a: None}), types.SimpleNamespace(),
                                lambda *a: []) is False


def test_pylint_runs_hand_the_engine_astroids_tree(monkeypatch, capsys):
    """Modules with a write call reach the engine as the tree astroid parsed (check_tree, while pylint
    builds the module); the others go through check_source, which returns before parsing them. The
    findings are the usual ones, and nothing is left kept when the run ends."""
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
    assert not pylint_trees._kept


def _spy_on_judging(monkeypatch):
    """Record each module judged from astroid's tree; astroid's cache is emptied first, or modules an
    earlier test built would not be built (nor judged) again."""
    from astroid import MANAGER

    MANAGER.clear_cache()
    judged = []
    check_tree = pylint_plugin.check_tree
    monkeypatch.setattr(pylint_plugin, "check_tree",
                        lambda tree, path, *a, **k: judged.append(path) or check_tree(tree, path, *a, **k))
    return judged


def test_with_its_messages_disabled_the_plugin_keeps_and_judges_nothing(monkeypatch, capsys):
    """Reproducer d10: pylint with the plugin loaded and only another message enabled."""
    judged = _spy_on_judging(monkeypatch)
    monkeypatch.chdir(REGISTRATION)
    Run(["--load-plugins=uniqueguard", "--disable=all", "--enable=unused-import", "--persistent=n",
         "--rcfile=/dev/null", "--score=n", "accounts"], exit=False)
    assert judged == [] and not pylint_trees._kept
    assert "unguarded-create" not in capsys.readouterr().out


def test_each_module_is_judged_once_and_let_go_when_visited(monkeypatch, capsys):
    """A module judged while pylint built it is not judged again at its visit, and nothing is kept
    once the run is over."""
    judged = _spy_on_judging(monkeypatch)
    sources = []
    check_source = pylint_plugin.check_source
    monkeypatch.setattr(pylint_plugin, "check_source",
                        lambda source, path, *a, **k: sources.append(path) or check_source(source, path, *a, **k))
    monkeypatch.chdir(REGISTRATION)
    Run(["--load-plugins=uniqueguard", "--disable=all", "--enable=unguarded-create", "--persistent=n",
         "--rcfile=/dev/null", "--score=n", "--msg-template={path}:{line}:{symbol}", "accounts"], exit=False)
    assert len(judged) > 1 and len(set(judged)) == len(judged)
    assert not set(judged) & set(sources)
    assert "accounts/views.py:11:unguarded-create" in capsys.readouterr().out
    assert not pylint_trees._kept


def test_text_astroid_parses_for_something_else_is_never_judged_as_the_module(tmp_path):
    """While it builds one module astroid also parses other text (brain modules, a package's
    `__init__`): judged under the module's path, it would be taken for the module itself."""
    module = tmp_path / "views.py"
    module.write_text("Tag.objects.create(name=n)\n")
    judged = []

    class Linter:
        def get_ast(self, filepath):
            builder._parse_string("import os\n")  # something astroid reads on the way
            return builder._parse_string(module.read_text())

    builder = types.SimpleNamespace(_parse_string=lambda data, *a, **k: ast.parse(data))
    assert pylint_trees.install(Linter, builder, lambda linter, path, text, tree: judged.append(text) or [])
    Linter().get_ast(str(module))
    assert judged == [module.read_text()]
    assert pylint_trees.take(str(module), module.read_bytes()) == []
