"""What a write's callers decide: guarded by every caller, a broken transaction a call away, or reported at
the call sites that leave it open.

The call graph (index/callgraph.py) lists the call sites of a function across the project; this module
reads them for a write in that function:

- **guarded by its callers**: every path into the function from an entry (module code, a function nobody
  calls, one referenced without being called, a method the framework may call) passes through a call in
  a `try` that catches IntegrityError. Followed up to `MAX_DEPTH` callers up; beyond that a caller counts
  as an entry, so the answer is never a guess in the silent direction. Cycles are settled as a least
  fixpoint (guarded when a guarding try stands on the cycle).
- **per call site**: some call sites are guarded, or checked for the row first, and others are not: the
  write itself is silent, and each call site that nothing guards is reported (UNQ002 when the caller
  checked for the row before calling), naming the write it reaches.
- **judged at the write**: no known caller, or every caller leaves it open alike.

Call sites in files the configuration excludes (tests, migrations) are not callers: they are not where a
duplicate becomes a 500.
"""
from __future__ import annotations

import contextlib
import os
import re
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

from .. import orm
from ..index import discovery, in_hand
from ..index.callgraph import CallGraph, CallSite, NameCalls, id_module, id_name
from .argument_kinds import Signature, decode_exits, reaches
from .graphs import graph_for
from .callsites import CallSites
from .resolve import Resolver
from ..paths import inside
from ..records import dataclass
from .scope import ModuleScope
from .support_code import is_test_support_module, shows_test_support

MAX_DEPTH = 4
Sites = Tuple[List[CallSite], bool]  # (call sites, referenced uncalled): `Callers.sites`
# Django's `Model` (as bases name it when Django is not installed where the linter runs) and the methods it
# defines that take an argument: an override of one of them is called by Django itself.
DJANGO_MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model", "models.Model"})
DJANGO_MODEL_METHODS = orm.SAVE | orm.INSTANCE_VALIDATION | frozenset({
    "save_base", "delete", "adelete", "refresh_from_db", "arefresh_from_db", "from_db", "serializable_value",
    "prepare_database_save", "clean", "clean_fields", "date_error_message", "unique_error_message",
    "get_constraints", "check", "get_deferred_fields"})
MAX_KEPT_TREES = 0  # parsed modules kept besides the linted one and those being analysed, when another is read
_WORD = re.compile(r"\w+")


