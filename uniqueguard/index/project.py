"""The project index: every module the engine may need, read lazily from source, once per process.

One `Project` per project root. It answers "what does this dotted name denote?" across modules (following
re-exports and star imports), holds the settings read statically (AUTH_USER_MODEL, INSTALLED_APPS,
ATOMIC_REQUESTS) and the app labels, and hands out `ModelInfo` records built by `uniqueness`.
`django.*` modules are always read from uniqueguard's own stubs, never from an installed Django, so a
project's findings do not depend on whether Django is installed where the linter runs.
"""
from __future__ import annotations

import atexit
import os
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from . import discovery
from .cache import FactsCache
from .facts import (ClassFacts, DictValue, ModuleFacts, ReceiverFacts, Ref, failed_module, module_facts,
                    names_auth_user_model)

STUBS_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "stubs")

# The apps whose models uniqueguard knows from its stubs, by label.
CONTRIB_APPS = {
    "auth": "django.contrib.auth", "contenttypes": "django.contrib.contenttypes",
    "sites": "django.contrib.sites", "sessions": "django.contrib.sessions",
    "redirects": "django.contrib.redirects", "flatpages": "django.contrib.flatpages",
    "admin": "django.contrib.admin",
}
STOCK_USER = "django.contrib.auth.models.User"
MAX_REEXPORT_HOPS = 12


@dataclass
class Settings:
    module: Optional[str] = None  # dotted name of the settings module read, None if none was found
    auth_user_model: Optional[str] = None  # "app_label.Model" literal, None when not set or not literal
    installed_apps: Tuple[str, ...] = ()
    atomic_requests: bool = False


@dataclass
class Problems:
    """Files the index could not read. Reported once per run by the fronts, never silently dropped."""

    unreadable: Dict[str, str] = field(default_factory=dict)  # path → reason
    incomplete_walk: bool = False  # the tree was too large or had unreadable folders
    walk_reported: bool = False  # said once per process, on the first file analysed


SIGNAL_FILES = ("signals.py", "receivers.py", "handlers.py", "signal_handlers.py")


def _is_indexed_file(folder: str, filename: str) -> bool:
    """Models modules and packages, app configs, and the modules where apps keep signal receivers."""
    return (filename in ("models.py", "apps.py") or filename in SIGNAL_FILES
            or os.path.basename(folder) in ("models", "signals"))


def _is_signals_file(path: str) -> bool:
    folder = os.path.basename(os.path.dirname(path))
    return folder != "models" and (os.path.basename(path) in SIGNAL_FILES or folder == "signals")


