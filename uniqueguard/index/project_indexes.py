"""The registry's project-wide indexes, as names, kept between processes.

Four answers need every model of the project (`ModelRegistry.project_models`): the reverse managers
(`author.book_set`), the one-to-one accessors from either side, the models each manager or queryset class
is bound to, and the model behind each swappable setting. Building them reads every models module's
facts and builds every model: in a warm single-file run (what pre-commit does) on weblate's
`accounts/views.py` that was 72 modules decoded from the cache, most of the plugin's time (issue 11).
So they are kept as model and field *names* in the facts cache file (`FactsCache`, extra "indexes"),
with what they were built from:

- every file whose facts the build asked for, with the stamp its facts were read at. The build is made
  by a registry of its own inside `ModuleIndex.recording`, so every model and class it uses is looked up
  from scratch and every module behind them is seen, whatever the process had read before;
- a digest of the tree's Python files, the source and installed roots, the settings and app labels and
  the `unique` table: a file added, a package installed or a setting changed may resolve a name
  differently.

Any difference, a malformed record or a disabled cache, and the indexes are built again. A registry answers
from the names, building only the models an answer names (`ModelRegistry.model`, the same records a
build makes); the files the build found unreadable are noted as a build notes them (`Problems.unreadable`).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ..records import dataclass
from .cache import _list, _strs, sha1

if TYPE_CHECKING:
    from .registry import ModelRegistry

EXTRA = "indexes"  # the facts cache's record (JsonStore.EXTRAS)


@dataclass(frozen=True)
class Indexes:
    reverse: Dict[str, Dict[str, Tuple[str, str]]]  # target model → accessor → (model holding it, field)
    one_to_one: Dict[Tuple[str, str], str]  # (model, accessor) → the model a one-to-one reaches from it
    bound: Dict[str, List[str]]  # manager or queryset class → the models whose managers are built from it
    swappable: Dict[str, str]  # setting → the project model whose `Meta.swappable` names it


def indexes(registry: "ModelRegistry") -> Indexes:
    """The registry's indexes: the cached ones when what they rest on is unchanged, else built and kept."""
    modules = registry.modules
    if not modules.cache.enabled:
        return build(registry)
    key = _key(registry)
    kept = _kept(modules.cache.extras.get(EXTRA), key, registry)
    if kept is not None:
        return kept
    with modules.recording() as reads:
        built = build(registry.unbuilt())
    stamps = {path: modules.stamp_when_read(path) for path in sorted(reads)}
    errors = {path: modules.problems.unreadable[path] for path in stamps if path in modules.problems.unreadable}
    modules.cache.keep(EXTRA, {"key": key, "reads": stamps, "errors": errors, **_encode(built)})
    return built


def build(registry: "ModelRegistry") -> Indexes:
    """The four indexes from the project's models, as the registry resolves their relations."""
    reverse: Dict[str, Dict[str, Tuple[str, str]]] = {}
    one_to_one: Dict[Tuple[str, str], str] = {}
    bound: Dict[str, List[str]] = {}
    swappable: Dict[str, str] = {}
    for info in registry.project_models():
        for classes in info.managers.values():
            for dotted in classes:
                cls = registry.modules.find_class(dotted)
                models = bound.setdefault(cls.qualname if cls is not None else dotted, [])
                if info.qualname not in models:
                    models.append(info.qualname)
        meta = info.facts.meta if info.facts is not None else None
        setting = meta.assigned("swappable") if meta is not None else None
        if isinstance(setting, str) and not info.abstract:
            swappable.setdefault(setting, info.qualname)
        for field_info in info.fields.values():
            if field_info.relation == "o2o":
                target = registry.related_model(info, field_info)
                if target is None:
                    continue
                one_to_one[(info.qualname, field_info.name)] = target.qualname
                accessor = registry.reverse_accessor(info, field_info)
                if accessor is not None:
                    one_to_one[(target.qualname, accessor)] = info.qualname
            elif field_info.relation in ("fk", "m2m") and not info.abstract:
                # an abstract model's relations reach the related model through its children
                accessor = registry.reverse_accessor(info, field_info)
                target = registry.related_model(info, field_info) if accessor is not None else None
                if target is not None and accessor is not None:
                    reverse.setdefault(target.qualname, {})[accessor] = (info.qualname, field_info.name)
    return Indexes(reverse, one_to_one, bound, swappable)


def _key(registry: "ModelRegistry") -> str:
    modules = registry.modules
    unique = sorted((model, [list(fields) for fields in sets]) for model, sets in registry.extra_unique.items())
    facts = [modules.python_files, modules.source_roots, modules.installed_roots(), repr(registry.settings),
             sorted(registry.labels.items()), unique]
    return sha1(json.dumps(facts, default=repr).encode("utf-8", "surrogatepass")).hexdigest()


def _kept(record: Any, key: str, registry: "ModelRegistry") -> Optional[Indexes]:
    """The indexes of a kept record built from what the project is now, else None (never trusted: any
    odd shape is a rebuild)."""
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    modules = registry.modules
    try:
        reads, errors = record["reads"], record["errors"]
        if not isinstance(reads, dict) or not isinstance(errors, dict):
            return None
        if any(modules.stamp_when_read(path) != was for path, was in reads.items()):
            return None
        found = _decode(record)
    except (KeyError, TypeError, ValueError, OSError):  # cache.ShapeError is a ValueError
        return None
    for path, reason in errors.items():
        if isinstance(path, str) and isinstance(reason, str):
            modules.problems.unreadable.setdefault(path, reason)
    return found


def _encode(found: Indexes) -> dict:
    return {"reverse": [[target, [[accessor, *names] for accessor, names in by_accessor.items()]]
                        for target, by_accessor in found.reverse.items()],
            "one_to_one": [[*pair, target] for pair, target in found.one_to_one.items()],
            "bound": [[cls, models] for cls, models in found.bound.items()],
            "swappable": [[setting, model] for setting, model in found.swappable.items()]}


def _decode(record: dict) -> Indexes:
    reverse = {target: {accessor: (holder, name) for accessor, holder, name in _rows(by_accessor, 3)}
               for target, by_accessor in _rows(record["reverse"], 2, last=_list)}
    one_to_one = {(owner, accessor): target for owner, accessor, target in _rows(record["one_to_one"], 3)}
    bound = {cls: list(_strs(models)) for cls, models in _rows(record["bound"], 2, last=_list)}
    swappable = {setting: model for setting, model in _rows(record["swappable"], 2)}
    return Indexes(reverse, one_to_one, bound, swappable)


def _rows(value: Any, width: int, last: Optional[Callable[[Any], Any]] = None) -> list:
    """A list of rows of `width` names (the facts cache's checks); with `last`, each row's last item is
    checked by it instead, and its items by the caller."""
    for row in _list(value):
        _list(row, width)
        _strs(row if last is None else row[:-1])
        if last is not None:
            last(row[-1])
    return value


__all__ = ["Indexes", "indexes", "build", "EXTRA"]
