"""What the call sites of a function pass, and what that decides for a write inside it.

A helper's write risks a unique set only as far as the values reaching it can collide. When every call
of the function in the project is known (the call graph, index/callgraph.py), what those calls pass is
part of the write's judgement:

- **arguments that skip the write.** `if is_glossary: return ...get_or_create(...)` before the write, and
  a call passing `is_glossary=True` (a constant, or a default) never reaches it: that call is no caller
  of this write.
- **NULL, or a fresh random value.** A call passing `None` (or leaving out a parameter whose default is
  None) for a field of a set whose NULLs are distinct, or a fresh random token (`uuid4().hex`,
  `get_random_string(12)`), gives that set a value no row holds.
- **values nobody passes.** A field the write takes from its function's `**kwargs` is set only when a
  call passes that key: explicitly, in a `**{...}` of known keys, in `**form.cleaned_data` (the form's
  fields), or through a caller's own `**kwargs` passed on unchanged (its callers' keys, to the graph's
  depth bound). When no call passes it, the field keeps its default (NULL, a random value...: fresh_values.py).
  Any call passing an unknown `**dict` may pass it. A named parameter a call fills only through such a
  `**kwargs` passed on is read the same way, each call up the chain judged on its own.
- **the caller's value or a fresh one.** `token = token or f"{queue}_{uuid4().hex}"` before the write: a call
  that passes nothing (the default None), `None` or a falsy literal gives the set a fresh random token.
- **a validated form's data.** A field every call takes from a form or serializer that validates the
  set (`form.cleaned_data["name"]`, `**form.cleaned_data` feeding named parameters and `**kwargs`, the
  receiver of `form.cleaned_data["project"].create_thing(...)` for a write through `self`) makes the
  set UNQ004's (a race behind validation), not UNQ001's.

A set safe at every reaching call is not at risk; one validated at every call (or safe) is UNQ004's.
A call graph fact records, per argument, one of these kinds (CallSite.args: (key, kind, detail)).
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..index.facts import positional_parameters
from ..index.form_keys import NO_MODEL_FIELD
from ..index.validation import renamed_keys
from ..records import dataclass

NEW = "new"  # a row the caller has just inserted; detail: the model's qualname
NONE = "none"  # None
RANDOM = "random"  # a fresh random token (`uuid4().hex`, `get_random_string(12)`: fresh_values.py)
CONSTANT = "const"  # a literal; detail: "1" when truthy, "0" when falsy
FORM = "form"  # a validated form's value; detail: "<class>+<class>|<cleaned_data key>" (key empty for `**`,
# ANY_KEY for a `**` of a cleaned_data the caller may have added keys to)
KEYS = "keys"  # `**{...}` of literal keys; detail: the keys, comma-separated
FORWARD = "fwd"  # `**kwargs` of the caller passed on unchanged; detail: its name
PARAMETER = "param"  # a parameter of the caller passed on; detail: "<name>@<call position>" (-1: keyword)
UNKNOWN_KIND = "unknown"  # `**` or `*` of anything else
VALUE = "value"  # anything else

ANY_KEY = "*"

SELF = "self"  # a field written from the function's `self` (`self.items.create(...)` sets the FK to self)
SPREAD = "**"  # a field the write may take from the function's `**kwargs`


@dataclass(frozen=True)
class Signature:
    """The parameters a call binds: positional (without `self`), keyword-only, and the `**` name."""

    positional: Tuple[str, ...] = ()
    keyword_only: Tuple[str, ...] = ()
    kwargs: str = ""
    required: Tuple[str, ...] = ()  # parameters without a default
    varargs: bool = False  # a `*args` parameter

    def encode(self) -> str:
        return "|".join([",".join(self.positional), ",".join(self.keyword_only), self.kwargs,
                         ",".join(self.required), "*" if self.varargs else ""])

    @staticmethod
    def decode(text: str) -> "Signature":
        parts = (text.split("|") + [""] * 5)[:5]
        names = [tuple(p for p in part.split(",") if p) for part in parts]
        return Signature(names[0], names[1], parts[2], names[3], parts[4] == "*")

    def named(self, key: str) -> bool:
        return key in self.positional or key in self.keyword_only

    def binds(self, args: Sequence[tuple]) -> bool:
        """Whether a call passing `args` can be a call of this function: Python raises TypeError on a
        call that gives too many positional arguments, a keyword it does not take, or misses one it needs."""
        if any(key == "*" or (key == SPREAD and kind not in (FORM, KEYS)) for key, kind, _ in args):
            return True
        count = sum(1 for key, _, _ in args if key.isdigit())
        if count > len(self.positional) and not self.varargs:
            return False
        keys = {key for key, _, _ in args if key not in (SELF, SPREAD) and not key.isdigit()}
        if not self.kwargs and any(not self.named(key) for key in keys):
            return False
        spread = any(key == SPREAD for key, _, _ in args)
        for name in self.required:
            index = self.positional.index(name) if name in self.positional else -1
            if not (0 <= index < count or name in keys or spread):
                return False
        return True


def signature_of(func: ast.AST, is_method: bool) -> Signature:
    args = getattr(func, "args", None)
    if args is None:
        return Signature()
    positional = positional_parameters(func)
    required = positional[:len(positional) - len(args.defaults)]
    required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if is_method:
        positional, required = positional[1:], [r for r in required if r != positional[0]]
    return Signature(tuple(positional), tuple(a.arg for a in args.kwonlyargs),
                     args.kwarg.arg if args.kwarg is not None else "", tuple(required), args.vararg is not None)


# A site's argument for one input: (kind, detail), or None when the call does not pass it (the
# parameter's default applies, or the `**kwargs` key is absent).
Passed = Optional[Tuple[str, str]]
UNKNOWN_PASSED = (UNKNOWN_KIND, "")


def passed_for(args: Sequence[tuple], signature: Signature, param: str, index: int) -> Passed:
    """What a call (its CallSite.args) passes for the named parameter `param` at position `index`."""
    for key, kind, detail in args:
        if key == param:
            return kind, detail
    if index >= 0:
        for key, kind, detail in args:
            if key == "*":
                return UNKNOWN_PASSED
            if key == str(index):
                return kind, detail
    for key, kind, detail in args:
        if key == SPREAD:
            found = _spread_gives(kind, detail, param)
            if found is not None:
                return found
    return None


def _positional_unknown(args: Sequence[tuple], index: int) -> bool:
    """Whether a `*args` of the call may fill position `index`."""
    return index >= 0 and any(key == "*" for key, _, _ in args)


def _spread_gives(kind: str, detail: str, key: str) -> Passed:
    """What `**<spread>` gives for `key`; None when it surely does not hold the key."""
    if kind == FORM:
        return FORM, f"{detail.partition('|')[0]}|{key}"
    if kind == KEYS:
        return (VALUE, "") if key in detail.split(",") else None
    return UNKNOWN_PASSED


# ------------------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Input:
    """Where one field of a unique set gets its value from, among its function's parameters."""

    field: str
    param: str  # a parameter's name, SELF, or SPREAD
    index: int  # its call position (-1: keyword only, `self`, `**`)
    none_default: bool = False
    # `param = param or <fresh random token>` before the write: a falsy argument, or none, is a fresh value
    or_fresh: bool = False


