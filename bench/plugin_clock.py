"""The clock pylint_share.py and flake8_share.py wrap the plugin's entry points with.

Both scripts time the plugin's own work inside one host process (its import, then every call the host makes
into it) against the whole run, and print the same JSON line, so the two hosts' shares are read alike.
"""
from __future__ import annotations

import json
import sys
import time


class PluginClock:
    """Started before the plugin is imported; `imported()` books the import, `timed()` every later call."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.spent = 0.0

    def imported(self) -> None:
        self.spent += time.perf_counter() - self.started

    def timed(self, function):
        def timed_call(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - began
        return timed_call

    def report(self) -> None:
        total = time.perf_counter() - self.started
        print(json.dumps({"plugin_s": round(self.spent, 4), "total_s": round(total, 4)}), file=sys.stderr)
