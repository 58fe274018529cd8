"""Form- and serializer-level uniqueness validation, read statically from the form's class.

A value that reaches a write through `form.cleaned_data` was validated by the form's class. Which unique
sets a form class checks follows Django (`BaseModelForm._get_validation_exclusions()` in
django/forms/models.py, `Model.validate_unique()` in django/db/models/base.py): a ModelForm validates a
unique set only when every field of it is a form field, and only if an overridden `clean()` still calls
`super().clean()`; a plain Form validates a field only through a `clean_<field>()` that queries (a
`clean()` that queries covers multi-field sets). A serializer is read the same way (DRF's generated
UniqueValidator and UniqueTogetherValidator, or ones declared by hand).
"""
from __future__ import annotations

import ast
import enum
from typing import Callable, Dict, FrozenSet, Iterable, Optional, Tuple

from .. import orm
from ..records import dataclass
from .facts import (QUERY_METHODS, CallValue, ClassFacts, DictValue, ModuleFacts, Ref, dotted_name,
                    positional_parameters)
from .modules import ModuleIndex
from .sources import project_function, project_method
from .uniqueness import ModelInfo, UniqueSet

# How a literal read from a module's facts names a model (`Meta.model = Book`, `get_user_model()`):
# the resolver's, which knows the project's imports and the user model.
ModelOfValue = Callable[[ModuleFacts, object], Optional[ModelInfo]]

MODEL_FORM_BASES = ("django.forms.ModelForm", "django.forms.models.ModelForm", "ModelForm",
                    "django.forms.models.BaseModelForm")
FORM_BASES = MODEL_FORM_BASES + ("django.forms.Form", "django.forms.forms.Form", "Form",
                                 "django.forms.BaseForm", "forms.Form")
MODEL_SERIALIZER_BASES = ("rest_framework.serializers.ModelSerializer",
                          "rest_framework.serializers.HyperlinkedModelSerializer", "ModelSerializer",
                          "HyperlinkedModelSerializer")
SERIALIZER_BASES = MODEL_SERIALIZER_BASES + ("rest_framework.serializers.Serializer", "Serializer")
# Meta options only DRF's ModelSerializer reads: with `Meta.model`, they say what a class is when a base
# of it lives in a package the lint environment lacks.
MODEL_SERIALIZER_META = ("extra_kwargs", "read_only_fields")


class ValidatorKind(enum.Enum):
    MODEL_FORM = "modelform"
    FORM = "form"
    MODEL_SERIALIZER = "modelserializer"
    SERIALIZER = "serializer"

    @property
    def is_serializer(self) -> bool:
        return self in (ValidatorKind.MODEL_SERIALIZER, ValidatorKind.SERIALIZER)


class FormFixKind(enum.Enum):
    """What a form or serializer class must do to validate a unique set before the write."""

    CALL_SUPER_CLEAN = "call super().clean()"
    ADD_TO_META_FIELDS = "add to Meta.fields"
    INCLUDE_IN_FIELDS = "include in fields"
    UNIQUE_VALIDATOR = "UniqueValidator"
    CLEAN_FIELD = "clean_<field>()"
    CLEAN = "clean()"
    CHECK_AFTER_COMMIT_FALSE = "set after save(commit=False)"  # the view sets it: no form can check it
    UNIQUE_TOGETHER_VALIDATOR = "UniqueTogetherValidator"  # a composite set of the serializer's own fields
    VALIDATE_QUERY = "validate() that queries"  # a field the view sets through save(x=...)
    CLEAN_QUERY = "clean() that queries"  # a ModelForm field the view supplies (form.instance.x = ..., instance=)


@dataclass(frozen=True)
class FormFix:
    kind: FormFixKind
    form: str  # the class name
    fields: Tuple[str, ...]  # the fields concerned (the first one names clean_<field>())


@dataclass(frozen=True)
class ValidationSeen:
    """A form or serializer that validates a unique set, racily: `SignupForm` or `SignupForm.clean_email()`."""

    form: str
    method: Optional[str] = None
    field_class: Optional[str] = None  # the form field's own class whose clean() queries (`UserNameField`)
    unread: Tuple[str, ...] = ()  # packages the lint environment lacks that bases of the class come from


