"""The in-process passes run in a fresh interpreter by the benchmark: the ast.parse floor and the engine.

`python passes.py parse ROOT` parses every file; `python passes.py engine ROOT OUT.json` runs the engine on
every file (tests and migrations included, so crashes anywhere count) and writes its findings.
"""
from __future__ import annotations

import ast
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from corpora import python_files  # noqa: E402


def parse_floor(root: str) -> None:
    warnings.simplefilter("ignore")
    failed = 0
    for path in python_files(root):
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            ast.parse(data, filename=path)
        except (SyntaxError, ValueError):
            failed += 1
    print(json.dumps({"unparsable": failed}))


def engine(root: str, out: str) -> None:
    from uniqueguard.config import Options
    from uniqueguard.analysis.engine import check_source, start_run
    from uniqueguard.paths import DEFAULT_EXCLUDE, matches, relative_posix

    options = Options(root=root, exclude=(), cache=False)
    if "select" in options.__dict__:  # the engine applies rule selection (a field of Options): all rules
        from uniqueguard.rules import RULES

        options = Options(**{**options.__dict__, "extend_select": tuple(rule.code for rule in RULES)})
    rows = []
    paths = python_files(root)
    start_run(paths, options)  # as the command line names its run before checking its files
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        for finding in (f for f in check_source(data, path, options) if not getattr(f, "note", False)):
            relative = relative_posix(path, root)
            rows.append({"path": relative, "line": finding.line, "code": finding.code, "message": finding.message,
                         "excluded_by_default": matches(relative, DEFAULT_EXCLUDE),
                         "crash": finding.code == "UNQ000" and "could not analyse" in finding.message})
    with open(out, "w") as handle:
        json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    if sys.argv[1] == "parse":
        parse_floor(sys.argv[2])
    else:
        engine(sys.argv[2], sys.argv[3])
