"""Values nobody supplies: fresh random tokens, the write's own timestamp, NULL.

A unique value that nobody chooses does not collide in practice: `uuid4()`, `secrets.token_urlsafe()`,
`get_random_string(32)`, `"".join(random.choice(alphabet) for _ in range(20))`, also sliced, through
`str()`, `.hex` or `.lower()`, or formatted into a string (`f"tmp-{uuid4().hex}"`, `"%s-x" % token`); a
project function named for a token (`generate_confirmation_token()`); a
field the write leaves unset whose default makes such a value (`default=uuid.uuid4`, a project function
whose body returns one — followed two levels, never guessed from its name), or an `auto_now(_add)` /
`default=timezone.now` timestamp; a nullable field left unset with no default, which is NULL, and NULL
never equals NULL — unless the constraint says `nulls_distinct=False`.

Nor does a value formatted from the saved row's own primary key (`user.username = f"deleted-{user.pk}"`
before `user.save()` of a row that has one): the pk is unique and Django never changes it, so only this
row formats it — when every other part is constant text or random (`own_key_value`). An unsaved
instance's pk is None: every such row formats the same text, so that is no fresh value.
"""
from __future__ import annotations

import ast
import re
import weakref
from typing import Callable, Collection, Dict, List, Optional, Tuple

from ..index.facts import MAX_RETURNS, Ref
from ..index.sources import project_function, project_method

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
TEXT_METHODS = ("lower", "upper", "strip", "decode", "hex", "hexdigest")
FOLLOWED_LEVELS = 2
MAX_FORMAT_DEPTH = 4  # formats within formats looked into (`f"{prefix}-{uuid4()}"` with a formatted prefix)


def is_random_token(value: ast.AST, qualify: Callable[[ast.AST], Optional[str]],
                    follow: Callable[[ast.AST], ast.AST] = lambda e: e, by_name: bool = True,
                    depth: int = 0) -> bool:
    """Whether `value` is a fresh random token. `qualify` names a callee (`uuid.uuid4`), `follow` goes
    through local names; `by_name` trusts a callee named for a token. `depth`: formats within formats."""
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
    parts = format_parts(value)
    if parts is not None:  # `f"tmp-{uuid4().hex}"`: text around a random token is as fresh as the token
        return depth < MAX_FORMAT_DEPTH and any(is_random_token(p, qualify, follow, by_name, depth + 1)
                                                for p in parts)
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


def format_parts(value: ast.AST) -> Optional[List[ast.AST]]:
    """The values a string is formatted from, when it is one built from constant text: an f-string,
    `"..." % (a, b)`, `"...".format(a, b=c)`, or a `+` chain with a text constant in it; None for anything
    else (also for `*args` / `**kwargs`, whose parts are unknown)."""
    if isinstance(value, ast.JoinedStr):
        return [v.value for v in value.values if isinstance(v, ast.FormattedValue)]
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod) and _text(value.left):
        right = value.right
        if isinstance(right, ast.Tuple):
            return None if any(isinstance(e, ast.Starred) for e in right.elts) else list(right.elts)
        if isinstance(right, ast.Dict):
            return None if any(k is None for k in right.keys) else list(right.values)
        return [right]
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "format"
            and _text(value.func.value)):
        if any(isinstance(a, ast.Starred) for a in value.args) or any(k.arg is None for k in value.keywords):
            return None
        return [*value.args, *(k.value for k in value.keywords)]
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        pieces: List[ast.AST] = []
        stack: List[ast.AST] = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                stack.extend((node.right, node.left))
            else:
                pieces.append(node)
        if not any(_text(p) or isinstance(p, ast.JoinedStr) for p in pieces):
            return None  # `a + b` of unknown values may be arithmetic
        parts: List[ast.AST] = []
        for piece in pieces:
            if isinstance(piece, ast.JoinedStr):
                parts.extend(format_parts(piece) or ())
            elif not _text(piece):
                parts.append(piece)
        return parts
    return None


def _text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def own_key_value(value: ast.AST, row: str, key_attributes: Collection[str],
                  qualify: Callable[[ast.AST], Optional[str]], follow: Callable[[ast.AST], ast.AST],
                  depth: int = 0) -> bool:
    """Whether `value` is text formatted from the primary key of the row the local `row` holds
    (`f"deleted-{user.pk}"`, `"noreply+%s@example.org" % user.id`, `"u" + str(user.pk)`), every other part
    being constant text or a fresh random token (`f"deleted-{user.pk}-{os.urandom(5).hex()}"`). The caller
    vouches that the row has a pk (it was loaded, or saved before): then no other row formats the same.
    `key_attributes`: the attributes that read the pk (`pk`, and `id` when it is the pk)."""
    parts = format_parts(follow(value))
    if parts is None or depth > MAX_FORMAT_DEPTH:
        return False
    own = False
    for part in parts:
        part = follow(part)
        while (isinstance(part, ast.Call) and isinstance(part.func, ast.Name) and part.func.id in ("str", "int")
               and len(part.args) == 1 and not part.keywords):
            part = follow(part.args[0])
        if (isinstance(part, ast.Attribute) and part.attr in key_attributes and isinstance(part.value, ast.Name)
                and part.value.id == row):
            own = True
        elif format_parts(part) is not None and own_key_value(part, row, key_attributes, qualify, follow, depth + 1):
            own = True
        elif not (_text(part) or is_random_token(part, qualify, follow)):
            return False
    return own


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
def unset_field_is_fresh(project, field, unique_set, model=None) -> bool:
    """Whether an insert that leaves `field` unset gives it a value no existing row holds: a random or
    timestamp default, auto_now(_add), a random value the model's own save() fills it with when empty,
    or NULL (nullable, no default, NULLs distinct)."""
    if field.auto_now or _fresh_default(project, field, unique_set):
        return True
    when = filled_by_save(project, model).get(field.name) if model is not None else None
    if when == "empty":  # `if not self.key:` fills it only when the value left unset is empty
        return field.default is None or (isinstance(field.default, (str, int, float, bool)) and not field.default)
    return when == "always" or (when == "none" and field.default is None and field.null)


