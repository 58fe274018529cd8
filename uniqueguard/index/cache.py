"""A persistent cache of module facts, so a pre-commit run on one file does not re-read every models module.

One JSON file per project root under the cache folder (default `$XDG_CACHE_HOME/uniqueguard`, else
`~/.cache/uniqueguard`). An entry is reused only when the file's path, size and mtime match and the cache
was written by this exact uniqueguard version. JSON, never pickle: a cache file someone else wrote can at
worst be wrong, and a wrong-looking one (bad JSON, other version, other root, odd shapes) is ignored and
rebuilt — never trusted: every value is checked for the shape `encode_module` writes (`ShapeError`).
Writes go to a temporary file renamed into place, so parallel `-j` workers never leave a torn file behind
(the last writer wins). The first save of a process prunes the folder (`prune`): files of roots that no
longer exist (temporary checkouts) or that no run has written for 30 days.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from typing import Any, Dict, Optional, Tuple

from .. import __version__
from .facts import (KEYWORD_HOWS, UNKNOWN, CallValue, ClassFacts, DictValue, MethodFacts, ModuleFacts,
                    ReceiverFacts, Ref)

try:  # CPython's own SHA-1, the same digests: importing `hashlib` loads OpenSSL's libcrypto, 3.6 MB of
    from _sha1 import sha1  # type: ignore[import-not-found]  # resident memory, a tenth of flake8's peak
except ImportError:  # another Python, or a build without it
    from hashlib import sha1

FORMAT = 16  # 16: each entry's facts are JSON text of their own, decoded when asked (FactsCache)
# 15: a bare base name is the module's own (`*` imports); 14: MethodFacts.required
# 13: returns keep `obj.__class__(...)` / `type(obj)(...)` whatever their arguments (copy
# helpers); 12: a method's `self.fields["x"] = Field(...)` (MethodFacts.form_fields); 11: what a field
# class's `__init__` does to its keywords (keyword_changes); 10: `Manager.from_queryset(QS)` bases are
# Manager and QS; 9: generic aliases are their origin


def default_directory() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "uniqueguard")


# ------------------------------------------------------------------------------------------ encoding
def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if value is UNKNOWN:
        return ["U"]
    if isinstance(value, tuple):
        return ["T", [_encode(v) for v in value]]
    if isinstance(value, Ref):
        return ["R", value.dotted]
    if isinstance(value, CallValue):
        return ["C", value.func, _encode(value.args), _encode(value.kwargs)]
    if isinstance(value, DictValue):
        return ["D", _encode(value.items)]
    raise TypeError(f"cannot cache {type(value).__name__}")


_LITERALS = frozenset((str, bool, int, float, type(None)))  # JSON's scalars, exactly as `json` makes them


def _decode(value: Any) -> Any:
    """What `_encode` wrote, checked as it is rebuilt. Every cached module's every value comes through
    here in a warm run, so the checks are spelled inline (exact types, as `json` makes them) and the
    items of a tuple are mapped, not generated: a third of a warm single-file run's decoding."""
    if type(value) in _LITERALS:
        return value
    if type(value) is not list or not value:
        raise ShapeError("expected a literal or a tagged list")
    tag = value[0]
    if tag == "T":
        if len(value) != 2 or type(value[1]) is not list:
            raise ShapeError("expected a tuple's items")
        return tuple(map(_decode, value[1]))
    if tag == "R":  # names interned, as facts.Names gives them: the same few imports recur by the hundred
        if len(value) != 2 or type(value[1]) is not str:
            raise ShapeError("expected a reference's name")
        return Ref(sys.intern(value[1]))
    if tag == "U":
        return UNKNOWN
    if tag == "C":
        _list(value, 4)
        func = sys.intern(_str(value[1]))
        return CallValue(func, _tuple(_decode(value[2])), _pairs(_decode(value[3]), _optional_str))
    if tag == "D":
        return DictValue(_pairs(_decode(_list(value, 2)[1]), _literal))
    raise ShapeError(f"unknown tag {tag!r}")


class ShapeError(ValueError):
    """Valid JSON of the wrong shape: the entry is discarded and the file read again, never trusted."""


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ShapeError("expected a string")
    return value


