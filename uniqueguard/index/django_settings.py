"""The project's Django settings, read statically, and the app labels they imply.

Which settings module applies (explicit option, manage.py / wsgi.py / asgi.py, pytest / tox / mypy
config, then a search), the values the engine needs from it (AUTH_USER_MODEL, INSTALLED_APPS,
DATABASES' ATOMIC_REQUESTS), following `from .base import *` chains, and the `app_label → packages`
map that `"app_label.Model"` strings are resolved with.
"""
from __future__ import annotations

import os
import re
from typing import Dict, List, Optional, Set, Tuple

from ..records import dataclass, field
from . import discovery
from .facts import DictValue
from .modules import MAX_REEXPORT_HOPS, ModuleIndex

# The apps whose models uniqueguard knows from its stubs, by label.
CONTRIB_APPS = {
    "auth": "django.contrib.auth", "contenttypes": "django.contrib.contenttypes",
    "sites": "django.contrib.sites", "sessions": "django.contrib.sessions",
    "redirects": "django.contrib.redirects", "flatpages": "django.contrib.flatpages",
    "admin": "django.contrib.admin",
}


@dataclass
class Settings:
    module: Optional[str] = None  # dotted name of the settings module read, None if none was found
    auth_user_model: Optional[str] = None  # "app_label.Model" literal, None when not set or not literal
    installed_apps: Tuple[str, ...] = ()
    atomic_requests: bool = False
    values: dict = field(default_factory=dict)  # every module-level setting read, as literals
    unread: Tuple[Tuple[str, str], ...] = ()  # (path, reason) of settings modules that could not be read
    auth_computed: bool = False  # AUTH_USER_MODEL is assigned something other than a literal
    paths: Tuple[str, ...] = ()  # the settings modules read (the one named, those it star-imports)


def read_settings(modules: ModuleIndex, configured: Optional[str]) -> Settings:
    dotted = _settings_module_name(modules, configured)
    if not dotted or modules.module_path(dotted) is None:
        return Settings()
    unread: List[Tuple[str, str]] = []
    read: List[str] = []
    values = _settings_values(modules, dotted, set(), unread, read)
    auth = values.get("AUTH_USER_MODEL")
    apps = values.get("INSTALLED_APPS")
    installed = tuple(a for a in apps if isinstance(a, str)) if isinstance(apps, tuple) else ()
    return Settings(dotted, auth if isinstance(auth, str) else None, installed,
                    _atomic_requests(values.get("DATABASES")), values, tuple(unread),
                    "AUTH_USER_MODEL" in values and not isinstance(auth, str), tuple(read))


def _settings_module_name(modules: ModuleIndex, configured: Optional[str]) -> Optional[str]:
    """Explicit setting, then manage.py/wsgi.py/asgi.py, then pytest/tox/mypy config, then a search."""
    if configured:
        return configured
    root = modules.root
    entries = [os.path.join(root, name) for name in ("manage.py", "wsgi.py", "asgi.py")]
    try:
        subfolders = sorted(e.path for e in os.scandir(root)
                            if e.is_dir() and not discovery.is_skipped_dir(e.name))
    except OSError:
        subfolders = []
    entries += [os.path.join(folder, name) for folder in subfolders for name in ("wsgi.py", "asgi.py")]
    for path in entries:
        if os.path.isfile(path):
            hint = modules.facts_for_path(path, want_settings_hint=True).settings_hint
            if hint and modules.module_path(hint):
                return hint
    for name in ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "mypy.ini"):
        hint = _settings_in_config(os.path.join(root, name))
        if hint and modules.module_path(hint):
            return hint
    # from the index's own walk of the tree (in its order, to its limit), not a second walk
    candidates = [path for path in modules.python_files
                  if os.path.basename(path) == "settings.py" or os.path.basename(os.path.dirname(path)) == "settings"]
    ranked = sorted(candidates, key=lambda p: (p.count(os.sep), not p.endswith("settings.py"), p))
    for path in ranked:
        dotted, _, _ = discovery.module_name(path, root)
        if dotted:
            return dotted
    return None


