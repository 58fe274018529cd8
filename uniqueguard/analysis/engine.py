"""The engine: one linted module in, findings out. Every front end calls `check_tree` or `check_source`.

For each write (writes.py) it asks the guards (guards.py) in the order a reviewer would: is IntegrityError
caught around it (then: does that handler sit in a broken atomic block → UNQ003)? are all its callers
guarded? do form/serializer checks cover every unique set it risks (→ UNQ004)? did an existence check
let it through (→ UNQ002)? Otherwise it is UNQ001. No front end makes any of these decisions.
"""
from __future__ import annotations

import ast
import functools
import os
import re
from dataclasses import replace
from typing import List, Optional, Tuple

from .. import orm
from . import messages
from ..config import ConfigError, Options, read_pyproject
from ..index.discovery import ParseFailure, find_root, module_name, parse_source
from ..index.facts import resolve_relative
from ..index.uniqueness import UniqueSet
from ..index.validation import FormFix, FormFixKind, ValidationSeen
from ..findings import Failure, Finding, finding, run_failure
from .callers import Callers, CallerView, Extractor, graph_for
from .callsites import enclosing_id
from .guards import (CheckFinder, Guard, GuardKind, TryNodes, atomic_around, catches_integrity_error, handler_guard,
                     reraises, savepoint_between)
from ..paths import matches, relative_posix
from ..index.project import project_for
from .resolve import Resolver
from .scope import ModuleScope, call_label
from .support_code import MigrationCode, is_test_support_module
from .verdict import CheckSeen, CreatorSeen, Fix, HandlerSeen, Verdict
from .writes import Write, WriteFinder


def check_source(source, path: str, options: Options = Options(), report_unparsable: bool = False) -> List[Finding]:
    """Check a file's bytes or text. A module with no write call at all is not even parsed. A file that
    does not parse (syntax error, undeclared non-UTF-8, NUL bytes, inconsistent tabs) yields no findings
    in flake8 and pylint, which report it themselves; the command line, which has no host to say it,
    asks for it as one UNQ000 with the reason (`report_unparsable`)."""
    early = _early_exit(source, path, options)
    if early is not None:
        return early
    try:
        tree = parse_source(source, path)
    except ParseFailure as exc:
        return [finding(path, exc.line, 0, "UNQ000", messages.unparsable(str(exc)))] if report_unparsable else []
    return check_tree(tree, path, options)


def check_tree(tree: ast.Module, path: str, options: Options = Options(), source=None) -> List[Finding]:
    """All findings for one module, never raising: an internal failure becomes one UNQ000 finding.

    `source` (text or bytes), when the caller has it, lets a module without any write call return at
    once (flake8 hands the plugin its lines)."""
    if source is not None:
        early = _early_exit(source, path, options)
        if early is not None:
            return early
    try:
        placed = _placed(path)
        merged = effective_options(placed, options)
        if source is None and _excluded(placed, merged):
            return []  # with the source, _early_exit has already said so
        if not merged.check_test_support and is_test_support_module(tree):
            return []
        return _Analysis(tree, path, options).run()
    except ConfigError as exc:
        return [run_failure(path, Failure.CONFIGURATION, str(exc))]
    except RecursionError:
        return [run_failure(path, Failure.INTERNAL, "uniqueguard could not analyse this file: nested too deeply")]
    except Exception as exc:  # noqa: BLE001 - a linter plugin must never take the host linter down
        return [run_failure(path, Failure.INTERNAL, f"uniqueguard could not analyse this file "
                                                    f"({type(exc).__name__}: {exc}); please report this")]


def _early_exit(source, path: str, options: Options):
    """[] when the file is excluded (tests, migrations) or its text holds no call to any write method
    (most modules: nothing to analyse), one UNQ000 when the configuration is bad (reported on every
    file, never silently ignored), else None. Neither case costs a parse."""
    placed = _placed(path)
    try:
        merged = effective_options(placed, options)
    except ConfigError as exc:
        return [run_failure(path, Failure.CONFIGURATION, str(exc))]
    if _excluded(placed, merged):
        return []
    text_ = source.decode("utf-8", "replace") if isinstance(source, (bytes, bytearray)) else source
    return None if may_write(text_, merged.write_methods) else []


def _excluded(placed: str, merged: Options) -> bool:
    """Whether the configured globs (tests and migrations by default) exclude the file."""
    root = os.path.abspath(merged.root) if merged.root else find_root(placed)
    return matches(relative_posix(placed, root), merged.excluded)


def may_write(text: str, extra_methods=()) -> bool:
    """Whether the text holds a call to a write method (built in, or configured): without one, there is
    nothing to check."""
    return _write_call(orm.WRITES | frozenset(extra_methods)).search(text) is not None