def _optional_str(value: Any) -> Optional[str]:
    return value if value is None else _str(value)


def _literal(value: Any) -> Any:
    return value


def _int(value: Any) -> int:
    if type(value) is not int:  # noqa: E721 - a bool is not a line number
        raise ShapeError("expected an integer")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ShapeError("expected true or false")
    return value


def _list(value: Any, size: Optional[int] = None) -> list:
    if not isinstance(value, list) or (size is not None and len(value) != size):
        raise ShapeError(f"expected a list{'' if size is None else f' of {size}'}")
    return value


def _tuple(value: Any) -> tuple:
    if not isinstance(value, tuple):
        raise ShapeError("expected a tuple")
    return value


def _strs(value: Any) -> tuple:
    if type(value) is not list:
        raise ShapeError("expected a list of strings")
    for item in value:
        if type(item) is not str:
            raise ShapeError("expected a string")
    return tuple(value)


def _pairs(value: Any, first=_str) -> tuple:
    """((name, value), ...) as `_decode` returns it, a tuple of 2-tuples; `first` checks each name."""
    if type(value) is not tuple:
        raise ShapeError("expected pairs")
    for item in value:
        if type(item) is not tuple or len(item) != 2:
            raise ShapeError("expected pairs")
        first(item[0])
    return value


def _encode_method(m: MethodFacts) -> list:
    return [m.name, m.lineno, list(m.params), list(m.decorators), m.queries, list(m.super_calls), list(m.inserts),
            _encode(m.returns), _encode(m.attributes), _encode(m.keyword_changes), _encode(m.form_fields), m.required]


def _decode_method(v: list) -> MethodFacts:
    _list(v, 12)
    return MethodFacts(_str(v[0]), _int(v[1]), _strs(v[2]), _strs(v[3]), _bool(v[4]), _strs(v[5]), _strs(v[6]),
                       _tuple(_decode(v[7])), _pairs(_decode(v[8])), _keyword_changes(_decode(v[9])),
                       _pairs(_decode(v[10])), _int(v[11]))


def _keyword_changes(value: Any) -> tuple:
    changes = []
    for item in _tuple(value):
        if len(_tuple(item)) != 3 or item[1] not in KEYWORD_HOWS:
            raise ShapeError("expected (keyword, how, literal) triples")
        changes.append((_str(item[0]), item[1], item[2]))
    return tuple(changes)


def _encode_class(c: Optional[ClassFacts]) -> Optional[list]:
    if c is None:
        return None
    return [c.module, c.name, c.lineno, list(c.bases), _encode(c.assigns),
            [_encode_method(m) for m in c.methods], _encode_class(c.meta), [_encode_class(n) for n in c.nested]]


def _decode_class(v: Any) -> ClassFacts:
    _list(v, 8)
    return ClassFacts(_str(v[0]), _str(v[1]), _int(v[2]), _strs(v[3]), _pairs(_decode(v[4])),
                      tuple(_decode_method(m) for m in _list(v[5])), None if v[6] is None else _decode_class(v[6]),
                      tuple(_decode_class(n) for n in _list(v[7])))


def _encode_receiver(r: ReceiverFacts) -> list:
    return [r.name, r.lineno, _encode(r.sender), [list(pair) for pair in r.creates], r.connected]


def _decode_receiver(v: list) -> ReceiverFacts:
    _list(v, 5)
    return ReceiverFacts(_str(v[0]), _int(v[1]), _decode(v[2]),
                         tuple((_str(a), _str(b)) for a, b in (_list(pair, 2) for pair in _list(v[3]))), _bool(v[4]))


def encode_module(f: ModuleFacts) -> dict:
    return {"name": f.name, "path": f.path, "is_package": f.is_package,
            "imports": [list(pair) for pair in f.imports], "stars": list(f.star_imports),
            "classes": [_encode_class(c) for c in f.classes], "assigns": _encode(f.assigns),
            "hint": f.settings_hint, "error": f.error, "receivers": [_encode_receiver(r) for r in f.receivers],
            "connections": [[target, _encode(sender)] for target, sender in f.connections],
            "functions": [_encode_method(m) for m in f.functions]}


