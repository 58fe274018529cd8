"""Recall on published duplicate-row bugs: does uniqueguard report the write that a later release fixed?

    python bench/recall.py              # every case in recall_cases.py; prints caught/missed and "caught N of M"
    python bench/recall.py --json       # the same, as JSON
    python bench/recall.py --case django-taggit-race   # one case (comma-separated names)

Each case is a published Django package pinned to the last release before an IntegrityError fix, with the
file and line of the write that raised it. The release is downloaded from PyPI into the cache folder
(default ~/.cache/uniqueguard-bench/recall), never into the repository; the engine of this working tree
runs in-process, with `--extend-select UNQ004` and `--strict` (as `uniqueguard check --strict
--extend-select UNQ004` would), on the case's files only, with the unpacked release as the project root.
A case is caught when UNQ001, UNQ002, UNQ003 or UNQ004 is reported in the recorded file within two lines
of the recorded line (or of one of its `also` sites: the call sites of a helper that makes the write).
An UNQ005 there ("cannot tell which model") is printed beside a miss, but is not a catch.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, REPOSITORY)  # this working tree's engine, also without installing it

from recall_cases import CASES  # noqa: E402

CATCHING = ("UNQ001", "UNQ002", "UNQ003", "UNQ004")
SLACK = 2  # lines either side of the recorded line


def _download(requirement: str, downloads: str, cache: str) -> str:
    """The release's archive: a wheel when there is one (nothing to build), else its sdist. An old sdist
    whose setup.py the current setuptools cannot run is fetched again with an old setuptools."""
    os.makedirs(downloads, exist_ok=True)
    attempts = [
        lambda: [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--only-binary", ":all:"],
        lambda: [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"],
        lambda: [_legacy_python(cache), "-m", "pip", "download", "--no-deps", "--quiet", "--no-build-isolation"],
    ]
    errors = []
    for attempt in attempts:
        done = subprocess.run(attempt() + ["--dest", downloads, requirement], capture_output=True, text=True)
        archives = [f for f in os.listdir(downloads) if f.endswith((".whl", ".tar.gz", ".zip", ".tgz"))]
        if done.returncode == 0 and archives:
            return os.path.join(downloads, sorted(archives)[0])
        errors.append(done.stderr.strip().splitlines()[-1:] or ["?"])
    raise RuntimeError(f"could not download {requirement}: {errors}")


def _legacy_python(cache: str) -> str:
    """A virtual environment with a setuptools old enough for setup.py files of 2015-2020."""
    path = os.path.join(cache, "envs", "legacy-setuptools")
    python = os.path.join(path, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", path], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "setuptools<60", "wheel"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return python


def fetch(requirement: str, cache: str) -> str:
    """The unpacked release (downloaded once); an sdist's single top folder is the root."""
    target = os.path.join(cache, "src", requirement)
    if not (os.path.isdir(target) and os.listdir(target)):
        archive = _download(requirement, os.path.join(cache, "downloads", requirement), cache)
        os.makedirs(target, exist_ok=True)
        if archive.endswith(".whl") or archive.endswith(".zip"):
            with zipfile.ZipFile(archive) as packed:
                packed.extractall(target)
        else:
            with tarfile.open(archive) as packed:
                packed.extractall(target)
    entries = [e for e in os.listdir(target) if not e.endswith((".dist-info", ".egg-info"))]
    if len(entries) == 1 and os.path.isdir(os.path.join(target, entries[0])):
        inner = os.path.join(target, entries[0])
        if any(os.path.exists(os.path.join(inner, f)) for f in ("setup.py", "pyproject.toml", "PKG-INFO")):
            return inner
    return target


def locate(root: str, path: str) -> Optional[str]:
    """The file of the tree whose path ends with the recorded one (sdists may add a src/ folder)."""
    suffix = os.sep + path.replace("/", os.sep)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            full = os.path.join(folder, name)
            if (os.sep + os.path.relpath(full, root)).endswith(suffix):
                return full
    return None


def sites_of(case: dict) -> List[tuple]:
    return [(case["path"], case["line"])] + [tuple(site) for site in case.get("also", ())]


def judge(case: dict, cache: str) -> dict:
    from uniqueguard.config import Options
    from uniqueguard.analysis.engine import check_source

    root = fetch(case["requirement"], cache)
    options = Options(root=root, cache=False, strict=True)
    if "select" in options.__dict__:  # the engine applies rule selection (a field of Options): all rules
        from uniqueguard.rules import RULES

        options = Options(**{**options.__dict__, "extend_select": tuple(rule.code for rule in RULES)})
    findings: Dict[str, list] = {}
    result = {"name": case["name"], "requirement": case["requirement"], "path": case["path"],
              "line": case["line"], "kind": case["kind"], "caught": False, "rule": None, "near": []}
    for path, line in sites_of(case):
        full = locate(root, path)
        if full is None:
            result["error"] = f"{path} is not in {case['requirement']}"
            continue
        if full not in findings:
            with open(full, "rb") as handle:
                found = check_source(handle.read(), full, options)
            findings[full] = [f for f in found if not getattr(f, "note", False)]
        for finding in findings[full]:
            if abs(finding.line - line) <= SLACK:
                near = {"path": path, "line": finding.line, "code": finding.code, "message": finding.message}
                result["near"].append(near)
                if finding.code in CATCHING and not result["caught"]:
                    result["caught"], result["rule"], result["at"] = True, finding.code, f"{path}:{finding.line}"
    result["why_missed"] = None if result["caught"] else case.get("why_missed", "")
    return result


def run(cache: str, names: Optional[List[str]] = None) -> List[dict]:
    from uniqueguard.analysis.engine import check_source  # noqa: F401 -- an engine that fails to import stops here

    chosen = [c for c in CASES if not names or c["name"] in names]
    results = []
    for case in chosen:
        try:
            results.append(judge(case, cache))
        except Exception as error:  # a download failure is reported, not fatal to the other cases
            results.append({"name": case["name"], "requirement": case["requirement"], "path": case["path"],
                            "line": case["line"], "kind": case["kind"], "caught": False, "rule": None,
                            "near": [], "error": f"{type(error).__name__}: {error}",
                            "why_missed": case.get("why_missed", "")})
    return results


def report(results: List[dict]) -> str:
    lines = ["Recall on published duplicate-row bugs (bench/recall_cases.py)"]
    for r in results:
        place = f"{r['requirement']} {r['path']}:{r['line']}"
        if r["caught"]:
            verdict = f"caught ({r['rule']} at {r['at']})"
        elif r.get("error"):
            verdict = f"ERROR {r['error']}"
        else:
            listed = [n["code"] for n in r["near"] if n["code"] == "UNQ005"]
            verdict = "missed" + (" (UNQ005: unresolved write listed)" if listed else "")
        lines.append(f"  {r['name']:<38} {verdict:<46} {place} [{r['kind']}]")
        if not r["caught"] and r.get("why_missed"):
            lines.append(f"      why: {r['why_missed']}")
    caught = sum(1 for r in results if r["caught"])
    lines.append(f"caught {caught} of {len(results)}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "uniqueguard-bench"),
                        help="the benchmark's cache folder; releases go to its recall/ subfolder")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--case", help="comma-separated case names (default: all)")
    args = parser.parse_args(argv)
    cache = os.path.join(args.cache, "recall")
    names = [n.strip() for n in args.case.split(",")] if args.case else None
    results = run(cache, names)
    if args.json:
        caught = sum(1 for r in results if r["caught"])
        json.dump({"caught": caught, "cases": len(results), "results": results}, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
