"""`dataclass`, as the standard library's, made without compiling code for each class.

`dataclasses` compiles each `__init__` (and a frozen class's `__setattr__`/`__delattr__`) from its own
source text, one `exec` each, after Python-level work per field (annotations read by regular expression,
a signature made for the docstring by `inspect`): for the engine's forty-odd records that was about half
of the engine's import (264 M instructions before, 170 M after, `dataclasses` and `inspect` no longer
imported), a cost every process pays before its first module. Here a record is made without them:

- `__init__` is one template per *shape* (how many fields, frozen or not, which take a factory, whether
  `__post_init__` is called), compiled the first time the shape is met and cached; each class's copy is
  the template's code with the parameter and attribute names replaced (`code.replace`), its defaults the
  function's own, its factories in the function's globals. It does what the standard library's does, the
  same way: `self.a = a`, or `object.__setattr__(self, "a", a)` for a frozen record.
- equality, hashing, ordering and the text are shared functions reading the fields (`compare`, `hash`,
  `repr`): equal when of the same class and equal field by field as a tuple, the hash of that tuple,
  `Name(a=1)`; a frozen record's `__setattr__`/`__delattr__` raise `FrozenInstanceError`.

Field defaults, `field(default_factory=..., init=, repr=, hash=, compare=)`, `ClassVar` annotations,
`__post_init__`, `frozen`, `order` and inheritance between records behave as the standard library's; a
method the class defines itself is kept. A record carries no `__dataclass_fields__`: `fields()`,
`replace()`, `astuple()`, `asdict()` and `is_record()` here read it (and pass a standard dataclass on to
`dataclasses`), and `FrozenInstanceError` is this module's (an AttributeError, as the standard one).
What this does not do (`unsafe_hash`, `eq=False`, `kw_only`, `slots`, `InitVar`, a standard dataclass as a
base, a field named `self`) goes to the standard library unchanged. A record without a docstring gets
none (the standard library writes its signature there).
"""
from __future__ import annotations

import operator
import reprlib
import sys
import types
import typing
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Tuple


class _Missing:
    __slots__ = ()

    def __repr__(self):
        return "MISSING"


_MISSING: Any = _Missing()


class _Factory:
    __slots__ = ()

    def __repr__(self):
        return "<factory>"


_FACTORY = _Factory()  # a parameter's default when its field has a default factory
_FIELDS = "__record_fields__"  # on a record class: {name: Field} in order, its bases' first
_FROZEN = "__record_frozen__"
_OPTIONS = frozenset(("init", "repr", "eq", "order", "frozen", "match_args"))
_ORDER = (("__lt__", operator.lt), ("__le__", operator.le), ("__gt__", operator.gt), ("__ge__", operator.ge))
_EMPTY: typing.Mapping[str, Any] = types.MappingProxyType({})


class _FrozenInstanceError(AttributeError):
    """Raised on setting or deleting a field of a frozen record."""


