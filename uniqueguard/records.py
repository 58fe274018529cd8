"""`dataclass`, as the standard library's, with `__eq__`, `__hash__` and `__repr__` made without compiling code.

Python up to 3.12 compiles each method a dataclass generates from its own source text, one `exec` per
method: the engine's forty-odd records were 226 compilations at every start, a tenth of the instructions
of a run over a 450-module application and a fifth of a small one's beyond the parse (the floor the
engine is measured against). `__init__` (defaults, factories, `__post_init__`) and a frozen record's
`__setattr__`/`__delattr__` are still the standard library's; equality, hashing and the text are the
standard library's rules read from the fields (`compare`, `hash`, `repr`) by shared functions instead:
equal when of the same class and equal field by field as a tuple, the hash of that tuple, `Name(a=1)`.
A method the class defines itself is kept, as `dataclass` keeps it; `order=True`, `unsafe_hash=True`
or `eq=False` go to the standard library unchanged. `fields()`, `replace()`, `asdict()` see a dataclass.
"""
from __future__ import annotations

import dataclasses
import operator
import reprlib
from typing import TYPE_CHECKING, Callable, Tuple


def _dataclass(cls=None, /, **options):
    """`dataclasses.dataclass(cls, **options)`, its equality, hash and text made as the module says."""
    if options.get("order") or options.get("unsafe_hash") or options.get("eq", True) is False \
            or options.get("repr", True) is False:
        return dataclasses.dataclass(cls, **options)

    def wrap(kind):
        own = set(kind.__dict__)  # what the class body defines itself: dataclass never replaces it
        # ... but a `__hash__` Python set to None because the body defines `__eq__` is no hash of its own
        own_hash = "__hash__" in own and not (kind.__dict__["__hash__"] is None and "__eq__" in own)
        made = dataclasses.dataclass(kind, **{**options, "eq": False, "repr": False})
        fields = dataclasses.fields(made)
        compared = _getter(tuple(f.name for f in fields if f.compare))
        if "__eq__" not in own:
            made.__eq__ = _equality(compared)
        if not own_hash:
            hashed = _getter(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
            made.__hash__ = _hash(hashed) if options.get("frozen") else None
        if "__repr__" not in own:
            made.__repr__ = _text(tuple(f.name for f in fields if f.repr))
        return made
    return wrap if cls is None else wrap(cls)


def _getter(names: Tuple[str, ...]) -> Callable[[object], tuple]:
    """The tuple of these attributes (operator.attrgetter gives a bare value for one name: wrapped)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        one = operator.attrgetter(names[0])
        return lambda record: (one(record),)
    return lambda record: ()


def _equality(values: Callable[[object], tuple]):
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented
    return __eq__


def _hash(values: Callable[[object], tuple]):
    def __hash__(self):
        return hash(values(self))
    return __hash__


def _text(names: Tuple[str, ...]):
    @reprlib.recursive_repr()
    def __repr__(self):
        return self.__class__.__qualname__ + "(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in names) + ")"
    return __repr__


if TYPE_CHECKING:  # the type checker reads the standard library's (its fields, __init__, frozenness)
    from dataclasses import dataclass
else:
    dataclass = _dataclass

__all__ = ["dataclass"]
