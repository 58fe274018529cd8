"""The engine: one linted module in, findings out. Every front end calls `check_tree` or `check_source`.

For each write (writes.py) it asks the guards (guards.py) in the order a reviewer would: is IntegrityError
caught around it (then: does that handler sit in a broken atomic block → UNQ003)? are all its callers
guarded? do form/serializer checks cover every unique set it risks (→ UNQ004)? did an existence check
let it through (→ UNQ002)? Otherwise it is UNQ001. No front end makes any of these decisions.
"""
from __future__ import annotations

import ast
import contextlib
import functools
import gc
import os
import re
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Optional, Sequence, Tuple

from .. import orm
from ..config import ConfigError, Options, find_config, read_config
from ..index.discovery import ParseFailure, find_root, folder_root, module_name, parse_file, start_folder
from ..index.callgraph import id_name
from ..index.facts import resolve_relative
from ..index.in_hand import holding, tree_in_hand, tree_of
from ..findings import Failure, Finding, finding, run_failure
from .helpers import HelperWrite, Shared
from ..paths import matches, relative_posix
from ..index.project import PerCheck, begin_check, begin_run, built_projects, project_for
from ..records import dataclass, replace

if TYPE_CHECKING:  # imported at run time by _import_analysis()
    from . import messages, write_inputs
    from ..index.uniqueness import UniqueSet
    from ..index.validation import FormFix, FormFixKind, ValidationSeen, renamed_keys
    from .function_ids import enclosing_id
    from .argument_kinds import (OPEN, SAFE, VALIDATED, Signature, SiteReader, decode_exits, decode_inputs, reaches,
                                 site_outcomes)
    from .fresh_values import unset_field_is_fresh
    from .guards import (CheckFinder, Guard, GuardKind, TryNodes, atomic_around, handler_guard, never_commits,
                         only_reraises, savepoint_between)
    from .hints import (filled_by_form, objects_read_after, reusable_field, supplied_by_view, transaction_around,
                        transaction_at)
    from .resolve import Resolver
    from .scope import ModuleScope, argument_for, call_label
    from .spread_keys import FormKeys
    from .support_code import MigrationCode, is_test_support_module, shows_test_support
    from .verdict import CheckSeen, CreatorSeen, Fix, HandlerSeen, Verdict
    from .writes import Write, WriteFinder


def _import_analysis() -> None:
    """The analysis proper (scopes, resolving, writes, guards, verdicts, messages) is imported when the
    first module needs analysing, not with the engine: most modules hold no write call and return before
    it, and for a single-file run of one of them the import was most of the plugin's cost (issue 11)."""
    global messages, write_inputs, UniqueSet, FormFix, FormFixKind, ValidationSeen, renamed_keys, enclosing_id, \
        OPEN, SAFE, VALIDATED, Signature, SiteReader, decode_exits, decode_inputs, reaches, site_outcomes, \
        unset_field_is_fresh, CheckFinder, Guard, GuardKind, TryNodes, atomic_around, handler_guard, \
        never_commits, only_reraises, savepoint_between, reusable_field, transaction_around, transaction_at, \
        Resolver, filled_by_form, objects_read_after, supplied_by_view, shows_test_support, \
        ModuleScope, argument_for, call_label, MigrationCode, is_test_support_module, CheckSeen, CreatorSeen, Fix, \
        HandlerSeen, Verdict, Write, WriteFinder, FormKeys
    if "WriteFinder" in globals():
        return
    from . import messages, write_inputs
    from ..index.uniqueness import UniqueSet
    from ..index.validation import FormFix, FormFixKind, ValidationSeen, renamed_keys
    from .function_ids import enclosing_id
    from .argument_kinds import (OPEN, SAFE, VALIDATED, Signature, SiteReader, decode_exits, decode_inputs, reaches,
                                 site_outcomes)
    from .fresh_values import unset_field_is_fresh
    from .guards import (CheckFinder, Guard, GuardKind, TryNodes, atomic_around, handler_guard, never_commits,
                         only_reraises, savepoint_between)
    from .hints import (filled_by_form, objects_read_after, reusable_field, supplied_by_view, transaction_around,
                        transaction_at)
    from .resolve import Resolver
    from .scope import ModuleScope, argument_for, call_label
    from .spread_keys import FormKeys
    from .support_code import MigrationCode, is_test_support_module, shows_test_support
    from .verdict import CheckSeen, CreatorSeen, Fix, HandlerSeen, Verdict
    from .writes import Write, WriteFinder


def engine_entry(function):
    """Marks a front end's entry point (a module's check, a run's start): each call is an `engine_call`
    with the options the front passed (its own object, the same for every file of its run; None when
    it passed none), found by the parameter's position, once: importing `inspect` for a signature and
    binding every call's arguments with it cost about 10 ms on a project of 400 modules."""
    code = function.__code__
    position = code.co_varnames[:code.co_argcount].index("options")

    @functools.wraps(function)
    def call(*args, **kwargs):
        with engine_call(args[position] if len(args) > position else kwargs.get("options")):
            return function(*args, **kwargs)
    return call


@contextlib.contextmanager
def engine_call(options: Optional[Options] = None):
    """One front end's call into the engine: a module's check, or a run's start.

    Two things hold for its duration. The index compares the files it has read with the disk once, at
    the start (`begin_check`), not at every lookup — and once per run, when the call belongs to a run the
    front named with these very options (`start_run`). And Python's cyclic garbage collector is paused:
    the analysis allocates hundreds of thousands of short-lived AST nodes and dicts, none in reference
    cycles; each burst of allocations triggers collections, and every full collection walks every live
    object again — the trees, scopes and facts kept for the project's other modules. On published
    applications that walking cost as much as the analysis itself. Reference counting still frees
    everything at once; a cycle made meanwhile (in the host linter's objects too) is collected as soon
    as the collector runs again. A nested call changes nothing; the host's own setting is restored."""
    if _CALL_DEPTH[0]:
        yield
        return
    _CALL_DEPTH[0] += 1
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        begin_check(options)
        yield
    finally:
        _CALL_DEPTH[0] -= 1
        if paused:
            gc.enable()


_CALL_DEPTH = [0]


@engine_entry
def check_source(source, path: str, options: Options = Options(), report_unparsable: bool = False) -> List[Finding]:
    """Check a file's bytes or text. A module with no write call at all is not even parsed. A file that
    does not parse (syntax error, undeclared non-UTF-8, NUL bytes, inconsistent tabs) yields no findings
    in flake8 and pylint, which report it themselves; the command line, which has no host to say it,
    asks for it as one UNQ000 with the reason (`report_unparsable`)."""
    early = _early_exit(source, path, options)
    if early is not None:
        return early
    try:
        return _checked(None, path, options, source)
    except ParseFailure as exc:
        if not report_unparsable or not module_options(_placed(path), options).reports("UNQ000", _placed(path)):
            return []
        _import_analysis()
        return [finding(path, exc.line, 0, "UNQ000", messages.unparsable(str(exc)))]


