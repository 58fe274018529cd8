"""One configuration, read by the engine whichever front end runs.

Precedence, lowest first: built-in defaults < the nearest configuration file above the linted file
(`find_config`: `[tool.uniqueguard]` in pyproject.toml, `[uniqueguard]` in setup.cfg, tox.ini, .flake8) <
the front end's own options (flake8's `--uniqueguard-*` from its command line or its `setup.cfg` /
`.flake8` / `tox.ini`; pylint's `--uniqueguard-*` from its command line or rc file; the CLI's flags).
A bad value is a `ConfigError` naming the option and the file — never a crash, never silently ignored.
"""
from __future__ import annotations

import os
import re
import sys
from typing import Any, Dict, List, Optional, Tuple

from .paths import DEFAULT_EXCLUDE
from .records import dataclass, fields, replace
from .selection import ignored_here, is_selected


class ConfigError(ValueError):
    """A configuration value uniqueguard cannot use; the message names the option and where it came from."""

    def __init__(self, option: str, source: str, reason: str):
        super().__init__(option, source, reason)  # all arguments, so pickling (-j workers) rebuilds it
        self.option = option
        self.source = source
        self.reason = reason

    def __str__(self) -> str:
        return f"invalid uniqueguard option '{self.option}' in {self.source}: {self.reason}"


ADDITIVE = ("extend_select", "ignore", "per_file_ignores")


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
    select: Optional[Tuple[str, ...]] = None  # codes or prefixes replacing the default rules
    extend_select: Tuple[str, ...] = ()  # codes or prefixes added to them
    ignore: Tuple[str, ...] = ()  # codes or prefixes never reported
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()  # (glob, codes): ignored in those files
    config_dir: Optional[str] = None  # folder of the configuration file read (per-file-ignores globs)

    def merged_over(self, lower: "Options") -> "Options":
        """These options, with anything unset taken from `lower`; `extend-select`, `ignore` and
        `per-file-ignores` add up across layers instead (a front end's `--ignore` keeps the file's)."""
        values: Dict[str, Any] = {}
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(lower, item.name)
            if item.name in ADDITIVE:
                values[item.name] = tuple(dict.fromkeys(theirs + mine))
                continue
            unset = mine is None or (isinstance(mine, tuple) and not mine and item.default == ())
            values[item.name] = theirs if unset else mine
        return Options(**values)

    def reports(self, code: str, path: str) -> bool:
        """Whether `code` is reported in `path` under this selection (see selection.py)."""
        return (is_selected(code, self.select, self.extend_select, self.ignore)
                and not ignored_here(code, path, self.per_file_ignores, self.config_dir or self.root))

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
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "y", "on", "0", "false", "no", "n",
                                                            "off"):
        return value.strip().lower() in ("1", "true", "yes", "y", "on")
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


CODE = re.compile(r"UNQ\d{0,3}\Z")


def _codes(option: str, source: str, value: Any) -> Tuple[str, ...]:
    """Rule codes or prefixes: `UNQ`, `UNQ00`, `UNQ004`."""
    codes = tuple(c.upper() for c in _strings(option, source, value))
    wrong = [c for c in codes if not CODE.match(c)]
    if wrong:
        raise ConfigError(option, source, f"expected uniqueguard codes or prefixes such as UNQ001 or UNQ, "
                                          f"got {', '.join(wrong)}")
    return codes


def _per_file_ignores(option: str, source: str, value: Any):
    """`{"scripts/*.py" = ["UNQ001"]}` (TOML) or flake8's text form `scripts/*.py: UNQ001,UNQ002 ...`."""
    if isinstance(value, str):
        table: Dict[str, list] = {}
        globs: list = []
        after_colon = False
        for token in re.findall(r"[^\s,:]+|:", value):
            if token == ":":
                after_colon = True
            elif after_colon and CODE.match(token.upper()):
                for glob in globs:
                    table.setdefault(glob, []).append(token)
            else:
                if after_colon:
                    globs, after_colon = [], False
                globs.append(token)
        if globs and not after_colon:
            raise ConfigError(option, source, f"expected 'glob: codes' pairs, got {value!r}")
        value = table
    if not isinstance(value, dict):
        raise ConfigError(option, source, f"expected a table of glob = [codes], got {value!r}")
    return tuple((glob, _codes(f"{option} {glob!r}", source, codes)) for glob, codes in value.items())


