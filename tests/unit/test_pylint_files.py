"""The pylint front names a run's files to the engine before any worker starts (fronts/pylint_files.py),
listing them as pylint does, and changes nothing when pylint's private hook is not what it expects.
The real `-j1` / `-j2` runs are in tests/e2e/test_front_parity.py."""
import pytest
from pylint.lint import Run

from uniqueguard.analysis import engine
from uniqueguard.fronts import pylint_files


@pytest.fixture(autouse=True)
def astroid_forgets_the_modules_built_here():
    """pylint runs in this process: the modules astroid built for them must not stand in for another
    test's modules of the same name (nor spare them being built and judged)."""
    yield
    from astroid import MANAGER

    MANAGER.clear_cache()


def test_without_the_private_hook_nothing_is_installed():
    assert pylint_files.install(type("Linter", (), {}), lambda *a: None) is False


def test_the_hook_wraps_once_and_never_changes_or_breaks_pylint_s_listing():
    calls = []

    class Linter:
        def _iterate_file_descrs(self, files_or_modules, extra_packages_paths=()):
            return iter(["item"])

    def on_run(linter, paths, files):
        calls.append(paths)
        raise RuntimeError("a bug of ours")  # pylint still lints; the note falls back to once per process

    assert pylint_files.install(Linter, on_run) and pylint_files.install(Linter, on_run)
    assert list(Linter()._iterate_file_descrs(("shop",), extra_packages_paths=["."])) == ["item"]
    assert calls == [["shop"]]  # wrapped once


def _tree(tmp_path):
    for name in ("shop/__init__.py", "shop/views.py", "shop/legacy/__init__.py", "shop/legacy/old.py",
                 "shop/generated_api.py", "shop/stubs.pyi", "scripts/tool.py", "README.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


@pytest.mark.parametrize("arguments", [["shop"], ["shop", "scripts/tool.py"], ["--recursive=y", "."]])
def test_the_files_listed_are_the_ones_pylint_lints(arguments, tmp_path, monkeypatch):
    """Ignored folders and patterns, stubs and plain folders (--recursive) as pylint treats them."""
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    linted = []
    check = Run.LinterClass.check

    def spy(linter, files_or_modules):  # pylint's own listing, consumed where pylint consumes it
        linted.extend(item.filepath for item in linter._iterate_file_descrs(files_or_modules))
        listed.extend(pylint_files.listed(linter, files_or_modules) or ["(none)"])
        return check(linter, files_or_modules)

    listed = []
    monkeypatch.setattr(Run.LinterClass, "check", spy)
    Run(["--rcfile=/dev/null", "--persistent=n", "--disable=all", "--enable=unused-import", "--ignore=legacy",
         "--ignore-patterns=generated_.*", *arguments], exit=False)
    assert sorted(listed) == sorted(p for p in linted if p.endswith(".py")) != []
    assert not any("legacy" in p or "generated" in p for p in listed)


def test_an_unknown_expand_modules_lists_nothing(monkeypatch):
    import pylint.lint.expand_modules as expansion

    monkeypatch.setattr(expansion, "expand_modules", lambda files_or_modules, ignore_list: ({}, []))
    assert pylint_files.listed(object(), ["shop"]) is None


def test_a_front_that_cannot_list_its_files_names_nothing(project, monkeypatch):
    """Then the note comes once per process, on the first file analysed, as before."""
    import uniqueguard.index.discovery as discovery

    monkeypatch.setattr(discovery, "MAX_WALK_ENTRIES", 3)
    project.write("shop/models.py", "from django.db import models\n\nclass Tag(models.Model):\n"
                  "    name = models.CharField(unique=True)\n")
    project.write("shop/views.py", "from shop.models import Tag\n\ndef f(n):\n    Tag.objects.create(name=n)\n")
    views = str(project.root / "shop" / "views.py")
    models = str(project.root / "shop" / "models.py")
    assert engine.start_run([views], files=lambda: None) == ()
    assert engine.run_notes(models) == [] and engine.run_notes(views) == []
    assert engine.start_run([views], files=lambda: [views, models]) == (models,)
    assert [f.code for f in engine.run_notes(models)] == ["UNQ000"]


@pytest.mark.parametrize("enable, named", [("unguarded-create", [["accounts"]]), ("unused-import", [])])
def test_the_run_is_named_once_and_only_when_the_plugin_s_messages_are_on(enable, named, monkeypatch):
    """With every uniqueguard message disabled the plugin reads nothing (reproducer d10)."""
    from pathlib import Path

    from uniqueguard.fronts import pylint_plugin

    calls = []
    monkeypatch.setattr(pylint_plugin, "start_run", lambda paths, *a, **k: calls.append(list(paths)) or ())
    monkeypatch.chdir(Path(__file__).resolve().parent.parent / "fixtures" / "core" / "registration")
    Run(["--load-plugins=uniqueguard", "--rcfile=/dev/null", "--persistent=n", "--disable=all", f"--enable={enable}",
         "--score=n", "accounts"], exit=False)
    assert calls == named