class _Field:
    """One field of a record, as `dataclasses.Field` reads (name, type, default, default_factory, init,
    repr, hash, compare, metadata)."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "hash", "compare", "metadata")

    def __init__(self, default, default_factory, init, repr, hash, compare, metadata):
        self.name: Any = None
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = _EMPTY if metadata is None else types.MappingProxyType(metadata)

    def __repr__(self):
        return "Field(" + ",".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"


def _field(*, default=_MISSING, default_factory=_MISSING, init=True, repr=True, hash=None, compare=True,
           metadata=None):
    """`dataclasses.field` for a record."""
    if default is not _MISSING and default_factory is not _MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return _Field(default, default_factory, init, repr, hash, compare, metadata)


def _dataclass(cls=None, /, **options):
    """`dataclasses.dataclass(cls, **options)`, the class made as the module says."""
    def wrap(kind):
        made = _record(kind, options)
        if made is None:
            import dataclasses
            return dataclasses.dataclass(kind, **options)
        return made
    return wrap if cls is None else wrap(cls)


def _record(kind, options):
    """`kind` made a record in place, or None when the standard library is to make it."""
    if not _OPTIONS.issuperset(options) or not options.get("eq", True):
        return None
    frozen, standard = bool(options.get("frozen")), sys.modules.get("dataclasses")
    fields: Dict[str, _Field] = {}
    frozen_bases = []
    for base in kind.__mro__[-1:0:-1]:
        if hasattr(base, "__dataclass_fields__"):
            return None
        inherited = getattr(base, _FIELDS, None)
        if inherited is not None:
            fields.update(inherited)
            frozen_bases.append(getattr(base, _FROZEN))
    if frozen_bases and frozen and not all(frozen_bases):
        raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
    if any(frozen_bases) and not frozen:
        raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
    own = _own_fields(kind, standard)
    if own is None:
        return None
    if any(name == "self" or name.startswith("_ug_") for name in own):
        return None  # names the made __init__ keeps for itself
    for name, value in kind.__dict__.items():
        if isinstance(value, _Field) and name not in own:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    for name, made in own.items():
        if isinstance(kind.__dict__.get(name), _Field):
            if made.default is _MISSING:
                delattr(kind, name)
            else:
                setattr(kind, name, made.default)
    fields.update(own)
    setattr(kind, _FIELDS, fields)
    setattr(kind, _FROZEN, frozen)
    _methods(kind, tuple(fields.values()), options, frozen)
    return kind


def _own_fields(kind, standard) -> typing.Optional[Dict[str, _Field]]:
    """The fields `kind`'s own annotations declare ({} when none), or None for what the standard library
    is to make (`InitVar`, `KW_ONLY`, a `dataclasses.field()`)."""
    annotations = kind.__dict__.get("__annotations__")
    if annotations is None:  # 3.14 makes them when asked
        annotations = kind.__annotations__ if "__annotate__" in kind.__dict__ else {}
    own: Dict[str, _Field] = {}
    for name, annotation in annotations.items():
        pseudo = _pseudo_field(kind, annotation, standard)
        if pseudo is None:
            return None
        default = getattr(kind, name, _MISSING)
        if standard is not None and isinstance(default, standard.Field):
            return None
        if pseudo == "classvar":
            if isinstance(default, _Field) and default.default_factory is not _MISSING:
                raise TypeError(f"field {name} cannot have a default factory")
            continue
        if isinstance(default, _Field):
            made = default
        else:
            if isinstance(default, types.MemberDescriptorType):  # a slot of the same name
                default = _MISSING
            made = _Field(default, _MISSING, True, True, None, True, None)
        made.name, made.type = name, annotation
        if made.default is not _MISSING and made.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(made.default)} for field {name} is not allowed: "
                             "use default_factory")
        own[name] = made
    return own


def _pseudo_field(kind, annotation, standard) -> typing.Optional[str]:
    """"classvar" for a `ClassVar` annotation, "" for a field's, None for one the standard library is to
    read (`InitVar`, `KW_ONLY`). A string annotation is read as the standard library reads it: its first
    name (after an optional module's) looked up in the class's module."""
    if isinstance(annotation, str):
        if "InitVar" in annotation or "KW_ONLY" in annotation:
            return None
        if "ClassVar" not in annotation:
            return ""
        head, _, name = annotation.strip().partition("[")[0].rpartition(".")
        namespace = getattr(sys.modules.get(kind.__module__), "__dict__", {})
        if head and namespace.get(head.strip()) is not typing:
            return ""
        annotation = namespace.get(name.strip())
    elif standard is not None and (annotation is getattr(standard, "KW_ONLY", _MISSING)
                                   or annotation is standard.InitVar or isinstance(annotation, standard.InitVar)):
        return None
    if annotation is typing.ClassVar or getattr(annotation, "__origin__", None) is typing.ClassVar:
        return "classvar"
    return ""


def _methods(kind, fields: Tuple[_Field, ...], options, frozen: bool) -> None:
    """The record's methods, each set unless the class defines its own (the standard library's rule)."""
    own = set(kind.__dict__)
    if options.get("init", True) and "__init__" not in own:
        kind.__init__ = _initialiser(kind, fields, frozen)
    if options.get("repr", True) and "__repr__" not in own:
        kind.__repr__ = _text(tuple(f.name for f in fields if f.repr))
    compared = _getter(tuple(f.name for f in fields if f.compare))
    if "__eq__" not in own:
        kind.__eq__ = _equality(compared)
    if options.get("order"):
        for name, compare in _ORDER:
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {kind.__name__}. "
                                "Consider using functools.total_ordering")
            setattr(kind, name, _ordering(compared, compare, name))
    if frozen:
        names = frozenset(f.name for f in fields)
        for name, method in (("__setattr__", _frozen_set), ("__delattr__", _frozen_delete)):
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {kind.__name__}")
            setattr(kind, name, method(kind, names))
    # ... a `__hash__` Python set to None because the body defines `__eq__` is no hash of its own
    if not ("__hash__" in own and not (kind.__dict__["__hash__"] is None and "__eq__" in own)):
        hashed = _getter(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
        kind.__hash__ = _hash(hashed) if frozen else None
    if options.get("match_args", True) and "__match_args__" not in own:
        kind.__match_args__ = tuple(f.name for f in fields if f.init)  # type: ignore[misc]
    if getattr(kind, "__abstractmethods__", None) and hasattr(sys.modules["abc"], "update_abstractmethods"):
        sys.modules["abc"].update_abstractmethods(kind)


_TEMPLATES: Dict[tuple, types.CodeType] = {}


def _initialiser(kind, fields: Tuple[_Field, ...], frozen: bool):
    """The record's `__init__`, from the template for its shape."""
    steps: List[str] = []
    defaults: List[Any] = []
    names: List[str] = []
    parameters: List[str] = []
    namespace: Dict[str, Any] = {"__name__": kind.__module__}
    for f in fields:
        factory = f.default_factory is not _MISSING
        if f.init:
            parameters.append(f.name)
            if factory or f.default is not _MISSING:
                defaults.append(_FACTORY if factory else f.default)
            elif defaults:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
        elif not factory:
            continue  # init=False with a default: the class attribute; without: unset
        if factory:
            namespace[f"_ug_f{len(names)}"] = f.default_factory
        steps.append(("f" if factory else "p") if f.init else "F")
        names.append(f.name)
    post_init = hasattr(kind, "__post_init__")
    shape = (frozen, post_init, "".join(steps))
    template = _TEMPLATES.get(shape)
    if template is None:
        template = _TEMPLATES[shape] = _template(*shape)
    renamed = {f"_ug_p{index}": sys.intern(name) for index, name in enumerate(parameters)}
    renamed.update((f"_ug_n{index}", sys.intern(name)) for index, name in enumerate(names))
    code = template.replace(
        co_varnames=tuple(renamed.get(name, name) for name in template.co_varnames),
        co_names=tuple(renamed.get(name, name) for name in template.co_names),
        co_consts=tuple(renamed.get(value, value) if type(value) is str else value for value in template.co_consts))
    if hasattr(code, "co_qualname"):  # 3.11: what a traceback names
        code = typing.cast(Any, code).replace(co_qualname=f"{kind.__qualname__}.__init__")
    if frozen:
        namespace.update(_ug_set=object.__setattr__)
    if "f" in shape[2]:
        namespace.update(_ug_factory=_FACTORY)
    made = types.FunctionType(code, namespace, "__init__", tuple(defaults) or None)
    made.__qualname__ = f"{kind.__qualname__}.__init__"
    return made