@functools.lru_cache(maxsize=8)
def _write_call(methods: frozenset) -> "re.Pattern[str]":
    """`.create(`, `.save (` ...: a strict superset of the calls the engine can flag."""
    names = "|".join(sorted(map(re.escape, methods), key=len, reverse=True))
    return re.compile(r"\.\s*(?:" + names + r")\s*\(")


def _placed(path: str) -> str:
    """Where a linted path lives. An unsaved editor buffer or `--stdin-display-name` names a file that
    may not exist yet: its folder still places it in the project. Plain stdin is placed in the cwd."""
    real = os.path.abspath(path)
    if not os.path.isdir(os.path.dirname(real)):
        real = os.path.join(os.getcwd(), "__stdin__.py")
    return real


def effective_options(path: str, options: Options) -> Options:
    """The front end's options over `[tool.uniqueguard]` of the project's pyproject.toml (re-read when
    the file changes: an editor's long-running linter sees an edit at once)."""
    root = options.root or find_root(path)
    return _merged_options(root, _mtime(os.path.join(root, "pyproject.toml")), options)


@functools.lru_cache(maxsize=64)
def _merged_options(root: str, mtime: float, options: Options) -> Options:
    merged = options.merged_over(read_pyproject(root))
    return merged if merged.root else replace(merged, root=root)


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


