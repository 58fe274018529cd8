"""Whether a `**form.cleaned_data` a call passes may hold a given key, for argument_kinds.SiteReader.

A call-graph fact names the form classes whose cleaned_data a call spreads (FORM). The form at run time
may be an instance of a subclass — `self.cleaned_data` in a base form's method belongs to whichever
form runs it — and a subclass may declare more fields: the keys are those of every class named and of
every project class deriving from one (found among the files whose text names the class). When too many
files name it to read, or one class's keys are unknown (index/form_keys.py), the answer is "may hold".
"""
from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Set

from ..index.callgraph import CallGraph
from .resolve import Resolver


class FormKeys:
    """`holds(classes, wanted)`: may a cleaned_data of one of `classes` hold a key `wanted` accepts?"""

    def __init__(self, resolver: Callable[[], Resolver], graph: CallGraph):
        self.resolver = resolver  # built on first use: a module whose writes were judged earlier has none yet
        self.graph = graph
        self._keys: Dict[str, Optional[FrozenSet[str]]] = {}

    def holds(self, classes: Sequence[str], wanted: Callable[[str], bool]) -> bool:
        for dotted in classes:
            keys = self.keys(dotted)
            if keys is None or any(wanted(key) for key in keys):
                return True
        return not classes

    def keys(self, dotted: str) -> Optional[FrozenSet[str]]:
        """The keys a form of class `dotted`, or of any project class deriving from it, can hold."""
        if dotted not in self._keys:
            self._keys[dotted] = None
            subclasses = self._subclasses(dotted)
            found: Set[str] = set()
            for one in [dotted] + (subclasses or []):
                keys = self.resolver().cleaned_data_keys(one)
                if keys is None:
                    break
                found |= keys
            else:
                self._keys[dotted] = frozenset(found) if subclasses is not None else None
        return self._keys[dotted]

    def _subclasses(self, dotted: str) -> Optional[List[str]]:
        """The project classes deriving from `dotted` (dotted names); None when they cannot be found."""
        modules = self.resolver().project.modules
        paths = self.graph.candidates(dotted.rpartition(".")[2])
        if paths is None:
            return None
        found = []
        for path in paths:
            facts = modules.facts_for_path(path)
            if facts.error:
                return None
            for cls in facts.classes:
                if cls.qualname != dotted and any(
                        base == dotted or (base_facts is not None and base_facts.qualname == dotted)
                        for base, base_facts in modules.ancestors(cls)):
                    found.append(cls.qualname)
        return found


__all__ = ["FormKeys"]