def left_null(project, field, model) -> bool:
    """Whether an insert that leaves `field` unset surely writes NULL there: nullable, no default, no
    timestamp, not the primary key, and the model's own `save()` (its class's or a project base's)
    assigns it nothing — neither a random fill (`filled_by_save`) nor anything else its body sets on
    `self` (an assignment list cut short by the facts' bound may hold it: then not surely NULL)."""
    if not field.null or field.default is not None or field.auto_now or field.primary_key:
        return False
    if field.name in filled_by_save(project, model):
        return False
    chain = [model.facts] + [f for _, f in project.ancestors(model.facts)] if model.facts is not None else []
    for facts in chain:
        save = facts.method("save") if facts is not None else None
        if save is not None and (len(save.attributes) >= MAX_RETURNS
                                 or any(model.field_for(attr) == field.name for attr, _ in save.attributes)):
            return False
    return True


def _fresh_default(project, field, unique_set) -> bool:
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


# ------------------------------------------------------------------------- the model's own save()
_FILLED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # project → {model: fields}


def filled_by_save(project, model) -> Dict[str, str]:
    """Fields the model's own `save()` (its class's or the nearest base's) gives a fresh random value
    before the row is written, and when: "empty" for `if not self.key: self.key = get_random_string(32)`,
    "none" for `if self.key is None:`, "always" for the assignment alone — in the body ahead of
    `super().save(...)`, or in a method of the model that body calls there (`self._fill_values()`,
    followed FOLLOWED_LEVELS deep). Read once per model and project."""
    known = _FILLED.setdefault(project, {})
    if model.qualname not in known:
        known[model.qualname] = _filled_by_save(project, model)
    return known[model.qualname]


def _filled_by_save(project, model) -> Dict[str, str]:
    chain = [model.facts] + [f for _, f in project.ancestors(model.facts)] if model.facts is not None else []
    owners = [f for f in chain if f is not None and not f.module.startswith("django.")]
    if not any(f.method("save") is not None for f in owners):
        return {}

    def method(name):
        holder = next((f for f in owners if f.method(name) is not None), None)
        return project_method(project, holder.qualname, name) if holder is not None else None

    return _filled_in(project, method("save"), method, FOLLOWED_LEVELS, until_super=True)


def _filled_in(project, found, method, levels: int, until_super: bool = False) -> Dict[str, str]:
    """Fields the statements of a method body fill with a fresh value, and when (see `filled_by_save`)."""
    if found is None or levels <= 0:
        return {}
    function, names = found
    self_name = function.args.args[0].arg if function.args.args else "self"
    filled: Dict[str, str] = {}
    for stmt in function.body:
        if until_super and _calls_super_save(stmt):
            break
        test = _empty_test(stmt.test, self_name) if isinstance(stmt, ast.If) and not stmt.orelse else None
        empty, when = test if test is not None else (None, "always")
        for inner in stmt.body if test is not None else [stmt]:
            target = _self_assigned(inner, self_name)
            value = inner.value if isinstance(inner, ast.Assign) else None
            if (target is not None and value is not None and (empty is None or target == empty)
                    and _fresh_value(project, value, names)):
                filled[target] = "always" if filled.get(target) == "always" else when
            call = inner.value if isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call) else None
            if (empty is None and call is not None and not call.args and not call.keywords
                    and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == self_name):
                for name, how in _filled_in(project, method(call.func.attr), method, levels - 1).items():
                    filled[name] = "always" if filled.get(name) == "always" else how
    return filled


def _fresh_value(project, value: ast.AST, names) -> bool:
    """A random token, or a call of a timestamp or of a project function returning one of those."""
    if is_random_token(value, names.of, by_name=False):
        return True
    callee = names.of(value.func) if isinstance(value, ast.Call) and not value.args and not value.keywords else None
    return callee is not None and (callee in TIMESTAMPS or _returns_fresh(project, callee, FOLLOWED_LEVELS))


def _self_assigned(stmt: ast.stmt, self_name: str) -> Optional[str]:
    """`x` for `self.x = ...`."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == self_name:
            return target.attr
    return None


def _empty_test(test: ast.AST, self_name: str) -> Optional[Tuple[str, str]]:
    """(`x`, "empty") for `not self.x`, (`x`, "none") for `self.x is None`: the field is filled only
    when the row lacks a value."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, when = test.operand, "empty"
    elif (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is)
          and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None):
        test, when = test.left, "none"
    else:
        return None
    if isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id == self_name:
        return test.attr, when
    return None


def _calls_super_save(stmt: ast.stmt) -> bool:
    """A statement calling `super().save(...)` (or `super(Cls, self).save(...)`): the row is written."""
    for node in ast.walk(stmt):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save"
                and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name)
                and node.func.value.func.id == "super"):
            return True
    return False
