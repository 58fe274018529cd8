"""flake8-only behaviour: selecting the UNQ family keeps the optional rule off, and the tests/migrations
exclusion, through flake8's own `--uniqueguard-exclude` option."""
from .harness import FIXTURES, excluded_write_files, expected, run_flake8, trees

TREES = trees("core")


def test_select_family_keeps_optional_rules_off():
    tree = FIXTURES / "core" / "forms"
    assert any(code == "UNQ004" for _, _, code in expected(tree, optional=True))
    assert not any(code == "UNQ004" for _, _, code in run_flake8(tree))
    assert any(code == "UNQ004" for _, _, code in run_flake8(tree, extra_args=["--select=UNQ,UNQ004"]))


def test_tests_and_migrations_are_reported_only_when_not_excluded():
    """Test modules and migrations with writes: silent by default, flagged once `exclude` no longer names them
    and `check-test-support` opts in (a migration's `(apps, schema_editor)` functions are known by their code)."""
    for tree in TREES:
        for relpath in excluded_write_files(tree):
            assert run_flake8(tree, [relpath]) == set(), relpath
            assert run_flake8(tree, [relpath], extra_args=[
                "--uniqueguard-exclude=nothing.py", "--uniqueguard-check-test-support"]), relpath
    assert sum(len(excluded_write_files(tree)) for tree in TREES) >= 3
