"""Form and serializer saves that surely insert a row holding nothing but what the class writes.

`serializer.save(user=obj)` of a `NotificationSerializer(data=request.data)` inserts a new row; the
fields it fills are the serializer's writable ones and the `save()` keywords — a read-only field
without a default, or one missing from `Meta.fields`, keeps the model field's default (DRF's
`ModelSerializer.create()` is `Model._default_manager.create(**validated_data)`; Django's
`construct_instance()` copies only `Meta.fields`). A nullable field without a default is then NULL in
every row the save inserts, and a plain unique set holding it never collides (writes.py passes such a
save on as a surely new row: `fresh_values.unset_field_is_fresh`).

Only as far as the source shows it: the form or serializer is built in the function without an
instance (or is DRF's `perform_create()` serializer, or the form a CreateView hands `form_valid()`), the
class overrides no hook that can hand the row other values (`validate()`, `to_internal_value()`,
`save()`, a form's `clean()`, `__init__()`...) unless that body never names the field, its writable
serializer fields take no `source=`, no base comes from a package the lint environment lacks, and the
view does not fill the instance or the validated data itself (`form.instance.project = p`,
`serializer.validated_data["project"] = p`).
"""
from __future__ import annotations

import ast
from typing import Iterable, Tuple

from .. import orm
from ..index.sources import project_method
from ..index.validation import Validator
from .scope import BindingKind, ModuleScope, names_field, stores_field_of

# Methods through which a form or serializer class may give the saved row values beyond its fields: the
# validation steps, and its own save() / create() (named as the ORM's, from its table).
_SAVE = tuple(sorted(name for name in orm.SAVE if orm.sync_name(name) == name))
_CREATE = tuple(sorted(name for name in orm.CREATE if orm.sync_name(name) == name))
SERIALIZER_HOOKS = ("validate", "to_internal_value", "run_validation", "run_validators") + _SAVE + _CREATE
FORM_HOOKS = ("__init__", "clean", "_post_clean", "full_clean") + _SAVE
MUTATORS = frozenset({"update", "setdefault", "__setitem__"})
# Positional parameters of a form's `__init__` before `instance` (data, files): more may pass one.
FORM_DATA_POSITIONALS = 2
LOOPS = (ast.For, ast.AsyncFor, ast.While)
CREATE_VIEWS = ("django.views.generic.CreateView", "django.views.generic.edit.CreateView",
                "django.views.generic.edit.BaseCreateView")
UPDATE_VIEWS = ("django.views.generic.UpdateView", "django.views.generic.edit.UpdateView",
                "django.views.generic.edit.BaseUpdateView")
# The steps of a generic edit view by which the form it hands `form_valid()` could get another instance.
FORM_INSTANCE_STEPS = ("get_form_kwargs", "get_form", "get_object", "get", "post", "put")
FILLED = ("instance", "validated_data", "cleaned_data")  # what a view may fill of a form or serializer


def surely_inserts(project, scope: ModuleScope, holder: ast.AST, validator: Validator) -> bool:
    """Whether `holder.save()` inserts: `holder` is built in its function, on every binding, by a call
    without an instance (no `instance=`, no `**`; a serializer's first positional argument is the
    instance), or is the `serializer` DRF's `CreateModelMixin.create()` hands `perform_create()`, or the
    form Django's CreateView hands `form_valid()`."""
    if not isinstance(holder, ast.Name):
        return False
    binding, func = scope.binding_before(holder.id, holder)
    if binding is None or func is None:
        return False
    if binding.kind is BindingKind.PARAM:
        if validator.kind.is_serializer:
            return holder.id == "serializer" and getattr(func, "name", "") == "perform_create"
        return generic_view_form(project, scope, holder, func, CREATE_VIEWS)
    # the bindings that may be in effect: those before the save (a branch may pick any), all in a loop
    looped = _in_loop(scope, holder, func)
    position = (holder.lineno, holder.col_offset)
    bindings = [b for b in scope.bindings(func).get(holder.id) or () if looped or (b.line, b.col) < position]
    return bool(bindings) and all(b.kind is BindingKind.ASSIGN and _builds_without_instance(b.value, validator)
                                  for b in bindings)