class Extractor:
    """Reads a module into call facts for the graph: the linted module from its own tree, any other by
    parsing its file (once per process; the graph caches the facts on disk)."""

    def __init__(self, project, extra_guards: frozenset, atomic_requests: bool, test_support: bool = False):
        self.project = project
        self.extra_guards = extra_guards
        self.atomic_requests = atomic_requests
        self.test_support = test_support  # `check-test-support`: test-support modules are callers too
        self._readers: Dict[str, Optional[CallSites]] = {}  # path → reader; parsed ones in reading order
        self._texts: Dict[str, int] = {}  # path → hash of the text its reader was parsed from
        self._unreadable: Set[str] = set()  # modules that cannot be read: their calls are unknown
        self.texts: Callable[[str], Optional[str]] = lambda path: None  # the graph's file texts
        self._adopted: Optional[str] = None
        self._active: Dict[str, CallSites] = {}  # modules being analysed right now (`analysing`)
        self._signals: Dict[Tuple[str, bool], Dict[str, List[str]]] = {}  # (path, own) → `signals`
        # the names a module about to be read will be asked later (Callers.expected)
        self.expected: Callable[[str, str], Iterable[str]] = lambda path, text: ()
        # told of each module parsed (path, text, whether it is read: False for test support)
        self.read: Callable[[str, str, bool], None] = lambda path, text, read: None

    def forget(self, paths: FrozenSet[str]) -> None:
        """Changed modules (`Shared._forget`): read again when next asked."""
        for path in paths:
            self._drop(path)
            self._unreadable.discard(path)
            self._signals.pop((path, True), None)
            self._signals.pop((path, False), None)

    def signals(self, path: str, own: bool) -> Dict[str, List[str]]:
        """What a module connects to the project's own signals, read once for all its functions (plain
        data, kept): `own`, its module-level functions by name (CallSites.signals_received), else the
        functions it connects by id, wherever they live (CallSites.signals_connecting). Asked one function
        at a time, a module was parsed again for each, its tree gone by the next question."""
        key = (os.path.abspath(path), own)
        found = self._signals.get(key)
        if found is None:
            reader = self.reader(path)
            found = {} if reader is None else reader.signals_received() if own else reader.signals_connecting()
            self._signals[key] = found
        return found

    def adopt(self, path: str, scope: ModuleScope, resolver: Resolver) -> None:
        """The module being linted is read from its own tree; the previous one's tree is let go."""
        path = os.path.abspath(path)
        if self._adopted is not None and self._adopted != path:
            self._drop(self._adopted)
        self._adopted = path
        self._set(path, CallSites(scope, resolver, path, self.extra_guards, self.atomic_requests))

    @contextlib.contextmanager
    def analysing(self, path: str, scope: ModuleScope, resolver: Resolver):
        """While a module's writes are judged, the graph reads that module from the analysis's own tree
        (alive anyway), whatever else it parses meanwhile: judging a write asks for the callers of its
        function, and the module itself is often one of them."""
        path = os.path.abspath(path)
        reader = self._readers.get(path)
        if reader is None or reader.scope is not scope:
            reader = CallSites(scope, resolver, path, self.extra_guards, self.atomic_requests)
        outer = self._active.get(path)
        self._active[path] = reader
        try:
            yield
        finally:
            if outer is None:
                del self._active[path]
            else:
                self._active[path] = outer

    def __call__(self, path: str, names: frozenset) -> Optional[Dict[str, NameCalls]]:
        """Call facts per name; None when the module cannot be read (then its calls are unknown). A module
        parsed for them is read for the names it will be asked next too (`expected`): the answer then
        holds those names as well."""
        key = os.path.abspath(path)
        parsing = key not in self._active and key not in self._readers
        reader = self.reader(path)
        if reader is not None:
            if parsing:
                names = names | frozenset(self.expected(key, self.texts(key) or ""))
            return reader.extract(names)
        return None if path in self._unreadable else {}

    def reader(self, path: str) -> Optional[CallSites]:
        path = os.path.abspath(path)
        if path in self._active:
            return self._active[path]
        if path not in self._readers:
            self.make_room()
            self._readers[path] = None
            dotted, is_package, _ = discovery.module_name(path, self.project.root)
            text = self.texts(path)
            if text is None:
                self._unreadable.add(path)
            if not dotted or text is None:
                return None
            if not self.test_support and in_hand.tree_in_hand(path) is None and shows_test_support(text):
                self.read(path, text, False)
                return None  # its own lines say so: not parsed whole to find out
            try:
                tree = in_hand.tree_of(path, text)
            except (discovery.ParseFailure, RecursionError):
                self._unreadable.add(path)  # the host linter reports the file's own syntax error
                return None
            if not self.test_support and is_test_support_module(tree):
                self.read(path, text, False)
                return None  # code that only runs under a test runner calls nothing in production
            scope = ModuleScope(tree, dotted, is_package)
            self.keep(path, scope, Resolver(scope, self.project), text)
            self.read(path, text, True)  # what else this reading serves (helpers.Shared._judge_ahead)
        return self._readers[path]

    def keep(self, path: str, scope: ModuleScope, resolver: Resolver, text: str) -> None:
        """A module read elsewhere (for its helpers): its tree serves the graph too."""
        path = os.path.abspath(path)
        if self._readers.get(path) is None:
            self.make_room()
        self._set(path, CallSites(scope, resolver, path, self.extra_guards, self.atomic_requests))
        self._texts[path] = hash(text)

    def kept(self, path: str, text: Optional[str]) -> Optional[CallSites]:
        """The reader of a module already parsed from this very text, if one is kept."""
        path = os.path.abspath(path)
        reader = self._readers.get(path)
        return reader if reader is not None and text is not None and self._texts.get(path) == hash(text) else None

    def let_go(self) -> None:
        """The host linter's turn (`engine.let_go_of_trees`): every tree kept goes, the linted module's
        too. Kept across the host's own work on the next files, a large module's tree (askbot's 170 KB
        models module: 5 MB, its scope and resolver beside it) stood beside the host's tree of the next
        file at the run's peak, and every full collection the host made walked it again. What was read
        from a tree stays in the call graph's memo; a module asked for other names later is parsed again."""
        for path in [p for p, reader in self._readers.items() if reader is not None and p not in self._active]:
            self._drop(path)
        self._adopted = None

    def make_room(self) -> None:
        """Keep memory flat: before another module is parsed, the trees kept beyond MAX_KEPT_TREES go, the
        oldest first. With none kept, the one module read last stays (its tree serves the next question
        about it) until the next is read: the trees alive are the linted module's, those being analysed,
        and at most one other. Let go after the new tree was made, the old one stood beside it at the peak
        (django-oscar, linting `customer/views.py` read two 40 KB models modules for their helpers: +1 MB
        of flake8's peak). A module found unreadable or test support holds no tree and takes no room: it
        stays remembered, and is not parsed again. A module being analysed (index/in_hand.py) is not let
        go: its tree is alive anyway until its analysis ends."""
        trees = [p for p, reader in self._readers.items() if reader is not None]
        excess = len(trees) - MAX_KEPT_TREES
        for oldest in [p for p in trees if p != self._adopted and not in_hand.held(p)][:max(0, excess)]:
            self._drop(oldest)

    def _set(self, path: str, reader: CallSites) -> None:
        """Keep a module's reader; its tree serves the index's other readers too while kept (in_hand)."""
        self._readers[path] = reader
        in_hand.kept(path, reader.scope.tree)

    def _drop(self, path: str) -> None:
        self._readers.pop(path, None)
        self._texts.pop(path, None)
        in_hand.kept(path, None)


