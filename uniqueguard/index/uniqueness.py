"""Which models carry database-enforced uniqueness, and on which sets of fields.

Builds a `ModelInfo` from class facts following Django's own rules (docs/topics/db/models.txt, "Model
inheritance"; django/db/models/options.py): abstract bases copy their fields into each child; a child's
Meta inherits the abstract parent's unique_together/constraints only when it declares no Meta or `class
Meta(Parent.Meta)`; multi-table children also hit their parents' unique constraints on insert (unless
their parent link is given an existing row: `ModelInfo.parent_links`, analysis/parent_links.py); a proxy has
its concrete model's uniqueness and its own Meta constraints are never created; `unique_for_date` and
`db_index` are not constraints.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Protocol, Sequence, Tuple

from ..records import dataclass, field, replace
from .facts import KWARGS_GET, UNKNOWN, CallValue, ClassFacts, DictValue, Ref

MODEL_ROOTS = frozenset({"django.db.models.Model", "django.db.models.base.Model",
                         "django.contrib.gis.db.models.Model"})
# Where Django's own field, manager and model classes are named from: `models.CharField` under
# `from django.db import models` or GeoDjango's `from django.contrib.gis.db import models`.
DJANGO_MODELS_MODULES = ("django.db.models.", "django.contrib.gis.db.models.")
# Meta options only a model's Meta has (a form's or a serializer's Meta has none of them).
MODEL_META_OPTIONS = frozenset({
    "db_table", "unique_together", "constraints", "indexes", "index_together", "abstract", "proxy",
    "managed", "app_label", "swappable", "default_related_name", "get_latest_by", "db_tablespace",
    "order_with_respect_to", "select_on_save", "base_manager_name", "default_manager_name",
})
# Field-level unique sets: the ones every concrete child of an abstract model inherits, whatever its Meta.
FIELD_ORIGINS = frozenset({"unique=True", "primary_key", "OneToOneField", "USERNAME_FIELD"})
AUTO_FIELDS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})
RELATION_KINDS = (("OneToOneField", "o2o"), ("ManyToManyField", "m2m"), ("ForeignKey", "fk"),
                  ("ParentalManyToManyField", "m2m"), ("ParentalKey", "fk"))


@dataclass(frozen=True)
class FieldInfo:
    name: str
    kind: str  # the field class's name, e.g. "EmailField"
    unique: bool  # enforced by the database on this field alone
    primary_key: bool = False
    null: bool = False
    relation: Optional[str] = None  # "fk", "o2o", "m2m" or None
    target: object = None  # literal of the related model (`to`)
    related_name: Optional[str] = None
    through: object = None
    default: object = None  # literal of `default=` (a Ref for a callable such as uuid.uuid4), None when absent
    auto_now: bool = False  # auto_now / auto_now_add: the write's own timestamp
    unique_if: Optional[str] = None  # the setting `unique=` names, when it is not a literal
    parent_link: bool = False  # `OneToOneField(Parent, parent_link=True)`: the link to a multi-table parent
    symmetrical: bool = False  # a many-to-many to "self" Django makes symmetrical: it has no reverse accessor
    # False when declared (or made by its field class's `__init__`) `editable=False`, or auto_now(_add),
    # which DateField makes non-editable: no ModelForm generates a form field for it (fields_for_model)
    editable: bool = True


@dataclass(frozen=True)
class UniqueSet:
    fields: Tuple[str, ...]
    origin: str  # what declares it: "unique=True", "OneToOneField", "primary_key", "unique_together"...
    table: str  # the model whose table holds the constraint (the MTI parent for inherited ones)
    conditional: bool = False
    # For `condition=Q(a=1, b__in=(...))`: ((lookup, literal), ...); None when unknown or absent.
    condition: Optional[Tuple[Tuple[str, object], ...]] = None
    nulls_distinct: bool = True  # False for UniqueConstraint(nulls_distinct=False): NULLs collide too
    depends_on: Optional[str] = None  # `unique=app_settings.UNIQUE_EMAIL`: unique when that setting is

    def describe(self) -> str:
        if len(self.fields) == 1:
            text = f"{self.table}.{self.fields[0]}"
        else:
            text = f"{self.table}({', '.join(self.fields)})"
        return f"{text} (when {self.depends_on} is true)" if self.depends_on else text


@dataclass
class ModelInfo:
    qualname: str
    name: str
    abstract: bool
    proxy: bool
    fields: Dict[str, FieldInfo]
    unique_sets: Tuple[UniqueSet, ...]
    pk: str
    username_field: Optional[str]
    managers: Dict[str, Tuple[str, ...]]  # attribute → dotted manager/queryset classes behind it
    is_user: bool
    base_models: Tuple[str, ...] = ()  # qualnames of the model bases, in declaration order
    facts: Optional[ClassFacts] = field(repr=False, default=None)
    # (link field, parent qualname) per multi-table parent: the implicit `<parent>_ptr` one-to-one, or the
    # child's own `OneToOneField(Parent, parent_link=True)`; a proxy has its concrete model's links.
    parent_links: Tuple[Tuple[str, str], ...] = ()
    _names: Optional[frozenset] = field(repr=False, default=None, compare=False)

    def field_for(self, kwarg: str) -> Optional[str]:
        """The model field a create()/constructor keyword sets: `user_id` sets `user`, `pk` the pk.

        A name a unique set lists is a field even when no declaration was read (fields added by a
        metaclass or `contribute_to_class`, as django-organizations does)."""
        if kwarg == "pk":
            return self.pk
        known = self._named_fields()
        if kwarg in known:
            return kwarg
        if kwarg.endswith("_id") and kwarg[:-3] in known:
            return kwarg[:-3]
        return None

    def parent_link(self, kwarg: str) -> Optional[Tuple[str, str]]:
        """(link field, parent qualname) when a create()/constructor keyword sets the link to a
        multi-table parent: `place_ptr=` or `place_ptr_id=` (Django names the implicit one
        `<parent model_name>_ptr`, ModelBase.__new__)."""
        for link, parent in self.parent_links:
            if kwarg == link or kwarg == f"{link}_id":
                return link, parent
        return None

    def _named_fields(self):
        if self._names is None:
            self._names = frozenset(self.fields) | frozenset(f for s in self.unique_sets for f in s.fields)
        return self._names

    def lookup_field(self, kwarg: str) -> Optional[str]:
        """The field a get_or_create() lookup keyword pins: `email`, `email__exact`, `user__pk`, `user_id`."""
        head, _, tail = kwarg.partition("__")
        if tail and tail not in ("exact", "iexact", "pk", "id"):
            return None
        return self.field_for(head)


def _relation_kind(kind: str) -> Optional[str]:
    for suffix, relation in RELATION_KINDS:
        if kind.endswith(suffix):
            return relation
    return None


def is_field_call(value) -> bool:
    if not isinstance(value, CallValue) or not value.func:
        return False
    last = value.last
    return (last.endswith(("Field", "Key")) or last in ("ForeignKey", "GenericRelation")
            or _relation_kind(last) is not None)


def _truthy_option(value) -> bool:
    """`unique=` / `primary_key=` other than a literal False/None/0: True, or a setting that may be."""
    return value is not None and value is not False and value != 0 and value != ""


def declares_field(value: object, project: Optional["ModelLookup"] = None) -> bool:
    """A call in a model body that declares a field: a name of Django's field vocabulary, a project
    class deriving from a Django field (`class PhoneNumber(models.CharField)`), or any class called with
    `unique=` / `primary_key=` (a field class from a package that is not installed)."""
    if is_field_call(value):
        return True
    if not isinstance(value, CallValue) or not value.func or value.func.endswith(")"):
        return False
    if _truthy_option(value.kwarg("unique")) or value.kwarg("primary_key") is True:
        return True
    if project is None or "." not in value.func:
        return False
    cls = project.find_class(value.func)
    return cls is not None and any(is_field_call(CallValue(dotted)) for dotted, _ in project.ancestors(cls))


def spread_options(call: CallValue, project: ModelLookup, module: str) -> CallValue:
    """A field call whose `**options` name a module-level dict literal of the project
    (`CharField(**app_settings.HARDWARE_ID_OPTIONS)`) with that dict's string keys as keywords: the
    options as the module writes them (a later `.update()` from settings is not seen)."""
    extra = []
    for key, value in call.kwargs:
        if key is None and isinstance(value, Ref):
            spread = project.module_value(value.dotted if "." in value.dotted else f"{module}.{value.dotted}")
            if isinstance(spread, DictValue):
                extra += [(k, v) for k, v in spread.items if isinstance(k, str)]
    if not extra:
        return call
    written = {key for key, _ in call.kwargs}
    return CallValue(call.func, call.args, call.kwargs + tuple((k, v) for k, v in extra if k not in written))


def field_info(name: str, call: CallValue, project: Optional["ModelLookup"] = None) -> FieldInfo:
    kind = call.last
    relation = _relation_kind(kind)
    options = field_options(call, project)
    for option in ("primary_key", "unique"):  # what the class's __init__ does to them was not read:
        if options.get(option) is UNKNOWN:  # as declared (a set is never lost to an unread __init__)
            options[option] = call.kwarg(option)
    primary_key = options.get("primary_key") is True
    unique_value = options.get("unique")
    unique = (unique_value is True or relation == "o2o" or (primary_key and kind not in AUTO_FIELDS)
              or _truthy_option(unique_value))
    unique_if = None
    if unique_value is not True and _truthy_option(unique_value) and not primary_key and relation != "o2o":
        unique_if = unique_value.dotted if isinstance(unique_value, Ref) else "a setting"
    target = call.kwarg("to", call.args[0] if call.args else None) if relation else None
    related_name = call.kwarg("related_name")
    # ManyToManyField: `symmetrical` defaults to True for "self" (django/db/models/fields/related.py)
    symmetrical = relation == "m2m" and target == "self" and call.kwarg("symmetrical", True) is not False
    return FieldInfo(name, kind, unique and relation != "m2m", primary_key, options.get("null") is True,
                     relation, target, related_name if isinstance(related_name, str) else None,
                     call.kwarg("through"), options.get("default"),
                     options.get("auto_now") is True or options.get("auto_now_add") is True, unique_if,
                     relation == "o2o" and call.kwarg("parent_link") is True, symmetrical,
                     options.get("editable") is not False and options.get("auto_now") is not True
                     and options.get("auto_now_add") is not True)


# The keywords whose value the engine reads from a field declaration.
DJANGO_MODULES = ("django.",)  # Django's own classes: their keywords are the documented ones
FIELD_OPTIONS = ("unique", "primary_key", "null", "default", "auto_now", "auto_now_add", "editable")


def field_options(call: CallValue, project: Optional["ModelLookup"] = None) -> Dict[str, object]:
    """The keywords Django's field receives from a declaration: those written, as a project field
    class's `__init__` changes them on the way (`kwargs.setdefault("null", True)`, read into
    `MethodFacts.keyword_changes`), subclass first, through its bases up to Django's own classes. A
    keyword changed in a way the facts do not read is UNKNOWN; a base that cannot be read changes nothing
    (as before any `__init__` was read: the declaration is what is known)."""
    options: Dict[str, object] = {key: value for key, value in call.kwargs if key is not None}
    if (project is None or "." not in call.func or call.func.startswith(DJANGO_MODULES)
            or any(key is None for key, _ in call.kwargs)):
        return options  # Django's own fields keep the keywords they are given: no module read for them
    cls = project.find_class(call.func)
    chain: List[Optional[ClassFacts]] = [cls] if cls is not None else []
    chain += [f for _, f in project.ancestors(cls)] if cls is not None else []
    for facts in chain:
        if facts is None or facts.module.startswith(DJANGO_MODULES):
            continue
        init = facts.method("__init__")
        for key, how, value in init.keyword_changes if init is not None else ():
            for name in (list(options) + list(FIELD_OPTIONS) if key == "*" else [key]):
                if how == "drop":
                    options.pop(name, None)
                elif how == "unknown":
                    options[name] = UNKNOWN
                elif how == "set" or name not in options:
                    options[name] = _option_value(value, options)
    return options


def _option_value(value: object, options: Dict[str, object]) -> object:
    """A recorded value as the options given so far make it: `bool(kwargs.get("blank"))`."""
    if isinstance(value, CallValue) and value.func == KWARGS_GET:
        if not (value.args and isinstance(value.args[0], str)):
            return UNKNOWN
        return options.get(value.args[0], value.args[1] if len(value.args) > 1 else None)
    if isinstance(value, CallValue) and value.func == "bool" and len(value.args) == 1 and not value.kwargs:
        inner = _option_value(value.args[0], options)
        return bool(inner) if inner is None or isinstance(inner, (bool, int, str)) else UNKNOWN
    return value


def _strings_in(value) -> List[str]:
    """Field names inside an expression-based constraint: `Lower("email")`, `F("slug")`."""
    found = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item.partition("__")[0])
        elif isinstance(item, CallValue):
            stack.extend(item.args)
        elif isinstance(item, tuple):
            stack.extend(item)
    return found


def _together_sets(value) -> List[Tuple[str, ...]]:
    if not isinstance(value, tuple) or not value:
        return []
    if all(isinstance(item, str) for item in value):
        return [tuple(value)]
    return [tuple(item) for item in value
            if isinstance(item, tuple) and item and all(isinstance(x, str) for x in item)]


def _condition(value) -> Optional[Tuple[Tuple[str, object], ...]]:
    """`Q(primary=True)`, `Q(type__in=("a", "b"))`, `Q(deleted__isnull=True)`: simple ANDed lookups only."""
    if not isinstance(value, CallValue) or value.last != "Q" or value.args:
        return None
    pairs = []
    for key, literal_value in value.kwargs:
        if key is None or isinstance(literal_value, (Ref, CallValue)) or literal_value is UNKNOWN:
            return None
        pairs.append((key, literal_value))
    return tuple(pairs) or None


def _constraint_sets(value) -> List[Tuple[Tuple[str, ...], bool, Optional[Tuple[Tuple[str, object], ...]], bool]]:
    sets = []
    for item in value if isinstance(value, tuple) else ():
        if not isinstance(item, CallValue) or item.last != "UniqueConstraint":
            continue
        fields = item.kwarg("fields")
        names = list(fields) if isinstance(fields, tuple) else _strings_in(item.args)
        names = [n for n in names if isinstance(n, str)]
        if names:
            condition = item.kwarg("condition")
            sets.append((tuple(names), condition is not None, _condition(condition),
                         item.kwarg("nulls_distinct") is not False))
    return sets


class ModelLookup(Protocol):
    """What building a model needs from the index: its bases' models and Meta owners' classes.
    The model registry is one; declared here so this module needs nothing from the registry."""

    def model(self, dotted: str) -> Optional["ModelInfo"]: ...

    def find_class(self, dotted: str) -> Optional[ClassFacts]: ...

    def in_standard_library(self, dotted: str) -> bool: ...

    def ancestors(self, cls: ClassFacts) -> List[Tuple[str, Optional[ClassFacts]]]: ...

    def module_value(self, dotted: str) -> object: ...


class _Builder:
    """Builds one ModelInfo; kept as a small object so each Django rule is one method."""

    def __init__(self, project: ModelLookup, cls: ClassFacts):
        self.project = project
        self.cls = cls

    def model_bases(self) -> Optional[List["ModelInfo"]]:
        """Model bases in declaration order; None when the class is not a model at all."""
        bases = []
        is_model = False
        for base in self.cls.bases:
            if base in MODEL_ROOTS:
                is_model = True
                continue
            info = self.project.model(base) if base else None
            if info is not None:
                bases.append(info)
                is_model = True
        if not is_model and self.declares_model():
            is_model = True
        return bases if is_model else None

    def declares_model(self) -> bool:
        """A class whose bases cannot be read (a base from a package that is not installed: a
        timestamped, lifecycle or polymorphic model) is a model when its body says so: a field, a
        relation or a manager from Django's models module, or a Meta with options only models have. A
        base from the standard library is not unreadable: it is known, and never a model."""
        unreadable = [b for b in self.cls.bases if b and b not in ("object",) and not b.startswith("django.")
                      and not self.project.in_standard_library(b) and self.project.find_class(b) is None]
        if not unreadable:
            return False
        meta = self.cls.meta
        if meta is not None and any(name in MODEL_META_OPTIONS for name, _ in meta.assigns):
            return True
        return any(isinstance(value, CallValue) and value.func.startswith(DJANGO_MODELS_MODULES)
                   and (is_field_call(value) or value.last.endswith("Manager"))
                   for _, value in self.cls.assigns)

    def bases_of(self, info: Optional[ModelInfo]) -> List[ModelInfo]:
        if info is None:
            return []
        return [b for b in (self.project.model(q) for q in info.base_models) if b is not None]

    def meta_option(self, cls: ClassFacts, option: str, bases: List["ModelInfo"], depth: int = 0):
        """A Meta option as Django's attribute lookup sees it (see module docstring)."""
        if depth > 12:
            return None
        meta = cls.meta
        if meta is not None:
            value = meta.assigned(option)
            if value is not None:
                return value
            for meta_base in meta.bases:
                owner = self.project.find_class(meta_base.rpartition(".")[0]) if meta_base.endswith(".Meta") else None
                if owner is not None:
                    owner_bases = self.bases_of(self.project.model(owner.qualname))
                    found = self.meta_option(owner, option, owner_bases, depth + 1)
                    if found is not None:
                        return found
            return None
        for base in bases:
            if base.facts is None:
                continue
            found = self.meta_option(base.facts, option, self.bases_of(base), depth + 1)
            if found is not None and base.abstract:
                return found
        return None

    def meta_values(self, cls: ClassFacts, option: str, bases: List["ModelInfo"]) -> list:
        """Every value the Meta that decides `option` assigns it: one, or one per branch when the
        option is assigned under `if settings.X: ... else: ...` (each branch's constraints count)."""
        value = self.meta_option(cls, option, bases)
        if value is None:
            return []
        meta = cls.meta
        if meta is not None and meta.assigned(option) is value:
            return [v for name, v in meta.assigns if name == option]
        return [value]

    def build(self) -> Optional[ModelInfo]:
        bases = self.model_bases()
        if bases is None:
            return None
        cls = self.cls
        meta = cls.meta
        abstract = meta is not None and meta.assigned("abstract") is True
        proxy = meta is not None and meta.assigned("proxy") is True

        local: Dict[str, FieldInfo] = {}
        inherited: Dict[str, FieldInfo] = {}
        parent_sets: List[UniqueSet] = []
        managers: Dict[str, Tuple[str, ...]] = {}
        username_field = None
        for base in reversed(bases):
            managers.update(base.managers)
            username_field = base.username_field or username_field
            if base.abstract:
                # Abstract fields are copied into this table; their uniqueness is recomputed below.
                local.update(base.fields)
            else:
                # Multi-table parent: its fields stay on its table, and so do its unique constraints,
                # which still fire when this model is created (the parent row is inserted first).
                inherited.update(base.fields)
                parent_sets.extend(base.unique_sets)
        for name, value in cls.assigns:
            if declares_field(value, self.project):
                local[name] = field_info(name, spread_options(value, self.project, cls.module), self.project)
            elif value is None and name in local:
                del local[name]  # `username = None` removes an abstract parent's field
            elif name == "USERNAME_FIELD" and isinstance(value, str):
                username_field = value
            elif isinstance(value, CallValue) and value.func:
                managers[name] = _manager_classes(value)

        fields = dict(inherited)
        fields.update(local)
        pk = next((f.name for f in fields.values() if f.primary_key), "id")

        sets: List[UniqueSet] = []
        if proxy:
            sets.extend(parent_sets)
        else:
            sets.extend(parent_sets)
            for info in local.values():
                if info.kind == "CompositePrimaryKey":
                    continue
                if info.unique:
                    origin = ("primary_key" if info.primary_key else
                              "OneToOneField" if info.relation == "o2o" else "unique=True")
                    sets.append(UniqueSet((info.name,), origin, cls.name, depends_on=info.unique_if))
            for _, value in cls.assigns:
                if isinstance(value, CallValue) and value.last == "CompositePrimaryKey":
                    names = tuple(a for a in value.args if isinstance(a, str))
                    if names:
                        sets.append(UniqueSet(names, "CompositePrimaryKey", cls.name))
            for value in self.meta_values(cls, "unique_together", bases):
                for names in _together_sets(value):
                    sets.append(UniqueSet(names, "unique_together", cls.name))
            for value in self.meta_values(cls, "constraints", bases):
                for names, conditional, condition, distinct in _constraint_sets(value):
                    sets.append(UniqueSet(names, "UniqueConstraint", cls.name, conditional, condition, distinct))
            if username_field and username_field in local:
                sets.append(UniqueSet((username_field,), "USERNAME_FIELD", cls.name))
        is_user = username_field is not None or any(b.is_user for b in bases)
        return ModelInfo(cls.qualname, cls.name, abstract, proxy, fields, _dedupe(sets), pk,
                         username_field, managers, is_user, tuple(b.qualname for b in bases), cls,
                         parent_links=_parent_links(bases, local, proxy))