def _template(frozen: bool, post_init: bool, steps: str) -> types.CodeType:
    """`__init__` for a shape: parameters `_ug_p<i>`, attributes `_ug_n<i>`, factories `_ug_f<i>`."""
    parameters, lines = ["self"], []
    for index, step in enumerate(steps):
        if step == "F":
            value = f"_ug_f{index}()"
        else:
            value = f"_ug_p{len(parameters) - 1}"
            parameters.append(value)
            if step == "f":
                value = f"_ug_f{index}() if {value} is _ug_factory else {value}"
        lines.append(f"_ug_set(self, '_ug_n{index}', {value})" if frozen else f"self._ug_n{index} = {value}")
    if post_init:
        lines.append("self.__post_init__()")
    source = f"def __init__({', '.join(parameters)}):\n" + "".join(f" {line}\n" for line in lines or ["pass"])
    namespace: Dict[str, Any] = {}
    exec(compile(source, __file__, "exec"), namespace)
    return namespace["__init__"].__code__


def _frozen_set(kind, names):
    def __setattr__(self, name, value):
        if type(self) is kind or name in names:
            raise _FrozenInstanceError(f"cannot assign to field {name!r}")
        super(kind, self).__setattr__(name, value)
    return __setattr__


def _frozen_delete(kind, names):
    def __delattr__(self, name):
        if type(self) is kind or name in names:
            raise _FrozenInstanceError(f"cannot delete field {name!r}")
        super(kind, self).__delattr__(name)
    return __delattr__


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


