"""uniqueguard.records.dataclass behaves as the standard library's: equality, hashing and text from the
fields' own `compare` / `hash` / `repr`, a class's own methods kept, frozenness, and dataclasses' helpers."""
import dataclasses
from dataclasses import field

import pytest

from uniqueguard.records import dataclass as record


def _point(decorator):
    @decorator
    class Point:
        a: int
        b: str = "x"
        seen: list = field(default_factory=list, compare=False, repr=False)
        weight: int = field(default=0, hash=False)
    return Point


@pytest.mark.parametrize("options", [{"frozen": True}, {}])
def test_a_record_compares_hashes_and_reads_as_a_dataclass(options):
    Standard, Ours = _point(dataclasses.dataclass(**options)), _point(record(**options))
    for make in (Standard, Ours):
        first, second = make(1, "y", [1], 3), make(1, "y", [2], 3)
        assert first == second and make(1) != make(2) and (first == (1, "y", 3)) is False
    assert repr(Ours(1, "y", [1], 3)).endswith("Point(a=1, b='y', weight=3)")
    assert repr(Ours(1, "y", [1], 3)) == repr(Standard(1, "y", [1], 3))
    if options:
        assert hash(Ours(1, "y", [], 4)) == hash(Standard(1, "y", [], 4)) == hash((1, "y"))
        with pytest.raises(dataclasses.FrozenInstanceError):
            Ours(1).a = 2  # type: ignore[misc]
    else:
        assert Ours.__hash__ is None and Standard.__hash__ is None
    ours = Ours(1, "y")
    assert dataclasses.is_dataclass(ours) and dataclasses.replace(ours, a=5) == Ours(5, "y")
    assert dataclasses.asdict(ours) == {"a": 1, "b": "y", "seen": [], "weight": 0}


def test_a_method_the_class_defines_is_kept():
    @record(frozen=True)
    class Named:
        name: str

        def __eq__(self, other):
            return isinstance(other, Named) and self.name.lower() == other.name.lower()

        def __hash__(self):
            return hash(self.name.lower())

        def __repr__(self):
            return f"<{self.name}>"

    assert Named("A") == Named("a") and hash(Named("A")) == hash(Named("a")) and repr(Named("A")) == "<A>"


def test_one_field_and_no_field():
    @record(frozen=True)
    class One:
        value: float

    @record(frozen=True)
    class Empty:
        pass

    nan = float("nan")
    assert One(nan) == One(nan) and hash(One(1.0)) == hash((1.0,))  # as a tuple: the same object is equal
    assert Empty() == Empty() and hash(Empty()) == hash(()) and repr(Empty()).endswith("Empty()")


def test_a_recursive_record_reads_as_the_standard_library_says():
    @record()
    class Node:
        children: list

    node = Node([])
    node.children.append(node)
    assert repr(node).endswith("Node(children=[...])")
