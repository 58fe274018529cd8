"""The per-file analysis: for one linted module, which calls write rows, of which model, and what guards them.

`scope` (what the module says about itself) → `resolve` (which model or instance is this?) → `writes`
(which calls insert which unique sets; `new_rows`) → `guards` (handlers, checks, atomic blocks,
validation) → `engine` (the rule and the `Finding`). It reads the project through `uniqueguard.index`.
"""