@dataclass
class CallerView:
    """What the callers of one function say about a write in it."""

    sites: Tuple[CallSite, ...]  # its direct call sites (reported files only)
    guarded: bool  # every path in passes a guarding try
    open_sites: Tuple[CallSite, ...]  # direct call sites nothing guards

    def checked(self, site: CallSite, model: str):
        return next((c for c in site.checks if c.model == model), None)

    def reaching(self, signature: str, exits: str) -> "CallerView":
        """The call sites that can reach a write past its function's `exits` (argument_kinds.Exit): a call
        passing `flag=True` to a function that returns under `if flag:` before the write is no caller of it."""
        if not exits:
            return self
        params, found = Signature.decode(signature), decode_exits(exits)
        sites = tuple(s for s in self.sites if reaches(s.args, params, found))
        return CallerView(sites, self.guarded, tuple(s for s in self.open_sites if s in sites))

    def per_site(self, model: str) -> bool:
        """Whether the write is judged at its call sites: some are guarded or checked, some not."""
        if not self.sites or self.guarded or not self.open_sites:
            return False
        return len(self.open_sites) < len(self.sites) or any(self.checked(s, model) for s in self.open_sites)


class Callers:
    """Caller verdicts for the functions of a project, memoised per function id."""

    def __init__(self, project, graph: CallGraph, reported: Callable[[str], bool], extractor: Extractor):
        self.project = project
        self.graph = graph
        self.reported = reported
        self.extractor = extractor  # reads a module's own signals (`_signals_received`)
        self._sites: Dict[str, Optional[Tuple[List[CallSite], bool]]] = {}
        self._views: Dict[str, Optional[CallerView]] = {}
        self._argument_sites: Dict[str, Optional[Tuple[CallSite, ...]]] = {}
        self._followed: Dict[str, bool] = {}
        self._in_transaction: Dict[str, Optional[CallSite]] = {}
        self._expected: Dict[str, None] = {}  # functions whose callers will be asked (`expect`), in order
        extractor.expected = self.expected

    def forget(self) -> None:
        """Call sites changed somewhere (`Shared._forget`): every verdict is drawn again from the graph.
        Which functions are followed rests on the index's facts alone, and stays."""
        self._sites.clear()
        self._views.clear()
        self._argument_sites.clear()
        self._in_transaction.clear()
        self._expected.clear()

    def followed(self, function: str) -> bool:
        """Whether the function's callers are looked for: not module code, not a method Django may call."""
        if function not in self._followed:
            self._followed[function] = not function.endswith(":") and not self._framework_may_call(function)
        return self._followed[function]

    def expect(self, functions) -> None:
        """Functions whose callers will be asked later (they hold a write judged, not handled there): a
        module the graph parses meanwhile for another name is read for theirs too (`expected`)."""
        self._expected.update((f, None) for f in functions if f is not None and f not in self._sites)

    def expected(self, path: str, text: str) -> List[str]:
        """Names of the expected functions whose callers will be looked for in `path`: those its text
        names beyond their `def` and plain imports, followed, and not too common to follow."""
        if not self._expected:
            return []
        found = []
        for function in list(self._expected):
            name = id_name(function)
            if function in self._sites or not self.followed(function):
                del self._expected[function]
            elif _is_word_of(name, text) and path in (self.graph.candidates(name) or ()) and self.reported(path) \
                    and self.graph.unread(path, name):
                found.append(name)
        return found

    def read_ahead(self, functions, only: Optional[str] = None) -> None:
        """The call sites of these functions are asked next: read each module that calls several of
        them once for all (CallGraph.read_ahead); `only`, a module in hand, for any of them."""
        self.graph.read_ahead([id_name(f) for f in functions if f is not None and f not in self._sites
                               and self.followed(f)], self.reported, only)

    def sites(self, function: Optional[str]) -> Optional[Tuple[List[CallSite], bool]]:
        """(call sites, referenced uncalled), or None when the function is an entry whatever its calls say.
        The receivers of a project's own signal (`order_placed = Signal()`) are called by its `send()`s."""
        if function is None:
            return None
        if function not in self._sites:
            found = self.graph.sites(function, self.reported) if self.followed(function) else None
            if found is not None:
                sites, escaped = found
                for signal in self._signals_received(function):
                    sent = self.graph.sites(signal + ".send", self.reported, search=id_name(signal))
                    if sent is None:
                        break
                    sites, escaped = sites + sent[0], escaped or sent[1]
                else:
                    self._sites[function] = (sites, escaped)
                    return self._sites[function]
            self._sites[function] = None
        return self._sites[function]

    def _signals_received(self, function: str) -> List[str]:
        """Ids (`module:name`) of the project's own signals a module-level function receives:
        `@receiver(signal)` or `signal.connect(function)` in its module, and `signal.connect(module.function)`
        in any other module (an AppConfig's `ready()`, a `signals.py`) whose text names it so."""
        qualname = function.partition(":")[2]
        path = self.project.module_path(id_module(function))
        if not path or "." in qualname:
            return []
        extractor = self.extractor
        found: List[str] = []
        text = self.graph.text(path)
        if text and ("receiver(" in text or ".connect(" in text):  # no module parsed for nothing
            found += extractor.signals(path, own=True).get(qualname, [])
        connects = re.compile(r"\.connect\(\s*(?:[\w.]+\.)?" + re.escape(qualname) + r"\b")
        for other in self.graph.candidates(qualname) or ():
            text = self.graph.text(other) if os.path.abspath(other) != os.path.abspath(path) else None
            if text and connects.search(text) and self.reported(other):
                found += extractor.signals(other, own=False).get(function, [])
        return list(dict.fromkeys(found))

    def argument_sites(self, function: Optional[str]) -> Optional[Tuple[CallSite, ...]]:
        """Every call that may run `function`, for what its arguments decide: its resolved call sites and,
        for a method, the calls of its name on receivers nothing types (any of them may be a call of it:
        counting one too many only asks more calls to be safe). None when its callers cannot be known."""
        if function is None:
            return None
        if function not in self._argument_sites:
            found = self.sites(function)
            method = "." in function.partition(":")[2]
            untyped = self.graph.sites(function, self.reported, untyped=True) if method else ([], False)
            sites: Optional[Tuple[CallSite, ...]] = None
            if found is not None and untyped is not None and not found[1]:
                sites = tuple(found[0]) + tuple(untyped[0])
                for overridden in self._overridden(function) if method else ():
                    more = self.sites(overridden)  # `self.m()` in a base runs this override on its instances
                    if more is None or more[1]:
                        sites = None
                        break
                    # the override's own `super().m(...)` never runs the override again: like a recursive
                    # call (callsites.extract), it says nothing of the callers outside
                    sites += tuple(site for site in more[0] if site.caller != function)
            self._argument_sites[function] = sites
        return self._argument_sites[function]

    def _overridden(self, function: str) -> List[str]:
        """Ids of the methods of the same name in the bases of a method's class, which it overrides."""
        owner, _, name = function.partition(":")[2].rpartition(".")
        cls = self.project.find_class(f"{id_module(function)}.{owner}") if "." not in owner else None
        if cls is None:
            return []
        return [f"{facts.module}:{facts.name}.{name}" for _, facts in self.project.ancestors(cls)
                if facts is not None and facts.method(name) is not None]

    def view(self, function: Optional[str]) -> Optional[CallerView]:
        """The callers' verdict for a function; None when it has no known callers (judged on its own)."""
        if function is None:
            return None
        if function not in self._views:
            found = self.sites(function)
            view = None
            if found is not None and found[0] and not found[1]:
                guarded = self._guarded_set(function)
                direct = tuple(found[0])
                open_sites = tuple(s for s in direct if not s.guarded and s.caller not in guarded)
                view = CallerView(direct, function in guarded, open_sites)
            self._views[function] = view
        return self._views[function]

    def in_transaction(self, function: Optional[str]) -> Optional[CallSite]:
        """A call, on some chain of callers of `function` (up to MAX_DEPTH), that runs inside an atomic block
        of its own function (a `with`, a decorator, ATOMIC_REQUESTS): the nearest, breadth first. A bare
        try/except IntegrityError in `function` would leave that transaction broken (UNQ003), so its hint
        asks for a savepoint inside the try. Any chain counts: the savepoint costs nothing outside one."""
        if function is None:
            return None
        if function not in self._in_transaction:
            found: Optional[CallSite] = None
            for _, sites in self._caller_levels(function, lambda sites: sites is not None):
                found = next((site for site in sites[0] if site.within), None) if sites is not None else None
                if found is not None:
                    break
            self._in_transaction[function] = found
        return self._in_transaction[function]

    def _framework_may_call(self, function: str) -> bool:
        """A public method of a class derived from one the project does not define (a view, a form, a
        model, a command): Django may call it, and those calls are not in the project's source."""
        module = id_module(function)
        qualname = function.partition(":")[2]
        if "." not in qualname:
            return False
        owner, _, name = qualname.rpartition(".")
        if name.startswith("_") and not name.startswith("__"):
            return False
        if name.startswith("__"):
            return True
        cls = self.project.find_class(f"{module}.{owner}") if "." not in owner else None
        if cls is None:
            return "." in owner  # a method of a nested class: not followed
        outside = [(dotted, facts) for dotted, facts in self.project.ancestors(cls)
                   if dotted not in ("object", "builtins.object")
                   and (facts is None or not inside(self.project.module_path(facts.module) or "", self.project.root))]
        return bool(outside) and not self._only_project_calls(cls, name, outside)

    def _only_project_calls(self, cls, name: str, outside) -> bool:
        """A model's own method that needs an argument beyond `self`, under a name none of the model's
        bases outside the project defines: Django calls a model's methods only under the names its
        `Model` defines, and a template (or the admin, or a serializer's `source=`) only with no
        argument. Its calls are all in the project's source. A base the lint environment cannot read
        (other than Django's `Model`) may call any name: then the framework may call it."""
        method = cls.method(name)
        if method is None or method.required < 2 or name in DJANGO_MODEL_METHODS or any(
                d.rpartition(".")[2] in ("staticmethod", "property", "cached_property") for d in method.decorators):
            return False
        if self.project.model(cls.qualname) is None:
            return False
        for dotted, facts in outside:
            if facts is None:
                if dotted not in DJANGO_MODEL_BASES:
                    return False
            elif facts.method(name) is not None:
                return False
        return True

    def _caller_levels(self, start: str, expand: Callable[[Optional[Sites]], bool]
                       ) -> Iterator[Tuple[str, Optional[Sites]]]:
        """`start` and its callers, breadth first and each once, up to MAX_DEPTH callers up: (function, its
        call sites — None past the bound or when they cannot be known). The callers of a function are
        walked on when `expand(its sites)` says so. A level at a time: its callers' modules are read once
        for all (`read_ahead`) before the level is handed out."""
        depth = {start: 0}
        level = [start]
        while level:
            self.read_ahead(f for f in level if depth[f] < MAX_DEPTH)
            deeper: List[str] = []
            for function in level:
                found = self.sites(function) if depth[function] < MAX_DEPTH else None
                yield function, found
                for site in found[0] if found is not None and expand(found) else ():
                    if site.caller not in depth:
                        depth[site.caller] = depth[function] + 1
                        deeper.append(site.caller)
            level = deeper

    def _guarded_set(self, start: str) -> Set[str]:
        """The functions, among `start` and its callers up to MAX_DEPTH, that every path passes a
        guarding try to reach (the in-module rule of old, over the project)."""
        seen: List[str] = []
        edges: Dict[str, List[Tuple[str, bool]]] = {}  # caller → [(callee, guarded call)]
        entries: Set[str] = set()
        incoming: Dict[str, List[Tuple[str, bool]]] = {}
        for function, found in self._caller_levels(start, _known_callers):
            seen.append(function)
            if not _known_callers(found):
                entries.add(function)
                continue
            for site in found[0] if found is not None else ():
                edges.setdefault(site.caller, []).append((function, site.guarded))
                incoming.setdefault(function, []).append((site.caller, site.guarded))
        unguarded = _reach(entries, edges, only_unguarded=True)
        reached = _reach(entries, edges, only_unguarded=False)
        guarded = {f for f in seen if f in reached and f not in unguarded}
        changed = True
        while changed:  # least fixpoint: cycles with a guarding try on them and no outside caller
            changed = False
            for function, calls in incoming.items():
                if function in guarded or function in entries:
                    continue
                if all(ok or caller in guarded for caller, ok in calls):
                    guarded.add(function)
                    changed = True
        return guarded