def _ordering(values: Callable[[object], tuple], compare, name: str):
    def method(self, other):
        if other.__class__ is self.__class__:
            return compare(values(self), values(other))
        return NotImplemented
    method.__name__ = method.__qualname__ = name
    return method


def _hash(values: Callable[[object], tuple]):
    def __hash__(self):
        return hash(values(self))
    return __hash__


def _text(names: Tuple[str, ...]):
    @reprlib.recursive_repr()
    def __repr__(self):
        return self.__class__.__qualname__ + "(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in names) + ")"
    return __repr__


def is_record(obj) -> bool:
    """Whether `obj` is a record or a dataclass, or an instance of one (`dataclasses.is_dataclass`)."""
    kind = obj if isinstance(obj, type) else type(obj)
    return hasattr(kind, _FIELDS) or hasattr(kind, "__dataclass_fields__")


def _fields(obj) -> Tuple[_Field, ...]:
    """`dataclasses.fields` for a record (a standard dataclass is passed on)."""
    made = getattr(obj, _FIELDS, None)
    if made is None:
        import dataclasses
        return dataclasses.fields(obj)  # type: ignore[return-value]
    return tuple(made.values())


def _replace(obj, /, **changes):
    """`dataclasses.replace` for a record: a new one, these fields changed, the others the same."""
    made = getattr(type(obj), _FIELDS, None)
    if made is None:
        import dataclasses
        return dataclasses.replace(obj, **changes)
    for f in made.values():
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False, it cannot be specified with "
                                 "replace()")
        elif f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def _astuple(obj):
    """`dataclasses.astuple` for a record: its fields' values as a tuple, records within made tuples."""
    return _copied(obj, tuple) if hasattr(type(obj), _FIELDS) else _standard("astuple", obj)


def _asdict(obj):
    """`dataclasses.asdict` for a record: {field: value}, records within made dicts."""
    return _copied(obj, dict) if hasattr(type(obj), _FIELDS) else _standard("asdict", obj)


def _standard(name: str, obj):
    import dataclasses
    return getattr(dataclasses, name)(obj)


_ATOMS = (type(None), bool, int, float, complex, str, bytes, type, range, types.FunctionType,
          types.BuiltinFunctionType)


def _copied(value, made: type):
    """What `dataclasses.astuple` (`made` tuple) or `asdict` (dict) makes of a value: records and
    containers copied through, anything else deep-copied (an immutable atom is itself)."""
    fields = getattr(type(value), _FIELDS, None)
    if fields is not None:
        if made is dict:
            return {name: _copied(getattr(value, name), made) for name in fields}
        return tuple(_copied(getattr(value, name), made) for name in fields)
    if type(value) in _ATOMS:
        return value
    if hasattr(type(value), "__dataclass_fields__"):
        return _standard("asdict" if made is dict else "astuple", value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
        return type(value)(*[_copied(item, made) for item in value])
    if isinstance(value, (list, tuple)):
        return type(value)(_copied(item, made) for item in value)
    if isinstance(value, dict):
        return type(value)((_copied(key, made), _copied(item, made)) for key, item in value.items())
    import copy
    return copy.deepcopy(value)


if TYPE_CHECKING:  # the type checker reads the standard library's (its fields, __init__, frozenness)
    from dataclasses import MISSING, Field, FrozenInstanceError, asdict, astuple, dataclass, field, fields, replace
else:
    MISSING, Field, FrozenInstanceError = _MISSING, _Field, _FrozenInstanceError
    dataclass, field, fields, replace, astuple, asdict = _dataclass, _field, _fields, _replace, _astuple, _asdict

__all__ = ["MISSING", "Field", "FrozenInstanceError", "asdict", "astuple", "dataclass", "field", "fields",
           "is_record", "replace"]