def _settings_values(modules: ModuleIndex, dotted: str, seen: Set[str], unread: List[Tuple[str, str]],
                     read: List[str]) -> dict:
    """Module-level settings, with `from .base import *` read first and own assignments on top.
    Settings modules that cannot be read are added to `unread` (path, reason), every one read to `read`."""
    if dotted in seen or len(seen) > MAX_REEXPORT_HOPS:
        return {}
    seen.add(dotted)
    facts = modules.module(dotted)
    if facts is None:
        return {}
    read.append(facts.path)
    if facts.error:
        unread.append((facts.path, facts.error))
    values: dict = {}
    for star in facts.star_imports:
        values.update(_settings_values(modules, star, seen, unread, read))
    for name, value in facts.assigns:
        if name.endswith("+"):
            base = values.get(name[:-1])
            if isinstance(base, tuple) and isinstance(value, tuple):
                values[name[:-1]] = base + value
        else:
            values[name] = value
    return values


def app_labels(modules: ModuleIndex, settings: Settings) -> Dict[str, List[str]]:
    """label → app packages. INSTALLED_APPS and AppConfig.label first, every models package as fallback."""
    labels: Dict[str, List[str]] = {}

    def add(label: str, package: str) -> None:
        packages = labels.setdefault(label, [])
        if package not in packages:
            packages.append(package)

    configs: Dict[str, Tuple[str, Optional[str]]] = {}
    for dotted in modules.apps_modules:
        facts = modules.module(dotted)
        for cls in facts.classes if facts is not None else ():
            name = cls.assigned("name")
            if isinstance(name, str):
                label = cls.assigned("label")
                configs[cls.qualname] = (name, label if isinstance(label, str) else None)
    for entry in settings.installed_apps:
        if entry not in configs and ".apps." in entry:  # an installed app's AppConfig, read from source
            config = modules.find_class(entry)
            name = config.assigned("name") if config is not None else None
            if config is not None and isinstance(name, str):
                label = config.assigned("label")
                configs[entry] = (name, label if isinstance(label, str) else None)
        if entry in configs:
            package, app_label = configs[entry]
            add(app_label or package.rpartition(".")[2], package)
        elif entry.startswith("django.contrib.") and ".apps." in entry:
            package = entry.partition(".apps.")[0]
            add(package.rpartition(".")[2], package)
        else:
            add(entry.rpartition(".")[2], entry)
    for package, app_label in configs.values():
        if app_label:
            add(app_label, package)
    for contrib_label, package in CONTRIB_APPS.items():
        add(contrib_label, package)
    for dotted in modules.models_modules:
        package = app_package(dotted)
        if package:
            add(package.rpartition(".")[2], package)
    return labels


def app_package(models_module: str) -> str:
    """`shop.orders` for `shop.orders.models` or `shop.orders.models.line`; "" for a top-level `models`."""
    parts = models_module.split(".")
    if "models" not in parts:
        return ""
    return ".".join(parts[: len(parts) - 1 - parts[::-1].index("models")])


_CONFIG_SETTING = re.compile(
    r"""^\s*(?:DJANGO_SETTINGS_MODULE|django_settings_module)\s*[=:]\s*["']?([A-Za-z_][\w.]*)""", re.MULTILINE)


def _settings_in_config(path: str) -> Optional[str]:
    """DJANGO_SETTINGS_MODULE from pytest-django, tox setenv or django-stubs config (any of their files)."""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            text = handle.read(200_000)
    except OSError:
        return None
    found = _CONFIG_SETTING.search(text)
    return found.group(1) if found else None


def _atomic_requests(databases: object) -> bool:
    if not isinstance(databases, DictValue):
        return False
    for _, config in databases.items:
        if isinstance(config, DictValue):
            for key, value in config.items:
                if key == "ATOMIC_REQUESTS" and value is True:
                    return True
    return False


__all__ = ["Settings", "read_settings", "app_labels", "app_package", "CONTRIB_APPS"]
