"""Pinned published Django codebases, fetched from PyPI into a cache outside the repository.

`PROJECTS` are the libraries the cost benchmark measures; `APPLICATIONS` the applications whose
findings are judged for precision (`findings.py`). `fetch()` takes a name from either.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from typing import Dict, List

PROJECTS: Dict[str, str] = {  # name → pinned requirement
    "django": "Django==4.2.16",
    "wagtail": "wagtail==5.2",
    "django-allauth": "django-allauth==65.3.0",
    "django-oscar": "django-oscar==3.2.4",
}

# Published Django *applications* (issue 13): they write far more, in far more shapes, than the
# libraries above. Judged finding by finding in triage/applications/<name>.json; `findings.py` compares.
APPLICATIONS: Dict[str, str] = {
    "shuup": "shuup==3.1.0",  # e-commerce platform
    "askbot": "askbot==0.13.0",  # Q&A forum
    "django-cms": "django-cms==5.1.3",  # content management
    "openwisp-controller": "openwisp-controller==1.3.2",  # network device configuration
    "hyperkitty": "hyperkitty==1.3.12",  # mailing-list archives (GNU Mailman)
    "postorius": "postorius==1.3.13",  # mailing-list administration (GNU Mailman)
    "wger": "wger==2.1",  # fitness and nutrition manager
    # Beyond the seven (openwisp-controller and postorius have no findings: swapper-loaded models,
    # and a REST client of Mailman's core): a translation platform and a forum.
    "weblate": "weblate==5.8.4",  # translation platform
    "misago": "misago==0.39",  # forum
}

ALL: Dict[str, str] = {**PROJECTS, **APPLICATIONS}


def fetch(name: str, cache: str) -> str:
    """The unpacked source tree of a pinned project (downloaded once; nothing goes into the repository)."""
    target = os.path.join(cache, "src", name)
    if os.path.isdir(target) and os.listdir(target):
        return target
    downloads = os.path.join(cache, "downloads", name)
    os.makedirs(downloads, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", downloads,
                    ALL[name]], check=True)
    (archive,) = [os.path.join(downloads, f) for f in os.listdir(downloads)]
    os.makedirs(target, exist_ok=True)
    if archive.endswith(".whl"):
        with zipfile.ZipFile(archive) as wheel:
            wheel.extractall(target)
    else:
        with tarfile.open(archive) as sdist:
            sdist.extractall(target)
    return target


def python_files(root: str) -> List[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.endswith((".dist-info", ".egg-info")) and d != "__pycache__")
        found.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(".py"))
    return found


def lines_of(paths: List[str]) -> int:
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total