@engine_entry
def check_tree(tree: ast.Module, path: str, options: Options = Options(), source=None) -> List[Finding]:
    """All findings for one module, never raising: an internal failure becomes one UNQ000 finding.

    `source` (text or bytes), when the caller has it, lets a module without any write call return at
    once (flake8 hands the plugin its lines)."""
    if source is not None:
        early = _early_exit(source, path, options)
        if early is not None:
            return early
    return _checked(tree, path, options, source)


def _checked(tree: Optional[ast.Module], path: str, options: Options, source) -> List[Finding]:
    """check_tree's work; with no tree, the source is parsed here (a ParseFailure is the caller's to
    report) unless this module's writes were judged earlier in this process from this very text."""
    try:
        _import_analysis()
        placed = _placed(path)
        merged = module_options(placed, options)
        if source is None and _excluded(placed, merged):
            return []  # with the source, _early_exit has already said so
        text_ = _text(source) if source is not None else None
        judged = _judged_before(placed, merged, source)
        reader = None
        if judged is not None and judged[0] is None:
            return []  # test support, seen when it was read for its helpers
        with holding(placed, tree):  # its tree (given, or parsed by whoever needs it first) serves every reader
            if judged is None:
                read = _read_module(_shared(project_for(placed, merged), merged), placed, path, source, tree, merged)
                if read is None:
                    return []
                tree, reader = read
            analysis = _Analysis(tree, path, options, text_=text_, judged=judged)
            _share_reading(analysis, reader)
            return analysis.run()
    except ParseFailure:
        raise
    except ConfigError as exc:
        return [run_failure(path, Failure.CONFIGURATION, str(exc))]
    except RecursionError:
        return [run_failure(path, Failure.INTERNAL, "uniqueguard could not analyse this file: nested too deeply")]
    except Exception as exc:  # noqa: BLE001 - a linter plugin must never take the host linter down
        return [run_failure(path, Failure.INTERNAL, f"uniqueguard could not analyse this file "
                                                    f"({type(exc).__name__}: {exc}); please report this")]


@engine_entry
def start_run(paths: Sequence[str], options: Options = Options(), files=None) -> Tuple[str, ...]:
    """A front end names its run's paths here, in its parent process, before any worker starts: for
    each project whose tree cannot be read completely, the note saying so goes on the run's first file
    of that project in sorted order that parses (`run_notes`), once per run, whatever the number of workers and
    whichever worker lints that file. `files()`, when given, lists the run's files and is called only
    when a tree is incomplete; when it returns None (the front could not list them) nothing is named and
    the note comes once per process, as without a front's help. The index is built here, so forked
    workers inherit it instead of each walking the tree again.

    Returns those first files (absolute paths). A worker that did not inherit this process's memory
    (spawned) is handed them and names them again as its paths: each is then its project's first.

    The run also begins here for the index (`begin_run`): the checks this front makes with the same
    options object compare the index's files with the disk once per run, not once per module. And what
    is alive once the index is built lives as long as the run: it is settled where the collector no
    longer walks it (`_settle_long_lived`)."""
    begin_run(options)
    carriers = _walk_carriers(paths, options, files)
    _settle_long_lived(paths)
    return carriers


def _walk_carriers(paths: Sequence[str], options: Options, files) -> Tuple[str, ...]:
    """start_run's carriers of the incomplete-walk note, one per project whose tree is incomplete."""
    if not any(_incomplete(path, options) for path in paths):
        return ()
    listed = files() if files is not None else paths
    if listed is None:
        return ()
    firsts: Dict[str, str] = {}
    for path in sorted(_placed(p) for p in listed):
        try:
            merged = effective_options(path, options)
        except ConfigError:
            continue  # reported on every file by the analysis itself
        project = project_for(path, merged)
        if project.problems.incomplete_walk and project.root not in firsts and _parses(path):
            firsts[project.root] = project.problems.walk_carrier = path
    return tuple(sorted(firsts.values()))


SETTLED_RUN_FILES = 32  # a run naming this many files, or a folder, imports the analysis before it freezes


def _settle_long_lived(paths: Sequence[str]) -> None:
    """Move every object alive at a run's start — the host's own modules and options, ours, the index
    just built — to the collector's permanent generation (`gc.freeze`). These live until the process
    ends, yet each full collection walked them again: the host's during the run (flake8 over a 1,100-file
    application: ~20 full collections, the index and code tens of thousands of objects) and the two or
    three that Python itself makes when the process exits. Those exit-time collections were most of a
    warm single-file flake8 run's cost beyond its imports (flake8 alone 0.10 s CPU, the collections over
    our index and cached facts another 0.03-0.05 s; more on a busy machine). Objects made later (the
    host's per-file trees and checkers, often cyclic) stay collectable as before.

    No run collects before it freezes, unless it undoes a freeze of ours: what is garbage at that moment
    is the host's start-up leftovers (flake8's option parsers: 50 objects, 14 KB, on askbot, django-oscar,
    wger and weblate alike; pylint's: 52 KB), kept frozen until the process ends, where it would have
    been freed. The full collection that used to free them first cost 7-9 ms of a large run, which
    nothing repaid. Our own freeze of an earlier run in the same process is undone first and what it held
    collected, so a long-running process (an editor's linter) does not keep each run's leftovers. A host
    that froze objects itself (a server before it forks) keeps them as they are."""
    frozen = gc.get_freeze_count()
    if frozen > _FROZEN[0]:  # the host froze objects itself (ours only ever get fewer, as they are freed)
        return
    if len(paths) >= SETTLED_RUN_FILES or any(os.path.isdir(path) for path in paths):
        _import_analysis()  # a run over many files analyses some: its code is as long-lived as the index
    if frozen:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    _FROZEN[0] = gc.get_freeze_count()


_FROZEN = [0]  # how many objects this process froze at its last run's start


def _parses(path: str) -> bool:
    """Whether a host will run the plugin on this file at all: flake8 and pylint skip a file that does
    not parse (E999, syntax-error), and a note carried there would be lost. Only when a tree is
    incomplete, and usually one parse per project and run: its first file parses."""
    try:
        parse_file(path)
        return True
    except ParseFailure:  # a file that cannot be read is one too
        return False


def _incomplete(path: str, options: Options) -> bool:
    try:
        return project_for(_placed(path), effective_options(_placed(path), options)).problems.incomplete_walk
    except ConfigError:
        return False


def let_go_of_trees() -> None:
    """A front end hands control back to a host linter that goes on to lint other files (flake8, after
    each file): every tree the engine kept for the modules it may read again goes — the call graph's
    readers (callers.Extractor.let_go) and the index's adopted tree of the linted module. Kept, they
    stood beside the host's own tree and tokens of the next files, the largest of which make the host's
    peak, and were walked by each of the host's full collections; a module asked for again is parsed
    again, which costs less than those collections did. Not done inside an engine call, nor by the
    command line, whose files follow each other with nothing of a host's between them."""
    if _CALL_DEPTH[0]:
        return
    for shared in _SHARED.values():
        shared.let_go()
    for project in built_projects():
        project.let_go()