def _known_callers(found: Optional[Sites]) -> bool:
    """Whether call sites are all there is of a function's callers: some, and it is never referenced
    uncalled (else the function is an entry: called from where nobody can see)."""
    return found is not None and bool(found[0]) and not found[1]


def _reach(entries, edges, only_unguarded: bool) -> Set[str]:
    seen = set(entries)
    stack = list(entries)
    while stack:
        current = stack.pop()
        for callee, is_guarded in edges.get(current, ()):
            if only_unguarded and is_guarded:
                continue
            if callee not in seen:
                seen.add(callee)
                stack.append(callee)
    return seen


def _is_word_of(name: str, text: str) -> bool:
    """Whether `name` is one of the words (runs of word characters) of `text`: an occurrence with no word
    character on either side. A few names are asked of a module; the set of all its words cost about a
    millisecond per module to build, and a pattern opening with a look-behind is tried at every position."""
    if _WORD.fullmatch(name) is None:
        return False
    size, word = len(name), _WORD.match
    start = text.find(name)
    while start >= 0:
        end = start + size
        if (start == 0 or word(text, start - 1, start) is None) and word(text, end, end + 1) is None:
            return True
        start = text.find(name, end)  # an occurrence overlapping this one has a word character before it
    return False


__all__ = ["Callers", "CallerView", "Extractor", "graph_for", "id_name", "MAX_DEPTH"]