def encode_inputs(sets: Sequence[Sequence[Input]]) -> str:
    return ";".join(",".join(f"{i.field}={i.param}@{i.index}@{'none' if i.none_default else ''}"
                             f"{'@or' if i.or_fresh else ''}" for i in one)
                    for one in sets)


def decode_inputs(text: str) -> List[Tuple[Input, ...]]:
    sets: List[Tuple[Input, ...]] = []
    for entry in text.split(";") if text else ():
        if entry == "-":  # a set some field of which no call decides
            sets.append(())
            continue
        inputs = []
        for pair in entry.split(","):
            field, _, passed = pair.partition("=")
            param, _, rest = passed.partition("@")
            index, _, rest = rest.partition("@")
            default, _, how = rest.partition("@")
            inputs.append(Input(field, param, int(index) if index.lstrip("-").isdigit() else -1, default == "none",
                                how == "or"))
        sets.append(tuple(inputs))
    return sets


@dataclass(frozen=True)
class Exit:
    """`if <param>: return ...` (or `if not <param>:`) before the write: a call whose argument makes the
    test take that branch never reaches the write."""

    param: str
    index: int
    when_truthy: bool  # the branch is taken when the argument is truthy
    default: str  # "1"/"0": the default's truth; "?" a default of unknown truth; "": no default


