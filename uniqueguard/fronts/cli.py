"""The command-line front end: `uniqueguard check PATH...` and `uniqueguard explain CODE`.

Same engine, same findings as the flake8 and pylint plugins; this module only walks files, runs the
engine (in parallel with `-j`), filters by selection and baseline, and prints. Exit codes: 0 nothing
found, 1 findings, 2 usage, configuration or internal error.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Dict, List, Optional, Sequence

from .. import __version__
from ..analysis.engine import check_source, run_notes, start_run
from ..config import ConfigError, Options, options_from_mapping
from ..docs import find_rule, page
from ..findings import Finding, finding
from ..index.discovery import folder_with, is_skipped_dir, walk_python_files
from ..rules import RULES
from . import baseline, suppress
from .option_spec import add_cli_options, cli_mapping
from .output import FORMATS, FROM_REPOSITORY_ROOT, TextStyle, statistics, styled_text

PROGRESS_MINIMUM = 200  # files; smaller runs finish before a bar is worth drawing


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="uniqueguard", description=(
        "Find Django writes that can raise IntegrityError on a unique constraint with nothing to catch it."))
    parser.add_argument("--version", action="version", version=f"uniqueguard {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="lint files or folders")
    check.add_argument("paths", nargs="*", default=["."], help="files or folders (default: .)")
    check.add_argument("--format", choices=sorted(FORMATS), default="text")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    check.add_argument("--sarif-root", metavar="DIR", help=(
        "folder the paths of the sarif and github formats are relative to (default: the git root above "
        "the working directory, where GitHub looks them up)"))
    check.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="parallel processes (0: one per core)")
    check.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
    check.add_argument("--write-baseline", metavar="FILE", help=(
        "record the current findings in FILE and exit 0; an existing FILE keeps only the entries that "
        "still match (fixed findings drop out)"))
    check.add_argument("--update-baseline", action="store_true",
                       help="with --write-baseline: also add new findings to an existing FILE")
    check.add_argument("--disable-noqa", action="store_true",
                       help="report findings even on lines with `# noqa` or `# pylint: disable` comments")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when there are findings (a failed run still exits 2)")
    check.add_argument("--statistics", action="store_true", help="count the findings of each rule at the end")
    check.add_argument("--count", action="store_true", help="print the number of findings at the end")
    check.add_argument("--show-source", action="store_true", help="text format: show each finding's line")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="text format: only the files with findings; no notes on stderr")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto", help=(
        "colour the text format (auto: on a terminal, unless the NO_COLOR environment variable is set)"))
    check.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    add_cli_options(check)  # every configuration setting, spelled as in the config file (option_spec.py)

    explain = commands.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule", nargs="?", help="UNQ001, W5801 or unguarded-create; none: list all rules")
    return parser


def _options(args) -> Options:
    return options_from_mapping(cli_mapping(args), "the command line")


def source_files(paths: Sequence[str]) -> List[str]:
    """Files named on the command line, and `.py` files under folders: those git does not ignore
    (`.gitignore`, `.git/info/exclude`, the global excludes) in a git work tree, and never in venvs,
    VCS, caches or build output (the index's SKIP_DIRS)."""
    found: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            files = _git_listed(path)
            if files is None:
                files, _ = walk_python_files(path)
            found.extend(files)
        elif os.path.exists(path) or os.path.islink(path):
            found.append(path)
        else:
            raise FileNotFoundError(path)
    return sorted(dict.fromkeys(os.path.normpath(p) for p in found))


def _git_listed(folder: str) -> Optional[List[str]]:
    """The `.py` files under `folder` that git tracks or would not ignore; None outside a work tree
    (or without git), where the plain walk is used."""
    try:
        listed = subprocess.run(["git", "-C", folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                                 "--", "*.py"], capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    files = []
    for name in listed.stdout.decode("utf-8", "surrogateescape").split("\0"):
        parts = name.split("/")
        if name.endswith(".py") and not any(is_skipped_dir(part) for part in parts[:-1]):
            path = os.path.join(folder, *parts)
            if os.path.isfile(path):
                files.append(path)
    return files


def _check_one(job) -> List[Finding]:
    """One file's findings, less those its `# noqa` / `# pylint: disable` comments suppress."""
    path, options, honour_comments = job
    try:
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError as exc:
        return [finding(path, 1, 0, "UNQ000", f"cannot read this file: {exc.strerror or exc}")]
    found = check_source(source, path, options, report_unparsable=True) + run_notes(path)
    return suppress.apply(found, source) if honour_comments else found


class _Progress:
    """A one-line bar on stderr, only on a terminal and for runs large enough to need one."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.enabled = enabled and total >= PROGRESS_MINIMUM and sys.stderr.isatty()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.enabled and (self.done == self.total or self.done % 20 == 0):
            width = 30
            filled = width * self.done // self.total
            sys.stderr.write(f"\runiqueguard [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


class OutputError(Exception):
    """A report or baseline that cannot be written; the message says which file and why, in one line."""


def _write(path: str, content: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _cwd_relative(path: str) -> str:
    """A path as the user typed it relative to the working directory, or absolute when outside it."""
    try:
        relative = os.path.relpath(os.path.abspath(path), os.getcwd())
    except ValueError:
        return path
    return path if relative.startswith(os.pardir) else relative


def _colour(args) -> bool:
    if args.color != "auto":
        return args.color == "always"
    return not args.output and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _error(message: str) -> int:
    print(f"uniqueguard: error: {message}", file=sys.stderr)
    return 2


def run_check(args) -> int:
    try:
        options = _options(args)
        files = source_files(args.paths)
        known = baseline.read(args.baseline) if args.baseline else None
    except (ConfigError, baseline.BaselineError) as exc:
        return _error(str(exc))
    except FileNotFoundError as exc:
        return _error(f"no such file or folder: {exc.args[0]}")
    jobs = (os.cpu_count() or 1) if args.jobs == 0 else max(1, args.jobs)
    progress = _Progress(len(files), not args.no_progress)
    findings: List[Finding] = []
    start_run(files, options)
    work = [(path, options, not args.disable_noqa) for path in files]
    if jobs > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(_check_one, work, chunksize=max(1, len(work) // (jobs * 8))):
                findings.extend(result)
                progress.step()
    else:
        for job in work:
            findings.extend(_check_one(job))
            progress.step()
    progress.close()

    said = _once_each([f for f in findings if f.code == "UNQ000"])
    failures = [f for f in said if f.failure is not None]
    if not args.quiet:
        for item in (f for f in said if f.note):
            print(f"uniqueguard: note: {_cwd_relative(item.path)}:{item.line}:{item.col + 1}: {item.message}",
                  file=sys.stderr)
    findings = sorted([f for f in findings if f.code != "UNQ000"] + [f for f in said if not f.note])
    try:
        if args.write_baseline:
            return _write_baseline(args, findings, failures)
        if known is not None:
            findings = _new_against_baseline(args, findings, known)
        if args.format in FROM_REPOSITORY_ROOT:
            root = os.path.abspath(args.sarif_root or folder_with(os.getcwd(), (".git",)) or os.getcwd())
            relpath = baseline.relative_to(root)
        else:
            root, relpath = os.getcwd(), _cwd_relative
        if args.format == "text":
            report = styled_text(findings, relpath, TextStyle(args.show_source, args.quiet, _colour(args)))
        else:
            report = FORMATS[args.format](findings, relpath, baseline.fingerprints(findings, relpath), root)
        summary = (statistics(findings) if args.statistics else "") + (f"{len(findings)}\n" if args.count else "")
        if args.output:
            _write(args.output, report)
        else:
            sys.stdout.write(report)
        # flake8 prints them after the report; beside a json/sarif document or a file they go to stderr.
        (sys.stdout if args.format == "text" and not args.output else sys.stderr).write(summary)
    except OutputError as exc:
        return _error(str(exc))
    if failures:
        return 2
    return 1 if findings and not args.exit_zero else 0


def _once_each(notes: List[Finding]) -> List[Finding]:
    """UNQ000s are about the run, not the file they sit in: a bad configuration fails every file the same
    way, a missing package or an unreadable models module matters to every file importing it, and each
    `-j` worker notices them on its own. Say each distinct one once, on its first file."""
    seen: Dict[str, Finding] = {}
    for item in sorted(notes):
        seen.setdefault(item.message, item)
    return list(seen.values())


def _new_against_baseline(args, findings: List[Finding], known) -> List[Finding]:
    relpath = baseline.relative_to(baseline.anchor(args.baseline))
    matched = baseline.match(findings, baseline.fingerprints(findings, relpath), known)
    if matched.stale and not args.quiet:
        one = matched.stale == 1
        print(f"uniqueguard: {matched.stale} entr{'y' if one else 'ies'} of {args.baseline} no longer "
              f"match{'es' if one else ''} a finding (fixed or moved); `--write-baseline {args.baseline}` drops "
              f"{'it' if one else 'them'}", file=sys.stderr)
    return [f for f, _ in matched.new]


def _write_baseline(args, findings: List[Finding], failures: List[Finding]) -> int:
    """Record the findings. An existing baseline keeps only its entries that still match (fixed findings
    drop out) unless `--update-baseline` asks to add the new ones too. A failed run writes nothing."""
    path = args.write_baseline
    if failures:
        for item in failures:
            print(f"{_cwd_relative(item.path)}:{item.line}:{item.col + 1}: {item.code} {item.message}",
                  file=sys.stderr)
        return _error(f"the run failed, so {path} was not written")
    relpath = baseline.relative_to(baseline.anchor(path))
    prints = baseline.fingerprints(findings, relpath)
    kept = list(zip(findings, prints))
    note = ""
    if os.path.isfile(path) and not args.update_baseline:
        try:
            matched = baseline.match(findings, prints, baseline.read(path))
        except baseline.BaselineError as exc:
            return _error(f"{exc}; remove it or pass --update-baseline to replace it")
        kept = matched.old
        note = (f", dropped {matched.stale} that no longer match" +
                (f"; {len(matched.new)} new finding(s) not added (--update-baseline adds them)"
                 if matched.new else ""))
    _write(path, baseline.render([f for f, _ in kept], [fp for _, fp in kept], relpath))
    if not args.quiet:
        print(f"uniqueguard: recorded {len(kept)} finding(s) in {path}{note}", file=sys.stderr)
    return 0


def run_explain(args) -> int:
    if not args.rule:
        for rule in RULES:
            state = "strict mode" if rule.strict_only else "on" if rule.default_enabled else "off by default"
            print(f"{rule.code}  {rule.pylint_id}  {rule.symbol:28} {state:15} {rule.title}")
        return 0
    found = find_rule(args.rule)
    if found is None:
        print(f"uniqueguard: error: no rule named {args.rule!r}; `uniqueguard explain` lists them", file=sys.stderr)
        return 2
    sys.stdout.write(page(found))
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "explain":
        return run_explain(args)
    return run_check(args)


__all__ = ["main", "source_files"]


def main_exit() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
