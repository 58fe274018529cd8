"""The module index: which modules a project has, where each one's source is, and the facts read from it.

It answers "what does this dotted name denote?" across modules (following re-exports and star imports).
`django.*` modules are always read from uniqueguard's own stubs, never from an installed Django, so a
project's findings do not depend on whether Django is installed where the linter runs. Facts are read
lazily, once per process, through the on-disk facts cache; files that cannot be read are recorded in
`Problems` so the fronts can say so (UNQ000) instead of dropping findings silently.
"""
from __future__ import annotations

import ast
import contextlib
import os
import sys
import time
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple, TypeVar

from ..records import dataclass, field
from . import discovery, tree_walk
from .cache import FactsCache, stamp
from .facts import ClassFacts, MethodFacts, ModuleFacts, Ref, failed_module, module_facts
from . import piecewise
from .in_hand import held, tree_in_hand, tree_of
from .sources import Layout, note_layout

T = TypeVar("T")

STUBS_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "stubs")
MAX_REEXPORT_HOPS = 12
SIGNAL_FILES = ("signals.py", "receivers.py", "handlers.py", "signal_handlers.py")


@dataclass
class Problems:
    """Files the index could not read. Reported once per run by the fronts, never silently dropped."""

    unreadable: Dict[str, str] = field(default_factory=dict)  # path → reason
    incomplete_walk: bool = False  # the tree was too large or had unreadable folders
    user_model: Optional[str] = None  # why the user model is not what AUTH_USER_MODEL says (registry)
    walk_reported: bool = False  # said once per process, on the first file analysed ...
    walk_carrier: Optional[str] = None  # ... or on this file, the run's first, when a front named it
    missing_reported: Set[str] = field(default_factory=set)  # packages said missing, once per process


def _is_indexed_file(folder: str, filename: str) -> bool:
    """Models modules and packages, app configs, and the modules where apps keep signal receivers."""
    return (filename in ("models.py", "apps.py") or filename in SIGNAL_FILES
            or os.path.basename(folder) in ("models", "signals"))


def _is_signals_file(path: str) -> bool:
    folder = os.path.basename(os.path.dirname(path))
    return folder != "models" and (os.path.basename(path) in SIGNAL_FILES or folder == "signals")