def encode_exits(exits: Sequence[Exit]) -> str:
    return ",".join(f"{e.param}@{e.index}@{'t' if e.when_truthy else 'f'}@{e.default}" for e in exits)


def decode_exits(text: str) -> List[Exit]:
    found = []
    for entry in text.split(",") if text else ():
        param, index, when, default = (entry.split("@") + ["", "", "", ""])[:4]
        found.append(Exit(param, int(index) if index.lstrip("-").isdigit() else -1, when == "t", default))
    return found


def reaches(args: Sequence[tuple], signature: Signature, exits: Sequence[Exit]) -> bool:
    """Whether a call passing `args` can reach the write past its `exits`."""
    for found in exits:
        passed = passed_for(args, signature, found.param, found.index)
        if passed is None:
            truth = found.default
        elif passed[0] == NONE:
            truth = "0"
        elif passed[0] == CONSTANT:
            truth = passed[1]
        else:
            continue
        if truth in ("0", "1") and (truth == "1") == found.when_truthy:
            return False
    return True


# ---------------------------------------------------------------------------------------- the verdict
# ("safe" | "validated" | "open", validator classes, ((field, the cleaned_data key it was read from), ...))
SiteOutcome = Tuple[str, Tuple[str, ...], Tuple[Tuple[str, str], ...]]
SAFE, VALIDATED, OPEN = "safe", "validated", "open"


