"""Which keys a form's `cleaned_data` can hold, read statically from the form's class chain.

A `**form.cleaned_data` spread into `Model.objects.create(**kwargs)` sets a model field only when the
dict holds its key (analysis/argument_kinds.py); a field no key sets keeps its default. What Django puts
there (django/forms/forms.py `_clean_fields()`, `_clean_form()`; django/forms/models.py
`fields_for_model()`):

- the form's fields: declared on the class or a base, added by a method (`self.fields["x"] = ...`), and
  for a ModelForm the model fields `Meta.fields` lists, or — `"__all__"`, or `Meta.exclude` alone — every
  model field not excluded that is editable (`fields_for_model` skips `editable=False`, also when the
  field class's `__init__` sets it, and auto_now fields, which DateField makes non-editable);
- whatever code of the class chain stores into it (`self.cleaned_data["k"] = ...`, `cleaned_data["k"]`
  on the dict `super().clean()` returns, `.update()`, `.setdefault()`, `self.cleaned_data = {...}`);
- what `clean()` returns, when it returns another dict (`_clean_form` stores it as cleaned_data).

The answer is a set of keys, or None — "may hold anything" — when any of that cannot be read: a base of
the chain outside Django's plain form classes that is not read, a Meta whose fields or model are not
literal, a model some base of which is not read, a store under a computed key, an update of unknown
keys, a cleaned_data handed to a call that may change it. Only "absent" decides anything, so it must be
certain.
"""
from __future__ import annotations

import ast
from typing import FrozenSet, Iterable, Optional, Set

from .facts import ClassFacts
from .modules import ModuleIndex
from .sources import project_method
from .validation import ModelOfValue, _meta_option

# Django's own form classes: the keys they put into cleaned_data are the form's fields, nothing else.
PLAIN_FORM_CLASSES = frozenset({
    "django.forms.Form", "django.forms.forms.Form", "django.forms.BaseForm", "django.forms.forms.BaseForm",
    "django.forms.ModelForm", "django.forms.models.ModelForm", "django.forms.models.BaseModelForm",
    "django.forms.BaseModelForm", "forms.Form", "forms.ModelForm", "object", "builtins.object",
})
# Calls that only read the dict they are given (`dict(self.cleaned_data)`, `len(cleaned_data)`).
READERS = frozenset({"dict", "len", "list", "set", "sorted", "iter", "bool", "any", "all", "isinstance",
                     "iteritems", "six.iteritems", "copy", "copy.copy", "copy.deepcopy", "deepcopy", "tuple"})
# Methods of a dict that read it, or remove keys: never a key added.
DICT_READS = frozenset({"get", "pop", "items", "keys", "values", "copy", "iteritems", "iterkeys", "itervalues",
                        "__contains__", "popitem", "clear"})


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
    for dotted, facts in project.ancestors(cls):
        if dotted in PLAIN_FORM_CLASSES or (facts is not None and facts.qualname in PLAIN_FORM_CLASSES):
            continue
        if facts is None or facts.module.startswith("django."):
            return None  # a base not read, or one of Django's that may declare fields (UserCreationForm)
        chain.append(facts)
    keys: Set[str] = set()
    for facts in chain:
        keys |= {name for name, _ in facts.assigns}  # every class attribute: the declared fields among them
        for method in facts.methods:
            keys |= {name for name, _ in method.form_fields}
            found = project_method(project, facts.qualname, method.name)
            if found is None:
                return None
            stored = keys_stored(found[0], method.name == "clean")
            if stored is None:
                return None
            keys |= stored
    if model_form:
        fields = _model_form_fields(project, model_of_value, chain)
        if fields is None:
            return None
        keys |= fields
    return frozenset(keys)


