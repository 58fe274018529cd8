"""Front-end behaviour beyond the fixture markers: installed packages, suppression, parallel runs."""
import sys

from .harness import FIXTURES, expected, run_flake8, run_pylint

INSTALLED = FIXTURES / "installed"


def test_models_from_an_installed_package_are_read_never_imported():
    """The models live only in a package on the linting interpreter's path, whose __init__ raises."""
    project = INSTALLED / "project"
    env = {"PYTHONPATH": str(INSTALLED / "site-packages")}
    want = expected(project)
    assert want
    assert run_flake8(project, env=env) == want
    assert run_pylint(project, env=env) == want
    assert run_flake8(project, ["blog/views.py"], env=env) == want


def test_suppression_comments():
    tree = FIXTURES / "suppression"
    assert run_flake8(tree) == {("shop/views.py", 9, "UNQ001")}  # only the pylint-disabled line
    assert run_pylint(tree) == {("shop/views.py", 5, "UNQ001")}  # only the noqa line


def test_parallel_runs_give_the_same_findings():
    for tree in sorted((FIXTURES / "core").iterdir()):
        want = expected(tree)
        assert run_flake8(tree, extra_args=["-j", "2"]) == want, tree.name
        assert run_pylint(tree, extra_args=["-j", "2"]) == want, tree.name


def test_flake8_select_family_keeps_optional_rules_off():
    tree = FIXTURES / "core" / "forms"
    by_default = run_flake8(tree)
    assert not any(code == "UNQ004" for _, _, code in by_default)
    assert any(code == "UNQ004" for _, _, code in run_flake8(tree, extra_args=["--select=UNQ,UNQ004"]))
    assert sys.executable
