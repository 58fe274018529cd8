"""Whether the index's facts read a group of statements at a time (uniqueguard/index/piecewise.py) are those a
whole parse gives, on every file of the corpora: facts and layout compared, the files read whole counted.

    python bench/piecewise.py [--corpora a,b] [--group 8192,512,1]

Small groups cut every module and class many times over, where the default cuts only big ones; any
difference is printed and makes the exit status 1. Run it after changing facts.py, sources.Layout or
piecewise.py: the unit tests hold the shapes someone thought of, the corpora hold the others.
"""
from __future__ import annotations

import argparse
import ast
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import corpora  # noqa: E402
from corpora import python_files  # noqa: E402


def _whole(data: bytes, path: str):
    from uniqueguard.index.facts import module_facts
    from uniqueguard.index.sources import Layout

    try:
        tree = ast.parse(data, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    facts = module_facts(tree, "corpus.module", path, False, True)
    layout = Layout([len(data)], "corpus.module", tree.body, imports=facts.imports)
    return facts, (layout.owners, layout.names_, list(layout.lines))


def _pieces(data: bytes, path: str):
    from uniqueguard.index import piecewise

    found = piecewise.read(data, path, "corpus.module", False, [len(data)], True)
    if found is None:
        return None
    facts, layout = found
    return facts, (layout.owners, layout.names_, list(layout.lines))


def compare(root: str, group: int) -> tuple:
    """(files, read in pieces, read whole, differing paths) over the corpus at `root`."""
    from uniqueguard.index import piecewise

    piecewise.GROUP = group
    files = pieces = 0
    differing = []
    for path in python_files(root):
        with open(path, "rb") as handle:
            data = handle.read()
        files += 1
        got = _pieces(data, path)
        if got is None:
            continue
        pieces += 1
        if got != _whole(data, path):
            differing.append(path)
    return files, pieces, files - pieces, differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "uniqueguard-bench"))
    parser.add_argument("--corpora", default=",".join(corpora.ALL), help="comma-separated names from corpora.ALL")
    parser.add_argument("--group", default="8192,512,1", help="comma-separated group sizes (characters)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    status = 0
    for group in [int(g) for g in args.group.split(",")]:
        totals = [0, 0, 0]
        for name in [n.strip() for n in args.corpora.split(",") if n.strip()]:
            files, pieces, whole, differing = compare(corpora.fetch(name, args.cache), group)
            totals = [totals[0] + files, totals[1] + pieces, totals[2] + whole]
            for path in differing:
                print(f"DIFFERS (group {group}): {path}")
                status = 1
        print(f"group {group}: {totals[0]} files, {totals[1]} read in pieces, {totals[2]} read whole")
    return status


if __name__ == "__main__":
    sys.exit(main())
