"""pylint with uniqueguard loaded, timing the plugin's own work inside the same process.

    python bench/pylint_share.py <pylint arguments...>     # prints {"plugin_s": ..., "total_s": ...}

Two pylint processes timed one after the other on a shared machine differ by several percent whatever
they run (flake8 with the plugin has read as 10 % *faster* than without it), which is as large as the
10 % target. Timed inside one process, the plugin's share has no such noise: its import, every
`visit_module` call and every test of a parsed module's text, against the whole run. The plugin is
loaded by this script, so the arguments must not contain `--load-plugins=uniqueguard`.
"""
from __future__ import annotations

import sys

import pylint.checkers  # noqa: F401 - pylint's own import cost is not the plugin's
from pylint.lint import Run

from plugin_clock import PluginClock  # bench/, the script's own folder


def main() -> None:
    clock = PluginClock()
    import uniqueguard
    import uniqueguard.fronts.pylint_plugin as plugin
    clock.imported()

    # Its work: each module's visit, and the text test that decides which parsed trees to keep.
    plugin.UniqueGuardChecker.visit_module = clock.timed(plugin.UniqueGuardChecker.visit_module)
    plugin.may_write = clock.timed(plugin.may_write)
    original_register = uniqueguard.register

    def register(linter):  # pylint loads plugins by name; hand it the already-imported module
        original_register(linter)

    sys.modules["uniqueguard"].register = register
    try:
        Run(["--load-plugins=uniqueguard", *sys.argv[1:]], exit=False)
    finally:
        clock.report()


if __name__ == "__main__":
    main()
