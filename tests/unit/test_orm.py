"""The ORM table (uniqueguard/orm.py) is the one vocabulary: its derived sets and its users agree."""
import pytest

from tests.e2e.harness import WRITE_CALL
from uniqueguard import orm
from uniqueguard.analysis.engine import may_write


@pytest.mark.parametrize("name", sorted(orm.WRITES))
def test_every_write_spelling_passes_the_early_exit_and_the_harness(name):
    assert may_write(f"x = Model.objects.{name}(a=1)\n")
    assert WRITE_CALL.search(f"obj.{name}(")


def test_async_twins_are_spelled_as_django_spells_them():
    assert orm.method("aupdate_or_create").name == "update_or_create"
    assert orm.method("_acreate_user").kind is orm.Kind.USER_HELPER
    assert orm.sync_name("acreate_superuser") == "create_superuser"
    assert orm.method("afilter") is None  # Django has no async filter(): it does not query
    assert {"asave", "abulk_create", "aupdate_or_create"} <= orm.WRITES


def test_derived_sets():
    assert orm.UPSERT == {"get_or_create", "aget_or_create", "update_or_create", "aupdate_or_create"}
    assert all(orm.own_savepoint(name) for name in orm.UPSERT)
    assert not any(orm.own_savepoint(name) for name in orm.WRITES - orm.UPSERT)
    assert orm.PRESENCE_CHECKS == {"exists", "aexists", "first", "afirst", "last", "alast"}
    assert "create_user" in orm.WRITE_PRIMITIVES and "_create_user_object" in orm.WRITE_PRIMITIVES
    assert "_create_user_object" not in orm.INSERTING_BODIES  # it builds the row; _create_user saves it
    assert not orm.WRITES & (orm.QUERIES | orm.QUERYSET_CHAIN)


def test_no_method_name_sets_outside_the_table():
    """No engine module keeps its own collection of ORM method names (a tuple, set or list literal with
    two of them): every such set derives from the table, so a new primitive is one row."""
    import ast
    from pathlib import Path

    vocabulary = {spelling for row in orm.TABLE for spelling in (row.name, row.async_twin) if spelling}
    package = Path(orm.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "orm.py" or "stubs" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Tuple, ast.Set, ast.List)):
                named = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in vocabulary]
                if len(named) >= 2:
                    offenders.append(f"{path.relative_to(package)}:{node.lineno} {named}")
    assert offenders == []


def test_row_shortcuts_are_django_s_by_their_last_name():
    from uniqueguard import orm

    for dotted in ("get_object_or_404", "django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404"):
        assert orm.is_row_shortcut(dotted)
    for dotted in ("my_get_object_or_404", "shop.utils.safe_get_object_or_404", "get_object_or_none", "", None):
        assert not orm.is_row_shortcut(dotted)
