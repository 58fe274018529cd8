"""Front-end behaviour beyond the core fixture markers: models from installed packages."""
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
