"""The call graph of each project index, one per process, saved to disk at exit.

Apart from callers.py, which reads it, so that a module with no write of its own can ask the graph which
helpers it calls without importing the analysis (most of a single-file run's cost, issue 11).
"""
from __future__ import annotations

import atexit
import os
from typing import List

from ..index.callgraph import CallGraph
from ..index.project import built_projects

_SAVED_AT_EXIT = [False]


def graph_for(project) -> CallGraph:
    """The call graph of a project index, built once per process with it and kept on it: the index
    compares the graph's files with the disk when it compares its own (`project_for`), and a project
    built again (an edited models module, a file added) comes with a graph of its own."""
    graph = project.graph
    if graph is None:
        if not _SAVED_AT_EXIT[0]:
            _SAVED_AT_EXIT[0] = True
            atexit.register(_save_all)
        graph = project.graph = CallGraph(
            project.root, project.cache.file and os.path.dirname(project.cache.file) or None,
            lambda: _indexed_paths(project), (project.modules.python_files, not project.problems.incomplete_walk),
            project.module_path, project.modules.stamp_when_read, lambda: project.source_roots)
    return graph


def _save_all() -> None:
    for project in built_projects():
        if project.graph is not None:
            project.graph.save(throttle=0.0)


def _indexed_paths(project) -> List[str]:
    """The files every module's call facts and helper summaries rest on: the models, apps and signals
    modules, and the settings modules read (ATOMIC_REQUESTS decides whether a view's handler is broken)."""
    paths = []
    for dotted in project.models_modules + project.apps_modules + project.signals_modules:
        path = project.module_path(dotted)
        if path:
            paths.append(path)
    return paths + [path for path in project.settings.paths if path not in paths]


__all__ = ["graph_for"]