@dataclass(frozen=True)
class Validator:
    """How one form or serializer class validates: its fields and what it checks for uniqueness."""

    name: str  # class name, for messages
    kind: ValidatorKind
    model: Optional[str]  # qualname of Meta.model
    fields: FrozenSet[str]  # field names it carries into cleaned_data / validated_data
    declared: FrozenSet[str]  # fields declared explicitly on the class (no generated validators)
    clean_methods: FrozenSet[str]  # fields with a clean_<field>/validate_<field> that queries
    clean_queries: bool  # clean()/validate() queries: covers multi-field sets
    unique_checks_on: bool  # ModelForm: super().clean() not skipped; ModelSerializer: Meta.validators unset
    explicit_validators: FrozenSet[tuple]  # field tuples covered by hand-declared Unique*Validator
    custom_create: bool = False  # the class defines create(): its save() runs that, judged there
    # Fields the model-level unique checks look at. For a ModelForm with a Meta.fields list Django
    # excludes every field not listed, even one the form declares itself (_get_validation_exclusions).
    model_checked: Optional[FrozenSet[str]] = None
    # A ModelForm whose model's own clean()/validate_unique()/clean_fields() queries: _post_clean runs it
    # (through instance.full_clean()) on every is_valid(), whatever the form's fields.
    model_clean_queries: bool = False
    read_only: FrozenSet[str] = frozenset()  # serializer fields never written from input (read_only)
    # Read-only serializer fields declared with a `default=`, as (field, dotted callee of the default or
    # ""): DRF's generated UniqueTogetherValidator covers them (see `_read_only_defaults`).
    read_only_defaults: Tuple[Tuple[str, str], ...] = ()
    # A writable serializer field reads or writes another attribute (`source=`, `**options`): the
    # model fields it fills are not its name (analysis/form_inserts.py asks).
    sources_renamed: bool = False
    # Form fields whose field class's clean()/validate() queries the value: ((field, class name), ...)
    field_classes: Tuple[Tuple[str, str], ...] = ()
    # Packages the lint environment lacks that bases of the class come from: the class was read from
    # its own body (MODEL_SERIALIZER_META), and what those bases add is unknown (said as a note).
    unread_packages: Tuple[str, ...] = ()
    # The classes (dotted) this describes: one, or those a view picks among (what all of them check), so
    # a call-graph fact can name the validation a call site passes on and the callee's module rebuild it.
    classes: Tuple[str, ...] = ()
    # The class whose clean() skips super().clean() (the form's own or a base's: where the fix goes)
    clean_skipped_by: str = ""

    def common(self, other: "Validator") -> Optional["Validator"]:
        """What both of two classes check (a view picking one by a condition), or None if they differ in
        kind or model."""
        if other.kind != self.kind or other.model != self.model:
            return None
        checked = (None if self.model_checked is None and other.model_checked is None
                   else self.unique_checked & other.unique_checked)
        return Validator(self.name, self.kind, self.model, self.fields & other.fields,
                         self.declared | other.declared, self.clean_methods & other.clean_methods,
                         self.clean_queries and other.clean_queries, self.unique_checks_on and other.unique_checks_on,
                         self.explicit_validators & other.explicit_validators,
                         self.custom_create or other.custom_create, checked,
                         self.model_clean_queries and other.model_clean_queries, self.read_only & other.read_only,
                         tuple(pair for pair in self.read_only_defaults if pair in other.read_only_defaults),
                         self.sources_renamed or other.sources_renamed,
                         tuple(pair for pair in self.field_classes if pair in other.field_classes),
                         tuple(sorted(set(self.unread_packages) | set(other.unread_packages))),
                         tuple(dict.fromkeys(self.classes + other.classes)),
                         self.clean_skipped_by or other.clean_skipped_by)

    @property
    def unique_checked(self) -> FrozenSet[str]:
        """The fields the generated model-level unique checks can cover. (A serializer's read-only
        field without a default is in no generated UniqueTogetherValidator, but the serializer never
        writes it either: a value the view passes through `save(x=...)` has no serializer source, so
        the set stays open — see `validated_default` for the read-only fields with a default.)"""
        return self.fields if self.model_checked is None else self.model_checked

    def validated_default(self, field: str) -> Optional[str]:
        """For a read-only serializer field with a default: the dotted callee of that default ("" when
        it is no call), the value DRF's `run_validators` hands the generated UniqueTogetherValidator;
        None for any other field."""
        return dict(self.read_only_defaults).get(field)

    def validates(self, unique_set: UniqueSet, model: Optional[ModelInfo],
                  keys: Optional[Dict[str, str]] = None) -> bool:
        """Whether this class checks `unique_set` (a UniqueSet of `model`) before the write.

        `keys` maps a model field to the cleaned_data key its value was read from when the two differ
        (`email=form.cleaned_data["contact"]`): then only what the class checks on that key counts — a
        `clean_contact()` that queries does, the `email` field's own checks do not (they looked at another
        value), and neither do the model-level checks, which see the instance's fields, not the key."""
        fields = keyed(unique_set.fields, keys)
        if fields in self.explicit_validators:
            return True
        if len(fields) == 1 and (fields[0] in self.clean_methods or fields[0] in dict(self.field_classes)):
            return True
        if len(fields) > 1 and self.clean_queries and set(fields) <= self.fields:
            return True
        if keys:
            return False  # the model-level checks below look at the instance's fields, not at the keys
        if self.model_clean_queries and model is not None and self.model == model.qualname:
            return True
        model_level = self.kind in (ValidatorKind.MODEL_FORM, ValidatorKind.MODEL_SERIALIZER)
        if model_level and self.checks_model_set(unique_set):
            if model is None or self.model != model.qualname:
                return False
            if not set(fields) <= self.unique_checked:
                return False
            if self.kind is ValidatorKind.MODEL_SERIALIZER and len(fields) == 1 and fields[0] in self.declared:
                return False  # DRF adds UniqueValidator only to generated fields
            return True
        return False

    def checks_model_set(self, unique_set: UniqueSet) -> bool:
        """Whether the model-level checks this class runs cover `unique_set` when all its fields are the
        class's: a ModelForm whose clean() skips ModelForm's still checks a `Meta.constraints`
        UniqueConstraint — `_post_clean()` calls `instance.full_clean(validate_unique=False)`, whose
        `validate_constraints()` runs regardless (Django 4.1+) — but no `unique=True` field,
        `unique_together` or `unique_for_*`, which only `validate_unique()` checks."""
        constraint = unique_set.origin == "UniqueConstraint"
        return self.unique_checks_on or (self.kind is ValidatorKind.MODEL_FORM and constraint)

    def fix_for(self, unique_set: UniqueSet, keys: Optional[Dict[str, str]] = None) -> FormFix:
        """The concrete change that makes this class validate `unique_set` (its values read from the
        cleaned_data keys `keys` names, as for validates(): then only a querying clean of those keys can)."""
        if keys:
            renamed = keyed(unique_set.fields, keys)
            if self.kind.is_serializer:
                return FormFix(FormFixKind.VALIDATE_QUERY, self.name, renamed)
            return FormFix(FormFixKind.CLEAN_FIELD if len(renamed) == 1 else FormFixKind.CLEAN, self.name, renamed)
        if self.kind is ValidatorKind.MODEL_FORM:
            if not self.checks_model_set(unique_set):
                return FormFix(FormFixKind.CALL_SUPER_CLEAN, self.clean_skipped_by or self.name, unique_set.fields)
            missing = tuple(f for f in unique_set.fields if f not in self.unique_checked)
            if missing:
                kind = (FormFixKind.ADD_TO_META_FIELDS if self.model_checked is not None
                        else FormFixKind.INCLUDE_IN_FIELDS)
                return FormFix(kind, self.name, missing)
        if self.kind in (ValidatorKind.MODEL_SERIALIZER, ValidatorKind.SERIALIZER):
            if any(f not in self.fields or f in self.read_only for f in unique_set.fields):
                # set by the view (`save(owner=...)`) or read-only, not written through the serializer: no validator
                # of the serializer's own fields can see it, a querying validate() can
                return FormFix(FormFixKind.VALIDATE_QUERY, self.name, unique_set.fields)
            if len(unique_set.fields) > 1:
                return FormFix(FormFixKind.UNIQUE_TOGETHER_VALIDATOR, self.name, unique_set.fields)
            return FormFix(FormFixKind.UNIQUE_VALIDATOR, self.name, unique_set.fields)
        if len(unique_set.fields) > 1:
            return FormFix(FormFixKind.CLEAN, self.name, unique_set.fields)
        return FormFix(FormFixKind.CLEAN_FIELD, self.name, unique_set.fields)

    def seen_for(self, unique_set: UniqueSet, keys: Optional[Dict[str, str]] = None) -> ValidationSeen:
        """What validates `unique_set`, for a message: the class, or its clean_<field>()/validate_<field>()
        (of the cleaned_data key the value came from, `keys` as for validates())."""
        renamed = keyed(unique_set.fields, keys)
        if len(renamed) == 1 and renamed[0] in self.clean_methods:
            prefix = "validate_" if self.kind.is_serializer else "clean_"
            return ValidationSeen(self.name, f"{prefix}{renamed[0]}", unread=self.unread_packages)
        field_class = dict(self.field_classes).get(renamed[0]) if len(renamed) == 1 else None
        return ValidationSeen(self.name, field_class=field_class, unread=self.unread_packages)