HELP = {
    "root": "project root (default: nearest folder with manage.py, pyproject.toml, setup.cfg, setup.py or .git)",
    "settings": "dotted Django settings module (default: found from manage.py, wsgi.py, pytest/tox config)",
    "exclude": "comma-separated globs of files not reported (default: tests and migrations)",
    "extend-exclude": "comma-separated globs added to the excluded files",
    "unique": "unique fields of models uniqueguard cannot read: app.Model:field,app.Model:a+b",
    "write-methods": "comma-separated extra manager methods that insert rows like create()",
    "guard-exceptions": "comma-separated dotted exceptions whose handlers also count as catching IntegrityError",
    "atomic-requests": "override the settings' ATOMIC_REQUESTS",
    "cache": "keep a persistent cache of model facts (default true)",
    "cache-dir": "folder of the facts cache (default $XDG_CACHE_HOME/uniqueguard)",
    "strict": "also report writes through managers that cannot be resolved (UNQ005)",
    "check-test-support": "also report modules importing a test framework or factory_boy and "
                          "migration functions ((apps, schema_editor), RunPython) outside migrations/",
    "select": "comma-separated codes or prefixes to report instead of the default rules",
    "extend-select": "comma-separated codes or prefixes to report in addition, e.g. UNQ004",
    "ignore": "comma-separated codes or prefixes not to report",
    "per-file-ignores": "glob: codes pairs; codes not reported in the matching files",
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
    "select": ("select", _codes),
    "extend-select": ("extend_select", _codes),
    "ignore": ("ignore", _codes),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
}
# Rule selection belongs to each host (flake8's --select and per-file-ignores, pylint's --enable and
# --disable), so flake8 and pylint get no `--uniqueguard-` spelling of it; the command line does.
SELECTION = ("select", "extend-select", "ignore", "per-file-ignores")
HOST_OPTIONS = tuple(name for name in SPEC if name not in SELECTION)


def is_flag(name: str) -> bool:
    """A true/false setting: a flag (`--x` / `--no-x`) in every front end (fronts/option_spec.py)."""
    return SPEC[name][1] is _bool


def is_list(name: str) -> bool:
    return SPEC[name][1] in (_strings, _codes)


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


CONFIG_FILES = ("pyproject.toml", "setup.cfg", "tox.ini", ".flake8")  # first found in a folder wins
INI_SECTIONS = ("uniqueguard", "tool:uniqueguard")


def find_config(folder: str, memo: Optional[Dict[str, Optional[str]]] = None) -> Optional[str]:
    """The nearest configuration file with a uniqueguard section, walking up from `folder` (as ruff and
    black do): `[tool.uniqueguard]` in pyproject.toml, `[uniqueguard]` in setup.cfg, tox.ini or .flake8.

    `memo` (folder → its answer) is the caller's, kept for as long as it takes the disk as unchanged: the
    engine keeps one per front end's run or call, so the folders of a run share their parents' answers,
    and an editor's long-running linter sees a configuration file added, or removed, at its next check
    (a process-wide memo kept the first answer for the process's life)."""
    memo = {} if memo is None else memo
    folder = os.path.abspath(folder)
    walked = []
    while folder not in memo:
        walked.append(folder)
        found = next((path for path in (os.path.join(folder, name) for name in CONFIG_FILES)
                      if os.path.isfile(path) and _has_section(path)), None)
        parent = os.path.dirname(folder)
        if found is not None or parent == folder:
            memo[folder] = found
            break
        folder = parent
    answer = memo[folder]
    for below in walked:
        memo[below] = answer
    return answer


def _has_section(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    if path.endswith(".toml"):
        return b"tool.uniqueguard" in data or re.search(rb"^\s*\[\s*tool\s*\.\s*uniqueguard", data, re.M) is not None
    return re.search(rb"^\s*\[\s*(?:tool:)?uniqueguard\s*\]", data, re.M) is not None


def read_config(path: str) -> Options:
    """The uniqueguard options a configuration file sets; relative paths and globs are relative to its
    folder. A file that cannot be read or holds a bad value is a ConfigError naming the file."""
    # The parsers are imported here, when a file configuring uniqueguard is found: most projects have
    # none, and importing both was a quarter of the engine's own import time.
    folder = os.path.dirname(os.path.abspath(path))
    if path.endswith(".toml"):
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - exercised on 3.9/3.10 only
            import tomli as tomllib
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError("[tool.uniqueguard]", path, f"cannot read the file: {exc}") from None
        table = data.get("tool", {}).get("uniqueguard")
        if table is None:
            return Options(config_dir=folder)
        if not isinstance(table, dict):
            raise ConfigError("[tool.uniqueguard]", path, "expected a table")
    else:
        import configparser

        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error, UnicodeError) as exc:
            raise ConfigError("[uniqueguard]", path, f"cannot read the file: {exc}") from None
        section = next((name for name in INI_SECTIONS if parser.has_section(name)), None)
        table = dict(parser.items(section)) if section else {}
    return replace(options_from_mapping(table, path, base_dir=folder), config_dir=folder)


def read_pyproject(root: str) -> Options:
    """`[tool.uniqueguard]` of `<root>/pyproject.toml`, or empty Options when there is none."""
    path = os.path.join(root, "pyproject.toml")
    return read_config(path) if os.path.isfile(path) else Options()


__all__ = ["Options", "ConfigError", "options_from_mapping", "find_config", "read_config", "read_pyproject",
           "SPEC", "HELP", "HOST_OPTIONS", "is_flag", "is_list"]
