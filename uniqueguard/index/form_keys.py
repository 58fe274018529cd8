"""Which keys a form's `cleaned_data` can hold, read statically from the form's class chain.

A `**form.cleaned_data` spread into `Model.objects.create(**kwargs)` sets a model field only when the
dict holds its key (analysis/argument_kinds.py); a field no key sets keeps its default. What Django puts
there (django/forms/forms.py `_clean_fields()`, `_clean_form()`; django/forms/models.py
`fields_for_model()`, `ModelFormMetaclass`):

- the form's fields: declared on the class or a base, added by a method (`self.fields["x"] = ...`,
  `self.base_fields[...]`), and for a ModelForm the model fields `Meta.fields` lists, or every model
  field that is editable (`fields_for_model` skips `editable=False`, also when the field class's
  `__init__` sets it, and auto_now fields, which DateField makes non-editable), less `Meta.exclude` —
  none when `Meta.model` is None;
- whatever code of the class chain stores into it (`self.cleaned_data["k"] = ...`, `cleaned_data["k"]`
  on the dict `super().clean()` returns, `.update()`, `.setdefault()`, `self.cleaned_data = {...}`);
- what `clean()` returns, when it returns another dict (`_clean_form` stores it as cleaned_data).

A key computed so that it surely holds "__" (`"%s__%s" % (name, language)`) names no model field
(Django's check fields.E002 forbids it), and neither does a translated field django-parler's form adds:
both stand as NO_MODEL_FIELD. The answer is a set of keys, or None — "may hold anything" — when any of
that cannot be read: a base of the chain outside Django's plain form classes that is not read (or is
read from a stub, which declares names, not what a method does), a ModelForm's Meta without fields nor
exclude, a model some base of which is not read, a store under a computed key, an update of unknown
keys, a cleaned_data handed to a call that may change it. Only "absent" decides anything, so it must be
certain.
"""
from __future__ import annotations

import ast
import os
from typing import Callable, FrozenSet, Iterable, Optional, Set

from .facts import ClassFacts, dotted_name, positional_parameters
from .modules import STUBS_ROOT, ModuleIndex
from .sources import project_method
from .validation import ModelOfValue, _meta_option

# Django's own form classes: the keys they put into cleaned_data are the form's fields, nothing else.
PLAIN_FORM_CLASSES = frozenset({
    "django.forms.Form", "django.forms.forms.Form", "django.forms.BaseForm", "django.forms.forms.BaseForm",
    "django.forms.ModelForm", "django.forms.models.ModelForm", "django.forms.models.BaseModelForm",
    "django.forms.BaseModelForm", "forms.Form", "forms.ModelForm", "object", "builtins.object",
})
# django-parler's model form bases: their metaclass adds a form field for each translated field of the
# model, and parler refuses a translated field named like a field of the shared model
# (`TranslatedFieldsModelMixin.contribute_translations`): none of those keys sets a model field.
TRANSLATABLE_FORM_CLASSES = frozenset({"parler.forms.TranslatableModelForm", "parler.forms.BaseTranslatableModelForm",
                                       "parler.forms.TranslatableModelFormMixin"})
# Stands in a key set for keys that name no model field: translated fields, and computed keys that
# surely hold "__", which no model field's name does (Django's check fields.E002). A parameter may
# still be named so: whoever asks about a parameter counts it as holding any name.
NO_MODEL_FIELD = "__"
# Calls that only read the dict they are given (`dict(self.cleaned_data)`, `len(cleaned_data)`).
READERS = frozenset({"dict", "len", "list", "set", "sorted", "iter", "bool", "any", "all", "isinstance",
                     "iteritems", "six.iteritems", "copy", "copy.copy", "copy.deepcopy", "deepcopy", "tuple"})
COPIERS = frozenset({"dict", "copy.copy", "copy", "copy.deepcopy", "deepcopy"})  # the same keys
# Methods of a dict that read it, or remove keys: never a key added.
DICT_READS = frozenset({"get", "pop", "items", "keys", "values", "copy", "iteritems", "iterkeys", "itervalues",
                        "__contains__", "popitem", "clear", "move_to_end"})