def renamed_keys(read_from: Iterable[Tuple[str, Optional[str]]]) -> Dict[str, str]:
    """Model field → the cleaned_data key its value was read from, for the fields where the two differ
    (`email=form.cleaned_data["contact"]`): what validated that value is what the class checks on the key.
    `read_from` gives (model field, key or None) pairs. The one spelling of "this key is this field's",
    for the write's own function and for what a call site passes (argument_kinds.judge_site).

    Only the field's own name is its key. A ModelForm's field for a ForeignKey `owner` is `owner`,
    cleaned to a row; `owner_id` is the model's raw column (attname), which no ModelForm generates
    (`Meta.fields = ["owner_id"]` raises FieldError): a key `owner_id` is a form field declared by
    hand, and the model-level unique checks of `owner` never look at it (`_get_validation_exclusions`
    skips model fields the form lacks). So `owner=form.cleaned_data["owner_id"]` is renamed."""
    return {field: key for field, key in read_from if key and key != field}


def keyed(fields: Tuple[str, ...], keys: Optional[Dict[str, str]]) -> Tuple[str, ...]:
    """A unique set's fields spelled as the cleaned_data keys their values were read from (`keys`, see
    Validator.validates)."""
    return tuple(keys.get(name, name) for name in fields) if keys else fields


