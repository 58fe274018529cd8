"""Values nobody supplies: fresh random tokens, the write's own timestamp, NULL.

A unique value that nobody chooses does not collide in practice: `uuid4()`, `secrets.token_urlsafe()`,
`get_random_string(32)`, `"".join(random.choice(alphabet) for _ in range(20))`, also sliced, through
`str()`, `.hex` or `.lower()`; a project function named for a token (`generate_confirmation_token()`); a
field the write leaves unset whose default makes such a value (`default=uuid.uuid4`, a project function
whose body returns one — followed two levels, never guessed from its name), or an `auto_now(_add)` /
`default=timezone.now` timestamp; a nullable field left unset with no default, which is NULL, and NULL
never equals NULL — unless the constraint says `nulls_distinct=False`.
"""
from __future__ import annotations

import ast
import re
from typing import Callable, Optional

from ..index.facts import Ref
from ..index.sources import project_function

RANDOM_SOURCES = frozenset({
    "uuid.uuid4", "uuid.uuid1", "secrets.token_hex", "secrets.token_urlsafe", "secrets.token_bytes",
    "django.utils.crypto.get_random_string", "os.urandom",
})
# One random pick per character, joined: `"".join(random.choice(chars) for _ in range(20))`.
RANDOM_PICKS = frozenset({"random.choice", "random.choices", "random.sample", "secrets.choice",
                          "random.SystemRandom.choice", "random.SystemRandom.choices"})
TIMESTAMPS = frozenset({"django.utils.timezone.now", "datetime.datetime.now", "datetime.datetime.utcnow"})
# A project's own token makers (`generate_confirmation_token()`, `hookset.generate_key()`) are named
# for what they return; a deterministic key builder is not (`make_key()`, `cache_key()`, `slugify()`).
RANDOM_NAME = re.compile(r"(token|nonce|uuid|random|secret|salt)|^generate_(\w+_)?key$")
TEXT_METHODS = ("lower", "upper", "strip", "decode", "hexdigest")
FOLLOWED_LEVELS = 2


def is_random_token(value: ast.AST, qualify: Callable[[ast.AST], Optional[str]],
                    follow: Callable[[ast.AST], ast.AST] = lambda e: e, by_name: bool = True) -> bool:
    """Whether `value` is a fresh random token. `qualify` names a callee (`uuid.uuid4`), `follow` goes
    through local names; `by_name` trusts a callee named for a token."""
    value = follow(value)
    for _ in range(6):
        if isinstance(value, ast.Attribute) and value.attr in ("hex", "int", "urn"):
            value = value.value
        elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            value = follow(value.value)  # uuid4().hex[:-2]
        elif (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
              and value.func.id in ("str", "bytes") and len(value.args) == 1):
            value = follow(value.args[0])
        elif (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and not value.args
              and value.func.attr in TEXT_METHODS):
            value = follow(value.func.value)  # get_random_string(64).lower()
        else:
            break
    if not isinstance(value, ast.Call):
        return False
    if _joined_random_picks(value, qualify):
        return True
    if (qualify(value.func) or "") in RANDOM_SOURCES:
        return True
    if not by_name:
        return False
    name = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
    return bool(RANDOM_NAME.search(name.lower()))


def _joined_random_picks(call: ast.Call, qualify) -> bool:
    """`"".join(random.choice(chars) for _ in range(n))` or `"".join(random.choices(chars, k=n))`."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "join" and len(call.args) == 1
            and isinstance(call.func.value, ast.Constant) and isinstance(call.func.value.value, str)):
        return False
    inner = call.args[0]
    if isinstance(inner, (ast.GeneratorExp, ast.ListComp)):
        inner = inner.elt
    return isinstance(inner, ast.Call) and (qualify(inner.func) or "") in RANDOM_PICKS


# ---------------------------------------------------------------------------- fields left unset
def unset_field_is_fresh(project, field, unique_set) -> bool:
    """Whether an insert that leaves `field` unset gives it a value no existing row holds: a random or
    timestamp default, auto_now(_add), or NULL (nullable, no default, NULLs distinct)."""
    if field.auto_now:
        return True
    default = field.default
    if default is None:
        return field.null and unique_set.nulls_distinct and not field.primary_key
    if isinstance(default, Ref):
        return default.dotted in RANDOM_SOURCES or default.dotted in TIMESTAMPS or \
            _returns_fresh(project, default.dotted, FOLLOWED_LEVELS)
    return False


def _returns_fresh(project, dotted: str, levels: int) -> bool:
    """Whether the project function `dotted` returns a fresh token on every path (followed `levels` deep)."""
    if levels <= 0:
        return False
    found = project_function(project, dotted)
    if found is None:
        return False
    function, names = found
    returns = [n.value for n in ast.walk(function) if isinstance(n, ast.Return)]
    values = [r for r in returns if r is not None]
    if not returns or len(values) < len(returns):
        return False

    def qualify(node):
        return names.of(node)

    def fresh(value) -> bool:
        if is_random_token(value, qualify, by_name=False):
            return True
        if isinstance(value, ast.Call) and not value.args and not value.keywords:
            callee = qualify(value.func)
            return bool(callee) and (callee in TIMESTAMPS or _returns_fresh(project, callee, levels - 1))
        return False

    return all(fresh(_local_value(function, r)) for r in values)


def _local_value(function, value: ast.AST) -> ast.AST:
    """`return token` where `token = <expr>` is the function's only binding of it: that expression."""
    if not isinstance(value, ast.Name):
        return value
    bound = [n for n in ast.walk(function) if isinstance(n, ast.Assign) and len(n.targets) == 1
             and isinstance(n.targets[0], ast.Name) and n.targets[0].id == value.id]
    return bound[0].value if len(bound) == 1 else value