def run_notes(path: str) -> List[Finding]:
    """What a run says on this file whatever its code: the incomplete-walk note on its carrier."""
    placed = _placed(path)
    carriers = [project for project in built_projects() if project.problems.walk_carrier == placed]
    if carriers:
        _import_analysis()
    return [finding(path, 1, 0, "UNQ000", messages.incomplete_walk(project.root)) for project in carriers]


def _early_exit(source, path: str, options: Options):
    """[] when the file is excluded (tests, migrations) or its text holds no call to any write method
    (most modules: nothing to analyse), one UNQ000 when the configuration is bad (reported on every
    file, never silently ignored), else None. Neither case costs a parse."""
    placed = _placed(path)
    try:
        merged = module_options(placed, options)
    except ConfigError as exc:
        return [run_failure(path, Failure.CONFIGURATION, str(exc))]
    if _excluded(placed, merged):
        return []
    text_ = _text(source)
    if may_write(text_, merged.write_methods):
        return None
    # A module with no write of its own may still be where a helper's write is reported (some callers
    # guard the helper, this one does not). Whatever goes wrong here, the analysis says (UNQ000).
    try:
        shared = _shared(project_for(placed, merged), merged)
        found = shared.open_calls(placed, text_)
        shared.graph.save()
        return None if found else []
    except Exception:  # noqa: BLE001 - a linter plugin must never take the host linter down
        return None


def _text(source) -> str:
    return source.decode("utf-8", "replace") if isinstance(source, (bytes, bytearray)) else source


_SHARED: Dict[tuple, Shared] = {}


def _shared(project, options: Options) -> Shared:
    """The state the analyses of one project under one configuration share in this process."""
    atomic_requests = (options.atomic_requests if options.atomic_requests is not None
                       else project.settings.atomic_requests)
    key = (id(project), options, atomic_requests)
    shared = _SHARED.get(key)
    if shared is None or shared.project is not project:
        built = built_projects()  # those of an index built again (an edited models module) are let go
        for stale in [k for k, v in _SHARED.items() if not any(v.project is p for p in built)]:
            del _SHARED[stale]
        writes = _write_call(tuple(options.write_methods))
        shared = _SHARED[key] = Shared(project, options, atomic_requests, writes,
                                       lambda path, text_: _for_helpers(path, text_, options))
    return shared


def _for_helpers(path: str, text_: str, options: Options) -> Optional["_Analysis"]:
    """A module's analysis made for its helper writes, before (or without) linting it; the call graph
    and this analysis share one reading of the module."""
    _import_analysis()
    shared = _shared(project_for(path, options), options)
    if shared.extractor.kept(path, text_) is None and tree_in_hand(path) is None:
        shared.extractor.make_room()  # the module read before this one goes before this one is parsed
    with holding(path):
        try:
            read = _read_module(shared, path, path, text_, None, options)
        except ParseFailure:
            return None
        if read is None:
            return None
        tree, reader = read
        analysis = _Analysis(tree, path, options, linted=False, text_=text_, merged=True)
        if reader is None:
            shared.extractor.keep(path, analysis.scope, analysis.resolver, text_)
        _share_reading(analysis, reader)
        analysis.judge_writes()
    return analysis


def _read_module(shared: Shared, placed: str, path: str, source, tree: Optional[ast.Module], merged: Options):
    """(tree, call-graph reader of that very tree or None) for a module about to be analysed: the tree
    given, else the one a reader kept from this text, else a new parse of `source`. None for test
    support, remembered so that the module is not read again."""
    text_ = _text(source) if source is not None else None
    reader = shared.extractor.kept(placed, text_)
    if tree is None and reader is None and not merged.check_test_support and source is not None \
            and tree_in_hand(placed) is None and shows_test_support(source):
        shared.remember_test_support(placed, text_)  # its own lines say so: not parsed whole to find out
        return None
    if tree is None:
        tree = reader.scope.tree if reader is not None else tree_of(placed, source)
    if not merged.check_test_support and is_test_support_module(tree):
        shared.remember_test_support(placed, text_)
        return None
    return tree, (reader if reader is not None and reader.scope.tree is tree else None)


def _share_reading(analysis: "_Analysis", reader) -> None:
    """The scope and resolver the call graph built from this tree serve the analysis too (built once)."""
    if reader is not None:
        analysis.__dict__.update(scope=reader.scope, resolver=reader.resolver)


def _judged_before(placed: str, merged: Options, source) -> Optional[tuple]:
    """(judged writes, missing packages) of this module as found earlier in this process (for its
    helpers), from this very text."""
    if source is None:
        return None
    return _shared(project_for(placed, merged), merged).judged_for(placed, _text(source))


def _excluded(placed: str, merged: Options) -> bool:
    """Whether the configured globs (tests and migrations by default) exclude the file."""
    root = os.path.abspath(merged.root) if merged.root else find_root(placed)
    return matches(relative_posix(placed, root), merged.excluded)


def may_write(text: str, extra_methods=()) -> bool:
    """Whether the text holds a call to a write method (built in, or configured): without one, there is
    nothing to check."""
    return _write_call(tuple(extra_methods)).search(text) is not None


@functools.lru_cache(maxsize=8)
def _write_call(extra_methods: Tuple[str, ...]) -> "re.Pattern[str]":
    """`.create(`, `.save (` ...: a strict superset of the calls the engine can flag. Memoised by the
    configured methods as given: the union with the built-in ones, made for every file, was most of the
    cost of asking."""
    methods = orm.WRITES | frozenset(extra_methods)
    # Longest first, ties alphabetically: the same pattern in every process, whatever the hash seed (it
    # keys cached facts on disk).
    names = "|".join(sorted(map(re.escape, methods), key=lambda name: (-len(name), name)))
    return re.compile(r"\.\s*(?:" + names + r")\s*\(")


def _renamed_keys(sources) -> Dict[str, str]:
    """validation.renamed_keys of (model field, the form source its value came from or None) pairs."""
    return renamed_keys((name, source.field if source is not None else None) for name, source in sources)


def _placed(path: str) -> str:
    """Where a linted path lives. An unsaved editor buffer or `--stdin-display-name` names a file that
    may not exist yet: its folder still places it in the project. Plain stdin is placed in the cwd.
    Asked two or three times per file, the answer is kept for the call or run (`PerCheck`)."""
    return _PLACED.read(path, _place)


def _place(path: str) -> str:
    real = os.path.abspath(path)
    folder = os.path.dirname(real)
    # looked at once per call or run, as the index compares the disk
    return real if _FOLDERS.read(folder, os.path.isdir) else os.path.join(os.getcwd(), "__stdin__.py")


