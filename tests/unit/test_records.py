"""uniqueguard.records.dataclass behaves as the standard library's: fields, defaults and factories,
`__init__` and `__post_init__`, equality, hashing, ordering and text from the fields' own `compare` /
`hash` / `repr`, a class's own methods kept, frozenness, inheritance, and the helpers (fields, replace,
astuple, asdict) — each compared with `dataclasses.dataclass` on the same class body."""
import dataclasses
import subprocess
import sys
import typing
from typing import ClassVar

import pytest

from uniqueguard import records
from uniqueguard.records import dataclass as record

STANDARD = (dataclasses.dataclass, dataclasses.field)
OURS = (record, records.field)


def _point(decorator, field, **options):
    @decorator(**options)
    class Point:
        a: int
        b: str = "x"
        seen: list = field(default_factory=list, compare=False, repr=False)
        weight: int = field(default=0, hash=False)
        kind: ClassVar[str] = "point"
        label: "ClassVar[int]" = 3
        other: "typing.ClassVar[int]" = 4
    return Point


@pytest.mark.parametrize("options", [{"frozen": True}, {}])
def test_a_record_compares_hashes_and_reads_as_a_dataclass(options):
    Standard, Ours = _point(*STANDARD, **options), _point(*OURS, **options)
    assert not dataclasses.is_dataclass(Ours) and records.is_record(Ours) and records.is_record(Ours(1))
    for make in (Standard, Ours):
        first, second = make(1, "y", [1], 3), make(1, "y", [2], 3)
        assert first == second and make(1) != make(2) and (first == (1, "y", 3)) is False
        assert make(a=1, weight=2) == make(1, "x", [], 2) and make(1).seen is not make(1).seen
        assert make.b == "x" and make.weight == 0 and "seen" not in make.__dict__  # class attributes
    assert repr(Ours(1, "y", [1], 3)).endswith("Point(a=1, b='y', weight=3)")
    assert repr(Ours(1, "y", [1], 3)) == repr(Standard(1, "y", [1], 3))
    assert [f.name for f in records.fields(Ours)] == [f.name for f in dataclasses.fields(Standard)]
    assert [(f.default, f.default_factory is list, f.init, f.repr, f.hash, f.compare) for f in records.fields(Ours)] \
        == [(f.default if f.default is not dataclasses.MISSING else records.MISSING, f.default_factory is list,
             f.init, f.repr, f.hash, f.compare) for f in dataclasses.fields(Standard)]
    assert Ours.__match_args__ == Standard.__match_args__ == ("a", "b", "seen", "weight")
    if options:
        assert hash(Ours(1, "y", [], 4)) == hash(Standard(1, "y", [], 4)) == hash((1, "y"))
        with pytest.raises(records.FrozenInstanceError, match="cannot assign to field 'a'"):
            Ours(1).a = 2  # type: ignore[misc]
        with pytest.raises(AttributeError, match="cannot delete field 'b'"):
            del Ours(1).b  # type: ignore[misc]
        with pytest.raises(records.FrozenInstanceError):
            Ours(1).anything = 2  # type: ignore[attr-defined]
    else:
        assert Ours.__hash__ is None and Standard.__hash__ is None


@pytest.mark.parametrize("decorator, field", [STANDARD, OURS])
def test_helpers_read_a_record_as_dataclasses_reads_a_dataclass(decorator, field):
    Point = _point(decorator, field)

    @decorator(frozen=True)
    class Line:
        ends: tuple
        names: dict = field(default_factory=dict)

    point = Point(1, "y", [Point(2)])
    assert records.replace(point, a=5) == Point(5, "y") and records.replace(point, a=5).seen is point.seen
    assert records.astuple(point) == (1, "y", [(2, "x", [], 0)], 0)
    assert records.asdict(point) == {"a": 1, "b": "y", "seen": [{"a": 2, "b": "x", "seen": [], "weight": 0}],
                                     "weight": 0}
    line = Line((Point(1), Point(2)), {"k": Point(3)})
    assert records.astuple(line) == dataclasses.astuple(_standard_copy(line))
    assert records.asdict(line) == dataclasses.asdict(_standard_copy(line))


def _standard_copy(line):
    """The same line made of the standard library's records."""
    Point, Line = _point(*STANDARD), dataclasses.make_dataclass("Line", ["ends", "names"], frozen=True)
    return Line(tuple(Point(p.a) for p in line.ends), {k: Point(p.a) for k, p in line.names.items()})


@pytest.mark.parametrize("decorator, field", [STANDARD, OURS])
def test_init_false_post_init_and_factories(decorator, field):
    made = []

    @decorator
    class Counter:
        start: int
        step: int = field(default=1, init=False)
        log: list = field(default_factory=list, init=False)
        total: int = field(init=False)

        def __post_init__(self):
            self.total = self.start + self.step
            made.append(self)

    first, second = Counter(2), Counter(2)
    assert made == [first, second] and first.total == 3 and first.log == [] and first.log is not second.log
    assert "step" not in first.__dict__ and first.step == 1  # the class attribute, as in the standard library
    with pytest.raises(ValueError, match="init=False"):
        (records.replace if decorator is record else dataclasses.replace)(first, step=2)
    assert (records.replace if decorator is record else dataclasses.replace)(first, start=5).total == 6


