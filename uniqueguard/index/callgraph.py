"""The project call graph: who calls a function, from where, guarded how, after which check, passing what.

A write's protection often lives in another function or module: a view wraps a service call in
`try/except IntegrityError`, a caller checks `exists()` before a helper inserts, a sender passes a row it
has just created. The graph answers "which call sites name this function?" for any project function.

It is built lazily, per function name, from per-module *call facts*: the modules whose text mentions the
name (a text search, far cheaper than a parse) are read once, and each call site of that name is recorded
as plain data — the function it calls, the enclosing function, the handler around it, the atomic block
that handler runs in, the existence checks it is reached after, what it passes. These facts go to a disk
cache beside the module facts (same stamps; invalidated too when the project's models, apps or signals
modules change, because resolving a call or a check reads them), so a single-file run — what pre-commit
does — sees every caller without re-reading the project.

Functions are named `module:qualname` (`shop.services:issue`, `shop.views:CouponView._issue`). Reading a
module into call facts needs the analysis (scope, resolver, guards): the analysis layer hands the graph
its `extractor`, so imports keep pointing one way.
"""
from __future__ import annotations

import bisect
import functools
import os
import re
import time
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from ..records import dataclass
from . import discovery
from .cache import JsonStore, sha1, stamp
from .facts import resolve_relative
from .text_references import (import_parts as _names, import_words, may_refer,
                              names_only_where_never_used as _names_only_where_never_used,
                              word_positions as _word_positions)

# A name mentioned in more modules than this (`save`, `get`) is not followed: its callers are treated as
# unknown, and the function is judged on its own, as if nothing called it.
MAX_CANDIDATE_MODULES = 16
# Names whose candidate files the helper store keeps for one state of the tree (`CallGraph._remember`);
# beyond it, the record starts again from the names of the run.
MAX_KEPT_CANDIDATES = 256
CANDIDATES = "candidates"  # the helper store's record of them (SummariesCache.EXTRAS)
# Files larger than this are not searched for callers (generated code, data modules).
MAX_TEXT_BYTES = 2_000_000
# Bytes of file contents kept in memory for the name searches, at most (beyond it, files are read again
# when searched: a run makes 4 searches on django, 17 on weblate; at 12 MB every corpus was kept whole,
# 5-10 MB, for no CPU time measurable over flake8's run).
TEXT_BUDGET = 2_000_000
DEF_LINE = r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)"  # a `def` line (what `_defs_before` finds, by:)
_DEF_AT = re.compile(r"def[ \t]+(\w+)")  # a `def` line (`_defs_before`): its name ...
_DEF_PREFIX = re.compile(r"[ \t]*(?:async[ \t]+)?")  # ... and what may precede it on its line
_SUPER_CALL = re.compile(r"super\([^()]*\)\s*$")


@dataclass(frozen=True)
class Check:
    """An existence check on rows of `model` that said "absent" before the call ran."""

    line: int
    text: str  # "exists()", "first()", ".profile"...
    model: str  # qualname of the model checked


@dataclass(frozen=True)
class CallSite:
    path: str  # the caller's file
    caller: str  # function id of the enclosing function; `module:` at module level
    callee: str  # function id of the function called
    line: int
    col: int
    guard_line: int = 0  # line of the handler catching IntegrityError around the call; 0 when none
    atomic: tuple = ()  # (line, how) of the atomic block the guarding try runs in, no savepoint between
    checks: tuple = ()  # Check records
    args: tuple = ()  # ((key, kind, model qualname), ...): key "0", "1"... or the keyword; kind "new"...
    within: tuple = ()  # (line, how) of the atomic block the call itself runs in, within its function

    @property
    def guarded(self) -> bool:
        return self.guard_line > 0

    def passes(self, index: int, name: str) -> Optional[Tuple[str, str]]:
        """(kind, model) of what the call passes for the parameter at `index` named `name`."""
        for key, kind, model in self.args:
            if key == name or key == str(index):
                return kind, model
        return None


@dataclass(frozen=True)
class NameCalls:
    """What one module does with one function name: the calls it makes, and the functions it refers to
    without calling them (a callback, a URL route: called from somewhere nobody can see)."""

    sites: tuple = ()
    escapes: tuple = ()  # function ids


def function_id(module: str, qualname: str) -> str:
    return f"{module}:{qualname}"


def id_name(function: str) -> str:
    """The name a call spells: `issue` for `shop.services:Service.issue`."""
    return function.rpartition(":")[2].rpartition(".")[2]


def untyped_callee(name: str) -> str:
    """The callee recorded for `x.name(...)` whose receiver nothing types: any method `name`."""
    return f"?.{name}"


def id_module(function: str) -> str:
    return function.partition(":")[0]


# ------------------------------------------------------------------------------------------ encoding
def _encode_site(site: CallSite) -> list:
    return [site.path, site.caller, site.callee, site.line, site.col, site.guard_line, list(site.atomic),
            [[c.line, c.text, c.model] for c in site.checks], [list(a) for a in site.args], list(site.within)]


def _decode_site(v: list) -> CallSite:
    return CallSite(_s(v[0]), _s(v[1]), _s(v[2]), int(v[3]), int(v[4]), int(v[5]),
                    (int(v[6][0]), _s(v[6][1])) if v[6] else (),
                    tuple(Check(int(c[0]), _s(c[1]), _s(c[2])) for c in v[7]),
                    tuple((_s(a[0]), _s(a[1]), _s(a[2])) for a in v[8]),
                    (int(v[9][0]), _s(v[9][1])) if v[9] else ())


