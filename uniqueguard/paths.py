"""Path patterns for excluding files: gitignore-like globs matched against the path inside the project.

`*` never crosses a `/` (so a temporary folder named `test_x` above the project excludes nothing), `**`
matches any number of folders. Patterns are matched against the project-relative posix path.
"""
from __future__ import annotations

import functools
import os
import re
from typing import Iterable

# Test code, test support (`testing/`, `test_utils/`, `test.py`, `add_test_data.py`, factories) and
# migrations: none of it runs where a duplicate becomes a 500.
DEFAULT_EXCLUDE = ("**/tests/**", "**/test/**", "**/testing/**", "**/test_*/**", "**/tests_*/**", "**/*_tests/**",
                   "**/test_*.py", "**/tests_*.py", "**/*_tests.py", "**/*_test.py", "**/*_test_*.py", "**/tests.py",
                   "**/test.py", "**/testing.py", "**/conftest.py", "**/factories.py", "**/factory.py",
                   "**/factories/**", "**/migrations/**")


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> "re.Pattern[str]":
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
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
    if relative.startswith(os.pardir):
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def matches(relative: str, patterns: Iterable[str]) -> bool:
    return any(_compile(p).match(relative) for p in patterns)


def inside(path: str, root: str) -> bool:
    """Whether `path` lies under the folder `root` (the project's own code, not stubs or site-packages)."""
    return bool(path) and os.path.abspath(path).startswith(os.path.abspath(root) + os.sep)