def _parent_links(bases: List[ModelInfo], local: Dict[str, FieldInfo], proxy: bool) -> Tuple[Tuple[str, str], ...]:
    """(link field, parent qualname) for each multi-table parent (a concrete, non-proxy model base): the
    child's own `parent_link=True` one-to-one to it, else Django's implicit `<model_name>_ptr`. A proxy
    saves as its concrete model, so it has that model's links."""
    if proxy:
        return tuple(link for base in bases if not base.abstract for link in base.parent_links)
    explicit = [info for info in local.values() if info.parent_link]
    links = []
    for base in bases:
        if base.abstract or base.proxy:
            continue
        own = [info.name for info in explicit if _names_model(info.target, base)]
        if not own and len(explicit) == 1 and sum(not b.abstract and not b.proxy for b in bases) == 1:
            own = [explicit[0].name]  # the one link of a child with one parent (`to` spelled otherwise)
        links.append((own[0] if own else f"{base.name.lower()}_ptr", base.qualname))
    return tuple(links)


def _names_model(target: object, model: ModelInfo) -> bool:
    """Whether a relation's `to` (a class reference or an `"app.Model"` / `"Model"` label) names `model`."""
    text = target.dotted if isinstance(target, Ref) else target if isinstance(target, str) else None
    return text is not None and (text == model.qualname or text.rpartition(".")[2] == model.name)


