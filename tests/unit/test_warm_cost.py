"""What keeps a warm single-file run cheap: cached facts keyed the same way in every process, and the
project-wide look-ups answered from them (issue 11)."""
import os
import subprocess
import sys

from uniqueguard.paths import DEFAULT_EXCLUDE, _compile, matches


def test_the_write_pattern_keying_cached_names_is_the_same_in_every_process():
    """The write pattern keys each file's cached helper names on disk. Built from a set in an order
    that depends on the hash seed, every process had its own key: no warm run found the names, each
    read the project's text again and added one more copy of the pattern to every entry."""
    program = ("from uniqueguard import orm; from uniqueguard.analysis.engine import _write_call; "
               "print(_write_call(orm.WRITES | frozenset(['publish', 'bump'])).pattern)")
    patterns = {subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                               env=dict(os.environ, PYTHONHASHSEED=str(seed))).stdout for seed in range(6)}
    assert len(patterns) == 1


def test_the_literal_prefilter_keeps_the_globs_meaning():
    """`matches` first asks whether the glob's plain runs occur in the path at all."""
    paths = ["shop/tests/test_views.py", "shop/views.py", "a/b_tests/x.py", "shop/test_data/x.py",
             "migrations.py", "shop/migrations/0001.py", "x/factories/a.py", "tests", "a/tests_x.py"]
    for pattern in DEFAULT_EXCLUDE + ("shop/*.py", "**/v?ews.py", "a/**/x.py", "**"):
        for path in paths:
            assert matches(path, (pattern,)) == _compile(pattern)(path), (pattern, path)