def _s(value) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def encode_calls(calls: NameCalls) -> list:
    return [[_encode_site(s) for s in calls.sites], list(calls.escapes)]


def decode_calls(v: list) -> NameCalls:
    return NameCalls(tuple(_decode_site(s) for s in v[0]), tuple(map(_s, v[1])))


class CallsCache(JsonStore):
    """Call facts per file and function name, valid for one state of the project's model modules and of
    the modules the file imports (`CallGraph.file_fingerprint`)."""

    SUFFIX = "-calls.json"
    FORMAT = 6
    # 6: the atomic block each call runs in (`CallSite.within`, for the savepoint in a hint at the write);
    # 5: valid for the modules a file's imports reach, transitively (`file_fingerprint`); 4: valid for the
    # modules a file imports as they are; 3: every argument's kind (analysis/argument_kinds.py); 2: a caller's
    # handler that only re-raises records no atomic block

    def get(self, path: str, fingerprint: str, name: str) -> Optional[NameCalls]:
        payload = self.payload(path)
        if not isinstance(payload, dict) or payload.get("fingerprint") != fingerprint:
            return None
        names = payload.get("names")
        if not isinstance(names, dict) or name not in names:
            return None
        try:
            calls = decode_calls(names[name])
        except (KeyError, IndexError, TypeError, ValueError, RecursionError):
            self.forget(path)
            return None
        self.hits += 1
        return calls

    def put(self, path: str, fingerprint: str, name: str, calls: NameCalls) -> None:
        if not self.enabled:
            return
        payload = self.payload(path)
        if not isinstance(payload, dict) or payload.get("fingerprint") != fingerprint:
            payload = {"fingerprint": fingerprint, "names": {}}
        payload["names"][name] = encode_calls(calls)
        self.store(path, payload)


# ---------------------------------------------------------------------------------------------- graph
# (path, names) → call facts per name; None when the module cannot be read
Extractor = Callable[[str, frozenset], Optional[Dict[str, NameCalls]]]


