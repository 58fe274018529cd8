"""Writes in helper functions, judged where the helpers are called.

A function whose body makes a write nothing in it guards is a *helper* with a summary: each such write's
own verdict (rule, message, model, unique sets at risk), computed once when its module is analysed.
When some call sites of the helper are guarded or checked for the row and others are not (callers.py,
`CallerView.per_site`), the write is silent and each open call site is reported instead — in the
caller's module, which may hold no write of its own. Which modules to look at is read from the project's
text (the names of the functions whose bodies hold a write call, index/callgraph.py), so a module that
calls no helper still returns before it is parsed.

`Shared` is what every analysis of one project under one configuration shares within a process: the
call graph, its extractor, the callers' verdicts, the helper summaries read so far and each analysed
module's writes as judged (plain data), so a module read for its helpers before it is linted is not
analysed twice.
"""
from __future__ import annotations

import functools
import os
import re
import string
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, Iterable, List, Optional

from ..index.cache import JsonStore
from ..index.callgraph import CallSite, Check, id_name, sites_digest
from ..index.project import PerCheck
from ..paths import matches, relative_posix
from ..records import astuple, dataclass
from .graphs import graph_for

if TYPE_CHECKING:
    from .callers import Callers, Extractor


@dataclass(frozen=True)
class HelperWrite:
    """A write a function makes with nothing around it in that function catching IntegrityError: its
    own verdict (callers left aside), for the call sites that reach it."""

    function: str  # function id of the function holding it
    model: str  # qualname of the model written
    label: str  # the write's callee as written
    where: str  # "shop/services.py:12"
    code: str
    message: str
    fields: str  # the unique sets at risk, described
    # Which parameters the written unique values come from, per unique set of the verdict:
    # "f=param@index,g=param@index;h=param@index" (call-site index: `self` left out). A set with a field
    # not written from a parameter ("-") no call can decide (write_inputs.py; "self", "**": argument_kinds.py).
    inputs: str = ""
    signature: str = ""  # the function's parameters (argument_kinds.Signature)
    exits: str = ""  # tests on parameters that leave the function before the write (argument_kinds.Exit)


@dataclass(frozen=True)
class OpenCall:
    """A call, in the module being linted, of a helper whose write must be reported there."""

    site: CallSite
    helper: HelperWrite
    check: Optional[Check]  # the existence check on the written model the call is reached after


def stamp(path: str) -> tuple:
    """A file's stamp as first read in the current call or run (`PerCheck`): what a module's
    helpers and judged writes are kept under is asked thousands of times a run, once per helper a module
    calls, and the disk is compared once per call anyway."""
    return _STAMPS.read(path, lambda p: tuple(JsonStore._stamp(p) or ()))


_STAMPS: "PerCheck[str, tuple]" = PerCheck()