_PLACED: "PerCheck[str, str]" = PerCheck()  # path as the front named it → _placed
_FOLDERS: "PerCheck[str, bool]" = PerCheck()  # folder → whether it exists


def effective_options(path: str, options: Options) -> Options:
    """The front end's options over the nearest configuration file above `path` (a file, or a folder a
    run was asked to lint; config.py's find_config, re-read when the file changes: an editor's
    long-running linter sees an edit at once). The project root is the configured `root`, else the
    nearest project marker at or above the path (`find_root`)."""
    return _options_in(start_folder(path), options)


def module_options(placed: str, options: Options) -> Options:
    """`effective_options` of a module's file (`_placed`), without asking the disk whether it is a folder."""
    return _options_in(os.path.dirname(placed), options)


def _options_in(folder: str, options: Options) -> Options:
    """The options of the files in `folder`, kept per folder for the front end's current call or run, as
    the index compares the disk once per call or run (`PerCheck`). Looked up again for every file (a stat
    of the file for `find_root`, a stat of the configuration, the options' hash for the memo), they cost
    ~50 µs a file inside a flake8 run, where the host's own work between two files leaves nothing of ours
    in the processor's caches: 6 % of the plugin's time on django-oscar."""
    held = _OPTIONS_IN
    held.fresh()
    if held.of is not options:  # the front's options the entries were made from; others start afresh
        held.clear()
        held.of = options
    found = held.get(folder)
    if found is None:
        config = find_config(folder, _CONFIGS.fresh())
        found = held[folder] = _merged_options(config, _mtime(config) if config else 0.0, options, folder_root(folder))
    return found


class _OptionsIn(PerCheck[str, Options]):
    """folder → the options `of` made effective there, for the current call or run."""

    def __init__(self) -> None:
        super().__init__()
        self.of: Optional[Options] = None


_OPTIONS_IN = _OptionsIn()
_CONFIGS: "PerCheck[str, Optional[str]]" = PerCheck()  # folder → its nearest configuration file (find_config)


@functools.lru_cache(maxsize=256)
def _merged_options(config, mtime: float, options: Options, found_root: str) -> Options:
    merged = options.merged_over(read_config(config)) if config else options
    return merged if merged.root else replace(merged, root=found_root)


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


@dataclass(frozen=True)
class Judged:
    """A write's own verdict (callers left aside) as plain data: enough to report it, with its callers'
    verdict, without reading the module again."""

    line: int
    col: int
    end_line: int
    end_col: int
    context: str
    snippet: str
    function: Optional[str]  # function id of the function holding it; None in a lambda or a class body
    model: str  # the written model's qualname
    base: Verdict  # UNQ001 over every unique set at risk: what a caller's broken handler turns into UNQ003
    handled: bool  # a handler around it in its own function catches IntegrityError
    own_atomic: bool  # a savepoint of its own: get_or_create, or an atomic block around it in its function
    verdict: Optional[Verdict]
    inputs: str = ""  # the parameters its unique values come from (HelperWrite.inputs)
    signature: str = ""  # its function's parameters (argument_kinds.Signature)
    exits: str = ""  # tests on parameters that leave before it (argument_kinds.Exit)


