"""Run a command as its own child and report its wall time and its own peak memory.

Peak memory comes from `resource.getrusage(RUSAGE_CHILDREN)` read by a one-shot wrapper process whose only
child is the measured command, so each figure is that command's peak, not the largest seen so far.
"""
from __future__ import annotations

import functools
import json
import statistics
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional

WRAPPER = (
    "import json, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
    "elapsed = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "peak = usage.ru_maxrss\n"
    "cpu = usage.ru_utime + usage.ru_stime\n"
    "sys.stderr.write(done.stderr.decode('utf-8', 'replace'))\n"
    "print(json.dumps({'seconds': elapsed, 'cpu_seconds': cpu, 'peak_kb': peak, 'code': done.returncode,"
    " 'stdout': done.stdout.decode('utf-8', 'replace')}))\n"
)


@functools.lru_cache(maxsize=1)
def neutral_folder() -> str:
    """An empty folder to run the measured commands in. `python -m flake8` puts its working folder first
    on `sys.path`: run from this repository, the interpreter *without* the plugin found uniqueguard's
    package and metadata in the checkout and loaded the plugin too, so every "without" figure measured
    by earlier rounds had the plugin in it (found 2026-12-01)."""
    return tempfile.mkdtemp(prefix="uniqueguard-bench-cwd-")


def once(command: List[str], cwd: Optional[str] = None, env: Optional[dict] = None) -> Dict:
    result = subprocess.run([sys.executable, "-c", WRAPPER, *command], cwd=cwd or neutral_folder(), env=env,
                            capture_output=True, text=True)
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["stderr"] = result.stderr
    return data


def median_of(runs: int, command: List[str], cwd: Optional[str] = None, env: Optional[dict] = None) -> Dict:
    """Medians of wall time and peak memory over `runs` runs; the last run's output is kept."""
    return _summary([once(command, cwd, env) for _ in range(runs)])


def paired(runs: int, first: List[str], second: List[str], cwd: Optional[str] = None,
           first_env: Optional[dict] = None, second_env: Optional[dict] = None):
    """Medians of two commands run alternately, in swapped order each round (A B, B A, A B ...): drift on a
    shared machine hits both alike, and neither always gets the warm caches of running second.

    The second summary also carries `ratio`: the median over rounds of second/first measured in the same
    round, the figure to read (a slow spell of the machine moves both halves of a round together), and
    `cpu_ratio`, the same for CPU seconds (user + system), which a busy neighbour disturbs least."""
    a_runs, b_runs = [], []
    for round_ in range(runs):
        if round_ % 2 == 0:
            a_runs.append(once(first, cwd, first_env))
            b_runs.append(once(second, cwd, second_env))
        else:
            b_runs.append(once(second, cwd, second_env))
            a_runs.append(once(first, cwd, first_env))
    second_summary = _summary(b_runs)
    second_summary["ratio"] = statistics.median(b["seconds"] / a["seconds"] for a, b in zip(a_runs, b_runs))
    second_summary["cpu_ratio"] = statistics.median(b["cpu_seconds"] / a["cpu_seconds"]
                                                    for a, b in zip(a_runs, b_runs) if a["cpu_seconds"])
    return _summary(a_runs), second_summary


def _summary(results: List[Dict]) -> Dict:
    """Medians of wall time, CPU time and peak memory; the last run's output is kept."""
    return {"seconds": statistics.median(r["seconds"] for r in results),
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in results),
            "peak_kb": statistics.median(r["peak_kb"] for r in results),
            "code": results[-1]["code"], "stdout": results[-1]["stdout"], "stderr": results[-1]["stderr"],
            "runs": [round(r["seconds"], 3) for r in results]}
