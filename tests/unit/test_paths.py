"""Exclude globs match in time linear in the path's depth, with the meaning they always had (issue 10,
item 7; reproducer d13 (d) in shared/repro/reliability)."""
import re

from hypothesis import given, settings, strategies as st

from uniqueguard.paths import DEFAULT_EXCLUDE, _any_run, _compile, matches


def _backtracking(pattern: str) -> "re.Pattern[str]":
    """The regular expression the globs were translated to before: the meaning to keep."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] in "*?":
            out.append("[^/]*" if pattern[i] == "*" else "[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


PATTERN_PARTS = st.sampled_from(["**", "*", "a", "b", "a*", "*b", "?", "a?b", "", "x**y", "*.py"])
PATH_PARTS = st.sampled_from(["a", "b", "ab", "aab", "", "x", "xy", "x/y", "v.py", "a.py"])


@settings(max_examples=600, deadline=None)
@given(st.lists(PATTERN_PARTS, min_size=1, max_size=6), st.lists(PATH_PARTS, min_size=1, max_size=6))
def test_same_meaning_as_the_regular_expression(pattern_parts, path_parts):
    pattern, path = "/".join(pattern_parts), "/".join(path_parts)
    assert _compile(pattern)(path) == bool(_backtracking(pattern).match(path)), (pattern, path)


def test_repeated_double_stars_on_a_deep_path_do_not_backtrack():
    """Ten `**/` on a 25-deep path took seconds per file; the answers themselves are what a test can
    check, so the look-alike that matches is asked too (the suite never times anything)."""
    deep = "/".join(["a"] * 25) + "/v.py"
    assert not matches(deep, ["**/" * 10 + "zzz", "**/a/" * 10 + "zzz", "**/" * 40 + "*/zzz/**"])
    assert matches(deep, ["**/" * 10 + "v.py", "**/a/" * 10 + "**/v.py", "**/" * 40 + "a/**"])


def test_the_default_excludes():
    assert matches("shop/tests/test_views.py", DEFAULT_EXCLUDE)
    assert matches("shop/migrations/0001_initial.py", DEFAULT_EXCLUDE)
    assert matches("conftest.py", DEFAULT_EXCLUDE)
    assert not matches("shop/views.py", DEFAULT_EXCLUDE)
    assert not matches("shop/contest.py", DEFAULT_EXCLUDE)


GLOB_RUNS = st.sampled_from(["**", "*", "test", "tests", "a_test", "migrations", "m", "conftest.py", "t?", "*.py",
                             "test_*", "x**y", ""])
PATH_RUNS = st.sampled_from(["test", "tests", "a_test", "migrations", "m", "conftest.py", "v.py", "t1", "x", "", "a"])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(GLOB_RUNS, min_size=1, max_size=4), max_size=5), st.lists(PATH_RUNS, min_size=1, max_size=5))
def test_a_tuple_of_globs_is_settled_by_one_search_with_the_same_meaning(globs, path_parts):
    """A tuple of globs is first searched for any glob's longest plain run (`_any_run`); a list is asked glob
    by glob. Both must say the same of every path."""
    patterns = tuple("/".join(parts) for parts in globs)
    path = "/".join(path_parts)
    assert matches(path, patterns) == matches(path, list(patterns)), (patterns, path)


def test_the_one_search_keeps_the_shortest_covering_runs():
    """`test` covers `tests`, `test_` and `conftest.py`: a path without it holds none of them."""
    assert _any_run(DEFAULT_EXCLUDE).pattern == r"factories|factory\.py|migrations|test"
    assert _any_run(("**/tests/**", "*")) is None  # `*` may match any path: no search settles it
    assert matches("tests.py", ("*",)) and not matches("a/b.py", ("**/tests/**",))
