"""Shared test helpers: build a throwaway Django-shaped project and lint one of its files."""
from __future__ import annotations

import collections
import os
import textwrap
from pathlib import Path

import pytest

from uniqueguard import records
from uniqueguard.analysis.engine import Options, check_source
from uniqueguard.index import discovery
from uniqueguard.rules import RULES

ALL_CODES = tuple(rule.code for rule in RULES)

# The fixture trees are code to lint, not tests to run (their own tests/ folders import Django).
collect_ignore = ["fixtures", "data"]

BASE_FILES = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")\n',
    "site_conf/__init__.py": "",
    "site_conf/settings.py": 'INSTALLED_APPS = ["django.contrib.auth", "accounts", "shop"]\n',
    "accounts/__init__.py": "",
    "shop/__init__.py": "",
}


class Project:
    def __init__(self, root: Path):
        self.root = root

    def write(self, relpath: str, source: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        return path

    def lint(self, relpath: str, options: Options = Options(), strict: bool = False):
        """[(line, code)] of the findings in one file (UNQ005, strict mode, only when asked for)."""
        return [(f.line, f.code) for f in self.findings(relpath, options, strict)]

    def findings(self, relpath: str, options: Options = Options(), strict: bool = False):
        """Every rule's verdicts, the off-by-default UNQ004 too (a front end's selection is tested in e2e)."""
        path = self.root / relpath
        if strict:
            options = records.replace(options, strict=True)
        if options.select is None:
            options = records.replace(options, extend_select=options.extend_select + ALL_CODES)
        # Notes about the environment (a package not installed) are said on stderr, not reported.
        return [f for f in check_source(path.read_bytes(), str(path), options) if not f.note]


@pytest.fixture
def project(tmp_path):
    """A fresh project root per test (the engine caches projects per root and process)."""
    proj = Project(tmp_path / "proj")
    for relpath, source in BASE_FILES.items():
        proj.write(relpath, source)
    return proj


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own facts cache folder: no test reads another's (or the user's) cache."""
    monkeypatch.setenv("UNIQUEGUARD_CACHE_DIR", str(tmp_path_factory.mktemp("ugcache")))


@pytest.fixture
def parses(monkeypatch):
    """path → how many times it was parsed (every parse of a file goes through discovery.parse_source)."""
    counted = collections.Counter()
    real = discovery.parse_source

    def parse_source(source, path, *args, **kwargs):
        counted[os.path.abspath(path)] += 1
        return real(source, path, *args, **kwargs)

    monkeypatch.setattr(discovery, "parse_source", parse_source)
    return counted
