"""The old name of `uniqueguard.fronts.pylint_trees`, kept because something outside the package reads it.

The module moved into `uniqueguard.fronts` when the package was split into fronts, index and analysis
(38e4160). The reliability reproducer d10 (shared/repro/reliability) imports `uniqueguard.pylint_trees`
to count the findings the pylint front still keeps after a run (`_kept`). This name is the same module
object, not a copy: private names such as `_kept` are the very ones the front fills and empties. No other
moved module is named by its old path anywhere a user or a reproducer could rely on (pyproject's entry
points and the docs use the new paths, and `--load-plugins=uniqueguard` is the top package), so no
other alias exists.
"""
import sys

from .fronts import pylint_trees as _moved

sys.modules[__name__] = _moved