class _Analysis:
    def __init__(self, tree: ast.Module, path: str, options: Options):
        self.path = path
        real = _placed(path)
        self.real_path = real
        self.options = effective_options(real, options)
        self.project = project_for(real, self.options)
        configured = self.options.settings_module
        if configured and self.project.module_path(configured) is None:  # a typo must not weaken the run
            raise ConfigError("settings", "the configuration", f"no module {configured} under {self.project.root}")
        dotted, is_package, _ = module_name(real, self.project.root)
        self.scope = ModuleScope(tree, dotted, is_package)
        if dotted:
            self.project.adopt_tree(real, dotted, is_package, tree)
        self.resolver = Resolver(self.scope, self.project)
        self.extra_guards = frozenset(self.options.guard_exceptions)
        self.checks = CheckFinder(self.scope, self.resolver)
        self.migration_code = None if self.options.check_test_support else MigrationCode(self.scope)
        self.atomic_requests = (self.options.atomic_requests if self.options.atomic_requests is not None
                                else self.project.settings.atomic_requests)
        self.graph = graph_for(self.project)
        extractor = self.graph.extractor
        if not (isinstance(extractor, Extractor) and extractor.settings == (self.extra_guards, self.atomic_requests)):
            extractor = self.graph.extractor = Extractor(self.project, self.extra_guards, self.atomic_requests)
        extractor.adopt(real, self.scope, self.resolver)
        excluded = self.options.excluded
        self.callers = Callers(self.project, self.graph,
                               lambda caller: not matches(relative_posix(caller, self.project.root), excluded))
        self.found: List[Finding] = []

    def run(self) -> List[Finding]:
        finder = WriteFinder(self.scope, self.resolver, frozenset(self.options.write_methods))
        for write in finder.find():
            if not self._migration_code(write.call):
                self._judge(write)
        for call in finder.find_unresolved() if self.options.strict else ():
            if not self._migration_code(call):
                self._add(call, "UNQ005", messages.unresolved(call_label(call.func)))
        self._report_unreadable_imports()
        self.project.save_cache()
        self.graph.save()
        return sorted(self.found)

    def _migration_code(self, call: ast.Call) -> bool:
        """A write in a data-migration function outside migrations/: not reported (support_code.py)."""
        return self.migration_code is not None and self.migration_code.covers(call)

    def _emit(self, verdict: Verdict, write: Write) -> None:
        self._add(write.call, verdict.rule, messages.render(verdict))

    def _add(self, call: ast.Call, code: str, message: str) -> None:
        self.found.append(finding(self.path, call.lineno, call.col_offset, code, message,
                                  getattr(call, "end_lineno", None) or call.lineno,
                                  getattr(call, "end_col_offset", None) or call.col_offset,
                                  self.scope.context_of(call), _snippet(call)))

    def _judge(self, write: Write) -> None:
        verdict = self._verdict(write)
        if verdict is not None:
            self._emit(verdict, write)

    def _verdict(self, write: Write) -> Optional[Verdict]:
        """The rule a write breaks, with what was seen around it and the fix; None when it is safe."""
        node = write.call
        base = Verdict("UNQ001", write.label, write.model.name, write.risked, Fix.CATCH)
        guard = handler_guard(self.scope, node, self.extra_guards)
        if guard is not None:
            return self._judge_handled(write, guard, base)
        callers = self.callers.view(enclosing_id(self.scope, node))
        if callers is not None and callers.guarded:
            return self._caller_handled(write, callers, base)
        unvalidated, validated_by, form_fixes = self._split_by_validation(write)
        if not unvalidated:
            return replace(base, rule="UNQ004", validated_by=validated_by)
        base = replace(base, unique_sets=unvalidated)
        check = self.checks.find(node, write.model)
        if check is None and write.origin is not None:  # `try: get() except DoesNotExist: obj = M()` ... obj.save()
            check = self.checks.find(write.origin, write.model)
        if check is not None:
            return self._with_fix(replace(base, rule="UNQ002", check=CheckSeen(check.text, check.line)), write,
                                  unvalidated, form_fixes, race=True)
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
        if not isinstance(guard.node, TryNodes):
            return None
        handlers = [h for h in guard.node.handlers
                    if catches_integrity_error(self.scope, h.type, self.extra_guards) is not None]
        if handlers and all(reraises(h) for h in handlers):
            return None
        atomic = atomic_around(self.scope, guard.node, self.atomic_requests, self.project)
        if atomic is None:
            return None
        return replace(base, rule="UNQ003", fix=Fix.SAVEPOINT, handler=HandlerSeen(guard.line, atomic.how, atomic.line))

    def _caller_handled(self, write: Write, callers: CallerView, base: Verdict) -> Optional[Verdict]:
        """Every caller catches IntegrityError: UNQ003 when a caller's handler sits in an atomic block
        with no savepoint between it and the write (the write's own atomic block is one)."""
        if write.own_savepoint or atomic_around(self.scope, write.call, False, self.project) is not None:
            return None
        for site in callers.sites:
            if site.guarded and site.atomic:
                caller = f"{relative_posix(site.path, self.project.root)}:{site.line}"
                return replace(base, rule="UNQ003", fix=Fix.SAVEPOINT,
                               handler=HandlerSeen(site.guard_line, site.atomic[1], site.atomic[0], caller))
        return None

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
                form = self.resolver.validator(holder)
                fixes.append(FormFix(FormFixKind.CHECK_AFTER_COMMIT_FALSE, form.name if form else "", (late[0],)))
                unvalidated.append(unique_set)
                continue
            validators = []
            for name in written:
                source = write.sources.get(name)
                validator = self.resolver.validator(source.holder) if source is not None else None
                if validator is None or not validator.validates(unique_set, write.model):
                    if validator is not None:
                        fixes.append(validator.fix_for(unique_set))
                    unvalidated.append(unique_set)
                    break
                validators.append(validator)
            else:
                for validator in validators:
                    seen = validator.seen_for(unique_set)
                    if seen not in checked_by:
                        checked_by.append(seen)
        return tuple(unvalidated), tuple(checked_by), tuple(fixes)

    # ----------------------------------------------------------------------------------------- fixes
    def _with_fix(self, verdict: Verdict, write: Write, unvalidated: Tuple[UniqueSet, ...],
                  form_fixes: Tuple[FormFix, ...], race: bool) -> Verdict:
        """The concrete fix for an unguarded write (race: after an existence check, forms aside)."""
        method = write.method
        single = [f for s in unvalidated if len(s.fields) == 1 for f in s.fields]
        if race:
            if single and method in orm.CREATE and not write.model.is_user:
                return replace(verdict, fix=Fix.GET_OR_CREATE, fix_field=single[0])
            return verdict
        verdict = replace(verdict, form_fixes=form_fixes)
        if method in orm.UPSERT:
            return replace(verdict, fix=Fix.MOVE_TO_LOOKUP, fix_field=write.lookup_hint)
        if method in orm.BULK:
            return replace(verdict, fix=Fix.IGNORE_CONFLICTS)
        if (method in orm.CREATE and len(unvalidated) == 1 and len(unvalidated[0].fields) == 1
                and not form_fixes and not write.model.is_user):
            # Reusing an existing row is the fix for a profile or a webhook record, not for a sign-up:
            # a second registration must be told the account exists.
            return replace(verdict, fix=Fix.GET_OR_CREATE, fix_field=unvalidated[0].fields[0])
        return verdict

    # ---------------------------------------------------------------------------------- unreadable
    def _report_unreadable_imports(self) -> None:
        """UNQ000 on each import of a project module the index could not read: never a silent miss.
        An incomplete walk of the project tree is said once per process, on the first file analysed."""
        problems = self.project.problems
        if problems.incomplete_walk and not problems.walk_reported:
            problems.walk_reported = True
            self.found.append(finding(self.path, 1, 0, "UNQ000", messages.incomplete_walk(self.project.root)))
        unreadable = self.project.problems.unreadable
        if not unreadable:
            return
        for node in self.scope.tree.body:
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = resolve_relative(self.scope.module, self.scope.is_package, node.level or 0, node.module)
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


def _snippet(call: ast.Call, limit: int = 240) -> str:
    """The call's text with whitespace folded, so reformatting or moving it keeps its fingerprint."""
    try:
        text_ = " ".join(ast.unparse(call).split())
    except (RecursionError, ValueError):
        text_ = call_label(call.func)
    return text_[:limit]
