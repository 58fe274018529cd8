"""flake8 with uniqueguard installed, timing the plugin's own work inside the same process.

    python bench/flake8_share.py <flake8 arguments...>     # prints {"plugin_s": ..., "total_s": ...}

The flake8 twin of pylint_share.py. Two flake8 processes timed side by side on a shared machine swing by
±15 % run to run (the sixth round read askbot at +24 % in 2 pairs; 3 pairs later the same code read
+9 %, and shuup −11 %), more than the 10 % target they would have to resolve. Timed inside one process,
the plugin's share has no such noise: its import, its option handling (which names the run and builds
the project's index: `start_run`), and every per-file call, generator consumed, against the whole run.

What this does not see is what the plugin costs flake8's own code: full collections walking what the
plugin keeps (measured: flake8's generation-2 collection time is no higher with the plugin, askbot and
weblate, 2026-12-02), cache pollution. The paired wall figure stays the one that includes those.
"""
from __future__ import annotations

import sys

import flake8.checker  # noqa: F401 - flake8's own import cost is not the plugin's
import flake8.main.cli

from plugin_clock import PluginClock  # bench/, the script's own folder


def main() -> None:
    clock = PluginClock()
    from uniqueguard.fronts import flake8_plugin as plugin
    clock.imported()

    run = plugin.UniqueGuardPlugin.run
    # run() is a generator: its work is done in list()
    plugin.UniqueGuardPlugin.run = clock.timed(lambda self: iter(list(run(self))))
    plugin.UniqueGuardPlugin.parse_options = classmethod(clock.timed(plugin.UniqueGuardPlugin.parse_options.__func__))
    try:
        flake8.main.cli.main(sys.argv[1:])
    except SystemExit:
        pass
    finally:
        clock.report()


if __name__ == "__main__":
    main()
