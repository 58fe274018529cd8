"""The pylint front end: pylint's module in, `W58xx` messages out. No analysis lives here.

The engine works on the standard library `ast`, like the flake8 front end, so both report the same
findings. It is not parsed twice: `pylint_trees` takes the `ast` tree astroid built the module from
(checked byte for byte against the file; a plain parse when astroid's private hook is missing). What a
run says once (an incomplete project tree) is placed before any worker starts (`pylint_files`). Options
are `--uniqueguard-<name>` (command line or rc file), over `[tool.uniqueguard]`.
"""
from __future__ import annotations

import sys
from typing import Any, List, Optional, Tuple

import astroid.builder
from pylint.checkers import BaseChecker
from pylint.constants import WarningScope

from ..config import ConfigError, Options, options_from_mapping
from . import pylint_files, pylint_trees
from .option_spec import pylint_mapping, pylint_options
from ..analysis.engine import check_source, check_tree, may_write, run_notes, start_run
from ..findings import Finding, said_once
from ..records import replace
from ..rules import BY_CODE, RULES


def _messages() -> dict:
    """pylint's `msgs` from the rule table. Line-scoped: the engine reports positions, not astroid nodes.

    Every message is enabled as far as pylint is concerned: the engine leaves an off-by-default rule
    (UNQ004) out until it is named — in pylint's `--enable` (see `_host_selected`) or in uniqueguard's
    configuration (`extend-select`) — and pylint's `--disable` still silences any of them."""
    return {rule.pylint_id: ("%s", rule.symbol, rule.title + ".", {"scope": WarningScope.LINE}) for rule in RULES}


def _host_selected(enabled) -> Tuple[str, ...]:
    """The rules pylint's `--enable` names (pylint has expanded `all`, the checker's name `uniqueguard`
    and categories into message symbols by the time the checker opens)."""
    names = {str(n).strip() for n in enabled or () if str(n).strip()}
    chosen = []
    for rule in RULES:
        if any(n.lower() in ("all", rule.symbol) or n.upper() == rule.pylint_id or
               (len(n) == 1 and rule.pylint_id.startswith(n.upper())) for n in names):
            chosen.append(rule.code)
    return tuple(chosen)


_SAID: set = set()  # notes about the environment already printed by this process
_NAMED: set = set()  # the carriers (pylint_files) this process has named to the engine


def _options(linter) -> Options:
    """uniqueguard's options for this run, from pylint's (a ConfigError for a bad value): the very object
    the run was named with (`_name_the_run`) when they are the same, so the engine compares the files
    its index has read with the disk once per run, not at every module's check (`start_run`)."""
    read = options_from_mapping(pylint_mapping(linter.config), "pylint's options (command line or its rc file)")
    read = replace(read, extend_select=_host_selected(getattr(linter.config, "enable", ())))
    if _READ and _READ[0] == read:
        return _READ[0]
    _READ[:] = [read]
    return read


_READ: List[Options] = []  # the options last read


def _enabled(linter) -> bool:
    """Whether pylint will print any of the plugin's messages in this run."""
    return any(linter.is_message_enabled(rule.symbol) for rule in RULES)


def _name_the_run(linter, paths, files) -> None:
    """In pylint's own process, before any worker: where the run's once-only notes go (pylint_files).
    Nothing is read when the plugin's messages are all disabled."""
    if not _enabled(linter):
        return
    try:
        options = _options(linter)
    except ConfigError:
        return  # the checker's `open` stops the run with the error
    carriers = start_run(paths, options, files)
    _NAMED.add(carriers)
    pylint_files.carry(linter, carriers)


class UniqueGuardChecker(BaseChecker):
    name = "uniqueguard"
    msgs = _messages()
    options = pylint_options()

    def open(self) -> None:
        """Read the options once per run; a bad value stops pylint with a usage error, like its own. A
        worker that did not inherit the parent's memory (spawned) names the run's carriers again."""
        try:
            self._options = _options(self.linter)
        except ConfigError as exc:
            print(f"pylint: error: {exc}", file=sys.stderr)
            raise SystemExit(32) from None
        linter: Any = self.linter  # an attribute of ours on pylint's linter: what pylint_trees judges with
        linter._uniqueguard_options = self._options
        carriers = pylint_files.carried(linter)
        if carriers and carriers not in _NAMED:
            _NAMED.add(carriers)
            start_run(carriers, self._options)

    def close(self) -> None:
        pylint_trees.drop_all()

    def visit_module(self, node) -> None:
        path = node.file
        if not path or not path.endswith(".py"):
            return
        try:
            with node.stream() as stream:
                source = stream.read()
        except OSError:
            return  # pylint reports read errors itself
        found = pylint_trees.take(path, source)
        if found is None:
            found = check_source(source, path, getattr(self, "_options", Options()))
        for finding in found + run_notes(path):
            self._report(finding)

    def _report(self, finding: Finding) -> None:
        if finding.note:
            if said_once(finding, _SAID):
                print(f"uniqueguard: note: {finding.path}:{finding.line}: {finding.message}", file=sys.stderr)
            return
        self.add_message(BY_CODE[finding.code].symbol, line=finding.line, col_offset=finding.col,
                         end_lineno=finding.end_line or None, end_col_offset=finding.end_col or None,
                         args=(finding.message,))


def _judge(linter, path: str, text: str, tree) -> Optional[List[Finding]]:
    """Findings for a module pylint is building, from astroid's own `ast` tree (pylint_trees); None
    when there is nothing to judge: no write call in the text, or none of our messages enabled."""
    options = getattr(linter, "_uniqueguard_options", None)
    if options is None or not path.endswith(".py") or not may_write(text, options.write_methods):
        return None
    if not _enabled(linter):
        return None
    return check_tree(tree, path, options, text)


def register(linter) -> None:
    """One checker per linter. pylint 3.0 to 4.0 call this again in each `-j N` worker, on a linter that
    already holds the checker it unpickled (pylint 4.1 deregisters that one first): a second checker
    would print every message twice, and `-j2` would differ from `-j1`. The process-wide hooks are
    installed each time (idempotent): a worker that was not forked has none yet."""
    if not any(isinstance(checker, UniqueGuardChecker) for checker in linter.get_checkers()):
        linter.register_checker(UniqueGuardChecker(linter))
    pylint_trees.install(type(linter), astroid.builder, _judge)
    pylint_files.install(type(linter), _name_the_run)
