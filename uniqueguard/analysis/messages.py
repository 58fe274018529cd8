"""The one place finding text is composed: a `Verdict` (or an unreadable module, an unresolved write)
in, the message every front end prints out.

Messages are short — the call, the unique set at risk, why nothing saves it, the concrete fix — so the
common one fits in about 120 characters with its code; `uniqueguard/rule_docs/<code>.md` (`uniqueguard explain`)
carries the rest.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Tuple, Union

from .verdict import Fix, FormFix, FormFixKind, ValidationSeen, Verdict


def describe_sets(unique_sets: Iterable, alternatives: bool = False) -> str:
    """`User.email, User.username` — each unique set once, sorted, as the model and field(s);
    `alternatives`: each path writes one of them (`Post.a, Post.b or Post.c (one per branch)`)."""
    names = sorted({s.describe() for s in unique_sets})
    if alternatives and len(names) > 1:
        return f"{_either(names)} (one per branch)"
    return ", ".join(names)


def render(verdict: Verdict) -> str:
    head = f"{verdict.call}() may violate unique {describe_sets(verdict.unique_sets, verdict.alternatives)}"
    left_null = [s for s in verdict.left_null if s in verdict.unique_sets]
    if left_null:  # the write names none of its fields: say where the collision comes from
        head += f" (it leaves {describe_sets(left_null)} NULL, and nulls_distinct=False makes NULLs collide)"
    if verdict.creator is not None:
        creator = verdict.creator
        who = f"{creator.who} ({creator.where})" if creator.where else creator.who
        return (f"{head}: {who} already creates a {creator.holder} for every new {creator.parent}; "
                f"update {creator.existing} instead")
    if verdict.handler is not None:
        handler = verdict.handler
        where = ("ATOMIC_REQUESTS" if handler.atomic == "ATOMIC_REQUESTS"
                 else f"{handler.atomic} at line {handler.atomic_line}")
        if handler.caller:  # the handler is in a caller, in another place: its lines are there
            return (f"{head}; its caller at {handler.caller} catches it (line {handler.line}) inside {where}, "
                    f"which it leaves broken; put `with transaction.atomic():` inside that try")
        return (f"{head}; the except at line {handler.line} runs inside {where}, which it leaves broken; "
                f"{_fix(verdict, named=True)}")
    if verdict.check is not None:
        check = verdict.check
        return (f"{head}; the {check.spelling} check at line {check.line} races with concurrent inserts; "
                f"{_fix(verdict, named=False)}")
    if verdict.validated_by:
        forms = " and ".join(_validation(v) for v in verdict.validated_by)
        return f"{head}; {forms} checks it, but two requests can both pass; {_fix(verdict, named=False)}"
    return f"{head}; nothing catches IntegrityError; {_fix(verdict, named=True)}"


def helper_call(call: str, helper, check, transaction: Optional[str] = None) -> Tuple[str, str]:
    """(rule, message) for a call nothing guards of a helper whose write other calls guard or check:
    `helper` is its HelperWrite (analysis/helpers.py), `check` the existence check this caller made,
    `transaction` the one the call runs in here (the try around it then needs a savepoint of its own)."""
    head = f"{call}() reaches {helper.label}() ({helper.where}), which may violate unique {helper.fields}"
    if check is not None and helper.code in ("UNQ001", "UNQ002"):
        return "UNQ002", (f"{head}; the {check.text} check at line {check.line} races with concurrent inserts; "
                          f"wrap the call in try/except IntegrityError{_savepoint(transaction)}")
    if helper.code == "UNQ001":
        return "UNQ001", (f"{head}; nothing here catches IntegrityError (other calls do or check); "
                          f"wrap in try/except{_savepoint(transaction)}")
    return helper.code, f"{call}() reaches the write at {helper.where}: {helper.message}"


def helper_call_validated(call: str, helper, unique_sets: Iterable, validated: Iterable[ValidationSeen],
                          transaction: Optional[str] = None) -> str:
    """UNQ004 at a call of a helper whose unique values this call passes from validated form data; the
    sets named are those it validates (a set this call gives a NULL cannot collide)."""
    forms = " and ".join(_validation(v) for v in validated)
    return (f"{call}() reaches {helper.label}() ({helper.where}), which may violate unique "
            f"{describe_sets(unique_sets)}; "
            f"{forms} checks the values passed, but two requests can both pass; wrap the call in try/except "
            f"IntegrityError{_savepoint(transaction)}")


def _savepoint(transaction: Optional[str]) -> str:
    """What a try inside a transaction needs, or nothing: caught there without a savepoint of its own, the
    IntegrityError leaves the whole transaction broken (UNQ003)."""
    if not transaction:
        return ""
    where = "the view's ATOMIC_REQUESTS transaction" if transaction == "ATOMIC_REQUESTS" else transaction
    return f", with `with transaction.atomic():` inside the try (it runs inside {where})"


def _fix(verdict: Verdict, named: bool) -> str:
    """The fix; `named`: the message already said IntegrityError, so `try/except` is enough."""
    catch = "try/except" if named else "try/except IntegrityError"
    fix = verdict.fix
    if fix is Fix.GET_OR_CREATE:
        text = f"use {verdict.model}.objects.get_or_create({verdict.fix_field}=...) or {catch}"
    elif fix is Fix.MOVE_TO_LOOKUP:
        text = f"move {verdict.fix_field} from defaults into the lookup, or use {catch}"
    elif fix is Fix.ROW_NOT_FOUND:
        text = (f"a row with this {verdict.fix_field} but another {_either(verdict.fix_rest)} is not found by "
                f"the lookup; wrap in {catch}")
    elif fix is Fix.LOOKUP_BY_DERIVED:
        source = verdict.fix_rest[0] if verdict.fix_rest else "?"
        text = (f"look the row up by {verdict.fix_field} (which {verdict.model}.save() derives from {source}), "
                f"or use {catch}")
    elif fix is Fix.IGNORE_CONFLICTS:
        text = f"pass ignore_conflicts=True or wrap in {catch}"
    elif fix is Fix.SAVEPOINT:
        text = "put `with transaction.atomic():` inside the try"
    else:
        text = f"wrap in {catch}"
    if fix is not Fix.SAVEPOINT:
        text += _savepoint(verdict.savepoint_for)
    return text + "".join(" and " + phrase for phrase in form_fix_phrases(verdict.form_fixes))


def _either(names) -> str:
    """`a`, `a or b`, `a, b or c`."""
    names = list(names) or ["value"]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def form_fix_phrases(fixes: Iterable[FormFix]) -> List[str]:
    """One phrase per fix, in order; a form's clean_<field>() fixes merge into one phrase."""
    order: List[Union[str, FormFix]] = []  # a phrase, or the first clean_<field>() fix of a form
    cleans: Dict[str, List[str]] = {}  # form → its clean_<field>() methods
    for fix in fixes:
        if fix.kind is FormFixKind.CLEAN_FIELD:
            if fix.form not in cleans:
                cleans[fix.form] = []
                order.append(fix)
            method = f"clean_{fix.fields[0]}()"
            if method not in cleans[fix.form]:
                cleans[fix.form].append(method)
        elif _form_fix(fix) not in order:
            order.append(_form_fix(fix))
    return [item if isinstance(item, str)
            else f"validate uniqueness in {item.form}." + " and ".join(sorted(cleans[item.form]))
            for item in order]


