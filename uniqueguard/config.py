"""One configuration, read by the engine whichever front end runs.

Precedence, lowest first: built-in defaults < `[tool.uniqueguard]` in the project's `pyproject.toml` <
the front end's own options (flake8's `--uniqueguard-*` from its command line or its `setup.cfg` /
`.flake8` / `tox.ini`; pylint's `--uniqueguard-*` from its command line or rc file; the CLI's flags).
A bad value is a `ConfigError` naming the option and the file — never a crash, never silently ignored.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields
from typing import Any, Dict, List, Optional, Tuple

from .paths import DEFAULT_EXCLUDE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib


class ConfigError(ValueError):
    """A configuration value uniqueguard cannot use; the message names the option and where it came from."""

    def __init__(self, option: str, source: str, reason: str):
        super().__init__(option, source, reason)  # all arguments, so pickling (-j workers) rebuilds it
        self.option = option
        self.source = source
        self.reason = reason

    def __str__(self) -> str:
        return f"invalid uniqueguard option '{self.option}' in {self.source}: {self.reason}"


@dataclass(frozen=True)
class Options:
    """Everything a user may configure. Plain, hashable data: it crosses `-j` process boundaries.

    `None` means "not set here", so layers can be merged; `resolved()` fills in the defaults.
    """

    root: Optional[str] = None  # project root; found from the linted path when None
    settings_module: Optional[str] = None  # dotted settings module; found statically when None
    exclude: Optional[Tuple[str, ...]] = None  # globs of files not reported; default: tests, migrations
    extend_exclude: Tuple[str, ...] = ()  # globs added to `exclude`
    unique: Tuple[Tuple[str, Tuple[Tuple[str, ...], ...]], ...] = ()  # ("billing.Invoice", (("number",),))
    write_methods: Tuple[str, ...] = ()  # extra manager methods that insert rows like create()
    guard_exceptions: Tuple[str, ...] = ()  # extra exceptions whose handlers count as catching it
    atomic_requests: Optional[bool] = None  # override the settings' ATOMIC_REQUESTS
    cache: Optional[bool] = None  # persistent facts cache (default on)
    cache_dir: Optional[str] = None  # default $XDG_CACHE_HOME/uniqueguard or ~/.cache/uniqueguard
    strict: Optional[bool] = None  # report writes through unresolvable managers (UNQ005)
    check_test_support: Optional[bool] = None  # also report test-support modules and migration functions

    def merged_over(self, lower: "Options") -> "Options":
        """These options, with anything unset taken from `lower`."""
        values = {}
        for item in fields(self):
            mine = getattr(self, item.name)
            unset = mine is None or (isinstance(mine, tuple) and not mine and item.default == ())
            values[item.name] = getattr(lower, item.name) if unset else mine
        return Options(**values)

    @property
    def excluded(self) -> Tuple[str, ...]:
        base = DEFAULT_EXCLUDE if self.exclude is None else self.exclude
        return tuple(base) + tuple(self.extend_exclude)

    def cache_directory(self) -> Optional[str]:
        if self.cache is False or os.environ.get("UNIQUEGUARD_NO_CACHE"):
            return None
        from .index.cache import default_directory

        return self.cache_dir or os.environ.get("UNIQUEGUARD_CACHE_DIR") or default_directory()


# ---------------------------------------------------------------------------------- value checking
def _string(option: str, source: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(option, source, f"expected a non-empty string, got {value!r}")
    return value.strip()


def _strings(option: str, source: str, value: Any) -> Tuple[str, ...]:
    if isinstance(value, str):  # flake8/pylint give comma-separated text
        value = [part for part in (p.strip() for p in value.replace("\n", ",").split(",")) if part]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(option, source, f"expected a list of strings, got {value!r}")
    return tuple(v.strip() for v in value)


def _bool(option: str, source: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.strip().lower() in ("1", "true", "yes", "on")
    raise ConfigError(option, source, f"expected true or false, got {value!r}")


def _unique(option: str, source: str, value: Any):
    """`{"billing.Invoice" = ["number"], "shop.Item" = [["shop", "sku"]]}` or `billing.Invoice:number`."""
    if isinstance(value, (str, list, tuple)):  # flake8/pylint text: "billing.Invoice:number, shop.Item:shop+sku"
        table: Dict[str, list] = {}
        for entry in _strings(option, source, value):
            model, sep, names = entry.partition(":")
            if not sep or not model.strip() or not names.strip():
                raise ConfigError(option, source, f"expected 'app.Model:field' or 'app.Model:a+b', got {entry!r}")
            table.setdefault(model.strip(), []).append([n.strip() for n in names.split("+")])
        value = table
    if not isinstance(value, dict):
        raise ConfigError(option, source, f"expected a table of model = [fields], got {value!r}")
    result = []
    for model, sets in value.items():
        if not isinstance(model, str) or "." not in model:
            raise ConfigError(option, source, f"model {model!r} must be 'app_label.Model' or a dotted path")
        if not isinstance(sets, list) or not sets:
            raise ConfigError(option, source, f"{model}: expected a list of fields, got {sets!r}")
        groups: List[Tuple[str, ...]] = []
        for item in sets:
            fields: object = [item] if isinstance(item, str) else item
            if not isinstance(fields, list) or not fields or not all(isinstance(n, str) and n for n in fields):
                raise ConfigError(option, source, f"{model}: expected field names, got {item!r}")
            groups.append(tuple(fields))
        result.append((model, tuple(groups)))
    return tuple(result)


HELP = {
    "root": "project root (default: nearest folder with manage.py, pyproject.toml, setup.cfg, setup.py or .git)",
    "settings": "dotted Django settings module (default: found from manage.py, wsgi.py, pytest/tox config)",
    "exclude": "comma-separated globs of files not reported (default: tests and migrations)",
    "extend-exclude": "comma-separated globs added to the excluded files",
    "unique": "unique fields of models uniqueguard cannot read: app.Model:field,app.Model:a+b",
    "write-methods": "comma-separated extra manager methods that insert rows like create()",
    "guard-exceptions": "comma-separated dotted exceptions whose handlers also count as catching IntegrityError",
    "atomic-requests": "true/false: override the settings' ATOMIC_REQUESTS",
    "cache": "true/false: keep a persistent cache of model facts (default true)",
    "cache-dir": "folder of the facts cache (default $XDG_CACHE_HOME/uniqueguard)",
    "strict": "true/false: also report writes through managers that cannot be resolved (UNQ005)",
    "check-test-support": "true/false: also report modules importing a test framework or factory_boy and "
                          "migration functions ((apps, schema_editor), RunPython) outside migrations/",
}

# Option name (as written in pyproject, with dashes) → (Options field, checker).
SPEC = {
    "root": ("root", _string),
    "settings": ("settings_module", _string),
    "exclude": ("exclude", _strings),
    "extend-exclude": ("extend_exclude", _strings),
    "unique": ("unique", _unique),
    "write-methods": ("write_methods", _strings),
    "guard-exceptions": ("guard_exceptions", _strings),
    "atomic-requests": ("atomic_requests", _bool),
    "cache": ("cache", _bool),
    "cache-dir": ("cache_dir", _string),
    "strict": ("strict", _bool),
    "check-test-support": ("check_test_support", _bool),
}


def options_from_mapping(mapping: Dict[str, Any], source: str, base_dir: Optional[str] = None) -> Options:
    """Options from `{name: value}` as found in pyproject or a front end's parsed options."""
    values: Dict[str, Any] = {}
    for name, raw in mapping.items():
        key = name.replace("_", "-")
        if key not in SPEC:
            raise ConfigError(name, source, f"unknown option; known: {', '.join(sorted(SPEC))}")
        if raw is None:
            continue
        attribute, check = SPEC[key]
        values[attribute] = check(name, source, raw)
    if base_dir:
        for attribute in ("root", "cache_dir"):
            if attribute in values and not os.path.isabs(values[attribute]):
                values[attribute] = os.path.normpath(os.path.join(base_dir, values[attribute]))
    if "root" in values and not os.path.isdir(values["root"]):
        raise ConfigError("root", source, f"no such folder: {values['root']}")
    return Options(**values)


def read_pyproject(root: str) -> Options:
    """`[tool.uniqueguard]` of `<root>/pyproject.toml`, or empty Options when there is none."""
    path = os.path.join(root, "pyproject.toml")
    if not os.path.isfile(path):
        return Options()
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("[tool.uniqueguard]", path, f"cannot read the file: {exc}") from None
    table = data.get("tool", {}).get("uniqueguard")
    if table is None:
        return Options()
    if not isinstance(table, dict):
        raise ConfigError("[tool.uniqueguard]", path, "expected a table")
    return options_from_mapping(table, path, base_dir=root)


__all__ = ["Options", "ConfigError", "options_from_mapping", "read_pyproject", "SPEC", "HELP"]