def _read_only_fields(chain, meta: Optional[ClassFacts]) -> set:
    """`Meta.read_only_fields` and fields declared with `read_only=True`."""
    found = set()
    for facts in chain:
        for name, value in facts.assigns:
            if isinstance(value, CallValue) and value.kwarg("read_only") is True:
                found.add(name)
    listed = meta.assigned("read_only_fields") if meta is not None else None
    found |= {f for f in listed if isinstance(f, str)} if isinstance(listed, tuple) else set()
    return found


def _read_only_defaults(chain, read_only: set) -> Tuple[Tuple[str, str], ...]:
    """Read-only fields declared with a `default=` (`PrimaryKeyRelatedField(read_only=True,
    default=CurrentUserDefault())`), as (field, dotted callee of the default or ""), the most derived
    declaration winning. DRF's `get_unique_together_validators` maps "read_only fields with defaults"
    beside the writable ones, and `run_validators` adds their defaults to the data it validates (DRF
    3.9 on; up to 3.7 such a field was writable, so covered as well; 3.8 alone left it out). A field made
    read-only by `Meta.read_only_fields` keeps no default: it is in no generated validator."""
    found: dict = {}
    for facts in reversed(chain):
        for name, value in facts.assigns:
            if not isinstance(value, CallValue) or name not in read_only:
                continue
            found.pop(name, None)
            if value.kwarg("read_only") is True and any(key == "default" for key, _ in value.kwargs):
                default = value.kwarg("default")
                found[name] = default.func if isinstance(default, CallValue) else ""
    return tuple(sorted(found.items()))


def _sources_renamed(chain, meta: Optional[ClassFacts], read_only: set) -> bool:
    """A writable serializer field declared with `source=` or `**options`, or a `source` in
    `Meta.extra_kwargs`: what it writes is named otherwise than the field."""
    for facts in chain:
        for name, value in facts.assigns:
            if (isinstance(value, CallValue) and name not in read_only
                    and any(key is None or key == "source" for key, _ in value.kwargs)):
                return True
    extra = meta.assigned("extra_kwargs") if meta is not None else None
    if extra is None:
        return False
    if not isinstance(extra, DictValue):
        return True
    return any(not isinstance(options, DictValue) or options.keys() is None or "source" in (options.keys() or ())
               for _, options in extra.items)


def _declared_fields(cls: ClassFacts) -> set:
    return {name for name, value in cls.assigns
            if isinstance(value, CallValue) and value.last.endswith(("Field", "Serializer", "Relation"))}


