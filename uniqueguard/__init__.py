"""uniqueguard: find Django writes that can raise IntegrityError on a unique constraint, unguarded.

One engine (`uniqueguard.analysis.engine`), several front doors: the flake8 plugin (`UNQ` codes,
auto-registered), the pylint plugin (`pylint --load-plugins=uniqueguard`, `W58xx` messages) and the
command line.
"""
__version__ = "0.1.0"


def register(linter):
    """pylint's plugin hook. Imported lazily so flake8 users never pay for pylint's import."""
    from .fronts.pylint_plugin import register as _register

    _register(linter)