class ModuleIndex:
    """Every module of one project root, its facts read on demand, and class lookup across modules."""

    def __init__(self, root: str, cache_dir: Optional[str] = None):
        self.root = os.path.abspath(root)
        self.problems = Problems()
        self.cache = FactsCache(self.root, cache_dir)
        self._last_save = 0.0
        self._facts_by_path: Dict[str, ModuleFacts] = {}
        self._stamps: Dict[str, Optional[list]] = {}  # path → stamp when its facts were read
        # (path, dotted, is_package, tree) of the module being linted
        self._adopted: Optional[Tuple[str, str, bool, ast.Module]] = None
        self._path_by_module: Dict[str, Optional[str]] = {}
        self._class_cache: Dict[str, Optional[ClassFacts]] = {}
        self._reads: Optional[Set[str]] = None  # files whose facts were asked for while `recording`
        # Conclusions drawn from class bodies, memoised for the index's life like the class cache
        # (validation.py: whether a form field class queries the value it cleans).
        self.derived: Dict[tuple, object] = {}
        self.source_roots: List[str] = [self.root]
        src = os.path.join(self.root, "src")
        if os.path.isdir(src):
            self.source_roots.append(src)
        self._preferred_roots = set(self.source_roots)  # where the project's own imports resolve
        self._copies: Dict[str, List[Tuple[str, str]]] = {}  # dotted → [(path, source root)] found
        self.models_modules: List[str] = []  # dotted names of every models module found
        self.apps_modules: List[str] = []
        self.signals_modules: List[str] = []  # signals.py / receivers.py / handlers.py / signals/
        self._scan()

    # ---------------------------------------------------------------------------------------- files
    def _scan(self) -> None:
        # One walk serves the index and the call graph (`python_files`), which looks for callers everywhere.
        self._folders: Dict[str, Optional[list]] = {}  # folder → stamp when walked (`changed_on_disk`)
        self.python_files, complete = self._walk()
        self.problems.incomplete_walk = not complete
        for path in self.python_files:
            folder, name = os.path.split(path)
            if not (name == "manage.py" or _is_indexed_file(folder, name)):
                continue
            if os.path.basename(path) == "manage.py":
                self._preferred_roots.add(os.path.dirname(path))
                continue
            dotted, _, source_root = discovery.module_name(path, self.root)
            if source_root not in self.source_roots:
                self.source_roots.append(source_root)
            if not dotted:
                continue
            copies = self._copies.setdefault(dotted, [])
            copies.append((path, source_root))
            if len(copies) > 1:
                continue
            if path.endswith("apps.py"):
                self.apps_modules.append(dotted)
            elif _is_signals_file(path):
                self.signals_modules.append(dotted)
            else:
                self.models_modules.append(dotted)
        self._pick_copies()

    def _walk(self) -> Tuple[List[str], bool]:
        """The tree's Python files and whether the walk was complete: as a process walked them before, when
        none of the folders it read has changed since (`tree_walk`), else walked and remembered."""
        remembered = tree_walk.remembered_walk(self.root, self.cache.extras.get("walk"), self._folders)
        if remembered is not None:
            return remembered, True
        started = time.time_ns()
        scanned: List[str] = []
        self._folders.clear()
        files, complete = discovery.walk_python_files(self.root, self._folders, scanned)
        self.cache.keep("walk", tree_walk.remember_walk(self.root, files, complete, scanned, self._folders, started))
        return files, complete

    def _pick_copies(self) -> None:
        """Order the source roots (discovery.rank_source_roots) and, for each indexed module found more
        than once, keep the copy under the first of them: the one the project's imports reach."""
        self.source_roots = discovery.rank_source_roots(self.source_roots, self.root, self._preferred_roots)
        rank = {folder: index for index, folder in enumerate(self.source_roots)}
        self._path_by_module = {dotted: min(copies, key=lambda copy: rank[copy[1]])[0]
                                for dotted, copies in self._copies.items()}

    def prefer_root_of(self, dotted: Optional[str]) -> None:
        """The settings package's parent is where DJANGO_SETTINGS_MODULE is imported from: prefer it."""
        path = self.module_path(dotted) if dotted else None
        settings_root = discovery.module_name(path, self.root)[2] if path else None
        if settings_root and settings_root not in self._preferred_roots:
            self._preferred_roots.add(settings_root)
            if settings_root not in self.source_roots:
                self.source_roots.append(settings_root)
            self._pick_copies()

    def facts_for_path(self, path: str, dotted: Optional[str] = None, is_package: Optional[bool] = None,
                       want_settings_hint: bool = False) -> ModuleFacts:
        path = os.path.abspath(path)
        if self._reads is not None:
            self._reads.add(path)
        cached = self._facts_by_path.get(path)
        if cached is not None:
            return cached
        if dotted is None or is_package is None:
            dotted, is_package, _ = discovery.module_name(path, self.root)
        self._stamps[path] = stamp(path)  # before reading: a change while reading shows next time
        if self._adopted is not None and self._adopted[0] == path and not want_settings_hint:
            _, adopted_name, adopted_package, tree = self._adopted
            self._adopted = None
            adopted: Optional[ModuleFacts]
            try:
                adopted = module_facts(tree, adopted_name, path, adopted_package)
            except RecursionError:
                adopted = None
            if adopted is not None:
                note_layout(path, adopted_package, Layout(self._stamps[path], adopted_name, tree.body,
                                                          imports=adopted.imports))
                self._facts_by_path[path] = adopted
                return adopted
        cached = None if want_settings_hint else self.cache.get(path)
        if cached is not None and cached.name == dotted:
            if cached.error:
                self.problems.unreadable[path] = cached.error
            self._facts_by_path[path] = cached
            return cached
        try:
            facts, layout = self._read(path, dotted, is_package, want_settings_hint)
            note_layout(path, is_package, layout)  # for sources.py
        except discovery.ParseFailure as exc:
            facts = failed_module(dotted, path, is_package, str(exc))
            self.problems.unreadable[path] = str(exc)
        except RecursionError:
            reason = "too deeply nested to read"
            facts = failed_module(dotted, path, is_package, reason)
            self.problems.unreadable[path] = reason
        self._facts_by_path[path] = facts
        if not want_settings_hint:
            self.cache.put(path, facts, self._stamps[path])
        return facts

    def _read(self, path: str, dotted: str, is_package: bool, want_settings_hint: bool) -> Tuple[ModuleFacts, Layout]:
        """A module's facts and layout: from the tree of a module under analysis when it is in hand (or
        will be: a held module keeps the tree parsed here), else a group of statements at a time
        (index/piecewise.py), else parsed whole. Raises ParseFailure and RecursionError."""
        status = self._stamps[path]
        data = None
        if tree_in_hand(path) is None and not held(path):
            try:
                data = discovery.read_bytes(path)
            except OSError:
                data = None  # parse_file says why
            found = piecewise.read(data, path, dotted, is_package, status, want_settings_hint) if data else None
            if found is not None:
                return found
        tree = tree_of(path, data)
        facts = module_facts(tree, dotted, path, is_package, want_settings_hint)
        return facts, Layout(status, dotted, tree.body, imports=facts.imports)

    def stamp_when_read(self, path: str, seen: Optional[Dict[str, Optional[list]]] = None) -> Optional[list]:
        """The stamp of a file when its facts were read (what they are true for), else as another reader
        first saw it (`seen`: the call graph's, compared with the disk when the index's files are), else as
        it is now."""
        if path in self._stamps:
            return self._stamps[path]
        return seen[path] if seen is not None and path in seen else stamp(path)

    @contextlib.contextmanager
    def recording(self) -> Iterator[Set[str]]:
        """The files whose facts are asked for inside the block, each at every ask, read before or not:
        what an answer built inside it rests on (index/project_indexes.py keeps such answers between
        processes). Class lookups inside start from nothing, so a class found before the block still
        shows its module; what they find is kept for afterwards."""
        outer_reads, outer_classes = self._reads, self._class_cache
        self._reads, self._class_cache = set(), {}
        try:
            yield self._reads
        finally:
            found, inner = self._class_cache, self._reads
            self._reads, self._class_cache = outer_reads, outer_classes
            if outer_reads is not None:
                outer_reads.update(inner)
            for dotted, cls in found.items():
                outer_classes.setdefault(dotted, cls)

    def note_read(self, path: str, status: Optional[list]) -> None:
        """A file read besides its facts (a function body, index/sources.py), stamped as it was read:
        compared with the disk like the files whose facts the index holds (`changed_on_disk`)."""
        self._stamps.setdefault(path, status)

    def changed_on_disk(self) -> bool:
        """Whether a file whose facts this index holds changed (size, mtime) or vanished since it was read,
        or the tree's Python files are no longer those it walked (one added, removed or renamed). One
        stat per file read — the models, signals and settings modules, not the tree — and one per
        folder holding Python files, so a long-running process (an editor's linter) can ask before every
        check (see `project_for`). A folder whose stamp moved is walked again (the whole tree: its files'
        order is the walk's): an editor that saves by renaming a new copy over the file moves it, and
        then the same files are found, and the new stamps kept."""
        if any(stamp(path) != was for path, was in self._stamps.items()):
            return True
        if all(discovery.folder_stamp(folder) == was for folder, was in self._folders.items()):
            return False
        folders: Dict[str, Optional[list]] = {}
        files, complete = discovery.walk_python_files(self.root, folders)
        if files != self.python_files or complete != (not self.problems.incomplete_walk):
            return True
        self._folders = folders
        return False

    def save_cache(self, throttle: float = 1.0) -> None:
        """Persist new facts; throttled, because `-j` workers never run atexit hooks and must save as
        they go, but a full-tree run should not rewrite the file after every module."""
        now = time.monotonic()
        if self.cache.dirty and now - self._last_save >= throttle:
            self.cache.save()
            self._last_save = now

    def adopt_tree(self, path: str, dotted: str, is_package: bool, tree: ast.Module) -> None:
        """Remember the tree of the module being linted: if its own classes are looked up, their facts
        come from this tree instead of reading and parsing the file a second time. Only the current
        module's tree is kept, and its facts are built only if asked for."""
        path = os.path.abspath(path)
        if path not in self._facts_by_path and os.path.isfile(path):
            self._adopted = (path, dotted, is_package, tree)
            self._path_by_module.setdefault(dotted, path)

    def let_go(self) -> None:
        """The adopted tree goes (the host's, of a module linted earlier whose own facts nobody asked for)."""
        self._adopted = None

    def module_path(self, dotted: str) -> Optional[str]:
        if dotted in self._path_by_module:
            return self._path_by_module[dotted]
        if dotted == "django" or dotted.startswith("django."):
            path = discovery.module_file(dotted, [STUBS_ROOT])
        else:
            path = discovery.module_file(dotted, self.source_roots)
            if path is None:
                path = discovery.module_file(dotted, _installed_roots(self.root))
            if path is None:  # popular third-party models (DRF's authtoken...) lint environments lack
                path = discovery.module_file(dotted, [STUBS_ROOT])
        self._path_by_module[dotted] = path
        return path

    def installed_roots(self) -> List[str]:
        """Where installed packages' modules are looked for (a name no project module has)."""
        return _installed_roots(self.root)

    def relative(self, path: Optional[str]) -> str:
        """A path as messages show it: relative to the project root, with `/`."""
        return os.path.relpath(path, self.root).replace(os.sep, "/") if path else "?"

    def module(self, dotted: str) -> Optional[ModuleFacts]:
        path = self.module_path(dotted)
        if path is None:
            return None
        is_package = os.path.basename(path) == "__init__.py"
        return self.facts_for_path(path, dotted, is_package)

    # -------------------------------------------------------------------------------------- classes
    def find_class(self, dotted: str) -> Optional[ClassFacts]:
        """The class a dotted name denotes, following re-exports (`from .user import User`) and `*`."""
        if dotted in self._class_cache:
            return self._class_cache[dotted]
        self._class_cache[dotted] = None  # cycle guard
        found = self._find_class(dotted)
        self._class_cache[dotted] = found
        return found

    def _find_class(self, dotted: str) -> Optional[ClassFacts]:
        return self.find_definition(dotted, lambda facts, name: facts.cls(name), self._class_cache)

    def find_function(self, dotted: str) -> Optional[Tuple[MethodFacts, ModuleFacts]]:
        """(facts of the module-level function a dotted name denotes, facts of the module defining it),
        through the same re-exports, aliases and `*` as classes."""
        def pick(facts: ModuleFacts, name: str):
            found = facts.function(name)
            return (found, facts) if found is not None else None
        return self.find_definition(dotted, pick)

    def find_definition(self, dotted: str, pick: Callable[[ModuleFacts, str], Optional[T]],
                        answers: Optional[Dict[str, Optional[T]]] = None) -> Optional[T]:
        """What `pick(module facts, name)` finds for a dotted name, depth first through re-exports,
        aliases and `*` in declaration order, each name looked at once per search: models modules that
        star-import each other (every app `from x.models import *` of every other) cost one visit per
        module, not one per path through them. `answers` holds earlier searches' results by name."""
        seen = set()
        stack = [dotted]
        while stack:
            current = stack.pop()
            if current in seen or "." not in current:
                continue
            seen.add(current)
            if answers is not None and current != dotted and answers.get(current) is not None:
                return answers[current]  # an earlier search's answer
            module_name, _, name = current.rpartition(".")
            facts = self.module(module_name)
            if facts is None:
                continue
            found = pick(facts, name)
            if found is not None:
                return found
            target = facts.import_map().get(name)
            if target:
                stack.append(target)
                continue
            alias = facts.assigned(name)
            if isinstance(alias, Ref):
                stack.append(alias.dotted)
                continue
            stack.extend(f"{star}.{name}" for star in reversed(facts.star_imports))
        return None

    def in_standard_library(self, dotted: str) -> bool:
        """Whether a dotted name is the standard library's: its top-level module is one of the interpreter's
        own, and the project does not shadow it (an app named `email` or `calendar` is the project's,
        found first in its source roots). The standard library defines no Django model, and asking
        whether one of its classes is a model read some of its largest modules (enum.py, typing.py,
        _pydecimal.py) in full, at the flake8 run's peak of memory."""
        top = dotted.partition(".")[0]
        if top not in _STANDARD_LIBRARY:
            return False
        path = self.module_path(top)
        if path is None:
            return True  # built into the interpreter (sys, itertools): no source, nothing to read either
        folder = os.path.dirname(path)
        return (folder if os.path.basename(path) != "__init__.py" else os.path.dirname(folder)) == _STDLIB_FOLDER

    def is_missing_package(self, top: str) -> bool:
        """Whether a top-level package is nowhere to be read: not in the project, not installed where
        the linter runs (pre-commit's isolated environment, a bare CI step), not the standard library."""
        if not top or top == "django" or top in _STANDARD_LIBRARY:
            return False
        roots = list(self.source_roots) + _installed_roots(self.root) + [STUBS_ROOT]  # stubs stand in for some
        return self.module_path(top) is None and not any(os.path.isdir(os.path.join(r, top)) for r in roots)

    def ancestors(self, cls: ClassFacts) -> List[Tuple[str, Optional[ClassFacts]]]:
        """(dotted name, facts or None) of every base class, depth first in declaration order."""
        result: List[Tuple[str, Optional[ClassFacts]]] = []
        seen = {cls.qualname}
        stack = list(reversed(cls.bases))
        while stack:
            base = stack.pop()
            if not base or base in seen:
                continue
            seen.add(base)
            facts = self.find_class(base)
            result.append((base, facts))
            if facts is not None:
                seen.add(facts.qualname)
                stack.extend(reversed(facts.bases))
        return result

    def lineage(self, cls: ClassFacts) -> List[ClassFacts]:
        """The class, then every base whose source is read, in ancestors()' order: the classes a method or
        field lookup walks; a base that cannot be read (None in ancestors()) is left out."""
        return [cls] + [facts for _, facts in self.ancestors(cls) if facts is not None]

    def inherits(self, cls: ClassFacts, names: Iterable[str]) -> bool:
        """Whether any base (transitively) is one of the dotted `names`, or ends with `.<name>`."""
        wanted = tuple(names)
        for dotted, facts in self.ancestors(cls):
            candidates = [dotted] + ([facts.qualname] if facts is not None else [])
            for candidate in candidates:
                if candidate in wanted or any(candidate.endswith("." + w) for w in wanted):
                    return True
        return False