class _Analysis:
    """One module's analysis. Its tree, scope and resolver are built on first use: a module whose writes
    were judged earlier (read for its helpers before it was linted) is reported without them."""

    def __init__(self, tree: Optional[ast.Module], path: str, options: Options, linted: bool = True,
                 text_=None, judged: Optional[tuple] = None, merged: bool = False):
        _import_analysis()
        self.path = path
        self.linted = linted  # False: read for the writes its functions make, on behalf of their callers
        self.text = text_  # the text parsed, when known: judgments are reused only for the same text
        self._tree = tree
        real = _placed(path)
        self.real_path = real
        self.options = options if merged else module_options(real, options)  # merged: already effective
        self.project = project_for(real, self.options)
        configured = self.options.settings_module
        if configured and self.project.module_path(configured) is None:  # a typo must not weaken the run
            raise ConfigError("settings", "the configuration", f"no module {configured} under {self.project.root}")
        self.dotted, self.is_package, _ = module_name(real, self.project.root)
        self.extra_guards = frozenset(self.options.guard_exceptions)
        self.atomic_requests = (self.options.atomic_requests if self.options.atomic_requests is not None
                                else self.project.settings.atomic_requests)
        self.shared = _shared(self.project, self.options)
        self.graph = self.shared.graph
        self.callers = self.shared.callers
        # (judged writes, missing packages behind them) when found earlier from this very text
        self.judged: Optional[List[Judged]] = judged[0] if judged is not None else None
        self.missing: List[Tuple[str, int, int]] = judged[1] if judged is not None else []
        self.helpers: Dict[str, List[HelperWrite]] = {}  # function id → its writes nothing in it guards
        self.found: List[Finding] = []
        if self.dotted and tree is not None:  # its own facts, if asked for, come from this tree
            self.project.adopt_tree(real, self.dotted, self.is_package, tree)

    @functools.cached_property
    def tree(self) -> ast.Module:
        if self._tree is not None:
            return self._tree
        kept = self._kept
        return kept.scope.tree if kept is not None else tree_of(self.real_path, self.text)

    @functools.cached_property
    def _kept(self):
        """The call graph's reader of this very text, when a module judged earlier is read again (its
        callers' calls of helpers to report): its tree, scope and resolver serve, not a new parse."""
        return self.shared.extractor.kept(self.real_path, self.text) if self._tree is None else None

    @functools.cached_property
    def scope(self) -> ModuleScope:
        kept = self._kept
        return kept.scope if kept is not None else ModuleScope(self.tree, self.dotted, self.is_package)

    @functools.cached_property
    def resolver(self) -> Resolver:
        kept = self._kept
        return kept.resolver if kept is not None and kept.scope is self.scope else Resolver(self.scope, self.project)

    @functools.cached_property
    def checks(self) -> CheckFinder:
        return CheckFinder(self.scope, self.resolver)

    @functools.cached_property
    def finder(self) -> WriteFinder:
        finder = WriteFinder(self.scope, self.resolver, frozenset(self.options.write_methods))
        finder.new_rows.callers = self.callers  # a parameter every caller feeds a new row is one
        return finder

    @functools.cached_property
    def migration_code(self) -> Optional[MigrationCode]:
        return None if self.options.check_test_support else MigrationCode(self.scope, self.text)

    def judge_writes(self) -> None:
        """Each write's own verdict, callers left aside, and the helper summaries of its functions; kept
        as plain data, so a module read for its helpers and linted later is not analysed twice (its
        summaries were recorded then)."""
        judging = self.judged is None
        if judging:
            outer = self.project.user_model_asked  # a module judged while another is (callers.Extractor)
            self.project.user_model_asked = False  # set when this module's code asks for the user model
            with self.shared.extractor.analysing(self.real_path, self.scope, self.resolver):
                self.judged = [self._judge(write) for write in self.finder.find()
                               if not self._migration_code(write.call)]
            if self.project.user_model_asked:  # remembered with the verdicts, which may be reused
                self.project.user_model_files.add(self.real_path)
            self.project.user_model_asked = outer
            self.missing = self._missing_packages()
            self.shared.remember(self.real_path, self.text, self.judged, self.missing)
            functions = [judged.function for judged in self.judged if not judged.handled]
            self.callers.expect(functions)  # their callers are asked when this module is linted
            if not self.linted:  # linted later without its tree: what that will ask of it, read now
                self.callers.read_ahead(functions, self.real_path)
        for judged in self.judged or ():
            if not judged.handled and judged.verdict is not None and judged.function is not None:
                verdict = judged.verdict
                self.helpers.setdefault(judged.function, []).append(HelperWrite(
                    judged.function, judged.model, verdict.call,
                    f"{relative_posix(self.real_path, self.project.root)}:{judged.line}", verdict.rule,
                    messages.render(verdict), messages.describe_sets(judged.base.unique_sets, judged.base.alternatives),
                    judged.inputs, judged.signature, judged.exits))
        if judging:
            self.shared.record(self.real_path, self.helpers, self.finder.new_rows.consulted, self.finder.models)

    def _judge(self, write: Write) -> Judged:
        call = write.call
        guard = handler_guard(self.scope, call, self.extra_guards)
        verdict = self._verdict(write, guard)
        own_atomic = write.own_savepoint or atomic_around(self.scope, call, False, self.project) is not None
        inputs, signature, exits = write_inputs.read(
            self.scope, call, write.values, write.written is None, verdict.unique_sets if verdict else (),
            write.model.field_for, self.finder.random_token) if verdict is not None and guard is None else ("", "", "")
        return Judged(call.lineno, call.col_offset, getattr(call, "end_lineno", None) or call.lineno,
                      getattr(call, "end_col_offset", None) or call.col_offset, self.scope.context_of(call),
                      _snippet(call), enclosing_id(self.scope, call), write.model.qualname,
                      _base_verdict(write), guard is not None, own_atomic, verdict, inputs, signature, exits)

    def run(self) -> List[Finding]:
        self.judge_writes()
        if not self.linted:
            return []
        if "scope" in self.__dict__:  # read here: the call graph takes the linted module from this tree
            self.shared.extractor.adopt(self.real_path, self.scope, self.resolver)
        self.callers.read_ahead(judged.function for judged in self.judged or () if not judged.handled)
        for judged in self.judged or ():
            verdict = judged.verdict if judged.handled else self._with_callers(judged)
            if verdict is not None:
                self.found.append(finding(self.path, judged.line, judged.col, verdict.rule, messages.render(verdict),
                                          judged.end_line, judged.end_col, judged.context, judged.snippet))
                self._note_unread_validation(verdict, judged.line, judged.col)
        self._report_open_calls()
        for call in self.finder.find_unresolved() if self.options.strict else ():
            if not self._migration_code(call):
                saves = isinstance(call.func, ast.Attribute) and call.func.attr in orm.SAVE
                self._add(call, "UNQ005", messages.unresolved(call_label(call.func), saves))
        self._report_missing_packages()
        self._report_unreadable_imports()
        self.project.save_cache()
        self.graph.save()
        return sorted(f for f in self.found if self.options.reports(f.code, self.real_path))

    def _with_callers(self, judged: Judged) -> Optional[Verdict]:
        """A write nothing in its function guards, its callers considered: silent when every caller
        guards it (UNQ003 when a caller's handler is in a broken atomic block with no savepoint between),
        and silent here when some callers guard or check and others do not — then it is reported at
        those call sites."""
        verdict = self._judged_with_callers(judged)
        if verdict is not None and verdict.savepoint_for is None and not judged.own_atomic:
            transaction = self._transaction_above(judged.function)
            if transaction is not None:  # a caller runs it in a transaction: the try needs a savepoint
                verdict = replace(verdict, savepoint_for=transaction)
        return verdict

    def _transaction_above(self, function: Optional[str]) -> Optional[str]:
        """How the transaction a caller runs `function` in is spelled, naming that caller's file and line
        (`@transaction.atomic at line 30 of shop/imports.py, around the call of load() at line 34`); None
        when no chain of its callers runs it inside an atomic block (callers.py: `in_transaction`)."""
        site = self.callers.in_transaction(function)
        if site is None:
            return None
        line, how = site.within
        where = relative_posix(site.path, self.project.root)
        called = f"the call of {id_name(site.callee)}() at line {site.line}"
        if how == "ATOMIC_REQUESTS":
            return f"the ATOMIC_REQUESTS transaction of the view {site.caller.partition(':')[2]}() in {where}, " \
                   f"around {called}"
        return f"{how} at line {line} of {where}, around {called}"

    def _judged_with_callers(self, judged: Judged) -> Optional[Verdict]:
        """`_with_callers`, the savepoint a caller's transaction asks for aside."""
        callers = self.callers.view(judged.function)
        if callers is None:
            return self._with_arguments(judged)
        if callers.guarded:
            if judged.own_atomic:
                return None  # the write's own atomic block is a savepoint inside the caller's
            for site in callers.sites:
                if site.guarded and site.atomic:
                    caller = f"{relative_posix(site.path, self.project.root)}:{site.line}"
                    return replace(judged.base, rule="UNQ003", fix=Fix.SAVEPOINT,
                                   handler=HandlerSeen(site.guard_line, site.atomic[1], site.atomic[0], caller))
            return None
        if callers.reaching(judged.signature, judged.exits).per_site(judged.model):
            return None
        return self._with_arguments(judged)

    def _with_arguments(self, judged: Judged) -> Optional[Verdict]:
        """The write's verdict given what every call that may run its function passes (argument_kinds.py):
        no call reaching it past its early exits, it is never run; a set every call gives NULL, or a value
        nobody supplies, is not at risk; one every call takes from a form that validates it is UNQ004's."""
        verdict = judged.verdict
        if verdict is None or not (judged.inputs or judged.exits) or verdict.rule not in ("UNQ001", "UNQ002"):
            return verdict
        every = self.callers.argument_sites(judged.function)
        if not every:
            return verdict  # callers unknown, or none: the function is judged on its own
        signature = Signature.decode(judged.signature)
        exits = decode_exits(judged.exits)
        sites = [(site.args, site.caller) for site in every if reaches(site.args, signature, exits)
                 and (not site.callee.startswith("?.") or signature.binds(site.args))]
        if not sites:
            return None  # every call passes what leaves the function before the write
        model = self.project.model(judged.model)
        if model is None or not judged.inputs:
            return verdict
        form_keys = FormKeys(lambda: self.resolver, self.graph)
        reader = SiteReader(signature, model.field_for, self._forwarded, holds=form_keys.holds)
        still: List[UniqueSet] = []
        validated: List[UniqueSet] = []
        seen: List[ValidationSeen] = []
        for unique_set, inputs in zip(verdict.unique_sets, decode_inputs(judged.inputs)):
            if not inputs:
                still.append(unique_set)
                continue
            outcomes, renamed = site_outcomes(reader, sites, inputs, unique_set.nulls_distinct,
                                              functools.partial(self._unset_is_fresh, model, unique_set),
                                              functools.partial(self._validates, model, unique_set))
            if set(outcomes) == {SAFE}:
                continue
            if VALIDATED in outcomes and OPEN not in outcomes:
                validator = self.resolver.validator_of_classes(outcomes[VALIDATED])
                if validator is not None and validator.seen_for(unique_set, renamed) not in seen:
                    seen.append(validator.seen_for(unique_set, renamed))
                validated.append(unique_set)
                continue
            still.append(unique_set)
        if len(still) == len(verdict.unique_sets):
            return verdict
        if still:
            return replace(verdict, unique_sets=tuple(still))
        if validated:
            return replace(judged.base, rule="UNQ004", unique_sets=tuple(validated), validated_by=tuple(seen),
                           savepoint_for=verdict.savepoint_for)
        return None

    def _validates(self, model, unique_set: UniqueSet, classes: Tuple[str, ...], keys: Dict[str, str]) -> bool:
        validator = self.resolver.validator_of_classes(classes)
        return validator is not None and validator.validates(unique_set, model, keys)

    def _unset_is_fresh(self, model, unique_set: UniqueSet, name: str) -> bool:
        return name in model.fields and unset_field_is_fresh(self.project, model.fields[name], unique_set, model)

    def _forwarded(self, function: str):
        """The calls of `function` ((args, caller), ...), for a `**kwargs` it passes on; None if unknown."""
        found = self.callers.argument_sites(function)
        return [(site.args, site.caller) for site in found] if found else None

    def _migration_code(self, call: ast.Call) -> bool:
        """A write in a data-migration function outside migrations/: not reported (support_code.py)."""
        return self.migration_code is not None and self.migration_code.covers(call)

    def _add(self, call: ast.Call, code: str, message: str) -> None:
        self.found.append(finding(self.path, call.lineno, call.col_offset, code, message,
                                  getattr(call, "end_lineno", None) or call.lineno,
                                  getattr(call, "end_col_offset", None) or call.col_offset,
                                  self.scope.context_of(call), _snippet(call)))

    # ------------------------------------------------------------------------------ helpers' call sites
    def _report_open_calls(self) -> None:
        """Calls in this module of helpers whose writes some callers guard (or check first) and others do
        not: each call nothing guards here is reported, naming the write it reaches — UNQ002 when this
        caller checked for the row before calling."""
        text_ = self.text if self.text is not None else self.graph.text(self.real_path)
        open_calls = self.shared.open_calls(self.real_path, text_) if text_ is not None else []
        if not open_calls:
            return
        calls = {}
        for node in self.scope.loads:
            parent = self.scope.parent(node)
            if isinstance(parent, ast.Call) and parent.func is node:
                calls[(parent.lineno, parent.col_offset)] = parent
        for found in open_calls:
            call = calls.get((found.site.line, found.site.col))
            if call is not None:
                validated = self._validated_arguments(call, found.helper)
                if validated is not None and not validated[0]:
                    continue  # every unique set gets a NULL from this call: nothing can collide
                # the transaction this call runs in: a try around the call needs a savepoint inside it
                method = found.helper.label.rpartition(".")[2]
                transaction = transaction_at(self.scope, call, method, self.atomic_requests, self.project)
                if transaction is None and method not in orm.UPSERT:  # or a caller's, up the chain
                    transaction = self._transaction_above(enclosing_id(self.scope, call))
                if validated is not None:
                    code, message = "UNQ004", messages.helper_call_validated(call_label(call.func), found.helper,
                                                                             *validated, transaction)
                else:
                    code, message = messages.helper_call(call_label(call.func), found.helper, found.check,
                                                         transaction)
                self._add(call, code, message)

    def _validated_arguments(self, call: ast.Call, helper: HelperWrite
                             ) -> Optional[Tuple[Tuple[UniqueSet, ...], Tuple[ValidationSeen, ...]]]:
        """What validates every unique set a helper's write risks, given what this call passes for the
        parameters their values come from: a validated form's or serializer's data
        (`create_account(username=form.cleaned_data["username"])` with a form whose class checks the
        name), or NULL (`None`, or left out where the default is None) in some field of the set, which
        never collides. (the sets validated, what validates them) — none when every set gets a NULL — or
        None when some set is open at this call."""
        model = self.project.model(helper.model) if helper.inputs else None
        if model is None:
            return None
        seen: List[ValidationSeen] = []
        validated: List[UniqueSet] = []
        for inputs in decode_inputs(helper.inputs):
            fields = tuple(item.field for item in inputs)
            unique_set = next((s for s in model.unique_sets if s.fields == fields), None) if inputs else None
            if unique_set is None:
                return None
            arguments = []
            for item in inputs:
                argument = argument_for(call, item.param, item.index)
                # left out, a `param or <fresh token>` parameter is a fresh value, not NULL
                null = (argument is None and item.none_default and not item.or_fresh) or (
                    isinstance(argument, ast.Constant) and argument.value is None)
                if null and unique_set.nulls_distinct:
                    break  # NULL in the set: no row can equal it
                arguments.append((item.field, argument))
            else:
                sources = [(field, self.finder.form_source(field, argument) if argument is not None else None)
                           for field, argument in arguments]
                keys = _renamed_keys(sources)
                for _, source in sources:
                    validator = self.resolver.validator(source.holder) if source is not None else None
                    if validator is None or not validator.validates(unique_set, model, keys):
                        return None
                    if validator.seen_for(unique_set, keys) not in seen:
                        seen.append(validator.seen_for(unique_set, keys))
                validated.append(unique_set)
        return tuple(validated), tuple(seen)

    def _verdict(self, write: Write, guard: Optional[Guard]) -> Optional[Verdict]:
        """The rule a write breaks, with what was seen around it and the fix, callers left aside; None
        when it is safe."""
        node = write.call
        if never_commits(self.scope, node, self.resolver) is not None:
            return None  # a preview in a transaction that always rolls back
        base = _base_verdict(write)
        if guard is not None:
            return self._judge_handled(write, guard, base)
        unvalidated, validated_by, form_fixes = self._split_by_validation(write)
        if not unvalidated:
            return replace(base, rule="UNQ004", validated_by=validated_by)
        base = replace(base, unique_sets=unvalidated)
        keys = frozenset(f for s in unvalidated for f in s.fields)  # a check of other fields is none for these
        check = self.checks.find(node, write.model, keys)
        if check is None and write.origin is not None:  # `try: get() except DoesNotExist: obj = M()` ... obj.save()
            check = self.checks.find(write.origin, write.model, keys)
        if check is not None and not _checks_any(check.fields, unvalidated, write.settled):
            check = None  # the check a callee's returns settled a set with: no check of the others
        picked = None
        if check is None:  # `username = self.get_safe_username(name)`: a pick after reading the taken values
            check = picked = self.checks.picked_by_query(write.values, keys, write.model)
        if check is not None:
            # a value picked to be new must not be looked up: get_or_create would hand back the row the
            # concurrent run inserted with it (another user's)
            return self._with_fix(replace(base, rule="UNQ002", check=CheckSeen(check.text, check.line)), write,
                                  unvalidated, form_fixes, race=True, reuse=picked is None)
        if write.created_elsewhere is not None:
            return replace(base, fix=Fix.UPDATE_EXISTING, creator=self._creator(write))
        return self._with_fix(base, write, unvalidated, form_fixes, race=False)

    def _creator(self, write: Write) -> CreatorSeen:
        """What already inserts the one-to-one row this write inserts again."""
        creator = write.created_elsewhere
        assert creator is not None
        holder = write.model
        field = next((f for s in write.risked for f in s.fields), "")
        accessor = getattr(holder.fields.get(field), "related_name", None) or holder.name.lower()
        where = f"{relative_posix(creator.path, self.project.root)}:{creator.line}" if creator.path else ""
        return CreatorSeen(creator.who, where, holder.name, creator.parent.name, f"{creator.variable}.{accessor}")

    def _judge_handled(self, write: Write, guard: Guard, base: Verdict) -> Optional[Verdict]:
        if (guard.kind is not GuardKind.TRY or write.own_savepoint
                or savepoint_between(self.scope, write.call, guard.node)):
            return None
        if not isinstance(guard.node, TryNodes) or only_reraises(self.scope, guard.node, self.extra_guards):
            return None
        atomic = atomic_around(self.scope, guard.node, self.atomic_requests, self.project)
        if atomic is None:
            return None
        return replace(base, rule="UNQ003", fix=Fix.SAVEPOINT, handler=HandlerSeen(guard.line, atomic.how, atomic.line))

    # ---------------------------------------------------------------------------------- validation
    def _split_by_validation(self, write: Write) -> Tuple[Tuple[UniqueSet, ...], Tuple[ValidationSeen, ...],
                                                          Tuple[FormFix, ...]]:
        """(unique sets no form/serializer validates, what validates the others, fixes for the rest).

        A set is validated when every field of it the write sets comes from a form or serializer whose
        class checks that set; a field with no such source (a plain variable, a literal) leaves it open.
        """
        if write.validated_by:  # obj.full_clean() checked every unique set of the instance
            return (), (ValidationSeen(write.validated_by),), ()
        unvalidated: List[UniqueSet] = []
        checked_by: List[ValidationSeen] = []
        fixes: List[FormFix] = []
        for unique_set in write.risked:
            written = [f for f in unique_set.fields if write.written is None or f in write.written]
            holder = write.commit_false_form
            late = [f for f in written if f not in write.sources] if holder is not None else []
            if late and holder is not None:  # set by the view after form.save(commit=False): no form checks it
                if not self.checks.queried_before(write.call, write.model):  # never ask for a check that is there
                    form = self.resolver.validator(holder)
                    fixes.append(FormFix(FormFixKind.CHECK_AFTER_COMMIT_FALSE, form.name if form else "",
                                         (late[0],)))
                unvalidated.append(unique_set)
                continue
            if not written:  # NULLs that collide (nulls_distinct=False), written by no form
                unvalidated.append(unique_set)
                continue
            validators = []
            keys = _renamed_keys((name, write.sources.get(name)) for name in written)
            for name in written:
                source = write.sources.get(name)
                validator = self.resolver.validator(source.holder) if source is not None else None
                if validator is None or not validator.validates(unique_set, write.model, keys):
                    # the fix goes into the class the other fields come from (`serializer.save(owner=...)`)
                    validator = validator or self._validator_of_any(write, written)
                    if validator is not None:
                        fix = validator.fix_for(unique_set, keys)
                        fixes.append(self._unless_supplied(write, validator, fix, unique_set))
                    unvalidated.append(unique_set)
                    break
                validators.append(validator)
            else:
                for validator in validators:
                    seen = validator.seen_for(unique_set, keys)
                    if seen not in checked_by:
                        checked_by.append(seen)
        return tuple(unvalidated), tuple(checked_by), tuple(fixes)

    def _unless_supplied(self, write: Write, validator, fix: FormFix, unique_set: UniqueSet) -> FormFix:
        """"Add X to Meta.fields" asks the request for a value the view supplies itself, when it does (a
        keyword of the write, `form.instance.x = ...`, `instance=row`) or the form's `__init__` does
        (`self.instance.x = ...`): the form's clean() should query the set with that value instead (hints.py)."""
        if fix.kind not in (FormFixKind.ADD_TO_META_FIELDS, FormFixKind.INCLUDE_IN_FIELDS):
            return fix
        holder = next((source.holder for source in write.sources.values() if source is not None), None)
        for name in fix.fields:
            if write.written is not None and name in write.written and write.sources.get(name) is None:
                continue  # the write sets it from the view's own value
            if filled_by_form(self.project, validator, name):
                continue
            if holder is None or not supplied_by_view(self.project, self.scope, holder, name, write.model, write.call):
                return fix
        return FormFix(FormFixKind.CLEAN_QUERY, fix.form, unique_set.fields)

    def _validator_of_any(self, write: Write, fields):
        for name in fields:
            source = write.sources.get(name)
            validator = self.resolver.validator(source.holder) if source is not None else None
            if validator is not None:
                return validator
        return None

    # ----------------------------------------------------------------------------------------- fixes
    def _with_fix(self, verdict: Verdict, write: Write, unvalidated: Tuple[UniqueSet, ...],
                  form_fixes: Tuple[FormFix, ...], race: bool, reuse: bool = True) -> Verdict:
        """The concrete fix for an unguarded write (race: after an existence check, forms aside; `reuse`
        False: the value was picked to be new, so the row holding it is never the one wanted)."""
        method = write.method
        transaction = transaction_around(self.scope, write, self.atomic_requests, self.project)
        verdict = replace(verdict, savepoint_for=transaction)
        # hints.py: when reusing the row is the fix
        reusable = reusable_field(write, unvalidated, self.scope, self.project) if reuse else None
        if race:
            if method in orm.BULK and self._conflicts_ignorable(write):  # a concurrent run's rows are skipped
                return replace(verdict, fix=Fix.IGNORE_CONFLICTS)
            return replace(verdict, fix=Fix.GET_OR_CREATE, fix_field=reusable) if reusable else verdict
        verdict = replace(verdict, form_fixes=form_fixes)
        if method in orm.UPSERT and write.lookup_fix is not None:  # look the row up by its unique key
            fix, key, rest = write.lookup_fix
            return replace(verdict, fix=fix, fix_field=key, fix_rest=rest)
        if method in orm.UPSERT:
            return replace(verdict, fix=Fix.MOVE_TO_LOOKUP, fix_field=write.lookup_hint) if write.lookup_hint \
                else verdict
        if method in orm.BULK and self._conflicts_ignorable(write):
            return replace(verdict, fix=Fix.IGNORE_CONFLICTS)
        if reusable and not form_fixes:
            return replace(verdict, fix=Fix.GET_OR_CREATE, fix_field=reusable)
        return verdict

    def _conflicts_ignorable(self, write: Write) -> bool:
        """ignore_conflicts=True leaves the objects without primary keys: a fix only when nothing reads
        them after the insert (hints.py)."""
        call = write.call
        objs = call.args[0] if call.args else None
        elements = self.finder.list_elements(objs, call) if objs is not None else None
        return not objects_read_after(self.scope, call, elements, write.model.pk)

    # ---------------------------------------------------------------------------------- unreadable
    def _report_unreadable_imports(self) -> None:
        """UNQ000 on each import of a project module the index could not read: never a silent miss.
        An incomplete walk of the project tree is said once per process, on the first file analysed.
        Likewise once per file whose writes rest on a user model the index could not read or guessed."""
        problems = self.project.problems
        if problems.user_model and self.real_path in self.project.user_model_files:
            self.found.append(finding(self.path, 1, 0, "UNQ000", problems.user_model))
        if problems.incomplete_walk and not problems.walk_reported and problems.walk_carrier is None:
            problems.walk_reported = True
            self.found.append(finding(self.path, 1, 0, "UNQ000", messages.incomplete_walk(self.project.root)))
        unreadable = self.project.problems.unreadable
        if not unreadable:
            return
        for node in self.tree.body:
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = resolve_relative(self.dotted, self.is_package, node.level or 0, node.module)
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                path = self.project.module_path(target) if target else None
                if path in unreadable:
                    relative = os.path.relpath(path, self.project.root)
                    self.found.append(finding(self.path, node.lineno, node.col_offset, "UNQ000",
                                              messages.unreadable(relative, unreadable[path])))
                    break

    def _missing_packages(self) -> List[Tuple[str, int, int]]:
        """(package, line, col) for each package the lint environment cannot read that a write's class,
        or a base class of it, lives in; the place is this module's import from it, else the write.
        Found with the writes and kept with their verdicts: a module judged earlier is not read again."""
        found: List[Tuple[str, int, int]] = []
        declared = {model.split(".")[0] for model, _ in self.options.unique}  # the `unique` table covers them
        for call in self.scope.method_calls:
            if (not isinstance(call.func, ast.Attribute) or call.func.attr not in self.finder.methods
                    or self._migration_code(call)):
                continue
            for package in self._missing_behind(call):
                if package not in declared and all(package != seen for seen, _, _ in found):
                    line, col = self._import_of(package) or (call.lineno, call.col_offset)
                    found.append((package, line, col))
        return found

    def _report_missing_packages(self) -> None:
        """A note (UNQ000, said on stderr by the fronts), once per process and package, when a write's
        class, or a base class of it, lives in a package the lint environment cannot read: the model is
        unknown, or the unique fields it inherits are."""
        problems = self.project.problems
        for package, line, col in self.missing:
            if package not in problems.missing_reported:
                problems.missing_reported.add(package)
                self.found.append(finding(self.path, line, col, "UNQ000", messages.missing_package(package), note=True))

    def _note_unread_validation(self, verdict: Verdict, line: int, col: int) -> None:
        """A note, once per process and package, when the validation a verdict counts was read from a class
        whose bases come from a package the lint environment lacks: what they add is unknown."""
        problems = self.project.problems
        for seen in verdict.validated_by:
            for package in seen.unread:
                if package not in problems.missing_reported:
                    problems.missing_reported.add(package)
                    self.found.append(finding(self.path, line, col, "UNQ000",
                                              messages.unread_validation(package, seen.form), note=True))

    def _missing_behind(self, call: ast.Call) -> List[str]:
        """Unreadable packages that the write's receiver (`Product` in `Product.objects.create()`), or a
        base class of it, comes from."""
        node = call.func
        while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
            node = node.func if isinstance(node, ast.Call) else node.value
        names = self.scope.names
        if not isinstance(node, ast.Name) or (node.id not in names.imports and node.id not in names.local_defs):
            return []  # a parameter or a local: nothing says which package it comes from
        dotted = self.resolver.dotted(node)
        if not dotted:
            return []
        modules = self.project.modules
        top = dotted.split(".")[0]
        if modules.is_missing_package(top):
            return [top]
        cls = self.project.find_class(dotted)
        bases = self.project.ancestors(cls) if cls is not None else []
        return [base.split(".")[0] for base, facts in bases
                if facts is None and modules.is_missing_package(base.split(".")[0])]

    def _import_of(self, package: str) -> Optional[Tuple[int, int]]:
        """(line, col) of this module's import from `package`, or None: the outermost, the first in the
        source among those as deep (breadth first), taken from the scope's list of import statements
        rather than a walk of the whole tree per package."""
        found = []
        for node in self.scope.import_nodes:
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if not node.level else []
            else:
                names = [alias.name for alias in node.names]
            if any(name == package or name.startswith(package + ".") for name in names):
                found.append((sum(1 for _ in self.scope.ancestors(node)), node.lineno, node.col_offset))
        return min(found)[1:] if found else None


