"""Models named by values read from module facts: labels, settings, and the functions that return them.

Real code rarely imports a swappable or pluggable model: it asks for it. `Voucher = get_voucher_model()`
with the getter in another module, whose body is `apps.get_model(settings.VOUCHER_MODEL)`,
`apps.get_model(getattr(settings, "X", "app.Model"))`, `swapper.load_model("app", "Model")`,
`get_user_model()`, or simply `return Voucher`. Module facts record what every function returns
(`MethodFacts.returns`), so the model is followed across modules without reading a syntax tree again.

A setting names the model the project's settings module assigns it (`VOUCHER_MODEL = "shop.Voucher"`),
else the model whose `Meta.swappable` names that setting (the app's default), else the `getattr` default.
An app-settings object's attribute (`oauth2_settings.ACCESS_TOKEN_MODEL`) names the one model whose
swappable setting is that name under the app's prefix (`OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL`).
Anything else is unknown (None), never a guess.
"""
from __future__ import annotations

from typing import Optional

from .facts import CallValue, ModuleFacts, Ref, names_auth_user_model

MAX_HOPS = 8
GET_USER_MODEL = "django.contrib.auth.get_user_model"


def model_of_value(project, facts: Optional[ModuleFacts], value, hops: int = 0):
    """The model a literal names, read in the module `facts` describes; None when it names none."""
    if hops > MAX_HOPS:
        return None
    if isinstance(value, str):
        return project.model_by_label(value)
    if isinstance(value, Ref):
        return model_of_dotted(project, facts, value.dotted, hops + 1)
    if isinstance(value, CallValue):
        return model_of_call(project, facts, value, hops + 1)
    return None


def model_of_dotted(project, facts: Optional[ModuleFacts], dotted: str, hops: int = 0):
    """A class name, `settings.X`, or a name another module bound to a model (`Voucher = get_x()`)."""
    if hops > MAX_HOPS or not dotted:
        return None
    if names_auth_user_model(dotted):
        return project.user_model()
    if "." not in dotted:
        bound = facts.assigned(dotted) if facts is not None else None
        return model_of_value(project, facts, bound, hops + 1) if bound is not None else None
    setting = setting_name(dotted)
    if setting is not None:
        return model_of_setting(project, setting, hops + 1)
    found = project.model(dotted)
    if found is not None:
        return found
    module_name, _, name = dotted.rpartition(".")
    if name.isupper():
        # An app-settings object's attribute (`oauth2_settings.ACCESS_TOKEN_MODEL`): the model whose
        # `Meta.swappable` is that name under the app's prefix (`OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL`).
        found = _swappable_by_suffix(project, name)
        if found is not None:
            return found
    # A standard-library module binds no name to a project's model: not read to find out (`copy.copy`).
    module = None if project.modules.in_standard_library(module_name) else project.module(module_name)
    if module is None:
        return None
    bound = module.assigned(name)
    if bound is not None:
        return model_of_value(project, module, bound, hops + 1)
    target = module.import_map().get(name)  # re-exported from a third module
    return model_of_dotted(project, module, target, hops + 1) if target and target != dotted else None


def setting_name(dotted: str) -> Optional[str]:
    """`X` for `django.conf.settings.X` / `<project>.settings.X` with an upper-case X, else None."""
    head, _, name = dotted.rpartition(".")
    if name.isupper() and (head == "settings" or head.endswith(".settings")):
        return name
    return None


def model_of_setting(project, setting: str, hops: int = 0, default=None):
    """The model a settings name holds: the settings module's value, else the model declaring
    `Meta.swappable = setting`, else `default` (a `getattr(settings, "X", "app.Model")` fallback)."""
    value = project.settings.values.get(setting)
    if isinstance(value, str):
        found = project.model_by_label(value)
        if found is not None:
            return found
    found = project.swappable_models().get(setting)
    if found is not None:
        return found
    return model_of_value(project, None, default, hops + 1) if default is not None else None


def _swappable_by_suffix(project, name: str):
    """The one model whose swappable setting is `name` or ends with `_<name>`; None when none or several."""
    found = [info for setting, info in project.swappable_models().items()
             if setting == name or setting.endswith("_" + name)]
    return found[0] if len({m.qualname for m in found}) == 1 else None