_INSTALLED_ROOTS: Optional[List[str]] = None
# The interpreter's path as it was when uniqueguard was imported: before a host adds folders of its own
# (pylint puts each linted folder's package root on sys.path while it lints), so what installed code the
# engine sees never depends on the front end. The working folder (`python -m`'s sys.path[0], or '') is
# where the linter was started from, not an install: left out too.
_STARTUP_PATH = tuple(sys.path)
_STARTUP_CWD = os.getcwd()
_STANDARD_LIBRARY = frozenset(getattr(sys, "stdlib_module_names", ())) | frozenset(sys.builtin_module_names)
_STDLIB_FOLDER = os.path.dirname(os.path.abspath(os.__file__))  # where the linting interpreter's own modules are


def _installed_roots(project_root: str) -> List[str]:
    """Folders on the linting interpreter's path where installed packages' sources can be read."""
    global _INSTALLED_ROOTS
    if _INSTALLED_ROOTS is None:
        roots = []
        for entry in _STARTUP_PATH:
            if not entry or os.path.abspath(entry) == _STARTUP_CWD:
                continue
            entry = os.path.abspath(entry)
            if os.path.isdir(entry) and entry not in roots:
                roots.append(entry)
        _INSTALLED_ROOTS = roots
    return [r for r in _INSTALLED_ROOTS if r != project_root]


__all__ = ["ModuleIndex", "Problems", "STUBS_ROOT", "MAX_REEXPORT_HOPS"]