def _explicit_validators(cls: ClassFacts, meta: Optional[ClassFacts]) -> set:
    covered = set()
    for name, value in cls.assigns:
        if isinstance(value, CallValue):
            validators = value.kwarg("validators")
            for item in validators if isinstance(validators, tuple) else ():
                if isinstance(item, CallValue) and item.last == "UniqueValidator":
                    covered.add((name,))
    validators = meta.assigned("validators") if meta is not None else None
    for item in validators if isinstance(validators, tuple) else ():
        if isinstance(item, CallValue) and item.last in ("UniqueTogetherValidator", "UniqueValidator"):
            fields = item.kwarg("fields")
            if isinstance(fields, tuple) and all(isinstance(f, str) for f in fields):
                covered.add(tuple(fields))
    return covered


def validator_for(project: ModuleIndex, model_of_value: ModelOfValue, cls: ClassFacts) -> Optional[Validator]:
    """The Validator of a form or serializer class, or None when the class is neither."""
    if project.inherits(cls, MODEL_FORM_BASES):
        kind = ValidatorKind.MODEL_FORM
    elif project.inherits(cls, MODEL_SERIALIZER_BASES):
        kind = ValidatorKind.MODEL_SERIALIZER
    elif project.inherits(cls, FORM_BASES):
        kind = ValidatorKind.FORM
    elif project.inherits(cls, SERIALIZER_BASES):
        kind = ValidatorKind.SERIALIZER
    elif _model_serializer_by_body(project, cls):
        kind = ValidatorKind.MODEL_SERIALIZER
    else:
        return None
    chain = project.lineage(cls)
    declared = set()
    clean_methods = set()
    clean_queries = False
    clean_skipped_by = _clean_skipped_by(project, cls)
    meta = None
    for facts in chain:
        declared |= _declared_fields(facts)
        for method in facts.methods:
            for prefix in ("clean_", "validate_"):
                if method.name.startswith(prefix) and method.queries:
                    clean_methods.add(method.name[len(prefix):])
            if method.name in ("clean", "validate"):
                clean_queries = clean_queries or method.queries
        if meta is None and facts.meta is not None:
            meta = facts.meta
    model = None
    model_info = None
    fields = set(declared)
    model_checked = None
    meta_owner = next((facts for facts in chain if facts.meta is not None), None)
    if meta is not None and meta_owner is not None:
        model_value = _meta_option(project, meta, "model")
        module = project.module(meta_owner.module)
        model_info = model_of_value(module, model_value) if module is not None else None
        model = model_info.qualname if model_info is not None else None
        listed = _meta_option(project, meta, "fields")
        excluded = _meta_option(project, meta, "exclude")
        if listed == "__all__" or (listed is None and isinstance(excluded, tuple)):
            if model_info is not None:
                fields |= set(model_info.fields)
            if isinstance(excluded, tuple):
                fields -= {f for f in excluded if isinstance(f, str)}
        elif isinstance(listed, tuple):
            model_checked = frozenset(f for f in listed if isinstance(f, str))
            fields |= model_checked
    unique_checks_on = clean_skipped_by is None
    if kind is ValidatorKind.MODEL_SERIALIZER and meta is not None and meta.assigned("validators") is not None:
        unique_checks_on = False  # Meta.validators replaces every generated validator
    custom_create = any(facts.method("create") is not None for facts in chain)
    model_cleans = (kind is ValidatorKind.MODEL_FORM and model_info is not None
                    and _model_clean_queries(project, model_info))
    field_classes: Tuple[Tuple[str, str], ...] = ()
    read_only = _read_only_fields(chain, meta) if kind.is_serializer else set()
    if not kind.is_serializer:
        form_fields = _form_fields(chain)
        if kind is ValidatorKind.FORM:  # fields a form adds in __init__() are in cleaned_data too (a
            # ModelForm's Meta decides what its validate_unique() looks at, whatever __init__() adds)
            fields |= {name for facts in chain for method in facts.methods for name, _ in method.form_fields}
        field_classes = tuple(sorted((name, found.name) for name, found in (
            (name, _querying_field_class(project, value)) for name, value in form_fields.items()) if found))
    return Validator(cls.name, kind, model, frozenset(fields), frozenset(declared), frozenset(clean_methods),
                     clean_queries, unique_checks_on, frozenset(_explicit_validators(cls, meta)), custom_create,
                     model_checked if kind is ValidatorKind.MODEL_FORM else None, model_cleans,
                     frozenset(read_only), _read_only_defaults(chain, read_only) if kind.is_serializer else (),
                     kind.is_serializer and _sources_renamed(chain, meta, read_only),
                     field_classes, _unread_packages(project, cls), clean_skipped_by=clean_skipped_by or "")