class SiteReader:
    """Reads what one call passes for the inputs of a unique set. `forwarded` gives the call sites of a
    caller whose own `**kwargs` a call passes on (None: unknown), `field_for` maps a keyword to the model
    field it sets, `unset_is_fresh(field)` says whether leaving the field unset gives it a value nobody
    holds (NULL, a random default), `validates(classes)` whether those form classes validate the set.
    `holds(classes, wanted)` says whether a `**form.cleaned_data` of those form classes may hold a key
    `wanted(key)` accepts: False only when it surely holds none (index/form_keys.py); a spread whose dict
    the caller may have added keys to (detail key ANY_KEY) may hold any."""

    def __init__(self, signature: Signature, field_for: Callable[[str], Optional[str]],
                 forwarded: Callable[[str], Optional[List[tuple]]], depth: int = 4,
                 holds: Optional[Callable[[Tuple[str, ...], Callable[[str], bool]], bool]] = None):
        self.signature = signature
        self.field_for = field_for
        self.forwarded = forwarded
        self.depth = depth
        self.holds = holds

    def _form_key(self, detail: str, key: str, wanted: Callable[[str], bool]) -> Passed:
        """What `**<a form's cleaned_data>` (its FORM detail) gives for `key` (any key `wanted` accepts
        lands there): the form's value, or None when the form's cleaned_data surely holds no such key."""
        classes, _, extra = detail.partition("|")
        if extra != ANY_KEY and self.holds is not None and not self.holds(
                tuple(c for c in classes.split("+") if c), wanted):
            return None
        return FORM, f"{classes}|{key}"

    def options(self, args: Sequence[tuple], item: Input, caller: str) -> List[Passed]:
        """What the call may pass for one input: one entry per way a value reaches it — each call up a
        chain of `**kwargs` passed on unchanged is one — None for a way that passes nothing (the
        parameter's default, or the key absent)."""
        if item.param == SELF:
            found: Passed = next(((kind, detail) for key, kind, detail in args if key == SELF), UNKNOWN_PASSED)
        elif item.param == SPREAD:
            return self._key(args, item.field, caller, self.depth)
        else:
            found = passed_for(args, self.signature, item.param, item.index)
            if found == UNKNOWN_PASSED and not _positional_unknown(args, item.index):
                return self._named(args, item.param, caller, self.depth)
        return [self._through(found, caller, self.depth)]

    def value(self, args: Sequence[tuple], item: Input, caller: str) -> Passed:
        """What the call passes for one input, the ways that pass something agreeing (else unknown);
        None when none does."""
        given = list(dict.fromkeys(p for p in self.options(args, item, caller) if p is not None))
        return None if not given else given[0] if len(given) == 1 else UNKNOWN_PASSED

    def _named(self, args: Sequence[tuple], param: str, caller: str, depth: int) -> List[Passed]:
        """What a call gives the named parameter `param` through its `**` spreads, per way (`options`):
        the caller's own `**kwargs` passed on unchanged holds the keys each of its callers passes (to
        the graph's depth bound); unknown at any spread of unknown keys."""
        found: List[Passed] = []
        for key, kind, detail in args:
            if key == param:
                found.append(self._through((kind, detail), caller, depth))
            elif key != SPREAD:
                continue
            elif kind == FORWARD:
                ways = self._up(caller, depth, lambda a, c, d: self._named(a, param, c, d))
                if ways is None:
                    return [UNKNOWN_PASSED]
                found += ways
            else:
                found.append(self._form_key(detail, param, lambda k: k in (param, NO_MODEL_FIELD)) if kind == FORM
                             else _spread_gives(kind, detail, param))
        return found or [None]

    def _up(self, caller: str, depth: int, read: Callable[[Sequence[tuple], str, int], List[Passed]]
            ) -> Optional[List[Passed]]:
        """`read` over every call of `caller`, whose own `**kwargs` a call passes on: the ways, one level
        up; None when those calls cannot be known (or the graph's depth is spent)."""
        sites = self.forwarded(caller) if depth > 0 else None
        if sites is None:
            return None
        found: List[Passed] = []
        for site_args, site_caller in sites:
            found += read(site_args, site_caller, depth - 1)
        return found

    def _through(self, found: Passed, caller: str, depth: int) -> Passed:
        """A parameter the caller passes on is what every call of the caller passes for it (the same
        kind and detail from all of them, or unknown), followed to the graph's depth."""
        if found is None or found[0] != PARAMETER:
            return found
        name, _, index = found[1].partition("@")
        sites = self.forwarded(caller) if depth > 0 else None
        if not sites:
            return UNKNOWN_PASSED
        merged: Passed = None
        for number, (site_args, site_caller) in enumerate(sites):
            one = passed_for(site_args, Signature(), name, int(index) if index.lstrip("-").isdigit() else -1)
            one = self._through(one, site_caller, depth - 1) if one is not None else UNKNOWN_PASSED
            if number and one != merged:
                return UNKNOWN_PASSED
            merged = one
        return merged

    def _key(self, args: Sequence[tuple], field: str, caller: str, depth: int) -> List[Passed]:
        """What a call puts into the callee's `**kwargs` for the model field `field`, per way (`options`):
        each call of a caller whose own `**kwargs` it passes on is one."""
        found: List[Passed] = []
        for key, kind, detail in args:
            if key in (SELF, "*") or key.isdigit():
                continue
            one: Passed
            if key == SPREAD:
                if kind == FORWARD:
                    ways = self._up(caller, depth, lambda a, c, d: self._key(a, field, c, d))
                    if ways is None:
                        return [UNKNOWN_PASSED]
                    found += ways
                    continue
                if kind == FORM:
                    one = self._form_key(detail, field, lambda k: self.field_for(k) == field)
                elif kind == KEYS:
                    keys = [k for k in detail.split(",") if not self.signature.named(k) and self.field_for(k) == field]
                    one = (VALUE, "") if keys else None
                else:
                    return [UNKNOWN_PASSED]
            elif self.signature.named(key) or self.field_for(key) != field:
                continue
            else:
                one = self._through((kind, detail), caller, depth)
            found.append(one)
        return found or [None]