def cleaned_data_keys(project: ModuleIndex, model_of_value: ModelOfValue, cls: ClassFacts,
                      model_form: bool) -> Optional[FrozenSet[str]]:
    """The keys a form of class `cls` can hold in cleaned_data; None when that cannot be known."""
    key = ("cleaned-data-keys", cls.qualname)
    if key not in project.derived:
        project.derived[key] = _keys(project, model_of_value, cls, model_form)
    found = project.derived[key]
    return found if isinstance(found, frozenset) else None


def _keys(project: ModuleIndex, model_of_value: ModelOfValue, cls: ClassFacts,
          model_form: bool) -> Optional[FrozenSet[str]]:
    chain = [cls]
    keys: Set[str] = set()
    for dotted, facts in project.ancestors(cls):
        names = {dotted, facts.qualname if facts is not None else dotted}
        if names & PLAIN_FORM_CLASSES:
            continue
        if names & TRANSLATABLE_FORM_CLASSES:
            keys.add(NO_MODEL_FIELD)  # its translated fields, which no field of the shared model is named
            continue
        if facts is None or facts.module.startswith("django.") or _stubbed(project, facts):
            return None  # not read, or read from a stub, which declares names, not what a method does
        chain.append(facts)
    for facts in chain:
        keys |= {name for name, _ in facts.assigns}  # every class attribute: the declared fields among them
        for method in facts.methods:
            keys |= {name for name, _ in method.form_fields}
            found = project_method(project, facts.qualname, method.name)
            stored = keys_stored(found[0], method.name == "clean", _chain_method(project, chain)) if found else None
            if stored is None:
                return None
            keys |= stored
    if model_form:
        fields = _model_form_fields(project, model_of_value, chain)
        if fields is None:
            return None
        keys |= fields
    return frozenset(keys)


def _stubbed(project: ModuleIndex, facts: ClassFacts) -> bool:
    path = project.module_path(facts.module)
    return path is not None and path.startswith(STUBS_ROOT + os.sep)


def _chain_method(project: ModuleIndex, chain) -> Callable[[str], Optional[ast.AST]]:
    """`self.<name>` → the def the class chain gives it (None when no class of the chain defines it)."""
    def find(name: str) -> Optional[ast.AST]:
        owner = next((facts for facts in chain if facts.method(name) is not None), None)
        found = project_method(project, owner.qualname, name) if owner is not None else None
        return found[0] if found is not None else None
    return find


def _model_form_fields(project: ModuleIndex, model_of_value: ModelOfValue, chain) -> Optional[Set[str]]:
    """The model fields a ModelForm's Meta generates form fields for (`fields_for_model`: those
    `Meta.fields` lists, or every editable one, less `Meta.exclude`); a Meta whose `model` is None
    generates none (ModelFormMetaclass keeps the declared fields alone)."""
    owner = next((facts for facts in chain if facts.meta is not None), None)
    meta = owner.meta if owner is not None else None
    module = project.module(owner.module) if owner is not None else None
    if meta is None or module is None:
        return None
    listed = _meta_option(project, meta, "fields")
    excluded = _meta_option(project, meta, "exclude")
    removed = set(excluded) if isinstance(excluded, tuple) and all(isinstance(e, str) for e in excluded) else set()
    if isinstance(listed, tuple) and all(isinstance(name, str) for name in listed):
        return set(listed) - removed
    if listed is None and excluded is None:
        return None  # Django refuses it; or the class is built elsewhere (modelform_factory)
    if any(name == "model" for name, _ in meta.assigns) and meta.assigned("model") is None:
        return set()  # `model = None`: a base for model forms, no model fields
    model = model_of_value(module, _meta_option(project, meta, "model"))
    facts = getattr(model, "facts", None)
    if model is None or facts is None or any(found is None and not dotted.startswith("django.")
                                             for dotted, found in project.ancestors(facts)):
        return None  # fields a model base not read declares are unknown
    return {name for name, field in model.fields.items() if field.editable} - removed


# ------------------------------------------------------------------------------------ method bodies
# Where a form's keys live: its cleaned_data, and its fields (`self.fields`, the class's `base_fields`),
# each of which becomes a cleaned_data key.
KEY_HOLDERS = frozenset({"cleaned_data", "fields", "base_fields", "declared_fields"})
MethodOf = Callable[[str], Optional[ast.AST]]