def _model_form_fields(project: ModuleIndex, model_of_value: ModelOfValue, chain) -> Optional[Set[str]]:
    """The model fields a ModelForm's Meta generates form fields for (`fields_for_model`)."""
    owner = next((facts for facts in chain if facts.meta is not None), None)
    meta = owner.meta if owner is not None else None
    module = project.module(owner.module) if owner is not None else None
    if meta is None or module is None:
        return None
    listed = _meta_option(project, meta, "fields")
    excluded = _meta_option(project, meta, "exclude")
    if isinstance(listed, tuple):
        return set(listed) if all(isinstance(name, str) for name in listed) else None
    if not (listed == "__all__" or (listed is None and isinstance(excluded, tuple))):
        return None  # no readable Meta.fields: Django refuses it, or the class is built elsewhere
    if excluded is not None and not (isinstance(excluded, tuple) and all(isinstance(e, str) for e in excluded)):
        return None
    model = model_of_value(module, _meta_option(project, meta, "model"))
    facts = getattr(model, "facts", None)
    if model is None or facts is None or any(found is None and not dotted.startswith("django.")
                                             for dotted, found in project.ancestors(facts)):
        return None  # fields a model base not read declares are unknown
    return {name for name, field in model.fields.items() if field.editable} - set(excluded or ())


# ------------------------------------------------------------------------------------ method bodies
def keys_stored(function: ast.AST, is_clean: bool) -> Optional[Set[str]]:
    """The keys a method stores into a form's cleaned_data (constant keys only), plus — for `clean()` —
    those of a new dict it returns; None when it stores what cannot be read."""
    aliases = _aliases(function)
    found: Set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                stored = _stored_by_target(target, node.value, aliases)
                if stored is None:
                    return None
                found |= stored
        elif isinstance(node, ast.Call):
            stored = _stored_by_call(node, aliases)
            if stored is None:
                return None
            found |= stored
        elif is_clean and isinstance(node, ast.Return) and node.value is not None:
            returned = _literal_keys(node.value, aliases)
            if returned is None:
                return None
            found |= returned
    return found


def is_cleaned_data(expr: Optional[ast.AST], aliases: Iterable[str] = ()) -> bool:
    """`<x>.cleaned_data`, a name bound to it (`aliases`), or `super().clean()` / `self.clean()`, which
    return it."""
    if isinstance(expr, ast.Attribute):
        return expr.attr == "cleaned_data"
    if isinstance(expr, ast.Name):
        return expr.id in aliases or expr.id == "cleaned_data"
    return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "clean"
            and not expr.args)


def _aliases(function: ast.AST) -> Set[str]:
    """Local names bound anywhere in the function to the cleaned_data (or to another such name)."""
    names: Set[str] = set()
    assigns = [n for n in ast.walk(function) if isinstance(n, ast.Assign)]
    for _ in range(3):
        for node in assigns:
            if is_cleaned_data(node.value, names):
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _stored_by_target(target: ast.AST, value: Optional[ast.AST], aliases: Set[str]) -> Optional[Set[str]]:
    if isinstance(target, (ast.Tuple, ast.List)):
        found: Set[str] = set()
        for element in target.elts:
            one = _stored_by_target(element, None, aliases)
            if one is None:
                return None
            found |= one
        return found
    if isinstance(target, ast.Subscript) and is_cleaned_data(target.value, aliases):
        key = target.slice
        return {key.value} if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    if isinstance(target, ast.Attribute) and target.attr == "cleaned_data":
        return _literal_keys(value, aliases) if value is not None else None
    return set()


def _literal_keys(value: ast.AST, aliases: Set[str]) -> Optional[Set[str]]:
    """The keys of a dict that becomes cleaned_data: none new for the cleaned_data itself (or None),
    a literal's constant keys; None for anything else."""
    if is_cleaned_data(value, aliases) or (isinstance(value, ast.Constant) and value.value is None):
        return set()
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                           for k in value.keys):
        return {k.value for k in value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return None


def _stored_by_call(call: ast.Call, aliases: Set[str]) -> Optional[Set[str]]:
    """`cleaned_data.update(...)` / `.setdefault(k, ...)`: the keys added; a cleaned_data handed to a
    call that may change it: None."""
    func = call.func
    if isinstance(func, ast.Attribute) and is_cleaned_data(func.value, aliases):
        if func.attr == "setdefault":
            first = call.args[0] if call.args else None
            return {first.value} if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
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
    given = list(call.args) + [kw.value for kw in call.keywords if kw.arg is not None]
    if any(is_cleaned_data(arg, aliases) for arg in given):
        name = func.id if isinstance(func, ast.Name) else (
            f"{func.value.id}.{func.attr}" if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            else "")
        return set() if name in READERS or name.rpartition(".")[2] in READERS else None
    return set()


__all__ = ["cleaned_data_keys", "is_cleaned_data", "keys_stored"]
