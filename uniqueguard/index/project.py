"""The project index: every module the engine may need, read lazily from source, once per process.

One `Project` per project root, a thin façade over the index's parts, each a module of its own:

- `modules.ModuleIndex` — which modules exist, their facts (cached), class lookup across re-exports;
- `django_settings` — the settings read statically (AUTH_USER_MODEL, INSTALLED_APPS, ATOMIC_REQUESTS)
  and the app labels;
- `registry.ModelRegistry` — `ModelInfo` records built by `uniqueness`, and the relation indexes;
- `signal_receivers.ReceiverIndex` — post_save receivers and the rows they insert.

The parts depend on each other in that order only; the engine talks to the façade.
"""
from __future__ import annotations

import ast
import atexit
import functools
import os
from typing import (TYPE_CHECKING, Callable, Set, Dict, Iterable, List, Mapping, Optional, Tuple, TypeVar, Union,
                    overload)

from ..config import Options
from . import discovery
from .cache import FactsCache
from .callgraph import CallGraph
from .django_settings import Settings, app_labels, read_settings
from .facts import ClassFacts, ModuleFacts, ReceiverFacts
from .modules import STUBS_ROOT, ModuleIndex, Problems

if TYPE_CHECKING:  # imported when first asked for (`registry`, `receivers`)
    from .registry import ModelRegistry, Relation, UniqueConfig
    from .signal_receivers import ReceiverIndex
    from .uniqueness import FieldInfo, ModelInfo


class Project:
    def __init__(self, root: str, settings_module: Optional[str] = None, cache_dir: Optional[str] = None,
                 unique: Iterable[Tuple[str, UniqueConfig]] = ()):
        self.modules = ModuleIndex(root, cache_dir)
        self.root: str = self.modules.root
        self.problems: Problems = self.modules.problems
        self.settings: Settings = read_settings(self.modules, settings_module)
        self.modules.prefer_root_of(self.settings.module)
        self.labels: Dict[str, List[str]] = app_labels(self.modules, self.settings)
        self.extra_unique: Mapping[str, UniqueConfig] = dict(unique)
        self.user_model_asked = False  # reset by the engine before each module it judges
        self.user_model_files: Set[str] = set()  # modules whose judging asked for the user model
        self.checked_in = -1  # the engine call (`begin_check`) in which the disk was last compared
        self.graph: Optional[CallGraph] = None  # its call graph, once the analysis has built it (graphs.py)

    # The model registry and the receivers, with the modules that build ModelInfo records, are made and
    # imported when first asked for: a module with no write call, settled from the call graph's cached
    # names, never asks (a warm single-file run of such a module, issue 11).
    @functools.cached_property
    def registry(self) -> "ModelRegistry":
        from .registry import ModelRegistry

        return ModelRegistry(self.modules, self.settings, self.labels, self.extra_unique)

    @functools.cached_property
    def receivers(self) -> "ReceiverIndex":
        from .signal_receivers import ReceiverIndex

        return ReceiverIndex(self.modules, self.registry)

    # ------------------------------------------------------------------------------ modules, classes
    @property
    def cache(self) -> FactsCache:
        return self.modules.cache

    @property
    def source_roots(self) -> List[str]:
        return self.modules.source_roots

    @property
    def models_modules(self) -> List[str]:
        return self.modules.models_modules

    @property
    def apps_modules(self) -> List[str]:
        return self.modules.apps_modules

    @property
    def signals_modules(self) -> List[str]:
        return self.modules.signals_modules

    def facts_for_path(self, path: str, dotted: Optional[str] = None, is_package: Optional[bool] = None,
                       want_settings_hint: bool = False) -> ModuleFacts:
        return self.modules.facts_for_path(path, dotted, is_package, want_settings_hint)

    def save_cache(self, throttle: float = 1.0) -> None:
        self.modules.save_cache(throttle)

    def adopt_tree(self, path: str, dotted: str, is_package: bool, tree: ast.Module) -> None:
        self.modules.adopt_tree(path, dotted, is_package, tree)

    def let_go(self) -> None:
        self.modules.let_go()

    def module_path(self, dotted: str) -> Optional[str]:
        return self.modules.module_path(dotted)

    def note_read(self, path: str, status: Optional[list]) -> None:
        self.modules.note_read(path, status)

    def module(self, dotted: str) -> Optional[ModuleFacts]:
        return self.modules.module(dotted)

    def find_class(self, dotted: str) -> Optional[ClassFacts]:
        return self.modules.find_class(dotted)

    def ancestors(self, cls: ClassFacts) -> List[Tuple[str, Optional[ClassFacts]]]:
        return self.modules.ancestors(cls)

    def lineage(self, cls: ClassFacts) -> List[ClassFacts]:
        return self.modules.lineage(cls)

    def inherits(self, cls: ClassFacts, names: Iterable[str]) -> bool:
        return self.modules.inherits(cls, names)

    # ---------------------------------------------------------------------------------------- models
    def model(self, dotted: str) -> Optional[ModelInfo]:
        return self.registry.model(dotted)

    def model_by_label(self, label: object) -> Optional[ModelInfo]:
        return self.registry.model_by_label(label)

    def user_model(self) -> Optional[ModelInfo]:
        """The user model; noted (`user_model_asked`) so the engine can say, in a file whose code asked
        for it, why it is unknown or guessed (`problems.user_model`)."""
        self.user_model_asked = True
        return self.registry.user_model()

    def project_models(self) -> List[ModelInfo]:
        return self.registry.project_models()

    def models_for_class(self, qualname: str) -> List[ModelInfo]:
        return self.registry.models_for_class(qualname)

    def swappable_models(self) -> Dict[str, ModelInfo]:
        return self.registry.swappable_models()

    def related_model(self, owner: ModelInfo, field: FieldInfo) -> Optional[ModelInfo]:
        return self.registry.related_model(owner, field)

    def through_model(self, owner: ModelInfo, field_name: str) -> Optional[ModelInfo]:
        return self.registry.through_model(owner, field_name)

    @overload
    def one_to_one_accessor(self, owner_qualname: str, accessor: str) -> Optional[ModelInfo]: ...

    @overload
    def one_to_one_accessor(self, owner_qualname: None, accessor: str) -> List[ModelInfo]: ...

    def one_to_one_accessor(self, owner_qualname: Optional[str],
                            accessor: str) -> Union[Optional[ModelInfo], List[ModelInfo]]:
        """The model `instance.<accessor>` reaches through a one-to-one; with no owner, every model an
        accessor of that name leads to (`one_to_one_targets`)."""
        if owner_qualname is None:
            return self.registry.one_to_one_targets(accessor)
        return self.registry.one_to_one_accessor(owner_qualname, accessor)

    def one_to_one_targets(self, accessor: str) -> List[ModelInfo]:
        return self.registry.one_to_one_targets(accessor)

    def reverse_relations(self, qualname: str) -> Dict[str, Relation]:
        return self.registry.reverse_relations(qualname)

    def reverse_relation(self, owner: ModelInfo, accessor: str) -> Optional[Relation]:
        return self.registry.reverse_relation(owner, accessor)

    def sole_reverse_relation(self, accessor: str) -> Optional[Relation]:
        return self.registry.sole_reverse_relation(accessor)

    # ------------------------------------------------------------------------------------- receivers
    def post_save_creators(self, parent: ModelInfo, holder: ModelInfo, field: str,
                           also: Optional[ModuleFacts] = None) -> List[Tuple[ReceiverFacts, str]]:
        return self.receivers.post_save_creators(parent, holder, field, also)