def keys_stored(function: ast.AST, is_clean: bool, method_of: Optional[MethodOf] = None) -> Optional[Set[str]]:
    """The keys a method stores into a form's cleaned_data or fields (NO_MODEL_FIELD for computed keys
    that surely hold "__"), plus — for `clean()` — those of a new dict it returns; None when it stores
    what cannot be read. `method_of` gives the def of `self.<name>` (a method of the form's class chain):
    a cleaned_data handed to one that only reads it adds nothing."""
    aliases = _aliases(function)
    found: Set[str] = set()
    for node in ast.walk(function):
        stored: Optional[Set[str]] = set()
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                one = _stored_by_target(target, node.value, aliases, function)
                stored = None if one is None or stored is None else stored | one
        elif isinstance(node, ast.Call):
            stored = _stored_by_call(node, aliases, function, method_of)
        elif is_clean and isinstance(node, ast.Return) and node.value is not None:
            stored = _literal_keys(node.value, aliases)
        if stored is None:
            return None
        found |= stored
    return found


def is_cleaned_data(expr: Optional[ast.AST], aliases: Iterable[str] = ()) -> bool:
    """`<x>.cleaned_data` (or `self.fields`...: KEY_HOLDERS), a name bound to one (`aliases`), or
    `super().clean()` / `self.clean()`, which return the cleaned_data."""
    if isinstance(expr, ast.Attribute):  # the form's own fields: `self.fields`, not `self._meta.fields`
        return expr.attr == "cleaned_data" or (expr.attr in KEY_HOLDERS and isinstance(expr.value, ast.Name)
                                               and expr.value.id in ("self", "cls"))
    if isinstance(expr, ast.Name):
        return expr.id in aliases or expr.id == "cleaned_data"
    return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "clean"
            and not expr.args)


def _aliases(function: ast.AST) -> Set[str]:
    """Local names bound anywhere in the function to a key holder (or to another such name)."""
    names: Set[str] = set()
    assigns = [n for n in ast.walk(function) if isinstance(n, ast.Assign)]
    for _ in range(3):
        for node in assigns:
            if is_cleaned_data(node.value, names):
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _stored_by_target(target: ast.AST, value: Optional[ast.AST], aliases: Set[str],
                      function: ast.AST) -> Optional[Set[str]]:
    if isinstance(target, (ast.Tuple, ast.List)):
        found: Set[str] = set()
        for element in target.elts:
            one = _stored_by_target(element, None, aliases, function)
            if one is None:
                return None
            found |= one
        return found
    if isinstance(target, ast.Subscript) and is_cleaned_data(target.value, aliases):
        return _key(target.slice, function)
    if isinstance(target, ast.Attribute) and target.attr in KEY_HOLDERS:
        return _literal_keys(value, aliases) if value is not None else None
    return set()


def _key(key: ast.AST, function: ast.AST) -> Optional[Set[str]]:
    """{the key} of a constant; {NO_MODEL_FIELD} of a key that surely holds "__"; else None."""
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return {key.value}
    return {NO_MODEL_FIELD} if _holds_dunder(key, function) else None