def _clean_skipped_by(project: ModuleIndex, cls: ClassFacts, depth: int = 0) -> Optional[str]:
    """The class whose clean() stops the clean() Django runs on a form of class `cls` — the most derived
    one, then each base's reached through super().clean(), in declaration order — before ModelForm's
    own, which switches validate_unique() on: a clean() reached that does not call super().clean(), also
    an inherited one (`class CouponForm(BaseCouponForm): pass`). A base that is Django's own, or one not
    read, ends the walk as passing on (`class F(forms.ModelForm, Mixin)`: Django's clean() runs before
    the mixin's). A clean() that calls a base's by name (`forms.ModelForm.clean(self)`,
    `BaseForm.clean(self)`) passes on to that class's, past the rest of the order. None when nothing
    stops it."""
    for dotted, facts in [(cls.qualname, cls)] + project.ancestors(cls):
        if dotted in ("object", "builtins.object"):
            continue
        if facts is None or facts.module.startswith("django."):
            return None
        method = facts.method("clean")
        if method is not None and "clean" not in method.super_calls:
            base = _clean_called_on(project, facts, method.params[0]) if method.params else None
            if base is None or depth >= MAX_EXPLICIT_BASES:
                return facts.name
            return _clean_of_named_base(project, base, facts.name, depth)
    return None


# Django's plain form classes: their clean() does not switch a ModelForm's validate_unique() on.
PLAIN_FORM_BASES = ("django.forms.Form", "django.forms.forms.Form", "django.forms.BaseForm",
                    "django.forms.forms.BaseForm")
MAX_EXPLICIT_BASES = 4  # `A.clean(self)` calling `B.clean(self)`...: links followed


def _clean_called_on(project: ModuleIndex, cls: ClassFacts, own: str) -> Optional[str]:
    """The dotted class `X` of an `X.clean(self, ...)` call (`own`: the method's first parameter) in the
    class's own clean() — an explicit call of a base's clean(), the spelling before super() — or None
    (read only for a clean() that does not call super().clean(): most never reach here)."""
    found = project_method(project, cls.qualname, "clean")
    if found is None:
        return None
    function, names = found
    for node in ast.walk(function):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "clean"
                and isinstance(node.func.value, (ast.Name, ast.Attribute)) and node.args
                and isinstance(node.args[0], ast.Name) and node.args[0].id == own
                and (dotted_name(node.func.value) or own).split(".")[0] != own):
            return names.of(node.func.value)  # not `self.clean(self)` nor `self.helper.clean(self)`
    return None


def _clean_of_named_base(project: ModuleIndex, base: str, caller: str, depth: int) -> Optional[str]:
    """As `_clean_skipped_by`, from the class whose clean() `caller`'s calls by name: ModelForm's own
    switches validate_unique() on, a plain Form's (`forms.Form.clean(self)`) skips it, so `caller` stops
    it; a project class's walk goes on from there; another of Django's, or a class not read, passes on
    (as such a base does in the walk)."""
    target = project.find_class(base)
    qualname = target.qualname if target is not None else base
    if qualname in PLAIN_FORM_BASES:
        return caller
    if qualname.startswith("django.") or target is None or target.module.startswith("django."):
        return None
    return _clean_skipped_by(project, target, depth + 1)


def classes_returned(project, dotted: str) -> Optional[Tuple[str, ...]]:
    """The classes a project function without arguments returns (`get_registration_form_class()`), as
    dotted names; None when one return is anything else. The settings hook such a factory offers —
    `custom = getattr(settings, "X", None)` then `if custom: return load(custom)` — returns nothing when
    the project's settings, as read, do not set X (the `getattr` default, as for swappable models)."""
    found = project_function(project, dotted)
    if found is None:
        return None
    function, names = found
    body = getattr(function, "body", [])
    unset = set()
    for node in _body_statements(body):
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and _unset_setting(project, names, node.value)):
            unset.add(node.targets[0].id)
    classes = []
    for stmt, hooks in _returns(body, ()):
        if any(name in unset for name in hooks):
            continue  # under `if custom:` where custom is a setting the project does not set
        returned = names.of(stmt.value) if stmt.value is not None else None
        if not returned:
            return None
        classes.append(returned)
    return tuple(classes) or None


