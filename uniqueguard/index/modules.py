"""The module index: which modules a project has, where each one's source is, and the facts read from it.

It answers "what does this dotted name denote?" across modules (following re-exports and star imports).
`django.*` modules are always read from uniqueguard's own stubs, never from an installed Django, so a
project's findings do not depend on whether Django is installed where the linter runs. Facts are read
lazily, once per process, through the on-disk facts cache; files that cannot be read are recorded in
`Problems` so the fronts can say so (UNQ000) instead of dropping findings silently.
"""
from __future__ import annotations

import ast
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

from . import discovery
from .cache import FactsCache
from .facts import ClassFacts, ModuleFacts, Ref, failed_module, module_facts

STUBS_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "stubs")
MAX_REEXPORT_HOPS = 12
SIGNAL_FILES = ("signals.py", "receivers.py", "handlers.py", "signal_handlers.py")


@dataclass
class Problems:
    """Files the index could not read. Reported once per run by the fronts, never silently dropped."""

    unreadable: Dict[str, str] = field(default_factory=dict)  # path → reason
    incomplete_walk: bool = False  # the tree was too large or had unreadable folders
    walk_reported: bool = False  # said once per process, on the first file analysed
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
        # (path, dotted, is_package, tree) of the module being linted
        self._adopted: Optional[Tuple[str, str, bool, ast.Module]] = None
        self._path_by_module: Dict[str, Optional[str]] = {}
        self._class_cache: Dict[str, Optional[ClassFacts]] = {}
        self.source_roots: List[str] = [self.root]
        src = os.path.join(self.root, "src")
        if os.path.isdir(src):
            self.source_roots.append(src)
        self.models_modules: List[str] = []  # dotted names of every models module found
        self.apps_modules: List[str] = []
        self.signals_modules: List[str] = []  # signals.py / receivers.py / handlers.py / signals/
        self._scan()

    # ---------------------------------------------------------------------------------------- files
    def _scan(self) -> None:
        paths, complete = discovery.walk_python_files(self.root, _is_indexed_file)
        self.problems.incomplete_walk = not complete
        for path in paths:
            dotted, _, source_root = discovery.module_name(path, self.root)
            if source_root not in self.source_roots:
                self.source_roots.append(source_root)
            if not dotted:
                continue
            self._path_by_module.setdefault(dotted, path)
            if path.endswith("apps.py"):
                self.apps_modules.append(dotted)
            elif _is_signals_file(path):
                self.signals_modules.append(dotted)
            else:
                self.models_modules.append(dotted)

    def facts_for_path(self, path: str, dotted: Optional[str] = None, is_package: Optional[bool] = None,
                       want_settings_hint: bool = False) -> ModuleFacts:
        path = os.path.abspath(path)
        cached = self._facts_by_path.get(path)
        if cached is not None:
            return cached
        if dotted is None or is_package is None:
            dotted, is_package, _ = discovery.module_name(path, self.root)
        if self._adopted is not None and self._adopted[0] == path and not want_settings_hint:
            _, adopted_name, adopted_package, tree = self._adopted
            self._adopted = None
            adopted: Optional[ModuleFacts]
            try:
                adopted = module_facts(tree, adopted_name, path, adopted_package)
            except RecursionError:
                adopted = None
            if adopted is not None:
                self._facts_by_path[path] = adopted
                return adopted
        cached = None if want_settings_hint else self.cache.get(path)
        if cached is not None and cached.name == dotted:
            if cached.error:
                self.problems.unreadable[path] = cached.error
            self._facts_by_path[path] = cached
            return cached
        try:
            tree = discovery.parse_file(path)
            facts = module_facts(tree, dotted, path, is_package, want_settings_hint)
        except discovery.ParseFailure as exc:
            facts = failed_module(dotted, path, is_package, str(exc))
            self.problems.unreadable[path] = str(exc)
        except RecursionError:
            reason = "too deeply nested to read"
            facts = failed_module(dotted, path, is_package, reason)
            self.problems.unreadable[path] = reason
        self._facts_by_path[path] = facts
        if not want_settings_hint:
            self.cache.put(path, facts)
        return facts

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
        found = self._find_class(dotted, 0)
        self._class_cache[dotted] = found
        return found

    def _find_class(self, dotted: str, hops: int) -> Optional[ClassFacts]:
        if hops > MAX_REEXPORT_HOPS or "." not in dotted:
            return None
        module_name, _, name = dotted.rpartition(".")
        facts = self.module(module_name)
        if facts is None:
            return None
        cls = facts.cls(name)
        if cls is not None:
            return cls
        target = facts.import_map().get(name)
        if target and target != dotted:
            return self._find_class(target, hops + 1)
        alias = facts.assigned(name)
        if isinstance(alias, Ref) and alias.dotted != dotted:
            return self._find_class(alias.dotted, hops + 1)
        for star in facts.star_imports:
            found = self._find_class(f"{star}.{name}", hops + 1)
            if found is not None:
                return found
        return None

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
_STANDARD_LIBRARY = frozenset(getattr(sys, "stdlib_module_names", ())) | frozenset(sys.builtin_module_names)


def _installed_roots(project_root: str) -> List[str]:
    """Folders on the linting interpreter's path where installed packages' sources can be read."""
    global _INSTALLED_ROOTS
    if _INSTALLED_ROOTS is None:
        roots = []
        for entry in sys.path:
            entry = os.path.abspath(entry or os.curdir)
            if os.path.isdir(entry) and entry not in roots:
                roots.append(entry)
        _INSTALLED_ROOTS = roots
    return [r for r in _INSTALLED_ROOTS if r != project_root]


__all__ = ["ModuleIndex", "Problems", "STUBS_ROOT", "MAX_REEXPORT_HOPS"]