def _manager_classes(call: CallValue) -> Tuple[str, ...]:
    """Classes whose `self.model` is this model: `MyManager()` → MyManager; `QS.as_manager()` → QS;
    `MyManager.from_queryset(QS)()` → MyManager and QS."""
    func = call.func
    if func.endswith(".as_manager"):
        return (func[: -len(".as_manager")],)
    if func.endswith(".from_queryset()"):
        queryset = call.args[0] if call.args else None
        extra = (queryset.dotted,) if isinstance(queryset, Ref) else ()
        return (func[: -len(".from_queryset()")],) + extra
    return (func,)


def _dedupe(sets: List[UniqueSet]) -> Tuple[UniqueSet, ...]:
    seen = set()
    result = []
    for item in sets:
        key = (tuple(sorted(item.fields)), item.table)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return tuple(result)


def with_configured(info: ModelInfo, sets: Sequence[Sequence[str]]) -> ModelInfo:
    """A model with the unique sets the user's configuration declares added."""
    extra = [UniqueSet(tuple(names), "configuration", info.name) for names in sets]
    fields = dict(info.fields)
    for names in sets:
        for name in names:
            fields.setdefault(name, FieldInfo(name, "Field", False))
    return replace(info, fields=fields, unique_sets=_dedupe(list(info.unique_sets) + extra), _names=None)


def configured_model(name: str, sets: Sequence[Sequence[str]]) -> ModelInfo:
    """A model uniqueguard cannot read, known only from the configuration (`"billing.Invoice" = [...]`)."""
    short = name.rpartition(".")[2]
    fields = {n: FieldInfo(n, "Field", False) for names in sets for n in names}
    return ModelInfo(name, short, False, False, fields,
                     _dedupe([UniqueSet(tuple(names), "configuration", short) for names in sets]),
                     "id", None, {}, False)


def build_model(project: ModelLookup, cls: ClassFacts) -> Optional[ModelInfo]:
    return _Builder(project, cls).build()


def as_inherited(info: ModelInfo) -> ModelInfo:
    """An abstract model as its concrete children all are: its field-level unique sets, which every
    child inherits whatever its own Meta says (its unique_together/constraints a child's Meta may drop)."""
    sets = tuple(s for s in info.unique_sets if s.origin in FIELD_ORIGINS)
    return replace(info, unique_sets=sets, abstract=False, _names=None)


__all__ = ["FieldInfo", "UniqueSet", "ModelInfo", "ModelLookup", "build_model", "is_field_call", "declares_field",
           "as_inherited", "MODEL_ROOTS"]