def _body_statements(body):
    for stmt in body:
        yield stmt
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in ("body", "orelse", "finalbody", "handlers"):
                yield from _body_statements(getattr(stmt, name, None) or [])


def _returns(body, hooks: tuple):
    """(return statement, names of the `if <name>:` tests it sits under) of a body, nested defs aside."""
    for stmt in body:
        if isinstance(stmt, ast.Return):
            yield stmt, hooks
        elif isinstance(stmt, ast.If):
            test = stmt.test
            name = test.id if isinstance(test, ast.Name) else None
            if (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and len(test.ops) == 1
                    and isinstance(test.ops[0], ast.IsNot) and isinstance(test.comparators[0], ast.Constant)
                    and test.comparators[0].value is None):
                name = test.left.id
            yield from _returns(stmt.body, hooks + ((name,) if name else ()))
            yield from _returns(stmt.orelse, hooks)
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in ("body", "orelse", "finalbody", "handlers"):
                yield from _returns(getattr(stmt, name, None) or [], hooks)


def _unset_setting(project, names, value: ast.AST) -> bool:
    """`getattr(settings, "X", None)` (or no default) for a setting the project's settings do not set."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "getattr"
            and len(value.args) in (2, 3) and isinstance(value.args[1], ast.Constant)
            and isinstance(value.args[1].value, str)):
        return False
    holder = names.of(value.args[0]) or ""
    if not (holder == "settings" or holder.endswith(".settings")):
        return False
    default = value.args[2] if len(value.args) == 3 else None
    if default is not None and not (isinstance(default, ast.Constant) and default.value is None):
        return False
    return value.args[1].value not in project.settings.values


def _unread_packages(project: ModuleIndex, cls: ClassFacts) -> Tuple[str, ...]:
    """Top-level packages the lint environment lacks that bases of `cls` come from."""
    return tuple(sorted({dotted.partition(".")[0] for dotted, facts in project.ancestors(cls)
                         if facts is None and dotted and project.is_missing_package(dotted.partition(".")[0])}))


def _model_serializer_by_body(project: ModuleIndex, cls: ClassFacts) -> bool:
    """A ModelSerializer some base of which lives in a package the lint environment lacks (openwisp's
    `ValidatedModelSerializer`), read from what the project's own classes declare: a `Meta.model` with a
    Meta option only DRF's ModelSerializer reads (`extra_kwargs`, `read_only_fields`). Without such a
    declaration nothing says what the class is, and it is not taken for a serializer."""
    if not _unread_packages(project, cls):
        return False
    chain = project.lineage(cls)
    meta = next((facts.meta for facts in chain if facts.meta is not None), None)
    return (meta is not None and _meta_option(project, meta, "model") is not None
            and any(_meta_option(project, meta, option) is not None for option in MODEL_SERIALIZER_META))


def _form_fields(chain) -> dict:
    """Form field name → the literal building it: class-level assignments, then `self.fields["x"] = ...`
    in any method (`__init__()`), the most derived class winning, as at run time."""
    found: dict = {}
    for facts in reversed(chain):
        for name, value in facts.assigns:
            if isinstance(value, CallValue):
                found[name] = value
    for facts in reversed(chain):
        for method in facts.methods:
            for name, value in method.form_fields:
                found[name] = value
    return found


def _querying_field_class(project: ModuleIndex, value) -> Optional[ClassFacts]:
    """The project form field class `value` builds (`UserNameField(...)`), when its clean() or validate()
    queries the value it cleans (`self.db_model.objects.get(username=value)` then `raise
    ValidationError`): Django runs it on every is_valid(), so the field validates that unique value."""
    if not isinstance(value, CallValue) or not value.func:
        return None
    cls = project.find_class(value.func)
    if cls is None:
        return None
    key = ("field-class-queries", cls.qualname)
    if key not in project.derived:
        project.derived[key] = _field_class_queries(project, cls)
    return cls if project.derived[key] else None


def _field_class_queries(project: ModuleIndex, cls: ClassFacts) -> bool:
    """Whether Django's `Field.clean(value)` on an instance of `cls` runs a project method that queries
    on the value: the most derived clean(), then each base's reached through super().clean(); when
    every override passes on to Django's own clean(), also validate() the same way."""
    ancestors = project.ancestors(cls)
    if not any(dotted.startswith("django.forms.") for dotted, _ in ancestors):
        return False  # not a form field class
    chain = [cls]
    for _, facts in ancestors:
        if facts is None or facts.module.startswith("django."):
            break  # Django's own field classes: clean() runs validate(), neither queries
        chain.append(facts)
    for name in ("clean", "validate"):
        for facts in chain:
            method = facts.method(name)
            if method is None:
                continue
            found = project_method(project, facts.qualname, name) if _may_query(project, facts, name) else None
            if found is not None and _queries_value(found[0]):
                return True
            if name not in method.super_calls:
                return False  # Django's own clean() (and with it validate()) never runs
    return False