def _call_errors(decorator):
    @decorator(frozen=True)
    class Pair:
        left: int
        right: int = 0

    messages = []
    for call in (lambda: Pair(), lambda: Pair(1, 2, 3), lambda: Pair(1, up=2), lambda: Pair(1, left=2)):
        with pytest.raises(TypeError) as raised:
            call()
        messages.append(str(raised.value))
    return messages


def test_call_errors_read_as_the_standard_librarys():
    assert _call_errors(record) == _call_errors(dataclasses.dataclass)
    assert "missing 1 required positional argument: 'left'" in _call_errors(record)[0]


@pytest.mark.parametrize("decorator, field", [STANDARD, OURS])
def test_definition_errors_read_as_the_standard_librarys(decorator, field):
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @decorator
        class Wrong:
            a: int = 0
            b: int  # type: ignore[misc]
    with pytest.raises(ValueError, match="mutable default <class 'list'> for field a"):
        @decorator
        class Mutable:
            a: list = []  # type: ignore[misc]
    with pytest.raises(ValueError, match="cannot specify both default and default_factory"):
        field(default=1, default_factory=list)


@pytest.mark.parametrize("decorator, field", [STANDARD, OURS])
def test_inheritance_between_records(decorator, field):
    @decorator(frozen=True)
    class Base:
        a: int
        b: int = 1

    @decorator(frozen=True)
    class Child(Base):
        c: int = 2
        b: int = 5

    assert [f.name for f in (records.fields if decorator is record else dataclasses.fields)(Child)] == ["a", "b", "c"]
    assert Child(0) == Child(0, 5, 2) and repr(Child(0)).endswith("Child(a=0, b=5, c=2)") and Child(0) != Base(0, 5)
    with pytest.raises(TypeError, match="non-frozen dataclass from a frozen one"):
        @decorator
        class Loose(Base):
            d: int = 0


@pytest.mark.parametrize("decorator, field", [STANDARD, OURS])
def test_order(decorator, field):
    @decorator(frozen=True, order=True)
    class Row:
        line: int
        text: str = field(default="", compare=False)

    assert sorted([Row(3, "c"), Row(1, "a"), Row(2)]) == [Row(1), Row(2), Row(3)]
    assert Row(1) <= Row(1, "z") and not Row(2) < Row(1) and Row(2) > Row(1) >= Row(1)
    with pytest.raises(TypeError):
        Row(1) < (1,)  # noqa: B015


def test_a_method_the_class_defines_is_kept():
    @record(frozen=True)
    class Named:
        name: str

        def __init__(self, name):
            object.__setattr__(self, "name", name.strip())

        def __eq__(self, other):
            return isinstance(other, Named) and self.name.lower() == other.name.lower()

        def __hash__(self):
            return hash(self.name.lower())

        def __repr__(self):
            return f"<{self.name}>"

    assert Named(" A") == Named("a") and hash(Named("A")) == hash(Named("a")) and repr(Named("A ")) == "<A>"
    with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__"):
        @record(frozen=True)
        class Guarded:
            name: str

            def __setattr__(self, name, value):
                pass


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


def test_what_records_do_not_do_goes_to_the_standard_library():
    @record(unsafe_hash=True)
    class Hashed:
        a: int

    @record
    class Typed:
        a: int
        b: dataclasses.InitVar[int] = 0  # type: ignore[assignment]

    @record
    class Standard:
        a: int = dataclasses.field(default=0)

    assert all(dataclasses.is_dataclass(kind) for kind in (Hashed, Typed, Standard))
    assert hash(Hashed(1)) == hash((1,)) and records.replace(Standard(), a=2) == Standard(2)
    assert [f.name for f in records.fields(Typed)] == ["a"]


def test_a_shape_is_compiled_once():
    def make(name):
        @record(frozen=True)
        class Three:
            first: str
            second: int = 0
            third: tuple = ()
        Three.__qualname__ = name
        return Three

    make("A")
    known = dict(records._TEMPLATES)
    B = make("B")
    assert records._TEMPLATES == known and B.__init__.__qualname__.endswith("Three.__init__")
    assert B("x", third=(1,)) == B("x", 0, (1,)) and B.__init__.__code__.co_varnames == ("self", "first", "second", "third")


def test_the_engine_imports_no_dataclasses():
    script = ("import sys, uniqueguard.analysis.engine, uniqueguard.config; "
              "uniqueguard.analysis.engine._import_analysis(); "
              "print(sorted({'dataclasses', 'inspect'} & set(sys.modules)))")
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout == "[]\n"
