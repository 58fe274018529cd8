"""Path patterns for excluding files: gitignore-like globs matched against the path inside the project.

`*` never crosses a `/` (so a temporary folder named `test_x` above the project excludes nothing), `**`
matches any number of folders. Patterns are matched against the project-relative posix path.
"""
from __future__ import annotations

import functools
import os
import re
from typing import Callable, Iterable, List, Optional, Set, Tuple

# Test code, test support (`testing/`, `test_utils/`, `test.py`, `add_test_data.py`, factories) and
# migrations: none of it runs where a duplicate becomes a 500.
DEFAULT_EXCLUDE = ("**/tests/**", "**/test/**", "**/testing/**", "**/test_*/**", "**/tests_*/**", "**/*_tests/**",
                   "**/test_*.py", "**/tests_*.py", "**/*_tests.py", "**/*_test.py", "**/*_test_*.py", "**/tests.py",
                   "**/test.py", "**/testing.py", "**/conftest.py", "**/factories.py", "**/factory.py",
                   "**/factories/**", "**/migrations/**")


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> Callable[[str], bool]:
    """A matcher for one glob, in time linear in the path's folder count (never backtracking).

    A `**` segment matches any number of folders (a trailing one: at least one path part), any other
    segment one path part. The path is read part by part, keeping the set of pattern positions
    reached (a Thompson simulation), so `**/**/**/.../zzz` on a deep path costs parts x segments, where
    a regular expression of nested `(?:.*/)?` backtracks exponentially. A `**` inside a segment
    (`a**b`, crossing folders) falls back to a regular expression without repeated `**`."""
    parts = pattern.split("/")
    if any("**" in part and part != "**" for part in parts):
        regex = _regex(pattern)
        return lambda path: regex.match(path) is not None
    segments: List[str] = []
    for part in parts:
        if not (part == "**" and segments and segments[-1] == "**"):  # `**/**` is `**`
            segments.append(part)
    last = len(segments) - 1
    tests = [None if part == "**" else _segment(part) for part in segments]

    def closure(states: Set[int]) -> Set[int]:
        return states | {i + 1 for i in states if i < last and tests[i] is None}  # `**` may match nothing

    def match(path: str) -> bool:
        states = closure({0})
        for name in path.split("/"):
            following: Set[int] = set()
            for i in states:
                if i > last:
                    continue
                test = tests[i]
                if test is None:  # `**` takes this part and may take more
                    following.add(i)
                    if i == last:
                        following.add(i + 1)
                elif test(name):
                    following.add(i + 1)
            if not following:
                return False
            states = closure(following)
        return last + 1 in states

    return match


def _segment(part: str) -> Callable[[str], bool]:
    """One path part: `*` any run of characters, `?` one character."""
    regex = re.compile("".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in part)
                       + r"\Z")
    return lambda name: regex.match(name) is not None


def _regex(pattern: str) -> "re.Pattern[str]":
    """The regular expression of a glob with `**` inside a segment; runs of `**/` count once."""
    pattern = re.sub(r"(?:\*\*/)+", "**/", pattern)
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def relative_posix(path: str, root: str) -> str:
    absolute = os.path.abspath(path)
    prefix = os.path.abspath(root).rstrip(os.sep) + os.sep
    if absolute.startswith(prefix):  # the common case, without relpath's work
        return absolute[len(prefix):].replace(os.sep, "/")
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
    if relative.startswith(os.pardir):
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def matches(relative: str, patterns: Iterable[str]) -> bool:
    """Whether a project-relative posix path matches one of the globs. Each glob's plain runs are looked
    for first (`_literals`): a path lacking one cannot match, which settles most paths against most
    globs with a substring test. A warm single-file run asks this of every project file holding a
    helper: the prepared pairs of a tuple of globs are kept, not looked up glob by glob at every call,
    and so is one search for any glob's longest run (`_any_run`), which settles a path no glob can match
    (most of a project's files against the default globs) in one step instead of one per glob."""
    if isinstance(patterns, tuple):
        runs = _any_run(patterns)
        if runs is not None and runs.search(relative) is None:
            return False
        prepared = _prepared(patterns)
    else:
        prepared = _prepare(patterns)
    for literals, match in prepared:
        for piece in literals:
            if piece not in relative:
                break
        else:
            if match(relative):
                return True
    return False


@functools.lru_cache(maxsize=64)
def _prepared(patterns: Tuple[str, ...]) -> Tuple[Tuple[Tuple[str, ...], Callable[[str], bool]], ...]:
    return _prepare(patterns)


@functools.lru_cache(maxsize=64)
def _any_run(patterns: Tuple[str, ...]) -> "Optional[re.Pattern[str]]":
    """A search for any of the globs' longest plain runs, which a path must hold for one of them to
    match; None when a glob has none (`*`, `**/*`), which any path may match. A run holding
    another one of the set is left out: a path without the shorter has neither (`test` covers `tests_`)."""
    longest = []
    for pattern in patterns:
        literals = _literals(pattern)
        if not literals:
            return None
        longest.append(max(literals, key=len))
    runs = sorted({run for run in longest if not any(other != run and other in run for other in longest)})
    return re.compile("|".join(map(re.escape, runs)))


def _prepare(patterns: Iterable[str]) -> Tuple[Tuple[Tuple[str, ...], Callable[[str], bool]], ...]:
    """(plain runs, matcher) of each glob, the matcher compiled when first used."""
    return tuple((_literals(p), _lazy(p)) for p in patterns)


def _lazy(pattern: str) -> Callable[[str], bool]:
    return lambda path: _compile(pattern)(path)


@functools.lru_cache(maxsize=256)
def _literals(pattern: str) -> Tuple[str, ...]:
    """The runs of plain characters of a glob: a path that lacks one of them cannot match, which settles
    most paths against most patterns (`**/migrations/**`) at the cost of a substring test."""
    return tuple(piece for piece in re.split(r"[*?/]+", pattern) if piece)


def inside(path: str, root: str) -> bool:
    """Whether `path` lies under the folder `root` (the project's own code, not stubs or site-packages)."""
    return bool(path) and os.path.abspath(path).startswith(os.path.abspath(root) + os.sep)