def _may_query(project: ModuleIndex, cls: ClassFacts, name: str) -> bool:
    """Whether a method `name` of the class calls a query method at all (`MethodFacts.queries`, read with
    the module's facts for every clean*/validate* method; any class of that name in its module counts):
    else the body `_queries_value` looks in for such a call need not be parsed (a module of form field
    classes was parsed again for each of its classes' clean())."""
    module = project.module(cls.module)
    classes = [c for c in module.classes if c.name == cls.name] if module is not None else []
    return any(method.queries for c in classes + [cls] for method in c.methods if method.name == name)


def _queries_value(function) -> bool:
    """A query whose arguments hold the method's value parameter (`clean(self, value)`) or a local
    computed from it: a lookup of that value, not a check of something else."""
    params = positional_parameters(function)
    if len(params) < 2:
        return False
    tainted = {params[1]}
    assigns = [node for node in ast.walk(function) if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))]
    for _ in range(2):  # a chain of locals computed from the value, in any order of the walk
        for node in assigns:
            if node.value is not None and _mentions(node.value, tainted):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                tainted |= {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    for call in ast.walk(function):
        if isinstance(call, ast.Call) and _queries(call):
            if any(_mentions(arg, tainted) for arg in list(call.args) + [k.value for k in call.keywords]):
                return True
    return False


def _mentions(node: ast.AST, names: set) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


MODEL_VALIDATION = frozenset({"clean", "clean_fields"}) | orm.INSTANCE_VALIDATION


def _model_clean_queries(project: ModuleIndex, model_info) -> bool:
    """Whether the model's own clean()/validate_unique()/clean_fields() (or a base's) queries, directly or
    through a method of its own it calls (`self.clean_unique_together()`), read one level deep."""
    cls = getattr(model_info, "facts", None)
    if cls is None:
        return False
    chain = project.lineage(cls)

    def body(name):
        owner = next((facts for facts in chain if facts.method(name) is not None), None)
        found = project_method(project, f"{owner.module}.{owner.name}", name) if owner is not None else None
        return found[0] if found is not None else None

    for name in MODEL_VALIDATION:
        function = body(name)
        calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)] if function is not None else []
        if any(_queries(call) for call in calls):
            return True
        for call in calls:
            if (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "self" and call.func.attr not in MODEL_VALIDATION):
                helper = body(call.func.attr)
                if helper is not None and any(_queries(n) for n in ast.walk(helper) if isinstance(n, ast.Call)):
                    return True
    return False


def _queries(call: ast.Call) -> bool:
    """A query on a manager or queryset; a plain `.get()` counts only on one (`d.get(k)` is a dict's)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in QUERY_METHODS):
        return False
    if call.func.attr not in orm.LOOKUPS:
        return True
    receiver = call.func.value
    return (isinstance(receiver, ast.Attribute) and receiver.attr in ("objects", "_default_manager")) or (
        isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute)
        and receiver.func.attr in orm.QUERYSET_CHAIN)


def _meta_option(project: ModuleIndex, meta: ClassFacts, option: str, depth: int = 0):
    """A Meta option, following `class Meta(ParentForm.Meta):`."""
    value = meta.assigned(option)
    if value is not None or depth > 8:
        return value
    for base in meta.bases:
        if base.endswith(".Meta"):
            owner = project.find_class(base[: -len(".Meta")])
            if owner is not None and owner.meta is not None:
                found = _meta_option(project, owner.meta, option, depth + 1)
                if found is not None:
                    return found
    return None


__all__ = ["Validator", "ValidatorKind", "FormFix", "FormFixKind", "ValidationSeen", "validator_for", "Ref"]