def model_of_call(project, facts: Optional[ModuleFacts], call: CallValue, hops: int = 0):
    """`get_user_model()`, `apps.get_model(...)` in every spelling, `swapper.load_model(app, name)`,
    `getattr(settings, "X", default)`, and any project function whose every return names one model."""
    if hops > MAX_HOPS:
        return None
    last = call.last
    if call.func == GET_USER_MODEL or (last == "get_user_model" and not call.args):
        return project.user_model()
    if last == "get_model":
        return _get_model(project, facts, call, hops)
    if last == "load_model" and len(call.args) >= 2:  # swapper.load_model("app", "Model")
        app, name = call.args[0], call.args[1]
        if isinstance(app, str) and isinstance(name, str):
            return model_of_setting(project, f"{app}_{name}_MODEL".upper(), hops + 1, f"{app}.{name}")
        return None
    if call.func == "getattr" and len(call.args) >= 2 and isinstance(call.args[1], str):
        holder = call.args[0]
        if isinstance(holder, Ref) and (holder.dotted == "settings" or holder.dotted.endswith(".settings")):
            default = call.args[2] if len(call.args) > 2 else None
            return model_of_setting(project, call.args[1], hops + 1, default)
        return None
    if not call.func or call.args or call.kwargs:
        return None  # getters take no arguments; anything else may return what its arguments choose
    return model_returned_by(project, facts, call.func, hops + 1)


def _get_model(project, facts, call: CallValue, hops: int):
    """`apps.get_model("app", "Model")`, `("app.Model")`, `(app_label="app", model_name="Model")`,
    `(settings.X)`, `(getattr(settings, "X", "app.Model"))`; oscar's `get_model(app, name)` alike."""
    args = list(call.args)
    for key in ("app_label", "model_name"):
        value = call.kwarg(key)
        if value is not None:
            args.append(value)
    if len(args) == 2 and all(isinstance(a, str) for a in args):
        return project.model_by_label(f"{args[0]}.{args[1]}")
    if len(args) == 1:
        return model_of_value(project, facts, args[0], hops + 1)
    return None


def function_facts(project, dotted: str):
    """(MethodFacts, ModuleFacts) of the module-level function a dotted name denotes, following
    re-exports (`from .utils import get_x` in a package's `__init__`), aliases and `*` — the one walk
    `ModuleIndex.find_definition` makes for classes too."""
    return project.modules.find_function(dotted)


def model_returned_by(project, facts: Optional[ModuleFacts], dotted: str, hops: int = 0):
    """The one model every `return` of a function names (None when one names none or they differ)."""
    if "." not in dotted and facts is not None:
        dotted = f"{facts.name}.{dotted}"
    found = function_facts(project, dotted)
    if found is None:
        return None
    function, module = found
    return agreed(project, module, function.returns, hops + 1)


def copied_parameter(function) -> Optional[int]:
    """The position of the parameter whose class every `return` of `function` (MethodFacts) instantiates
    — `obj.__class__(...)`, `type(obj)(...)`: a project helper building a new, unsaved instance of its
    argument's model (`copy_model_instance(product)`); None for anything else."""
    found = set()
    for value in function.returns:
        if not isinstance(value, CallValue):
            return None
        if value.func.endswith(".__class__") and value.func.count(".") == 1:
            found.add(value.func.partition(".")[0])
        elif (value.func == "type()" and value.args and isinstance(value.args[0], Ref)
              and "." not in value.args[0].dotted):
            found.add(value.args[0].dotted)
        else:
            return None
    if len(found) != 1:
        return None
    name = found.pop()
    return function.params.index(name) if name in function.params else None


def agreed(project, facts: Optional[ModuleFacts], values, hops: int = 0):
    """The model every value names, when they all name the same one (a bare `None` return is ignored)."""
    return the_one([model_of_value(project, facts, value, hops) for value in values if value is not None])


def the_one(models):
    """The model every entry names, when there is at least one and all name the same; else None."""
    if models and all(m is not None for m in models) and len({m.qualname for m in models}) == 1:
        return models[0]
    return None


__all__ = ["model_of_value", "model_of_dotted", "model_of_call", "model_of_setting", "model_returned_by",
           "function_facts", "copied_parameter", "agreed", "the_one", "setting_name"]
