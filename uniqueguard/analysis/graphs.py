"""The call graph of each project index, one per process, saved to disk at exit.

Apart from callers.py, which reads it, so that a module with no write of its own can ask the graph which
helpers it calls without importing the analysis (most of a single-file run's cost, issue 11).
"""
from __future__ import annotations

import atexit
import os
from typing import Dict, List

from ..index.callgraph import CallGraph

_GRAPHS: Dict[int, CallGraph] = {}


def graph_for(project) -> CallGraph:
    """The call graph of a project index, built once per process with it."""
    graph = _GRAPHS.get(id(project))
    if graph is None or graph.root != project.root:
        if not _GRAPHS:
            atexit.register(_save_all)
        graph = CallGraph(project.root, project.cache.file and os.path.dirname(project.cache.file) or None,
                          lambda: _indexed_paths(project),
                          (project.modules.python_files, not project.problems.incomplete_walk))
        _GRAPHS[id(project)] = graph
    return graph


def _save_all() -> None:
    for graph in _GRAPHS.values():
        graph.save(throttle=0.0)


def _indexed_paths(project) -> List[str]:
    paths = []
    for dotted in project.models_modules + project.apps_modules + project.signals_modules:
        path = project.module_path(dotted)
        if path:
            paths.append(path)
    return paths


__all__ = ["graph_for"]