class Project:
    def __init__(self, root: str, settings_module: Optional[str] = None, cache_dir: Optional[str] = None,
                 unique: tuple = ()):
        self.root = os.path.abspath(root)
        self.extra_unique = dict(unique)  # configured unique facts: "app.Model" or dotted → field tuples
        self.problems = Problems()
        self.cache = FactsCache(self.root, cache_dir)
        self._last_save = 0.0
        self._facts_by_path: Dict[str, ModuleFacts] = {}
        self._adopted: Optional[tuple] = None  # (path, dotted, is_package, tree) of the module being linted
        self._path_by_module: Dict[str, Optional[str]] = {}
        self._class_cache: Dict[str, Optional[ClassFacts]] = {}
        self._models: Dict[str, object] = {}
        self._bound: Optional[Dict[str, list]] = None
        self._project_models: Optional[list] = None
        self._user_model: Optional[tuple] = None
        self._reverse: Optional[Dict[str, Dict[str, tuple]]] = None
        self._one_to_one: Optional[Dict[Tuple[str, str], object]] = None
        self.source_roots: List[str] = [self.root]
        src = os.path.join(self.root, "src")
        if os.path.isdir(src):
            self.source_roots.append(src)
        self.models_modules: List[str] = []  # dotted names of every models module found
        self.apps_modules: List[str] = []
        self.signals_modules: List[str] = []  # signals.py / receivers.py / handlers.py / signals/
        self._receivers: Optional[list] = None  # (receiver, its file, connecting module's facts, sender)
        self._scan()
        self.settings = self._read_settings(settings_module)
        self.labels = self._app_labels()

    # ---------------------------------------------------------------------------------------- files
    def _scan(self) -> None:
        paths, complete = discovery.walk_python_files(self.root, _is_indexed_file)
        self.problems.incomplete_walk = not complete
        for path in paths:
            dotted, _, source_root = discovery.module_name(path, self.root)
            if source_root not in self.source_roots:
                self.source_roots.append(source_root)
            if not dotted:
                continue
            self._path_by_module.setdefault(dotted, path)
            if path.endswith("apps.py"):
                self.apps_modules.append(dotted)
            elif _is_signals_file(path):
                self.signals_modules.append(dotted)
            else:
                self.models_modules.append(dotted)

    def facts_for_path(self, path: str, dotted: Optional[str] = None, is_package: Optional[bool] = None,
                       want_settings_hint: bool = False) -> ModuleFacts:
        path = os.path.abspath(path)
        cached = self._facts_by_path.get(path)
        if cached is not None:
            return cached
        if dotted is None or is_package is None:
            dotted, is_package, _ = discovery.module_name(path, self.root)
        if self._adopted is not None and self._adopted[0] == path and not want_settings_hint:
            _, adopted_name, adopted_package, tree = self._adopted
            self._adopted = None
            try:
                facts = module_facts(tree, adopted_name, path, adopted_package)
            except RecursionError:
                facts = None
            if facts is not None:
                self._facts_by_path[path] = facts
                return facts
        cached = None if want_settings_hint else self.cache.get(path)
        if cached is not None and cached.name == dotted:
            if cached.error:
                self.problems.unreadable[path] = cached.error
            self._facts_by_path[path] = cached
            return cached
        try:
            tree = discovery.parse_file(path)
            facts = module_facts(tree, dotted, path, is_package, want_settings_hint)
        except discovery.ParseFailure as exc:
            facts = failed_module(dotted, path, is_package, str(exc))
            self.problems.unreadable[path] = str(exc)
        except RecursionError:
            facts = failed_module(dotted, path, is_package, "too deeply nested to read")
            self.problems.unreadable[path] = facts.error
        self._facts_by_path[path] = facts
        if not want_settings_hint:
            self.cache.put(path, facts)
        return facts

    def save_cache(self, throttle: float = 1.0) -> None:
        """Persist new facts; throttled, because `-j` workers never run atexit hooks and must save as
        they go, but a full-tree run should not rewrite the file after every module."""
        now = time.monotonic()
        if self.cache.dirty and now - self._last_save >= throttle:
            self.cache.save()
            self._last_save = now

    def adopt_tree(self, path: str, dotted: str, is_package: bool, tree) -> None:
        """Remember the tree of the module being linted: if its own classes are looked up, their facts
        come from this tree instead of reading and parsing the file a second time. Only the current
        module's tree is kept, and its facts are built only if asked for."""
        path = os.path.abspath(path)
        if path not in self._facts_by_path and os.path.isfile(path):
            self._adopted = (path, dotted, is_package, tree)
            self._path_by_module.setdefault(dotted, path)

    def module_path(self, dotted: str) -> Optional[str]:
        if dotted in self._path_by_module:
            return self._path_by_module[dotted]
        if dotted == "django" or dotted.startswith("django."):
            path = discovery.module_file(dotted, [STUBS_ROOT])
        else:
            path = discovery.module_file(dotted, self.source_roots)
            if path is None:
                path = discovery.module_file(dotted, _installed_roots(self.root))
        self._path_by_module[dotted] = path
        return path

    def module(self, dotted: str) -> Optional[ModuleFacts]:
        path = self.module_path(dotted)
        if path is None:
            return None
        is_package = os.path.basename(path) == "__init__.py"
        return self.facts_for_path(path, dotted, is_package)

    # -------------------------------------------------------------------------------------- classes
    def find_class(self, dotted: str) -> Optional[ClassFacts]:
        """The class a dotted name denotes, following re-exports (`from .user import User`) and `*`."""
        if dotted in self._class_cache:
            return self._class_cache[dotted]
        self._class_cache[dotted] = None  # cycle guard
        found = self._find_class(dotted, 0)
        self._class_cache[dotted] = found
        return found

    def _find_class(self, dotted: str, hops: int) -> Optional[ClassFacts]:
        if hops > MAX_REEXPORT_HOPS or "." not in dotted:
            return None
        module_name, _, name = dotted.rpartition(".")
        facts = self.module(module_name)
        if facts is None:
            return None
        cls = facts.cls(name)
        if cls is not None:
            return cls
        target = facts.import_map().get(name)
        if target and target != dotted:
            return self._find_class(target, hops + 1)
        alias = facts.assigned(name)
        if isinstance(alias, Ref) and alias.dotted != dotted:
            return self._find_class(alias.dotted, hops + 1)
        for star in facts.star_imports:
            found = self._find_class(f"{star}.{name}", hops + 1)
            if found is not None:
                return found
        return None

    def ancestors(self, cls: ClassFacts) -> List[Tuple[str, Optional[ClassFacts]]]:
        """(dotted name, facts or None) of every base class, depth first in declaration order."""
        result = []
        seen = {cls.qualname}
        stack = list(reversed(cls.bases))
        while stack:
            base = stack.pop()
            if not base or base in seen:
                continue
            seen.add(base)
            facts = self.find_class(base)
            result.append((base, facts))
            if facts is not None:
                seen.add(facts.qualname)
                stack.extend(reversed(facts.bases))
        return result

    def inherits(self, cls: ClassFacts, names: Iterable[str]) -> bool:
        """Whether any base (transitively) is one of the dotted `names`, or ends with `.<name>`."""
        wanted = tuple(names)
        for dotted, facts in self.ancestors(cls):
            candidates = [dotted] + ([facts.qualname] if facts is not None else [])
            for candidate in candidates:
                if candidate in wanted or any(candidate.endswith("." + w) for w in wanted):
                    return True
        return False

    # ---------------------------------------------------------------------------------------- models
    def model(self, dotted: str):
        """The ModelInfo for a class name, or None when it is not a (known) model."""
        from .uniqueness import build_model, configured_model, with_configured  # uniqueness builds on this index

        cls = self.find_class(dotted)
        if cls is None:
            extra = self._configured(dotted)
            return configured_model(dotted, extra) if extra else None
        key = cls.qualname
        if key not in self._models:
            self._models[key] = None  # cycle guard
            info = build_model(self, cls)
            extra = self._configured(key) if info is not None else None
            self._models[key] = with_configured(info, extra) if extra else info
        return self._models[key]

    def _configured(self, dotted: str):
        """Unique sets the configuration declares for a model, by dotted path or `app_label.Model`."""
        if not self.extra_unique:
            return None
        if dotted in self.extra_unique:
            return self.extra_unique[dotted]
        module, _, name = dotted.rpartition(".")
        package = _app_package(module) or module.rpartition(".")[0]
        label = f"{package.rpartition('.')[2]}.{name}" if package else None
        for key, sets in self.extra_unique.items():
            if label and key.lower() == label.lower():
                return sets
        return None

    def model_by_label(self, label: str):
        """The model named by an `"app_label.ModelName"` string (model name case-insensitive)."""
        if not isinstance(label, str) or label.count(".") != 1:
            return None
        app_label, _, name = label.partition(".")
        packages = list(self.labels.get(app_label, ()))
        for package in packages:
            found = self._model_in_package(package, name)
            if found is not None:
                return found
        for key, sets in self.extra_unique.items():
            if key.lower() == label.lower():
                from .uniqueness import configured_model

                return configured_model(key, sets)
        return None

    def _model_in_package(self, package: str, name: str):
        facts = self.module(f"{package}.models")
        if facts is None:
            return None
        exact = self.model(f"{package}.models.{name}")
        if exact is not None:
            return exact
        lowered = name.lower()
        candidates = [c.name for c in facts.classes] + [local for local, _ in facts.imports]
        for candidate in candidates:
            if candidate.lower() == lowered:
                return self.model(f"{package}.models.{candidate}")
        return None

    def user_model(self):
        """The model `get_user_model()` returns: AUTH_USER_MODEL, else the only custom user, else auth.User."""
        if self._user_model is None:
            self._user_model = (self._find_user_model(),)
        return self._user_model[0]

    def _find_user_model(self):
        if self.settings.auth_user_model:
            found = self.model_by_label(self.settings.auth_user_model)
            if found is not None:
                return found
        if self.settings.module is None:
            custom = [m for m in self.project_models() if m.is_user and not m.abstract]
            if len(custom) == 1:
                return custom[0]
        return self.model(STOCK_USER)

    def models_for_class(self, qualname: str):
        """Models whose managers are built from this manager or queryset class (its `self.model`)."""
        if self._bound is None:
            bound: Dict[str, list] = {}
            for info in self.project_models():
                for classes in info.managers.values():
                    for dotted in classes:
                        cls = self.find_class(dotted)
                        key = cls.qualname if cls is not None else dotted
                        if info not in bound.setdefault(key, []):
                            bound[key].append(info)
            self._bound = bound
        return self._bound.get(qualname, [])

    def related_model(self, owner, field):
        """The model a ForeignKey/OneToOne/ManyToMany field of `owner` points to."""
        target = field.target
        if isinstance(target, Ref):
            if names_auth_user_model(target.dotted):
                return self.user_model()
            if "." not in target.dotted and owner.facts is not None:
                return self.model(f"{owner.facts.module}.{target.dotted}")
            return self.model(target.dotted)
        if isinstance(target, str):
            if target == "self":
                return owner
            if "." in target:
                return self.model_by_label(target)
            if owner.facts is not None:
                return self.model(f"{owner.facts.module}.{target}")
        return None

    def through_model(self, owner, field_name: str):
        """The model behind `Owner.<m2m>.through`: the declared `through=`, or Django's auto-created
        table, which is unique on the (owner, target) pair."""
        from .uniqueness import FieldInfo, ModelInfo, UniqueSet

        field_info = owner.fields.get(field_name)
        if field_info is None or field_info.relation != "m2m":
            return None
        through = field_info.through
        if through is not None:
            return self.related_model(owner, FieldInfo(field_name, "ForeignKey", False, relation="fk", target=through))
        target = self.related_model(owner, field_info)
        if target is None:
            return None
        source_name, target_name = owner.name.lower(), target.name.lower()
        if source_name == target_name:
            source_name, target_name = f"from_{source_name}", f"to_{target_name}"
        table = f"{owner.name}_{field_name}"
        fields = {name: FieldInfo(name, "ForeignKey", False, relation="fk") for name in (source_name, target_name)}
        return ModelInfo(f"{owner.qualname}_{field_name}", table, False, False, fields,
                         (UniqueSet((source_name, target_name), "auto-created through table", table),),
                         "id", None, {}, False)

    def one_to_one_accessor(self, owner_qualname: Optional[str], accessor: str):
        """The model reached by `instance.<accessor>` through a one-to-one, from either side:
        `user.profile` (Profile.user = OneToOneField(User)) or `profile.user`. None when it is not one.
        With no owner, the list of models any one-to-one accessor of that name leads to."""
        if self._one_to_one is None:
            index: Dict[Tuple[str, str], object] = {}
            for info in self.project_models():
                for field_info in info.fields.values():
                    if field_info.relation != "o2o" or field_info.related_name == "+":
                        continue
                    target = self.related_model(info, field_info)
                    if target is None:
                        continue
                    index[(info.qualname, field_info.name)] = target
                    index[(target.qualname, field_info.related_name or info.name.lower())] = info
            self._one_to_one = index
        if owner_qualname is None:  # owner unknown: any one-to-one reached through this accessor name
            return [target for (_, name), target in self._one_to_one.items() if name == accessor]
        return self._one_to_one.get((owner_qualname, accessor))

    def reverse_relations(self, qualname: str):
        """accessor → (model holding the relation, its field) for relations pointing at `qualname`.

        `author.book_set` / `author.books` (related_name) for a ForeignKey or ManyToManyField on Book.
        A OneToOne's reverse accessor is an instance, not a manager, so it is not listed.
        """
        return self._reverse_index().get(qualname, {})

    def sole_reverse_relation(self, accessor: str):
        """(model holding the relation, its field) when exactly one model in the project is reached
        through reverse managers named `accessor` (`tokens`, `book_set`), else None: how
        `user.tokens.create()` is resolved when nothing says what `user` is."""
        found = None
        for by_accessor in self._reverse_index().values():
            relation = by_accessor.get(accessor)
            if relation is not None:
                if found is not None and found[0].qualname != relation[0].qualname:
                    return None
                found = relation
        return found

    def _reverse_index(self) -> Dict[str, Dict[str, tuple]]:
        if self._reverse is None:
            reverse: Dict[str, Dict[str, tuple]] = {}
            for info in self.project_models():
                for field_info in info.fields.values():
                    if field_info.relation not in ("fk", "m2m") or field_info.related_name == "+":
                        continue
                    target = self.related_model(info, field_info)
                    if target is None:
                        continue
                    accessor = field_info.related_name or f"{info.name.lower()}_set"
                    reverse.setdefault(target.qualname, {})[accessor] = (info, field_info)
            self._reverse = reverse
        return self._reverse

    def post_save_creators(self, parent, holder, field: str, also=None) -> List[Tuple[ReceiverFacts, str]]:
        """The post_save receivers (with their files) that insert a `holder` row whose `field` points at
        a newly saved `parent`: another insert of that row for a new parent collides with theirs.
        Receivers are read from models, signals/receivers/handlers and apps modules and `also` (the
        linted module's facts); a function one of them connects from another module counts too."""
        if self._receivers is None:
            self._receivers = self._collect_receivers()
        candidates = list(self._receivers)
        if also is not None and all(also.path != where for _, where, _, _ in candidates):
            candidates += [(receiver, also.path, also, receiver.sender)
                           for receiver in also.receivers if receiver.connected]
        found = []
        for receiver, where, connecting, sender in candidates:
            if sender is not None and getattr(self._sender_model(sender, connecting), "qualname",
                                              None) != parent.qualname:
                continue
            for dotted, name in receiver.creates:
                model = self.model(dotted)
                if model is not None and model.qualname == holder.qualname and model.field_for(name) == field:
                    found.append((receiver, where))
                    break
        return found

    def _collect_receivers(self) -> list:
        """(receiver, its file, facts of the module connecting it, sender) for every receiver indexed."""
        found = []
        for dotted in self.models_modules + self.signals_modules + self.apps_modules:
            facts = self.module(dotted)
            if facts is None:
                continue
            found += [(receiver, facts.path, facts, receiver.sender) for receiver in facts.receivers
                      if receiver.connected]
            for target, sender in facts.connections:  # `post_save.connect(signals.create_profile, ...)`
                module_name, _, function = target.rpartition(".")
                defining = self.module(module_name) if module_name else None
                found += [(receiver, defining.path, facts, sender) for receiver in
                          (defining.receivers if defining is not None else ()) if receiver.name == function]
        return found

    def _sender_model(self, sender, facts: ModuleFacts):
        if isinstance(sender, Ref):
            if names_auth_user_model(sender.dotted):
                return self.user_model()
            return self.model(sender.dotted if "." in sender.dotted else f"{facts.name}.{sender.dotted}")
        if isinstance(sender, str):
            return self.model_by_label(sender)
        return None

    def project_models(self):
        if self._project_models is None:
            self._project_models = self._collect_project_models()
        return self._project_models

    def _collect_project_models(self):
        result = []
        for dotted in self.models_modules:
            facts = self.module(dotted)
            if facts is None:
                continue
            for cls in facts.classes:
                info = self.model(cls.qualname)
                if info is not None:
                    result.append(info)
        return result

    # -------------------------------------------------------------------------------------- settings
    def _settings_module_name(self, configured: Optional[str]) -> Optional[str]:
        """Explicit setting, then manage.py/wsgi.py/asgi.py, then pytest/tox/mypy config, then a search."""
        if configured:
            return configured
        entries = [os.path.join(self.root, name) for name in ("manage.py", "wsgi.py", "asgi.py")]
        try:
            subfolders = sorted(e.path for e in os.scandir(self.root)
                                if e.is_dir() and not discovery.is_skipped_dir(e.name))
        except OSError:
            subfolders = []
        entries += [os.path.join(folder, name) for folder in subfolders for name in ("wsgi.py", "asgi.py")]
        for path in entries:
            if os.path.isfile(path):
                hint = self.facts_for_path(path, want_settings_hint=True).settings_hint
                if hint and self.module_path(hint):
                    return hint
        for name in ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "mypy.ini"):
            hint = _settings_in_config(os.path.join(self.root, name))
            if hint and self.module_path(hint):
                return hint
        candidates, _ = discovery.walk_python_files(
            self.root, lambda folder, name: name == "settings.py" or os.path.basename(folder) == "settings")
        ranked = sorted(candidates, key=lambda p: (p.count(os.sep), not p.endswith("settings.py"), p))
        for path in ranked:
            dotted, _, _ = discovery.module_name(path, self.root)
            if dotted:
                return dotted
        return None

    def _read_settings(self, configured: Optional[str]) -> Settings:
        dotted = self._settings_module_name(configured)
        if not dotted or self.module_path(dotted) is None:
            return Settings()
        values = self._settings_values(dotted, set())
        auth = values.get("AUTH_USER_MODEL")
        apps = values.get("INSTALLED_APPS")
        installed = tuple(a for a in apps if isinstance(a, str)) if isinstance(apps, tuple) else ()
        return Settings(dotted, auth if isinstance(auth, str) else None, installed,
                        _atomic_requests(values.get("DATABASES")))

    def _settings_values(self, dotted: str, seen: set) -> dict:
        """Module-level settings, with `from .base import *` read first and own assignments on top."""
        if dotted in seen or len(seen) > MAX_REEXPORT_HOPS:
            return {}
        seen.add(dotted)
        facts = self.module(dotted)
        if facts is None:
            return {}
        values: dict = {}
        for star in facts.star_imports:
            values.update(self._settings_values(star, seen))
        for name, value in facts.assigns:
            if name.endswith("+"):
                base = values.get(name[:-1])
                if isinstance(base, tuple) and isinstance(value, tuple):
                    values[name[:-1]] = base + value
            else:
                values[name] = value
        return values

    def _app_labels(self) -> Dict[str, List[str]]:
        """label → app packages. INSTALLED_APPS and AppConfig.label first, every models package as fallback."""
        labels: Dict[str, List[str]] = {}

        def add(label: str, package: str) -> None:
            packages = labels.setdefault(label, [])
            if package not in packages:
                packages.append(package)

        configs = {}
        for dotted in self.apps_modules:
            facts = self.module(dotted)
            for cls in facts.classes if facts is not None else ():
                name = cls.assigned("name")
                if isinstance(name, str):
                    label = cls.assigned("label")
                    configs[cls.qualname] = (name, label if isinstance(label, str) else None)
        for entry in self.settings.installed_apps:
            if entry not in configs and ".apps." in entry:  # an installed app's AppConfig, read from source
                cls = self.find_class(entry)
                name = cls.assigned("name") if cls is not None else None
                if isinstance(name, str):
                    label = cls.assigned("label")
                    configs[entry] = (name, label if isinstance(label, str) else None)
            if entry in configs:
                package, label = configs[entry]
                add(label or package.rpartition(".")[2], package)
            elif entry.startswith("django.contrib.") and ".apps." in entry:
                package = entry.partition(".apps.")[0]
                add(package.rpartition(".")[2], package)
            else:
                add(entry.rpartition(".")[2], entry)
        for package, label in configs.values():
            if label:
                add(label, package)
        for label, package in CONTRIB_APPS.items():
            add(label, package)
        for dotted in self.models_modules:
            package = _app_package(dotted)
            if package:
                add(package.rpartition(".")[2], package)
        return labels