def _safe(passed: Passed, item: Input, nulls_distinct: bool, unset_is_fresh: Callable[[str], bool]) -> bool:
    """Whether what a call passes for one field of a set gives the set a value no row holds."""
    if passed is None:  # the parameter's default, or the `**kwargs` key absent
        if item.param == SPREAD:
            return unset_is_fresh(item.field)  # the field keeps its default: NULL, a random value...
        return item.none_default and (nulls_distinct or item.or_fresh)  # NULL, or `x or <fresh token>`
    if passed[0] == RANDOM or (passed[0] == NONE and (nulls_distinct or item.or_fresh)):
        return True  # a fresh random value, or NULL
    return item.or_fresh and passed == (CONSTANT, "0")  # a falsy literal: `x or <fresh token>` is the token


def judge_site(reader: SiteReader, args: Sequence[tuple], caller: str, inputs: Sequence[Input],
               nulls_distinct: bool, unset_is_fresh: Callable[[str], bool],
               validates: Callable[[Tuple[str, ...], Dict[str, str]], bool]) -> SiteOutcome:
    """What one call makes of a unique set whose fields come from `inputs`. A value read from the form
    under another key than its field's (`enrol(form.cleaned_data["address"])` written to `email`) is
    validated by what the form checks on that key: `validates(classes, {field: key})`."""
    classes: List[str] = []
    unset = False
    for item in inputs:
        options = reader.options(args, item, caller)
        if all(_safe(passed, item, nulls_distinct, unset_is_fresh) for passed in options):
            return SAFE, (), ()  # NULL, or a fresh random value, whichever way: no row holds it
        unset = unset or None in options
    if unset:
        return OPEN, (), ()  # a field some way leaves at a default that may collide: no form checks it
    read_from: List[Tuple[str, str]] = []
    holders: List[Tuple[str, ...]] = []
    for item in inputs:
        passed = reader.value(args, item, caller)
        if passed is None or passed[0] != FORM:
            return OPEN, (), ()
        form_classes, _, key = passed[1].partition("|")
        read_from.append((item.field, key))
        holders.append(tuple(c for c in form_classes.split("+") if c))
    renamed = renamed_keys(read_from)
    for found in holders:
        if not validates(found, renamed):
            return OPEN, (), ()
        classes.extend(c for c in found if c not in classes)
    return VALIDATED, tuple(classes), tuple(sorted(renamed.items()))


def site_outcomes(reader: SiteReader, sites: Sequence[tuple], inputs: Sequence[Input], nulls_distinct: bool,
                  unset_is_fresh: Callable[[str], bool],
                  validates: Callable[[Tuple[str, ...], Dict[str, str]], bool]
                  ) -> Tuple[Dict[str, Tuple[str, ...]], Dict[str, str]]:
    """({outcome: validator classes}, {field: the cleaned_data key a validated call read it from, where
    the two differ}) over the calls `sites` ((args, caller), ...)."""
    found: Dict[str, Tuple[str, ...]] = {}
    renamed: Dict[str, str] = {}
    for args, caller in sites:
        outcome, classes, keys = judge_site(reader, args, caller, inputs, nulls_distinct, unset_is_fresh, validates)
        found[outcome] = tuple(dict.fromkeys(found.get(outcome, ()) + classes))
        renamed.update(keys)
    return found, renamed


__all__ = ["ANY_KEY", "CONSTANT", "Exit", "FORM", "FORWARD", "Input", "KEYS", "NEW", "NONE", "OPEN", "PARAMETER",
           "RANDOM", "SAFE", "SELF", "SPREAD", "Signature", "SiteReader", "UNKNOWN_KIND", "VALIDATED", "VALUE",
           "decode_exits", "decode_inputs", "encode_exits", "encode_inputs", "judge_site", "passed_for", "reaches",
           "signature_of", "site_outcomes"]