def decode_module(d: Any) -> ModuleFacts:
    """The facts of one cache entry; ShapeError (a ValueError) for anything encode_module cannot have
    written — a list where a class belongs, a string for a line number — so a cache file of the right
    format but the wrong shape costs a re-read, never a wrong answer or an internal error."""
    if not isinstance(d, dict):
        raise ShapeError("expected an object")
    imports = tuple((_str(a), _str(b)) for a, b in (_list(pair, 2) for pair in _list(d["imports"])))
    return ModuleFacts(_str(d["name"]), _str(d["path"]), _bool(d["is_package"]), imports,
                       _strs(d["stars"]), tuple(_decode_class(c) for c in _list(d["classes"])),
                       _pairs(_decode(d["assigns"])), _optional_str(d["hint"]), _optional_str(d["error"]),
                       tuple(_decode_receiver(r) for r in _list(d["receivers"])),
                       tuple((_str(target), _decode(sender))
                             for target, sender in (_list(pair, 2) for pair in _list(d["connections"]))),
                       tuple(_decode_method(m) for m in _list(d["functions"])))


# --------------------------------------------------------------------------------------------- store
def stamp(path: str) -> Optional[list]:
    """[size, mtime in ns] of a file, None when it cannot be stat'ed: what says a file is unchanged."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


class JsonStore:
    """Entries keyed by file path and (size, mtime_ns), loaded once and saved when something changed.

    One JSON file per project root and kind (`SUFFIX`); `FORMAT` and the uniqueguard version must match
    or the whole file is ignored. Subclasses say what an entry's payload holds."""

    SUFFIX = ".json"
    FORMAT = FORMAT
    EXTRAS: Tuple[str, ...] = ()  # records a store keeps besides its entries, each under its own key
    # Whether each entry's payload is kept (in memory and in the file) as JSON text of its own, decoded
    # each time it is asked for, never held decoded: for a store whose payloads are read once and turned
    # into objects of their own (the module facts). Loading the whole file as Python lists and dicts held
    # every module's facts twice, decoded and as JSON values, about ten times the file's size: a warm
    # flake8 run peaked above one that rebuilt the facts (weblate 53.6 MB against 47.7, issue 9).
    TEXT_PAYLOADS = False
    _stamp = staticmethod(stamp)  # what other stores' fingerprints are built from

    def __init__(self, root: str, directory: Optional[str]):
        self.root = root
        self.enabled = directory is not None
        self.file = os.path.join(directory, sha1(root.encode("utf-8", "surrogatepass")).hexdigest()[:20]
                                 + self.SUFFIX) if directory else ""
        self.entries: Dict[str, dict] = {}
        self.extras: Dict[str, Any] = {}  # EXTRAS found in the file (checked by whoever reads them)
        self.dirty = False
        self.hits = 0
        # Stamps a reader already holds for the files it has read, each compared with the disk at every
        # call or run (the call graph's, `CallGraph.forget_changed`): an entry of such a file is checked
        # against that stamp, not stat'ed again (a warm run asks each file's entry for its helper names,
        # then for its imports).
        self.seen: Optional[Dict[str, Optional[list]]] = None
        if self.enabled:
            self._load()

    def _load(self) -> None:
        try:
            with open(self.file, "r", encoding="utf-8") as handle:
                data = json.load(handle)
            if (isinstance(data, dict) and data.get("format") == self.FORMAT and data.get("version") == __version__
                    and data.get("root") == self.root and isinstance(data.get("entries"), dict)):
                self.entries = data["entries"]
                self.extras = {key: data[key] for key in self.EXTRAS if key in data}
        except (OSError, ValueError, TypeError, RecursionError):
            self.entries, self.extras = {}, {}  # absent, corrupt or foreign: rebuilt, never trusted

    def payload(self, path: str) -> Any:
        """The stored payload for the file as it is now on disk, or None."""
        if not self.enabled:
            return None
        entry = self.entries.get(path)
        if not isinstance(entry, dict):
            return None
        held = self.seen.get(path) if self.seen is not None else None
        if entry.get("stamp") != (held if held is not None else stamp(path)):
            return None
        payload = entry.get("facts")
        if not self.TEXT_PAYLOADS:
            return payload
        if not isinstance(payload, str):
            raise ShapeError("expected the payload's JSON text")
        return json.loads(payload)

    def stamp_of(self, path: str) -> Optional[list]:
        """The stamp the entry for `path` was stored with (that of the file now, after `payload` found it)."""
        entry = self.entries.get(path)
        return entry.get("stamp") if isinstance(entry, dict) else None

    def keep(self, key: str, record: Any) -> None:
        """Keep one of the store's EXTRAS (None: drop it), saved with the entries."""
        if not self.enabled or self.extras.get(key) == record:
            return
        if record is None:
            self.extras.pop(key, None)
        else:
            self.extras[key] = record
        self.dirty = True

    def forget(self, path: str) -> None:
        self.entries.pop(path, None)
        self.dirty = True

    def store(self, path: str, payload: Any, read_at: Optional[list] = None) -> None:
        """Keep `payload` for `path`, stamped as the file was when it was read (`read_at`), so a file
        changed while it was parsed is never stored with its new stamp and old facts."""
        if not self.enabled:
            return
        current = read_at if read_at is not None else stamp(path)
        if current is not None:
            if self.TEXT_PAYLOADS:
                payload = json.dumps(payload, separators=(",", ":"))
            self.entries[path] = {"stamp": current, "facts": payload}
            self.dirty = True

    def save(self) -> None:
        if not self.enabled or not self.dirty:
            return
        import tempfile  # here: a run whose cache is already up to date never writes it

        directory = os.path.dirname(self.file)
        try:
            os.makedirs(directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"format": self.FORMAT, "version": __version__, "root": self.root,  # the root first: `prune`
                           "entries": self.entries, **self.extras}, out, separators=(",", ":"))
            os.replace(temporary, self.file)
            self.dirty = False
        except (OSError, TypeError, ValueError):
            try:
                os.unlink(temporary)
            except (OSError, NameError):
                pass
        global _PRUNED
        if not _PRUNED:
            _PRUNED = True
            prune(directory, keep=self.file)


