"""Reproducer d10 (shared/repro/reliability/d10_pylint_trees_leak.sh) as its script runs it: a real
Python process runs pylint with the plugin loaded and only another message enabled, over modules whose
every function saves, then counts what the pylint front still keeps — through the module's old name
`uniqueguard.pylint_trees`, which the script imports (the module now lives in `uniqueguard.fronts`).
The script's memory figures are the benchmark's to measure (bench/), not a test's."""
import subprocess
import sys

from .harness import environment

# The script's own module body (60 functions that save) and its last step, word for word.
GENERATE = '''
import os
body = "".join(f"def f{i}(obj, a, b):\\n    x = [a, b, {i}]\\n    y = {{'k': x, 'v': a + b}}\\n    if a > b:\\n        obj.value = y\\n    obj.save()\\n    return x\\n\\n" for i in range(60))
for n in range(20):
    d = f"app{n // 10}"; os.makedirs(d, exist_ok=True); open(f"{d}/__init__.py", "w").close()
    open(f"{d}/mod{n}.py", "w").write(body)
'''
COUNT = '''
import io, contextlib; from pylint.lint import Run; import uniqueguard.pylint_trees as t
with contextlib.redirect_stdout(io.StringIO()): Run(['--load-plugins=uniqueguard','--disable=all','--enable=unused-import','app0'], exit=False)
print('ast trees still held after the run:', len(t._kept))
import uniqueguard.fronts.pylint_trees
print('the same module:', t is uniqueguard.fronts.pylint_trees)
'''


def _python(tree, code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=str(tree), capture_output=True, text=True,
                            env=environment(), timeout=600)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_the_old_module_name_counts_no_tree_kept_after_a_run(tmp_path):
    (tmp_path / "manage.py").write_text("")
    _python(tmp_path, GENERATE)
    assert _python(tmp_path, COUNT).splitlines() == ["ast trees still held after the run: 0", "the same module: True"]