def _holds_dunder(expr: ast.AST, function: ast.AST, depth: int = 0) -> bool:
    """Whether the string `expr` computes surely holds "__": a literal part holding it, kept by `%`
    formatting, an f-string or `+`, or a local every assignment of which does."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str) and "__" in expr.value
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        return isinstance(expr.left, ast.Constant) and _holds_dunder(expr.left, function)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _holds_dunder(expr.left, function, depth) or _holds_dunder(expr.right, function, depth)
    if isinstance(expr, ast.JoinedStr):
        return any(_holds_dunder(part, function) for part in expr.values if isinstance(part, ast.Constant))
    if isinstance(expr, ast.Name) and depth < 3:
        values = [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)]
        bound = [node for node in ast.walk(function) if isinstance(node, ast.Name) and node.id == expr.id
                 and isinstance(node.ctx, ast.Store)]
        return bool(values) and len(values) == len(bound) and all(_holds_dunder(v, function, depth + 1)
                                                                  for v in values)
    return False


def _literal_keys(value: ast.AST, aliases: Set[str]) -> Optional[Set[str]]:
    """The keys of a dict that becomes a key holder: none new for a key holder itself, a copy of one
    (`self.base_fields.copy()`) or None; a literal's constant keys; None for anything else."""
    if isinstance(value, ast.Call) and not value.keywords and (
            (isinstance(value.func, ast.Attribute) and value.func.attr == "copy" and not value.args
             and is_cleaned_data(value.func.value, aliases))
            or (_name_of(value.func) in COPIERS and len(value.args) == 1 and is_cleaned_data(value.args[0], aliases))):
        return set()
    if is_cleaned_data(value, aliases) or (isinstance(value, ast.Constant) and value.value is None):
        return set()
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                           for k in value.keys):
        return {k.value for k in value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return None


def _stored_by_call(call: ast.Call, aliases: Set[str], function: ast.AST,
                    method_of: Optional[MethodOf]) -> Optional[Set[str]]:
    """`cleaned_data.update(...)` / `.setdefault(k, ...)`: the keys added; a key holder handed to a
    call that may change it: None."""
    func = call.func
    if isinstance(func, ast.Attribute) and is_cleaned_data(func.value, aliases):
        if func.attr == "setdefault":
            return _key(call.args[0], function) if call.args else None
        if func.attr == "update":
            found: Set[str] = set()
            for arg in call.args:
                keys = _literal_keys(arg, aliases)
                if keys is None:
                    return None
                found |= keys
            if any(kw.arg is None for kw in call.keywords):
                return None
            return found | {kw.arg for kw in call.keywords if kw.arg is not None}
        return set() if func.attr in DICT_READS else None
    for position, arg in enumerate(call.args):
        if is_cleaned_data(arg, aliases) and not _only_reads(func, position, method_of):
            return None
    if any(kw.arg is not None and is_cleaned_data(kw.value, aliases) for kw in call.keywords):
        return None
    return set()


def _only_reads(func: ast.AST, position: int, method_of: Optional[MethodOf]) -> bool:
    """Whether the callee surely only reads the dict given at `position`: a reader (`dict(d)`,
    `len(d)`), or a method of the form's chain (`self._save_translations(instance, self.cleaned_data)`)
    whose parameter there is only read."""
    name = _name_of(func)
    if name in READERS or name.rpartition(".")[2] in READERS:
        return True
    if not (method_of is not None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == "self"):
        return False
    method = method_of(func.attr)
    params = positional_parameters(method)[1:]
    return position < len(params) and method is not None and keys_only_removed(method, params[position], 0)


def keys_only_removed(function: ast.AST, name: str, bindings: int = 1) -> bool:
    """Whether every use of the local `name` in the function reads or removes keys — `name.pop(k)`,
    `.get(k)`, `.items()`, `del name[k]`, `name[k]` read, `k in name`, `for k in name`, `**name`, a
    `return name` — and it is bound `bindings` times (a parameter: none): no key is added to its dict.
    Uses in nested functions and lambdas count too: a closure may add keys to the same dict (and a
    nested function's own binding of the name only makes the answer stricter)."""
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    bound = 0
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if isinstance(node.ctx, ast.Store):
            bound += 1
            continue
        if isinstance(node.ctx, ast.Del):
            return False  # the name itself deleted: rebound later, perhaps
        parent = parents.get(node)
        if not _reads(node, parent):
            return False
    return bound == bindings


def _reads(node: ast.AST, parent: Optional[ast.AST]) -> bool:
    """Whether the use `node` of a dict (below `parent`) only reads it or removes keys."""
    if isinstance(parent, ast.Attribute):
        return parent.attr in DICT_READS  # `name.pop(...)`
    if isinstance(parent, ast.Subscript):
        return parent.value is node and not isinstance(parent.ctx, ast.Store)  # `name[k]`, `del name[k]`
    if isinstance(parent, ast.keyword):
        return parent.arg is None  # `**name`
    if isinstance(parent, ast.Compare):
        return node in parent.comparators  # `k in name`
    if isinstance(parent, (ast.For, ast.comprehension)):
        return parent.iter is node
    return isinstance(parent, ast.Return)


def _name_of(func: ast.AST) -> str:
    return dotted_name(func) or ""


__all__ = ["NO_MODEL_FIELD", "cleaned_data_keys", "is_cleaned_data", "keys_only_removed", "keys_stored"]