# What each kind of form fix says; every kind has a line (a unit test holds that). {form}, {listed} (every
# field) and {first} are filled in.
_FORM_FIXES = {
    FormFixKind.CALL_SUPER_CLEAN: "call super().clean() in {form}.clean()",
    FormFixKind.ADD_TO_META_FIELDS: "add {listed} to {form}.Meta.fields",
    FormFixKind.INCLUDE_IN_FIELDS: "include {listed} in {form}'s fields",
    FormFixKind.UNIQUE_VALIDATOR: "add a UniqueValidator for {first} to {form}",
    FormFixKind.UNIQUE_TOGETHER_VALIDATOR: "add a UniqueTogetherValidator for ({listed}) to {form}.Meta.validators",
    FormFixKind.VALIDATE_QUERY: "check ({listed}) with a query in {form}.validate()",
    FormFixKind.CLEAN_QUERY: "check ({listed}) with a query in {form}.clean()",
    FormFixKind.CHECK_AFTER_COMMIT_FALSE: "check {first} yourself: the view sets it after save(commit=False)",
    FormFixKind.CLEAN_FIELD: "validate uniqueness in {form}.clean()",
    FormFixKind.CLEAN: "validate uniqueness in {form}.clean()",
}


def _form_fix(fix: FormFix) -> str:
    first = fix.fields[0] if fix.fields else ""
    return _FORM_FIXES[fix.kind].format(form=fix.form, listed=", ".join(fix.fields), first=first)


def _validation(seen: ValidationSeen) -> str:
    if seen.field_class:
        return f"{seen.form}'s {seen.field_class}.clean()"
    return f"{seen.form}.{seen.method}()" if seen.method else seen.form


def unreadable(module_path: str, reason: str) -> str:
    return f"cannot read {module_path} ({reason}): writes to its models are not checked"


def missing_package(package: str) -> str:
    return (f"package {package} is not installed where uniqueguard runs, so its models are unknown and writes "
            f"to them are not checked; add it to pre-commit's additional_dependencies, pip install it in the "
            f"CI step, or declare its models' unique fields in the `unique` configuration table")


def unread_validation(package: str, form: str) -> str:
    return (f"package {package} is not installed where uniqueguard runs: {form} derives from its classes and was "
            f"read from its own declarations alone, so what they add to or remove from validation is unknown; "
            f"add it to pre-commit's additional_dependencies or pip install it in the CI step")


def unparsable(reason: str) -> str:
    return f"cannot parse this file ({reason}): its writes are not checked"


def unresolved(call: str, instance: bool = False) -> str:
    what = "saves an instance of a class" if instance else "writes through a manager"
    return (f"{call}() {what} not resolved to a model; import the model class, or "
            f"declare its unique fields in the configuration")


def incomplete_walk(root: str) -> str:
    return (f"the project tree under {root} was not read completely (too many files or unreadable folders): "
            f"models in the unread part are unknown; set `root` to the project's own folder")


__all__ = ["render", "describe_sets", "form_fix_phrases", "unreadable", "unread_validation", "unparsable", "unresolved",
           "incomplete_walk"]