class CallGraph:
    """Call sites of project functions, found through the modules that mention their names."""

    def __init__(self, root: str, cache_dir: Optional[str], indexed_paths: Callable[[], Iterable[str]],
                 walked: Tuple[List[str], bool], module_path: Callable[[str], Optional[str]],
                 read_stamp: Callable[[str, Dict[str, Optional[list]]], Optional[list]],
                 source_roots: Callable[[], Iterable[str]]):
        self.root = root
        self._module_path = module_path  # the index's: where a dotted module's source is
        self._source_roots = source_roots  # the index's: where the project's own imports resolve
        self._read_stamp = read_stamp  # the stamp of a file as the index read it (else as the graph did, or now)
        self._prints: Dict[str, str] = {}  # path → `file_fingerprint`
        self._reached: Dict[str, str] = {}  # path → `reached_print`
        self._imports: Dict[str, List[str]] = {}  # path → `imports_of`
        self._import_words: Dict[str, FrozenSet[str]] = {}  # path → the words of its import lines (`_may_call`)
        self._layout: Optional[FrozenSet[str]] = None  # dotted names of the tree's files (`_holds_module`)
        self._layout_key = ""  # a digest of them
        self.cache = CallsCache(root, cache_dir)
        self.summaries = SummariesCache(root, cache_dir)
        self._last_save = 0.0
        self._indexed_paths = indexed_paths  # models/apps/signals files: what resolving calls depends on
        self._fingerprint: Optional[str] = None
        self._files, self.complete = walked  # every .py file of the tree (the index's walk); False: it stopped early
        self._texts: Dict[str, Optional[bytes]] = {}
        self._kept = 0  # bytes of file contents kept in memory
        self._cap: Optional[int] = None  # the size of the largest file kept, once the budget is short (`_keeps`)
        # path → stamp of the file when what the graph knows of it was first read (`forget_changed`); the
        # stores check their entries of these files against it (`JsonStore.seen`)
        self._stamps: Dict[str, Optional[list]] = {}
        self.cache.seen = self.summaries.seen = self._stamps
        self._defs: Dict[str, Dict[str, List[str]]] = {}  # write pattern → path → functions holding a write
        self._helper_names: Dict[str, Dict[str, tuple]] = {}
        self._candidates: Dict[str, List[str]] = {}
        self._tree: Optional[str] = None  # `_tree_print`, until a file changes
        self._crowded: Set[str] = set()  # names mentioned by too many files to follow (searched or recalled)
        self._calls: Dict[Tuple[str, str], Optional[NameCalls]] = {}
        # Call facts read together with other names of their module (`read_ahead`), not asked for yet:
        # moved to `_calls` (and the disk cache) when asked, so the cache holds what it always held.
        self._read_ahead: Dict[Tuple[str, str], NameCalls] = {}
        # told which files changed (`forget_changed`), to drop what was concluded from them
        self.listeners: List[Callable[[FrozenSet[str]], None]] = []
        self.extractor: Optional[Extractor] = None  # set by the analysis layer

    @property
    def fingerprint(self) -> str:
        """Stamps of the files call facts depend on besides their own: the indexed modules and the settings
        modules read (graphs.py)."""
        if self._fingerprint is None:
            digest = sha1()
            for path in sorted(self._indexed_paths()):
                digest.update(f"{path}\0{stamp(path)}\0".encode("utf-8", "surrogatepass"))
            self._fingerprint = digest.hexdigest()[:20]
        return self._fingerprint

    def file_fingerprint(self, path: str) -> str:
        """What a file's cached call facts and helper summaries are valid for besides its own stamp: the
        indexed modules (`fingerprint`) and every project module it reaches through imports, as they are
        (`reached_print`). Resolving its calls follows re-exports to the module a chain ends in (a
        function moved there changes what a call calls), and judging its writes reads class bases, form
        field classes and function bodies wherever its imports lead (the form that validates a value
        may inherit its clean_<field>() from a module the file never names). Python code reaches
        another module's names only through imports, so those modules bound what a verdict can read."""
        found = self._prints.get(path)
        if found is None:
            digest = sha1(self.fingerprint.encode("ascii"))
            digest.update(self.reached_print(path).encode("ascii"))
            found = self._prints[path] = digest.hexdigest()[:20]
        return found

    def reached_print(self, path: str) -> str:
        """A digest of the stamps of `path` and of every project module its imports reach, transitively:
        it moves when any of them is edited. Each strongly connected group of modules (modules that
        import each other) gets one digest, over its members' stamps and the digests of the groups it
        imports (Tarjan's algorithm, iterative): every module's digest costs one visit per process,
        however many files ask, and each module's imports are read from its text once per version (and
        cached on disk with its stamp)."""
        if path not in self._reached:
            self._settle(path)
        return self._reached[path]

    def _settle(self, start: str) -> None:
        order: Dict[str, int] = {start: 0}
        low = {start: 0}
        stack, on_stack = [start], {start}
        work = [(start, iter(self.imports_of(start)))]
        while work:
            node, edges = work[-1]
            for target in edges:
                if target in self._reached:
                    continue
                if target not in order:
                    order[target] = low[target] = len(order)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(self.imports_of(target))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], order[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == order[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    inside = set(group)
                    digest = sha1()
                    for member in sorted(group):
                        # as the index read it, else as the graph did (its imports): no stat of its own
                        status = self._read_stamp(member, self._stamps)
                        digest.update(f"{member}\0{status}\0".encode("utf-8", "surrogatepass"))
                    for reached in sorted({self._reached[target] for member in group
                                           for target in self.imports_of(member) if target not in inside}):
                        digest.update(reached.encode("ascii"))
                    found = digest.hexdigest()[:20]
                    for member in group:
                        self._reached[member] = found

    def imports_of(self, path: str) -> List[str]:
        """The project files `path` imports from (its imports' modules, and the names imported from them
        that are modules), read from its import lines. Their dotted names are cached on disk with its
        stamp, for the tree's modules as they are (`_layout`): a module added where a name was imported
        from (`from shop import jobs`, once a function, now `shop/jobs.py`) is read again."""
        found = self._imports.get(path)
        if found is None:
            self._tree_modules()
            names = self.summaries.imports(path, self._layout_key)
            if names is not None:
                self._stamps.setdefault(path, self.summaries.stamp_of(path))
            else:
                dotted, is_package, _ = discovery.module_name(path, self.root)
                text = self.text(path)
                names = [name for name in imported_modules(text or "", dotted, is_package) if self._holds_module(name)]
                if text is not None:
                    self.summaries.put_imports(path, self._layout_key, names, self._stamps.get(path))
            top = self.root.rstrip(os.sep) + os.sep
            found = []
            for name in names:
                imported = self._module_path(name)
                if imported and imported.startswith(top) and imported != path and imported not in found:
                    found.append(imported)
            self._imports[path] = found
        return found

    def _holds_module(self, dotted: str) -> bool:
        """Whether a file of the tree's walk is where `dotted` would be, under one of the project's
        source roots: only then is the index asked where it is (most names imported from a module are
        classes and functions, and looking each one up cost two stats per source root)."""
        return dotted in self._tree_modules()

    def _tree_modules(self) -> FrozenSet[str]:
        """The dotted names of the tree's Python files under the project's source roots (and their digest,
        `_layout_key`), once per graph: a file added or removed builds the index, and its graph, again."""
        if self._layout is None:
            layout = set()
            for folder in self._source_roots():
                prefix = folder.rstrip(os.sep) + os.sep
                for path in self.files():
                    if path.startswith(prefix):
                        relative = path[len(prefix):-3]
                        layout.add((relative[:-9] if relative.endswith(os.sep + "__init__") else relative)
                                   .replace(os.sep, "."))
            self._layout = frozenset(layout)
            self._layout_key = sha1("\n".join(sorted(layout)).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return self._layout

    def files(self) -> List[str]:
        return self._files

    def text(self, path: str) -> Optional[str]:
        """A project file's text; None when it cannot be read."""
        data = self._data(path)
        return data.decode("utf-8", "replace") if data is not None else None

    def _data(self, path: str) -> Optional[bytes]:
        """A project file's bytes, kept in memory within TEXT_BUDGET; None when it cannot be read. Kept as
        bytes, not text: a str holding one character beyond Latin-1 (a translated string, an emoji)
        takes 2 or 4 bytes for every character of the file; a module with no write call is searched
        for names without ever being decoded."""
        if path in self._texts:
            return self._texts[path]
        status = self._first_stamp(path)
        try:
            if status is None or status[0] > MAX_TEXT_BYTES:
                raise OSError("too large")
            data: Optional[bytes] = discovery.read_bytes(path)
        except OSError:
            data = None
        if data is None or self._keeps(len(data)):
            self._texts[path] = data
            self._kept += len(data or b"")
        return data

    def _first_stamp(self, path: str) -> Optional[list]:
        """The file's stamp at its first reading: what was concluded from it is dropped when the file
        changes (`forget_changed`, at the next call or run). A file beyond TEXT_BUDGET, read again, is not
        looked at again meanwhile."""
        status = self._stamps.get(path)
        if status is None:
            status = stamp(path)  # [size, mtime]
            self._stamps.setdefault(path, status)
        return status

    def _keeps(self, size: int) -> bool:
        """Whether a file's bytes of `size` are kept: within TEXT_BUDGET, smallest files first. Every name
        search reads every file not kept again (weblate: 11 searches), and a read costs per file, not per
        byte: once the budget cannot hold the tree, only files up to the size that lets the smallest
        fill it are kept (`_size_cap`), and those kept before that are larger go — weblate keeps 533 of
        its 596 files instead of 263, and reads 63 again per search instead of 333."""
        if self._cap is None:
            if self._kept + size <= TEXT_BUDGET:
                return True
            self._cap = self._size_cap()
            for path, data in list(self._texts.items()):
                if data is not None and len(data) > self._cap:
                    del self._texts[path]
                    self._kept -= len(data)
        return size <= self._cap and self._kept + size <= TEXT_BUDGET

    def _size_cap(self) -> int:
        """The largest size such that the tree's files of that size or smaller fit TEXT_BUDGET together."""
        sizes = []
        for path in self.files():
            status = self._stamps.get(path) or stamp(path)
            if status is not None:
                sizes.append(status[0])
        cap = total = 0
        for size in sorted(sizes):
            total += size
            if total > TEXT_BUDGET:
                break
            cap = size
        return cap

    def helper_names(self, writes: "re.Pattern[str]", reported: Callable[[str], bool]) -> Dict[str, tuple]:
        """name → files, for the functions whose bodies hold a write call (`writes` matches one), read
        from the project's text (each file's names are cached on disk with its stamp, so a warm run
        reads no text): the functions whose callers may have to be reported."""
        if writes.pattern not in self._helper_names:
            names: Dict[str, list] = {}
            defs = self._defs.setdefault(writes.pattern, {})
            for path in self.files():
                # Most files hold no helper: their cached (empty) names settle them before the costlier
                # question whether the configuration reports the file; an uncached file is read only
                # when it is reported.
                found = defs.get(path)
                if found is None:
                    found = self.summaries.names(path, writes.pattern)
                    if found is not None:
                        self._stamps.setdefault(path, self.summaries.stamp_of(path))
                    elif reported(path):
                        found = _defs_holding(self.text(path) or "", writes)
                        self.summaries.put_names(path, writes.pattern, found)
                    if found is not None:
                        defs[path] = found
                if found and reported(path):
                    for name in found:
                        names.setdefault(name, []).append(path)
            self._helper_names[writes.pattern] = {name: tuple(paths) for name, paths in names.items()}
        return self._helper_names[writes.pattern]

    def candidates(self, name: str) -> Optional[List[str]]:
        """Project files whose text mentions `name` as a word; None when too many do to follow."""
        if name not in self._candidates and name not in self._crowded:
            self._find_candidates([name])
        return self._candidates.get(name)

    def _find_candidates(self, names: Iterable[str]) -> None:
        """`candidates` of several names at once, in one pass over the files: each file is fetched (read
        again from disk when beyond TEXT_BUDGET) and decoded once for all of them, not once per name. A
        name leaves the search at the first file beyond MAX_CANDIDATE_MODULES: a name as common as `get`
        or `save` is settled after some of the tree, not all of it."""
        todo = self._recalled([name for name in dict.fromkeys(names)
                               if name not in self._candidates and name not in self._crowded])
        if not todo:
            return
        found: Dict[str, List[str]] = {name: [] for name in todo}
        wanted = [(name, name.encode("utf-8")) for name in todo]
        for path in self.files():
            data = self._data(path)
            if data is None:
                continue
            text = None
            crowded = False
            for name, raw in wanted:
                if raw in data:
                    said = mentions_in_bytes(data, raw)
                    if said is None:
                        if text is None:
                            text = data.decode("utf-8", "replace")
                        said = mentions(text, name)
                    if said:
                        found[name].append(path)
                        crowded = crowded or len(found[name]) > MAX_CANDIDATE_MODULES
            if crowded:
                wanted = [(name, raw) for name, raw in wanted if len(found[name]) <= MAX_CANDIDATE_MODULES]
                if not wanted:
                    break
        for name, paths in found.items():
            if len(paths) > MAX_CANDIDATE_MODULES:
                self._crowded.add(name)
            else:
                self._candidates[name] = paths
        self._remember(todo)

    def _recalled(self, names: List[str]) -> List[str]:
        """Of `names`, those the helper store kept no candidates for, for the tree as it is now; the
        others' are taken from it. Searching every file of the tree for the names a warm single-file run
        asks read each file from disk (weblate: 596 files, ~14 ms of a pre-commit run); their stamps
        alone tell whether an answer still holds (~1.4 ms)."""
        kept = self._kept_candidates() if names else None
        if kept is None:
            return names
        left = []
        for name in names:
            paths = kept.get(name, False)
            if paths is None:  # more files than are followed (`_remember`)
                self._crowded.add(name)
            elif isinstance(paths, list) and all(type(path) is str for path in paths):
                self._candidates[name] = paths
            else:
                left.append(name)
        return left

    def _remember(self, names: List[str]) -> None:
        """Keep the candidates just searched for, with the tree's print, in the helper store."""
        if not self.summaries.enabled or not names:
            return
        kept = self._kept_candidates()
        kept = dict(kept) if kept is not None and len(kept) < MAX_KEPT_CANDIDATES else {}
        for name in names:  # a name too many files mention is followed nowhere: only that is kept
            kept[name] = self._candidates.get(name)
        self.summaries.keep(CANDIDATES, {"tree": self._tree_print(), "names": kept})

    def _kept_candidates(self) -> Optional[dict]:
        """name → its candidate files (None: too many) as the helper store kept them for the tree as it is
        now; None when it kept none for it (or the cache is off)."""
        record = self.summaries.extras.get(CANDIDATES) if self.summaries.enabled else None
        kept = record.get("names") if isinstance(record, dict) and record.get("tree") == self._tree_print() else None
        return kept if isinstance(kept, dict) else None

    def _tree_print(self) -> str:
        """A digest of every file of the tree and its stamp: the names a search finds in each file hold
        while it is unchanged. Each stamp counts as that file's first reading (`_stamps`), as a search
        reading the file would make it: a file changed later is noticed (`forget_changed`)."""
        if self._tree is None:
            digest = sha1()
            for path in self.files():
                digest.update(f"{path}\0{self._first_stamp(path)}\0".encode("utf-8", "surrogatepass"))
            self._tree = digest.hexdigest()[:20]
        return self._tree

    def _mentions(self, path: str, name: str) -> bool:
        data = self._data(path)  # a file is decoded only when it cannot be answered from its bytes
        raw = name.encode("utf-8")
        if data is None or raw not in data:
            return False
        said = mentions_in_bytes(data, raw)
        return said if said is not None else mentions(data.decode("utf-8", "replace"), name)

    def let_go_of_texts(self) -> None:
        """The file contents kept go (a host linter's turn, `engine.let_go_of_trees`): under flake8 they
        stood, up to TEXT_BUDGET, beside flake8's own work on every later file (weblate: 2 MB of its 36),
        to spare re-reading files from the OS's cache for the next file's name searches (weblate: 0.05 s
        of a 14 s run). Read again when next searched."""
        self._texts.clear()
        self._kept = 0

    def forget_changed(self) -> FrozenSet[str]:
        """The files the graph has read that changed on disk (or vanished) since: what was concluded from
        them — their text, their call facts, the names they mention, the functions holding writes — is
        dropped, to be read again when asked, and the listeners (the analyses' memos of callers'
        verdicts and judged writes) are told. One stat per file read, asked once per front end's run or
        engine call (`project_for`), as the index's own `changed_on_disk`, never at a lookup. A file
        added or removed is the index's to notice (it is then built again, and this graph with it)."""
        changed = frozenset(path for path, was in self._stamps.items() if stamp(path) != was)
        if changed:
            self._forget(changed)
        return changed

    def _forget(self, changed: FrozenSet[str]) -> None:
        # What was concluded from a file rests on the modules its imports reach: a file importing a
        # changed one, directly or not, is read again too.
        paths = self._importers(changed)
        for path in changed:
            self._stamps.pop(path, None)
            self._kept -= len(self._texts.pop(path, None) or b"")
            self._imports.pop(path, None)
            self._import_words.pop(path, None)
        self._prints.clear()
        self._reached.clear()
        self._tree = None
        self._crowded.clear()  # searched again when asked
        self._calls = {key: calls for key, calls in self._calls.items() if key[0] not in paths}
        self._read_ahead = {key: calls for key, calls in self._read_ahead.items() if key[0] not in paths}
        for defs in self._defs.values():
            for path in changed:
                defs.pop(path, None)
        self._helper_names.clear()
        for name, found in list(self._candidates.items()):
            kept: Set[str] = set(found) - changed
            found = [path for path in self.files()
                     if path in kept or (path in changed and self._mentions(path, name))]
            if len(found) > MAX_CANDIDATE_MODULES:  # as a search from scratch would leave it
                del self._candidates[name]
                self._crowded.add(name)
            else:
                self._candidates[name] = found
        for listener in self.listeners:
            listener(paths)

    def _importers(self, changed: FrozenSet[str]) -> FrozenSet[str]:
        """`changed` and the files whose imports reach one of them (as far as the graph has read imports)."""
        importers: Dict[str, List[str]] = {}
        for path, imported in self._imports.items():
            for target in imported:
                importers.setdefault(target, []).append(path)
        found, todo = set(changed), list(changed)
        while todo:
            for path in importers.get(todo.pop(), ()):
                if path not in found:
                    found.add(path)
                    todo.append(path)
        return frozenset(found)

    def calls_in(self, path: str, name: str) -> Optional[NameCalls]:
        """The call facts of `path` for function name `name` (memoised, cached on disk); None when the
        module cannot be read (a syntax error): its calls are unknown."""
        key = (path, name)
        if key in self._calls:
            return self._calls[key]
        fingerprint = self.file_fingerprint(path) if self.cache.enabled else ""
        found = self.cache.get(path, fingerprint, name)
        if found is None:
            found = self._read_ahead.pop(key, None)
            if found is None and _names_only_where_never_used(self.text(path), name):
                found = NameCalls()  # only its own `def` and plain imports: nothing to read the module for
            elif found is None:
                extracted = self.extractor(path, frozenset([name])) if self.extractor is not None else {}
                found = extracted.get(name, NameCalls()) if extracted is not None else None
                self._keep_ahead(path, name, extracted)
            if found is not None:
                self.cache.put(path, fingerprint, name, found)
        self._calls[key] = found
        return found

    def read_ahead(self, names: Iterable[str], reported: Callable[[str], bool], only: Optional[str] = None) -> None:
        """Read, in one parse per module, the call facts of every module the graph is about to be asked
        about for several of `names` (the callers of a module's writes, one level of callers up): asked
        one name at a time, such a module was parsed once per name, the one tree kept
        (analysis/callers.py) being another module's by the time the next name came. Only names the
        caller will ask next: a module read for names nobody asks costs more than the parse saved.
        `only`: a module in hand now, to read for any of the names (it is asked later, when its tree is gone)."""
        if self.extractor is None or not self.complete:
            return
        by_path: Dict[str, List[str]] = {}
        least = 2 if only is None else 1  # one name of a module not in hand: read when asked, as before
        names = list(dict.fromkeys(names))
        self._find_candidates(names)
        for name in names:
            for path in self.candidates(name) or ():
                key = (path, name)
                if (only in (None, path) and key not in self._calls and key not in self._read_ahead
                        and reported(path)):
                    by_path.setdefault(path, []).append(name)
        for path, unread in by_path.items():
            if len(unread) < least:
                continue
            wanted = []
            fingerprint = self.file_fingerprint(path) if self.cache.enabled else ""
            for name in unread:
                cached = self.cache.get(path, fingerprint, name)
                if cached is not None:
                    self._calls[(path, name)] = cached
                elif not _names_only_where_never_used(self.text(path), name):
                    wanted.append(name)
            extracted = self.extractor(path, frozenset(wanted)) if len(wanted) >= least else None
            if extracted is not None:  # None: the module cannot be read, which calls_in will say
                for name in wanted:
                    self._read_ahead[(path, name)] = extracted.get(name, NameCalls())
                self._keep_ahead(path, "", extracted)

    def _keep_ahead(self, path: str, name: str, extracted: Optional[Dict[str, NameCalls]]) -> None:
        """The names besides `name` an extraction answered (the extractor reads the names a module will
        be asked next along): kept until asked."""
        for other, calls in (extracted or {}).items():
            if other != name and self.unread(path, other):
                self._read_ahead[(path, other)] = calls

    def unread(self, path: str, name: str) -> bool:
        """Whether the call facts of `path` for `name` are still to be read (not asked, not read ahead,
        and the module names it beyond its `def` and plain imports)."""
        key = (path, name)
        return (key not in self._calls and key not in self._read_ahead
                and not _names_only_where_never_used(self.text(path), name))

    def sites(self, function: str, reported: Callable[[str], bool],
              search: Optional[str] = None, untyped: bool = False) -> Optional[Tuple[List[CallSite], bool]]:
        """(call sites of `function` in files `reported` accepts, whether it is referenced uncalled
        anywhere), or None when its callers cannot be known (a name too common to follow). The files
        searched are those whose text names the function, or `search` (a signal, for its `send()`s).
        `untyped`: the calls of a method of that name on a receiver nothing types, instead."""
        name = id_name(function)
        paths = self.candidates(search or name)
        if paths is None or not self.complete:
            return None
        wanted = untyped_callee(name) if untyped else function
        sites: List[CallSite] = []
        escaped = False
        module_level = not untyped and search is None and "." not in function.partition(":")[2]
        for path in paths:
            if not reported(path) or (module_level and (path, name) not in self._calls
                                      and (path, name) not in self._read_ahead and not self._may_call(path, function)):
                continue
            calls = self.calls_in(path, name)
            if calls is None:
                return None  # a caller may hide in a module that cannot be read
            sites.extend(s for s in calls.sites if s.callee == wanted)
            escaped = escaped or function in calls.escapes
        return sites, escaped

    def _may_call(self, path: str, function: str) -> bool:
        """Whether `path` may call or reference `function`, a function defined at module level, as its text
        says without parsing it (text_references.py): the file defining it may; another file only through
        its imports or a chain spelling a project module (a copy of the defining module, under the same
        dotted name, counts as the defining file)."""
        module, _, name = function.partition(":")
        dotted = discovery.module_name(path, self.root)[0]
        text = self.text(path)
        if dotted == module or text is None:
            return True
        return may_refer(text, name, lambda: self._imported(path, text),
                         lambda parts: self._names_module(dotted, parts))

    def _imported(self, path: str, text: str) -> FrozenSet[str]:
        """The names the imports of `path` may bind (text_references.import_words), read once per file."""
        words = self._import_words.get(path)
        if words is None:
            words = self._import_words[path] = import_words(text, _import_statements(text))
        return words

    def _names_module(self, dotted: str, parts: List[str]) -> bool:
        """Whether a prefix of the dotted chain `parts`, as written or under the module `dotted` (a
        submodule named like one of its classes or functions), is a project module: as
        `CallSites._project_function` looks for one."""
        top = self.root.rstrip(os.sep) + os.sep
        prefixes = [".".join(parts[:cut]) for cut in range(1, len(parts) + 1)]
        for candidate in prefixes + ([f"{dotted}.{prefix}" for prefix in prefixes] if dotted else []):
            found = self._module_path(candidate)
            if found and found.startswith(top):
                return True
        return False

    def save(self, throttle: float = 1.0) -> None:
        """Persist new facts; throttled like the module facts' cache (`-j` workers never run atexit hooks
        and must save as they go, but a full-tree run should not rewrite the files after every module)."""
        now = time.monotonic()
        if (self.cache.dirty or self.summaries.dirty) and now - self._last_save >= throttle:
            self.cache.save()
            self.summaries.save()
            self._last_save = now


_IMPORTS = re.compile(r"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)?|(?:[^\n#;\\]|\\\n)*)"
                      r"|import[ \t]+((?:[^\n#;\\]|\\\n)*))", re.MULTILINE)


def imported_modules(text: str, module: str, is_package: bool) -> List[str]:
    """Dotted names of the modules a module's text imports from, and of the names it imports from them
    (`from shop import services` imports a module too), relative imports resolved. Read from the import
    statements, the names on the continuation lines of a parenthesised or backslash-continued import too."""
    found: List[str] = []
    for match in _import_statements(text):
        dots, target, names, plain = match.groups()
        if plain is not None:
            found.extend(part.split(" as ")[0].strip() for part in _names(plain))
            continue
        base = resolve_relative(module, is_package, len(dots), target or None)
        if base:
            found.append(base)
            found.extend(f"{base}.{name}" for part in _names(names)
                         if (name := part.split(" as ")[0].strip()) and name != "*")
    return [name for name in dict.fromkeys(found) if name]


def _import_statements(text: str):
    """The matches of `_IMPORTS`, tried only at the start of the lines that say `import` (a search of the
    whole text for a pattern starting with `^` tries every position: as long as parsing a tenth of it)."""
    at = text.find("import")
    while at >= 0:
        match = _IMPORTS.match(text, text.rfind("\n", 0, at) + 1)
        if match is not None and match.end() > at:
            yield match
            at = text.find("import", match.end())
        else:
            at = text.find("import", at + 6)


def mentions(text: str, name: str) -> bool:
    """Whether `text` holds the identifier `name` as a whole word (what `\\bname\\b` finds), by
    `str.find` and a look at the characters either side: a regular expression over every file of the
    project, once per function name followed, cost as much as parsing a tenth of it."""
    return next(_word_positions(text, name), None) is not None


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def mentions_in_bytes(data: bytes, raw: bytes) -> Optional[bool]:
    """`mentions(data decoded, name)` answered from the file's bytes, for an ASCII name (`raw`): an ASCII
    byte stands for itself in UTF-8, wherever it is, so each occurrence of the name's bytes is one of
    the name in the text, and an ASCII neighbour says whether it is a word's part. None when a neighbour
    of an occurrence is not ASCII (a letter of another alphabet is a word character), or the name is
    not ASCII: then the text is decoded. The name searches decoded every file holding the name's bytes
    (weblate: 3 % of its run)."""
    if not raw.isascii():
        return None
    size, length = len(data), len(raw)
    start = data.find(raw)
    while start >= 0:
        end = start + length
        before = data[start - 1] if start else 0
        after = data[end] if end < size else 0
        if before >= 0x80 or after >= 0x80:
            return None
        if before not in _WORD_BYTES and after not in _WORD_BYTES:
            return True
        start = data.find(raw, start + 1)
    return False


def _defs_holding(text: str, writes: "re.Pattern[str]") -> List[str]:
    """Names of the `def`s whose bodies hold a write call: a write belongs to the nearest `def` above it
    indented less than its line; `super().save()` is not a write."""
    calls = list(writes.finditer(text))
    if not calls:
        return []
    names: List[str] = []
    defs = _defs_before(text, calls[-1].start())
    starts = [start for start, _, _ in defs]
    for match in calls:
        line = text[text.rfind("\n", 0, match.start()) + 1:match.start()]
        if _SUPER_CALL.search(line):
            continue
        indent = len(line.expandtabs()) - len(line.expandtabs().lstrip())
        index = bisect.bisect(starts, match.start()) - 1
        while index >= 0 and defs[index][1] >= indent:
            index -= 1
        if index >= 0 and defs[index][2] not in names:
            names.append(defs[index][2])
    return names


def _defs_before(text: str, end: int) -> List[Tuple[int, int, str]]:
    """(start of its line, indentation, name) of each `def` line before `end`: what `DEF_LINE` finds, by a
    search for the literal `def` and a look at the line before it — a pattern starting with `^` tries
    every position of the text, and was tried over every file holding a write (weblate: 0.04 s)."""
    found = []
    for match in _DEF_AT.finditer(text, 0, end):
        at = match.start()
        start = text.rfind("\n", 0, at) + 1
        if _DEF_PREFIX.fullmatch(text, start, at):
            prefix = text[start:at]
            found.append((start, len(prefix[:len(prefix) - len(prefix.lstrip(" \t"))].expandtabs()), match.group(1)))
    return found


class SummariesCache(JsonStore):
    """Per file: the names of its functions holding a write call (by the write pattern), and, for one
    state of the project's model modules, its helper writes' summaries (plain lists)."""

    SUFFIX = "-helpers.json"
    # 2: helper writes say which parameters their unique values come from (inputs); 3: values formatted from
    # the row's own pk, random text and the values that reach a save change which sets a helper write risks;
    # 4: helper writes carry their function's signature and early exits (argument_kinds.py); 5: names keyed
    # by a digest of the write pattern; 6: the call sites a module's verdicts rested on, by digest; 7: valid
    # for the modules a file imports as they are (`CallGraph.file_fingerprint`); 8: the modules a file imports
    # (`CallGraph.imports_of`), and summaries valid for the modules its imports reach, transitively; 9: and for
    # the files of the written models' classes and bases, as they were (`Shared.model_files`); 10: only the
    # imported names that are the tree's modules, for one set of them; 11: each file's entry is JSON text
    FORMAT = 11
    # A warm run asks every file of the tree for its names and imports, each once (the graph keeps the
    # answers): decoded only then, an entry is never held both as JSON values and as the graph's answer.
    TEXT_PAYLOADS = True
    EXTRAS = (CANDIDATES,)  # {"tree": CallGraph._tree_print, "names": {name: its candidate files}}

    def _entry(self, path: str) -> dict:
        try:
            payload = self.payload(path)
        except (ValueError, RecursionError):  # text that is no JSON: read the file again
            self.forget(path)
            return {}
        return payload if isinstance(payload, dict) else {}

    def _put(self, path: str, key: str, value: Any, read_at: Optional[list] = None) -> None:
        """Set one part of the file's entry; an entry still current that already holds `value` is left as
        it is, so a warm run that recomputes what it read (every module's helper summaries are recorded
        after its verdicts) does not rewrite the whole cache file — a pre-commit run of one file paid
        about 0.1 s for that write."""
        entry = self._entry(path)
        if entry.get(key) == value and (read_at is None or self.stamp_of(path) == read_at):
            return
        entry[key] = value
        self.store(path, entry, read_at)

    def names(self, path: str, pattern: str) -> Optional[List[str]]:
        found = self._entry(path).get("names", {}).get(_digest(pattern))
        return [n for n in found if isinstance(n, str)] if isinstance(found, list) else None

    def put_names(self, path: str, pattern: str, names: List[str]) -> None:
        """The names for one write pattern (the last one asked: a file keeps no list per configuration)."""
        self._put(path, "names", {_digest(pattern): names})

    def imports(self, path: str, layout: str) -> Optional[List[str]]:
        """The dotted names of the tree's modules the file's import lines name (`CallGraph.imports_of`), for
        the file as it is and the tree's modules as they are (`layout`, a digest of their names)."""
        found = self._entry(path).get("imports")
        if not isinstance(found, dict) or found.get("layout") != layout or not isinstance(found.get("names"), list):
            return None
        return [n for n in found["names"] if isinstance(n, str)]

    def put_imports(self, path: str, layout: str, names: List[str], read_at: Optional[list]) -> None:
        """The names, read from the file's text as it was when stamped `read_at`."""
        self._put(path, "imports", {"layout": layout, "names": names}, read_at)

    def helpers(self, path: str, fingerprint: str) -> Optional[Tuple[dict, dict, dict]]:
        """(function id → its helper writes, function id → digest of the call sites its module's verdicts
        rested on: `sites_digest`, path → stamp of the files of the models written, as they were read)
        for the file as it is on disk, or None."""
        found = self._entry(path).get("helpers")
        if (isinstance(found, dict) and found.get("fingerprint") == fingerprint and isinstance(found.get("by"), dict)
                and isinstance(found.get("callers"), dict) and isinstance(found.get("models"), dict)):
            return found["by"], found["callers"], found["models"]
        return None

    def put_helpers(self, path: str, fingerprint: str, by_function: dict, callers: dict, models: dict) -> None:
        self._put(path, "helpers", {"fingerprint": fingerprint, "by": by_function, "callers": callers,
                                    "models": models})


def sites_digest(found: Optional[Tuple[List[CallSite], bool]]) -> str:
    """A short stable digest of what the graph says of a function's callers (`CallGraph.sites`): a helper
    summary that rested on it (a parameter every caller feeds a new row) holds while it is the same,
    whichever files changed — the summary's own file's stamp says nothing of its callers'."""
    text = repr(None if found is None else ([_encode_site(site) for site in found[0]], found[1]))
    return sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@functools.lru_cache(maxsize=8)
def _digest(pattern: str) -> str:
    """A short stable key for a write pattern (the pattern itself is hundreds of characters, once per file)."""
    return sha1(pattern.encode("utf-8")).hexdigest()[:16]


__all__ = ["CallGraph", "CallSite", "Check", "NameCalls", "function_id", "id_name", "id_module", "sites_digest"]