_PROJECTS: Dict[tuple, Project] = {}


def project_for(path: str, options: Optional[Options] = None) -> Project:
    """The Project for a linted path, built once per process per root and options."""
    options = options or Options()
    root = os.path.abspath(options.root) if options.root else discovery.find_root(path)
    cache_dir = options.cache_directory()
    key = (root, options.settings_module, cache_dir, options.unique)
    project = _PROJECTS.get(key)
    if project is not None and project.checked_in != _CHECK[0]:
        if project.modules.changed_on_disk():
            project.save_cache(throttle=0.0)  # what it read is still right for the unchanged files
            if project.graph is not None:
                project.graph.save(throttle=0.0)
            project = None  # rebuilt: the disk cache gives the unchanged files' facts back, re-reads the rest
        elif project.graph is not None:
            project.graph.forget_changed()  # a caller edited: its call facts, and what they decided
    if project is None:
        if not _PROJECTS:
            atexit.register(_save_all)
        project = Project(root, options.settings_module, cache_dir, options.unique)
        _PROJECTS[key] = project
    project.checked_in = _CHECK[0]
    return project


_CHECK = [0]  # the number of the front end's current call into the engine (or of its current run)
_RUN: List[Optional[Options]] = [None]  # the options object of the run a front end named (`begin_run`)


def begin_run(options: Options) -> None:
    """A front end's run begins (flake8's, pylint's, the command line's `start_run`). The checks it then
    makes with this same options object compare the files an index has read with the disk at the run's
    first check only, not at every module's check: nothing edits a project's models while one linter run
    reads its files, and the index of a large project has read hundreds of files (comparing them at each
    of a thousand modules' checks was an eighth of a run over a 1,100-file application). Every run of
    the fronts names itself, so a long-running process (an editor's linter) that runs flake8 or pylint
    again sees an edited file at once; a check with any other options object (`check_source` called as a
    library) compares at every call."""
    _RUN[0] = options
    _CHECK[0] += 1


def begin_check(options: Optional[Options] = None) -> None:
    """A front end's call into the engine begins (one module's check, or a run's start). The files an
    index has read are compared with the disk once per call, not at every lookup: a call asks for its
    project many times, and an index of a large project has read hundreds of files. Within a named run
    (`begin_run`), once per run."""
    if options is None or options is not _RUN[0]:
        _CHECK[0] += 1


K = TypeVar("K")
V = TypeVar("V")


class PerCheck(Dict[K, V]):
    """What is read from the disk (a file's stamp, whether a folder exists), kept for the front end's
    current call into the engine or its current run: the index compares the disk once per call or run
    (`project_for`), and these were asked thousands of times a run. `fresh()` empties it when another
    call or run has begun since."""

    def __init__(self) -> None:
        super().__init__()
        self.number = -1

    def fresh(self) -> "PerCheck[K, V]":
        if self.number != _CHECK[0]:
            self.clear()
            self.number = _CHECK[0]
        return self

    def read(self, key: K, compute: Callable[[K], V]) -> V:
        """`compute(key)`, asked of the disk once per call or run."""
        held = self.fresh()
        found = held.get(key)
        if found is None:
            found = held[key] = compute(key)
        return found


def built_projects() -> List[Project]:
    """The indexes this process has built so far."""
    return list(_PROJECTS.values())


def _save_all() -> None:
    for project in _PROJECTS.values():
        project.save_cache(throttle=0.0)


__all__ = ["PerCheck", "Project", "Settings", "begin_check", "begin_run", "project_for", "STUBS_ROOT"]