def generic_view_form(project, scope: ModuleScope, holder: ast.Name, func: ast.AST, views: Tuple[str, ...]) -> bool:
    """Whether `holder` is the `form` parameter of `form_valid(self, form)` in a subclass of one of Django's
    generic edit `views`: `ProcessFormView.post()` builds it through `get_form()`, whose
    `get_form_kwargs()` passes `instance=self.object` — set by `BaseCreateView.post()` to None, by
    `BaseUpdateView.post()` to the row `get_object()` finds — unless a class of the view outside Django
    overrides one of those steps, or is not read (it may)."""
    if getattr(func, "name", "") != "form_valid" or not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    params = func.args.posonlyargs + func.args.args
    cls = scope.enclosing_class(func)
    if len(params) < 2 or params[1].arg != holder.id or cls is None or scope.parent(cls) is not scope.tree:
        return False
    facts = project.find_class(f"{scope.module}.{cls.name}")
    if facts is None or not project.inherits(facts, views):
        return False
    if any(one is None and not dotted.startswith("django.") for dotted, one in project.ancestors(facts)):
        return False
    return not any(one.method(name) is not None for one in project.lineage(facts)
                   if not one.module.startswith("django.") for name in FORM_INSTANCE_STEPS)


def _in_loop(scope: ModuleScope, node: ast.AST, func: ast.AST) -> bool:
    for _, parent in scope.ancestors(node):
        if parent is func:
            return False
        if isinstance(parent, LOOPS):
            return True
    return False


def _builds_without_instance(value, validator: Validator) -> bool:
    if not isinstance(value, ast.Call):
        return False
    if any(k.arg is None or k.arg == "instance" for k in value.keywords):
        return False
    if any(isinstance(a, ast.Starred) for a in value.args):
        return False
    limit = 0 if validator.kind.is_serializer else FORM_DATA_POSITIONALS
    return len(value.args) <= limit


def may_fill(project, scope: ModuleScope, holder: ast.AST, validator: Validator, fields: Iterable[str]) -> bool:
    """Whether the class or the view around `holder.save()` may give the row any of `fields` (model
    field names the class's own fields and the save's keywords leave out)."""
    fields = tuple(fields)
    if not fields:
        return False
    if validator.unread_packages or validator.sources_renamed or not validator.classes:
        return True
    hooks = SERIALIZER_HOOKS if validator.kind.is_serializer else FORM_HOOKS
    for dotted in validator.classes:
        cls = project.find_class(dotted)
        if cls is None:
            return True
        for facts in project.lineage(cls):
            if facts.module.startswith(("django.", "rest_framework.")):
                continue  # the framework's own: copies the class's fields only
            for name in hooks:
                if facts.method(name) is None:
                    continue
                found = project_method(project, facts.qualname, name)
                if found is None or _names_any(found[0], fields):
                    return True
    return not isinstance(holder, ast.Name) or _view_fills(scope, holder, fields)


def _names_any(function: ast.AST, fields: tuple) -> bool:
    """A body that names one of the fields (a key, an attribute, a keyword) or adds unknown keys
    (`attrs.update(other)`, `dict(**extra)`, `setattr()`): it may set them."""
    for node in ast.walk(function):
        if isinstance(node, ast.Constant) and names_field(node.value, fields):
            return True
        if isinstance(node, ast.Attribute) and names_field(node.attr, fields):
            return True
        if isinstance(node, ast.keyword) and (node.arg is None or names_field(node.arg, fields)):
            return True
        if isinstance(node, ast.Call) and (
                (isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS)
                or (isinstance(node.func, ast.Name) and node.func.id == "setattr")):
            return True
    return False


def _view_fills(scope: ModuleScope, holder: ast.Name, fields: tuple) -> bool:
    """`form.instance.<field> = x`, `setattr(form.instance, ...)`, `serializer.validated_data["<field>"] =
    x` (or a computed key), `.update(...)` in the function around the save; another attribute or key
    (`form.instance.user = request.user`) fills another field."""
    func = scope.enclosing_function(holder)
    if func is None:
        return True
    if stores_field_of(func, holder.id, fields, through=FILLED):
        return True  # form.instance.project = p
    for node in ast.walk(func):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == holder.id
                and node.attr in FILLED):
            continue
        parent = scope.parent(node)
        if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Store) and not (
                isinstance(parent.slice, ast.Constant) and not names_field(parent.slice.value, fields)):
            return True  # serializer.validated_data["project"] = p, or a key computed
        if isinstance(parent, ast.Attribute) and parent.attr in MUTATORS:
            return True
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "setattr":
            return True
    return False