class FactsCache(JsonStore):
    """Module facts of files, the tree's walk (`tree_walk.remember_walk`) and the registry's project-wide
    indexes as names (`project_indexes`)."""

    EXTRAS = ("walk", "indexes")
    TEXT_PAYLOADS = True  # decoded once per process into ModuleFacts, which the index keeps

    def get(self, path: str) -> Optional[ModuleFacts]:
        try:
            payload = self.payload(path)
            if payload is None:
                return None
            facts = decode_module(payload)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError):
            self.forget(path)
            return None
        self.hits += 1
        return facts

    def put(self, path: str, facts: ModuleFacts, read_at: Optional[list] = None) -> None:
        if not self.enabled:
            return
        try:
            self.store(path, encode_module(facts), read_at)
        except (TypeError, ValueError, RecursionError):
            return


# ------------------------------------------------------------------------------------------- pruning
MAX_AGE = 30 * 24 * 3600  # a cache file no run has written for this long is deleted
TEMPORARY_AGE = 3600  # a `.tmp-` file this old is a write that died halfway
_PRUNED = False  # once per process, on the first save
_ROOT = re.compile(r'"root"\s*:\s*("(?:[^"\\]|\\.)*")')


def prune(directory: str, keep: str = "", now: Optional[float] = None) -> int:
    """Delete the cache files of project roots that no longer exist (temporary checkouts) and those no
    run has written for MAX_AGE, so the cache folder does not grow forever; returns how many. Each
    file's root is read from its first bytes (`save` writes it before the entries). Anything odd —
    unreadable, another program's file — is left alone unless it is old."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if entry.path == keep or not name.endswith(".json") or not entry.is_file(follow_symlinks=False):
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if name.startswith(".tmp-"):
                stale = age > TEMPORARY_AGE
            else:
                stale = age > MAX_AGE or _root_is_gone(entry.path)
            if stale:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def _root_is_gone(path: str) -> bool:
    with open(path, "r", encoding="utf-8", errors="replace") as handle:
        head = handle.read(8192)
    found = _ROOT.search(head)
    if found is None:
        return False
    try:
        root = json.loads(found.group(1))
    except ValueError:
        return False
    return isinstance(root, str) and os.path.isabs(root) and not os.path.exists(root)