def _app_package(models_module: str) -> str:
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


def _atomic_requests(databases) -> bool:
    if not isinstance(databases, DictValue):
        return False
    for _, config in databases.items:
        if isinstance(config, DictValue):
            for key, value in config.items:
                if key == "ATOMIC_REQUESTS" and value is True:
                    return True
    return False


_INSTALLED_ROOTS: Optional[List[str]] = None


def _installed_roots(project_root: str) -> List[str]:
    """Folders on the linting interpreter's path where installed packages' sources can be read."""
    global _INSTALLED_ROOTS
    if _INSTALLED_ROOTS is None:
        roots = []
        for entry in sys.path:
            entry = os.path.abspath(entry or os.curdir)
            if os.path.isdir(entry) and entry not in roots:
                roots.append(entry)
        _INSTALLED_ROOTS = roots
    return [r for r in _INSTALLED_ROOTS if r != project_root]


_PROJECTS: Dict[tuple, Project] = {}


def project_for(path: str, options=None) -> Project:
    """The Project for a linted path, built once per process per root and options."""
    from ..config import Options

    options = options or Options()
    root = os.path.abspath(options.root) if options.root else discovery.find_root(path)
    cache_dir = options.cache_directory()
    key = (root, options.settings_module, cache_dir, options.unique)
    project = _PROJECTS.get(key)
    if project is None:
        if not _PROJECTS:
            atexit.register(_save_all)
        project = Project(root, options.settings_module, cache_dir, options.unique)
        _PROJECTS[key] = project
    return project


def _save_all() -> None:
    for project in _PROJECTS.values():
        project.save_cache(throttle=0.0)


__all__ = ["Project", "Settings", "project_for", "STOCK_USER"]