def _checks_any(pinned: Optional[FrozenSet[str]], sets, settled) -> bool:
    """Whether a check pinning `pinned` is one for a set still at risk, when sets were settled through it
    (returned_rows.py: `get(user=user, provider=p)` settles (user, provider)): it must pin a field of one
    that the settled sets lack, or the whole of one. Pinning only a field they share (`provider` of
    (url, provider)) is looking for the settled set's row, not for the url's."""
    if not settled or pinned is None:
        return True
    spent = {f for s in settled for f in s.fields}
    return any((pinned & set(s.fields)) - spent or set(s.fields) <= pinned for s in sets)


def _base_verdict(write: Write) -> Verdict:
    """UNQ001 over every set the write risks, before guards, checks and validation are looked at."""
    written = write.written
    left_null = tuple(s for s in write.risked if not s.nulls_distinct and written is not None
                      and not any(f in written for f in s.fields))
    return Verdict("UNQ001", write.label, write.model.name, write.risked, Fix.CATCH, alternatives=write.apart,
                   left_null=left_null)


def _snippet(call: ast.Call, limit: int = 240) -> str:
    """The call's text with whitespace folded, so reformatting or moving it keeps its fingerprint."""
    try:
        text_ = " ".join(ast.unparse(call).split())
    except (RecursionError, ValueError):
        text_ = call_label(call.func)
    return text_[:limit]
