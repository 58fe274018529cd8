"""A write's verdict as data: which rule, which unique sets are at risk, what guards and validation were
seen, and the parts of the fix. The engine decides; `uniqueguard.messages` alone turns a verdict into
the text a front end prints, so wording changes in one place and tests can look at the facts.
"""
from __future__ import annotations

import enum
from typing import Optional, Tuple

from ..index.uniqueness import UniqueSet
from ..index.validation import FormFix, FormFixKind, ValidationSeen
from ..records import dataclass


class Fix(enum.Enum):
    """The concrete change that makes the write safe."""

    CATCH = "catch"  # wrap the write in try/except IntegrityError
    GET_OR_CREATE = "get_or_create"  # reuse the existing row: Model.objects.get_or_create(field=...)
    MOVE_TO_LOOKUP = "move to lookup"  # get_or_create: the defaults field belongs in the lookup
    # get_or_create: the lookup pins more than the unique key (or another field), so a row holding the key
    # with other values is not found and the insert collides; catch it (re-keying the lookup would change
    # which row comes back)
    ROW_NOT_FOUND = "row not found"
    LOOKUP_BY_DERIVED = "lookup by derived"  # get_or_create: look up by the field save() derives
    # get_or_create through a many-to-many manager looks only among the rows linked to its instance: a row
    # holding the key but not linked yet is not found and the insert collides; catch it
    ROW_NOT_LINKED = "row not linked"
    IGNORE_CONFLICTS = "ignore_conflicts"  # bulk_create(..., ignore_conflicts=True)
    SAVEPOINT = "savepoint"  # `with transaction.atomic():` inside the try, around the write
    UPDATE_EXISTING = "update existing"  # another insert already made the row: update it


@dataclass(frozen=True)
class CheckSeen:
    """An existence check in front of the write (UNQ002)."""

    spelling: str  # "exists()", "get()", ".profile"
    line: int


@dataclass(frozen=True)
class HandlerSeen:
    """An `except IntegrityError` around the write, inside an atomic block without a savepoint (UNQ003)."""

    line: int
    atomic: str  # "with transaction.atomic()", "@transaction.atomic", "ATOMIC_REQUESTS"
    atomic_line: int
    caller: str = ""  # "shop/payments.py:9": the call whose handler it is, when in a caller (lines are there)


@dataclass(frozen=True)
class CreatorSeen:
    """Something else that inserts the same one-to-one row for every new parent."""

    who: str  # "the post_save receiver create_profile()" / "UserManager.create_user()"
    where: str  # "accounts/signals.py:12", "" when unknown
    holder: str  # the row's model name
    parent: str  # the parent model name
    existing: str  # how to reach the existing row: "user.profile"


@dataclass(frozen=True)
class Verdict:
    rule: str  # "UNQ001"...
    call: str  # the callee as written: "User.objects.create_user"
    model: str  # the written model's name
    unique_sets: Tuple[UniqueSet, ...]  # the sets at risk the message names
    fix: Fix
    fix_field: Optional[str] = None  # GET_OR_CREATE's keyword, MOVE_TO_LOOKUP's field, the key
    fix_rest: Tuple[str, ...] = ()  # ROW_NOT_FOUND: the other lookups; LOOKUP_BY_DERIVED: the source field
    form_fixes: Tuple[FormFix, ...] = ()
    validated_by: Tuple[ValidationSeen, ...] = ()  # UNQ004
    check: Optional[CheckSeen] = None  # UNQ002
    handler: Optional[HandlerSeen] = None  # UNQ003
    creator: Optional[CreatorSeen] = None  # UNQ001 when another insert makes the row
    # The transaction the write runs in ("@transaction.atomic at line 12", "ATOMIC_REQUESTS"): a try around
    # the write needs a savepoint of its own, or following the fix produces UNQ003.
    savepoint_for: Optional[str] = None
    # The sets are written on different arms of an `if`, one each: the message names them as alternatives.
    alternatives: bool = False
    # Sets whose every field the write leaves NULL, under UniqueConstraint(nulls_distinct=False): said so.
    left_null: Tuple[UniqueSet, ...] = ()


__all__ = ["Fix", "FormFixKind", "FormFix", "ValidationSeen", "CheckSeen", "HandlerSeen", "CreatorSeen",
           "Verdict"]