class Shared:
    def __init__(self, project, options, atomic_requests: bool, writes: "re.Pattern[str]",
                 analyse: Callable[[str, str], Optional[Any]]):
        self.project = project
        self.options = options
        self.writes = writes  # matches a write call in a module's text
        self.graph = graph_for(project)
        self.atomic_requests = atomic_requests
        self.graph.extractor = lambda path, names: self.extractor(path, names)
        self._analyse = analyse  # (path, text) → a module's analysis, not linted, with its `.helpers`
        self._helpers: Dict[tuple, Dict[str, List[HelperWrite]]] = {}
        self._judged: Dict[tuple, tuple] = {}  # (path, stamp) → (hash of the text, judged writes, missing)
        self._reported: Dict[str, bool] = {}  # path → whether the configuration reports it
        self._ahead = False  # a module is being judged ahead (`_judge_ahead`)
        self.graph.listeners.append(self._forget)

    def _forget(self, paths: FrozenSet[str]) -> None:
        """Files the call graph had read changed on disk (index/callgraph.py, `forget_changed`): the
        callers' verdicts are drawn again, the changed modules are read again for their calls, and the
        writes judged and helper summaries kept in this process are judged again when next asked — a
        write's own verdict may rest on what its callers pass (a row they have just created)."""
        if "callers" in self.__dict__:
            self.callers.forget()
        if "extractor" in self.__dict__:
            self.extractor.forget(paths)
        self._helpers.clear()
        self._judged.clear()

    def let_go(self) -> None:
        """The trees the extractor keeps go (Extractor.let_go), and the file contents the graph keeps."""
        extractor = self.__dict__.get("extractor")
        if extractor is not None:
            extractor.let_go()
        self.graph.let_go_of_texts()

    # The analysis behind these two is imported when first needed: a module with no write that calls no
    # helper is settled from the graph's cached names alone.
    @functools.cached_property
    def extractor(self) -> "Extractor":
        from .callers import Extractor

        extractor = Extractor(self.project, frozenset(self.options.guard_exceptions), self.atomic_requests,
                              bool(self.options.check_test_support))
        extractor.texts = self.graph.text
        extractor.read = self._judge_ahead
        return extractor

    @functools.cached_property
    def callers(self) -> "Callers":
        from .callers import Callers

        return Callers(self.project, self.graph, self.reported, self.extractor)

    def reported(self, path: str) -> bool:
        """Whether the configuration reports findings in `path` (tests and migrations are not callers)."""
        found = self._reported.get(path)
        if found is None:
            found = self._reported[path] = not matches(relative_posix(path, self.project.root), self.options.excluded)
        return found

    def record(self, path: str, helpers: Dict[str, List[HelperWrite]], consulted: Iterable[str] = (),
               models: Iterable[str] = ()) -> None:
        """The helper summaries of a module just analysed (also into the disk cache), with what the callers
        of the functions its verdicts consulted (`consulted`: function ids) said then, and the files of
        the models its writes write (`models`: qualnames), as they were read (`model_files`)."""
        self._helpers[(os.path.abspath(path), stamp(path))] = helpers
        self.graph.summaries.put_helpers(os.path.abspath(path), self._fingerprint(os.path.abspath(path)), {
            function: [list(astuple(write)) for write in writes] for function, writes in helpers.items()},
            {function: sites_digest(self.callers.sites(function)) for function in sorted(consulted)},
            self.model_files(models) if self.graph.summaries.enabled else {})

    def model_files(self, models: Iterable[str]) -> Dict[str, list]:
        """path → stamp as read, of the project files defining the classes of `models` and their bases: a
        write's verdict — a summary's, or the absence of one — rests on the unique fields and constraints
        declared there, and a model reached through a relation (`order.coupons.create()`) or a label is
        in no module the writing file imports."""
        project = self.project
        top = project.root.rstrip(os.sep) + os.sep
        files: Dict[str, list] = {}
        for model in sorted(set(model for model in models if model)):
            cls = project.find_class(model) if "." in model else None
            for facts in project.lineage(cls) if cls is not None else ():
                path = project.module_path(facts.module)
                if path and path.startswith(top) and path not in files:
                    files[path] = list(project.modules.stamp_when_read(path) or ())
        return files

    def _fingerprint(self, path: str) -> str:
        """What a module's helper summaries on disk are valid for (`CallGraph.file_fingerprint`)."""
        return self.graph.file_fingerprint(path) if self.graph.summaries.enabled else ""

    def helpers_in(self, path: str) -> Dict[str, List[HelperWrite]]:
        """function id → its helper writes, for the functions of the module at `path`."""
        key = (os.path.abspath(path), stamp(path))
        if key not in self._helpers:
            self._helpers[key] = {}
            cached = self.graph.summaries.helpers(key[0], self._fingerprint(key[0]))
            if cached is not None and all(list(stamp(model_path)) == was for model_path, was in cached[2].items()) \
                    and all(sites_digest(self.callers.sites(function)) == digest
                            for function, digest in cached[1].items()):
                try:
                    self._helpers[key] = {function: [HelperWrite(*map(str, write)) for write in writes]
                                          for function, writes in cached[0].items()}
                    return self._helpers[key]
                except TypeError:  # an odd entry: read the module again
                    self.graph.summaries.forget(key[0])
            text = self.graph.text(key[0])
            if text is not None and self.writes.search(text):
                analysis = self._analyse(key[0], text)
                if analysis is not None:
                    self._helpers[key] = analysis.helpers
        return self._helpers[key]

    def _judge_ahead(self, path: str, text: str, read: bool) -> None:
        """A module the call graph has just parsed for its calls, whose own writes are still to judge:
        judged now, from that tree, and kept as plain data (its writes' verdicts, its helper summaries),
        so that linting it later, or reading it for its helpers, does not parse it again. Not while
        another module is judged this way (one level: the trees alive stay few). Test support (`read`
        False) is remembered as such."""
        key = (os.path.abspath(path), stamp(path))
        if not read:
            if key not in self._judged:
                self.remember_test_support(path, text)
            return
        if self._ahead or key in self._helpers or key in self._judged or not self.writes.search(text) \
                or not self.reported(key[0]):
            return
        self._ahead = True
        try:
            analysis = self._analyse(key[0], text)
        finally:
            self._ahead = False
        self._helpers[key] = analysis.helpers if analysis is not None else {}

    def remember(self, path: str, text: Optional[str], judged: Optional[list], missing: list) -> None:
        """A module's writes as judged (plain data), and the unreadable packages behind them, so linting
        it later need not read it again."""
        if text is not None:
            self._judged[(os.path.abspath(path), stamp(path))] = (hash(text), judged, missing)

    def remember_test_support(self, path: str, text: Optional[str]) -> None:
        """A module found to be test support: no helpers, nothing to lint, not to be read again."""
        self.remember(path, text, None, [])
        self._helpers[(os.path.abspath(path), stamp(path))] = {}

    def judged_for(self, path: str, text: str) -> Optional[tuple]:
        """(judged writes, missing packages) remembered for this very text, or None; the writes are None
        for a module that is test support."""
        found = self._judged.get((os.path.abspath(path), stamp(path)))
        return found[1:] if found is not None and found[0] == hash(text) else None

    def open_calls(self, path: str, text: str) -> List[OpenCall]:
        """The calls in `path` (whose text is `text`) of helpers judged at their call sites, that
        nothing guards there."""
        path = os.path.abspath(path)
        by_name = self.graph.helper_names(self.writes, self.reported)
        if not by_name:
            return []
        called = [(function, writes) for name in sorted(_called_names(text).intersection(by_name))
                  for helper_path in by_name[name] for function, writes in self.helpers_in(helper_path).items()
                  if id_name(function) == name and self.callers.followed(function)]
        if len(called) > 1:  # (the analysis is imported only for a module that calls a helper)
            self.callers.read_ahead(function for function, _ in called)
        found: List[OpenCall] = []
        for function, writes in called:
            view = self.callers.view(function)
            if view is None:
                continue
            for write in writes:
                reached = view.reaching(write.signature, write.exits)
                if reached.per_site(write.model):
                    found.extend(OpenCall(site, write, reached.checked(site, write.model))
                                 for site in reached.open_sites if site.path == path)
        return found


def _called_names(text: str) -> set:
    """The names `text` calls (`f(`, `.f(`): the word before each parenthesis. A plain split costs far
    less than a regular expression over every module's text; the word ending an ASCII piece (nearly
    all, whatever the rest of the text) is what `rstrip` of the ASCII word characters leaves behind,
    without a Python step per character."""
    found = set()
    for piece in text.split("(")[:-1]:
        tail = piece[-60:]
        if tail.isascii():
            word = tail[len(tail.rstrip(_ASCII_WORD)):]
        else:
            start = len(tail)
            while start > 0 and (tail[start - 1].isalnum() or tail[start - 1] == "_"):
                start -= 1
            word = tail[start:]
        if word:
            found.add(word)
    return found


_ASCII_WORD = string.ascii_letters + string.digits + "_"  # str.isalnum() or "_", among ASCII characters


__all__ = ["HelperWrite", "OpenCall", "Shared", "stamp"]
