"""The model registry: which classes are models, their unique sets, and how models relate.

`model()` turns class facts into `ModelInfo` records (built by `uniqueness`, which follows Django's
inheritance rules, plus the unique sets the configuration declares), once per class. On top of the
project's models it keeps the relation indexes the resolver walks: the user model, `"app_label.Model"`
strings, managers bound to models, reverse managers (`author.book_set`), one-to-one accessors from
either side, and the `through` model of a many-to-many (declared, or Django's auto-created table).
The indexes that need every model of the project (managers bound, reverse managers, one-to-one
accessors, swappable settings) are names kept between processes (`project_indexes`): an answer builds
only the models it names.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from . import project_indexes
from .django_settings import Settings, app_package
from .facts import ClassFacts, Ref, names_auth_user_model
from .modules import ModuleIndex
from .project_indexes import Indexes
from .uniqueness import FieldInfo, ModelInfo, UniqueSet, build_model, configured_model, with_configured

STOCK_USER = "django.contrib.auth.models.User"

UniqueConfig = Sequence[Sequence[str]]  # the field tuples one configured model is unique on
Relation = Tuple[ModelInfo, FieldInfo]  # the model holding a relation, and its field


class ModelRegistry:
    def __init__(self, modules: ModuleIndex, settings: Settings, labels: Mapping[str, List[str]],
                 extra_unique: Mapping[str, UniqueConfig]):
        self.modules = modules
        self.settings = settings
        self.labels = labels
        self.extra_unique = extra_unique  # configured unique facts: "app.Model" or dotted → field tuples
        self._models: Dict[str, Optional[ModelInfo]] = {}
        self._project_models: Optional[List[ModelInfo]] = None
        self._user_model: Optional[Tuple[Optional[ModelInfo]]] = None
        self._names: Optional[Indexes] = None  # the project-wide indexes, as names
        self._swappable: Optional[Dict[str, ModelInfo]] = None  # their swappable settings' models
        self._sole: Dict[str, Optional[Relation]] = {}  # accessor → `sole_reverse_relation`'s answer

    def unbuilt(self) -> "ModelRegistry":
        """A registry of the same project with nothing built yet: one whose every answer shows all it read
        (project_indexes.py builds the indexes it keeps with one, inside `ModuleIndex.recording`)."""
        return ModelRegistry(self.modules, self.settings, self.labels, self.extra_unique)

    # ---------------------------------------------------------------------------------------- models
    def model(self, dotted: str) -> Optional[ModelInfo]:
        """The ModelInfo for a class name, or None when it is not a (known) model. A class of the standard
        library is none: its module is not read to find out (`ModuleIndex.in_standard_library`)."""
        cls = None if self.modules.in_standard_library(dotted) else self.modules.find_class(dotted)
        if cls is None:
            extra = self._configured(dotted)
            return configured_model(dotted, extra) if extra else None
        key = cls.qualname
        if key not in self._models:
            self._models[key] = None  # cycle guard
            info = build_model(self, cls)
            extra = self._configured(key) if info is not None else None
            self._models[key] = with_configured(info, extra) if info is not None and extra else info
        return self._models[key]

    def find_class(self, dotted: str) -> Optional[ClassFacts]:
        """Class lookup, for `uniqueness` (the registry is the `ModelLookup` models are built with)."""
        return self.modules.find_class(dotted)

    def in_standard_library(self, dotted: str) -> bool:
        """For `uniqueness`: a standard-library base never makes a class a model, nor hides one."""
        return self.modules.in_standard_library(dotted)

    def ancestors(self, cls: ClassFacts) -> List[Tuple[str, Optional[ClassFacts]]]:
        """Base classes, for `uniqueness` (a project field class deriving from a Django field)."""
        return self.modules.ancestors(cls)

    def module_value(self, dotted: str) -> object:
        """The literal of a module-level name (`pkg.settings.OPTIONS`), for `uniqueness` (a field's
        `**options`); None when the module or the name is unknown."""
        module, _, name = dotted.rpartition(".")
        facts = self.modules.module(module) if module else None
        return facts.assigned(name) if facts is not None and not facts.error else None

    def _configured(self, dotted: str) -> Optional[UniqueConfig]:
        """Unique sets the configuration declares for a model, by dotted path or `app_label.Model`."""
        if not self.extra_unique:
            return None
        if dotted in self.extra_unique:
            return self.extra_unique[dotted]
        module, _, name = dotted.rpartition(".")
        package = app_package(module) or module.rpartition(".")[0]
        label = f"{package.rpartition('.')[2]}.{name}" if package else None
        for key, sets in self.extra_unique.items():
            if label and key.lower() == label.lower():
                return sets
        return None

    def model_by_label(self, label: object) -> Optional[ModelInfo]:
        """The model named by an `"app_label.ModelName"` string (model name case-insensitive)."""
        if not isinstance(label, str) or label.count(".") != 1:
            return None
        app_label, _, name = label.partition(".")
        for package in list(self.labels.get(app_label, ())):
            found = self._model_in_package(package, name)
            if found is not None:
                return found
        for key, sets in self.extra_unique.items():
            if key.lower() == label.lower():
                return configured_model(key, sets)
        return None

    def _model_in_package(self, package: str, name: str) -> Optional[ModelInfo]:
        facts = self.modules.module(f"{package}.models")
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

    def user_model(self) -> Optional[ModelInfo]:
        """The model `get_user_model()` returns: AUTH_USER_MODEL, else the only custom user, else auth.User.

        Never a silent guess: when the settings or the module defining AUTH_USER_MODEL's class cannot be
        read, or AUTH_USER_MODEL is computed, `problems.user_model` says so (the engine reports it as
        UNQ000 in each file that writes through the user model) and the answer is the project's only
        custom user model if it has exactly one, else unknown (None)."""
        if self._user_model is None:
            self._user_model = (self._find_user_model(),)
        return self._user_model[0]

    def _find_user_model(self) -> Optional[ModelInfo]:
        settings, modules = self.settings, self.modules
        if settings.auth_user_model:
            found = self.model_by_label(settings.auth_user_model)
            if found is not None:
                return found
            modules.problems.user_model = (f"AUTH_USER_MODEL {settings.auth_user_model!r} "
                                           f"{self._unfound_label(settings.auth_user_model)}; writes to the "
                                           f"user model are not checked")
            return None
        if settings.unread:
            why = "; ".join(f"cannot read {modules.relative(path)} ({reason})" for path, reason in settings.unread)
            return self._only_custom_user(f"{why}: AUTH_USER_MODEL is unknown")
        if settings.auth_computed:
            where = modules.relative(modules.module_path(settings.module)) if settings.module else "?"
            return self._only_custom_user(f"AUTH_USER_MODEL in {where} is computed, not a literal")
        if settings.module is None:
            custom = [m for m in self.project_models() if m.is_user and not m.abstract]
            if len(custom) == 1:
                return custom[0]
        return self.model(STOCK_USER)

    def _only_custom_user(self, why: str) -> Optional[ModelInfo]:
        """Judge with what is known, and say so: the project's one concrete custom user model, if any."""
        custom = [m for m in self.project_models() if m.is_user and not m.abstract]
        if len(custom) == 1:
            self.modules.problems.user_model = (f"{why}; judged as {custom[0].qualname}, the project's only "
                                                f"custom user model")
            return custom[0]
        self.modules.problems.user_model = f"{why}; writes to the user model are not checked"
        return None

    def _unfound_label(self, label: str) -> str:
        """Why `app_label.Model` names no model: the app's models module could not be read, or none is known."""
        for package in self.labels.get(label.partition(".")[0], ()):
            path = self.modules.module_path(f"{package}.models")
            facts = self.modules.module(f"{package}.models") if path else None
            if facts is not None and facts.error:
                return f"is defined in {self.modules.relative(path)}, which cannot be read ({facts.error})"
        return "names no model uniqueguard can find"

    def project_models(self) -> List[ModelInfo]:
        """Every model class in the project's models modules."""
        if self._project_models is None:
            result = []
            for dotted in self.modules.models_modules:
                facts = self.modules.module(dotted)
                for cls in facts.classes if facts is not None else ():
                    info = self.model(cls.qualname)
                    if info is not None:
                        result.append(info)
            self._project_models = result
        return self._project_models

    # ------------------------------------------------------------------------------------- relations
    def _indexes(self) -> Indexes:
        """The project-wide indexes as names (project_indexes.py: built once, kept between processes)."""
        if self._names is None:
            self._names = project_indexes.indexes(self)
        return self._names

    def _models_named(self, qualnames: Iterable[str]) -> List[ModelInfo]:
        return [info for info in map(self.model, qualnames) if info is not None]

    def _relation(self, names: Optional[Tuple[str, str]]) -> Optional[Relation]:
        """(model, field) for (model name, field name) as the indexes give them."""
        holder = self.model(names[0]) if names is not None else None
        field_info = holder.fields.get(names[1]) if holder is not None and names is not None else None
        return (holder, field_info) if holder is not None and field_info is not None else None

    def models_for_class(self, qualname: str) -> List[ModelInfo]:
        """Models whose managers are built from this manager or queryset class (its `self.model`)."""
        return self._models_named(self._indexes().bound.get(qualname, ()))

    def swappable_models(self) -> Dict[str, ModelInfo]:
        """setting → the project model whose `Meta.swappable` names it (the app's default model)."""
        if self._swappable is None:
            found = ((setting, self.model(qualname)) for setting, qualname in self._indexes().swappable.items())
            self._swappable = {setting: info for setting, info in found if info is not None}
        return self._swappable

    def related_model(self, owner: ModelInfo, field: FieldInfo) -> Optional[ModelInfo]:
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
                return self.model(f"{owner.facts.module}.{target}") or self._model_in_app(owner.facts.module, target)
        return None

    def _model_in_app(self, module: str, name: str) -> Optional[ModelInfo]:
        """A bare `"Component"` resolves within the declaring model's app, as Django does, whichever
        models submodule declares it (`models/library.py` naming a model of `models/books.py`)."""
        package = app_package(module)
        if not package:
            return None
        found = self._model_in_package(package, name)
        if found is not None:
            return found
        for dotted in self.modules.models_modules:
            if dotted.startswith(package + ".models."):
                found = self.model(f"{dotted}.{name}")
                if found is not None:
                    return found
        return None

    def through_model(self, owner: ModelInfo, field_name: str) -> Optional[ModelInfo]:
        """The model behind `Owner.<m2m>.through`: the declared `through=`, or Django's auto-created
        table, which is unique on the (owner, target) pair."""
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

    def one_to_one_accessor(self, owner_qualname: str, accessor: str) -> Optional[ModelInfo]:
        """The model reached by `instance.<accessor>` through a one-to-one, from either side:
        `user.profile` (Profile.user = OneToOneField(User)) or `profile.user`. None when it is not one."""
        target = self._indexes().one_to_one.get((owner_qualname, accessor))
        return self.model(target) if target is not None else None

    def one_to_one_targets(self, accessor: str) -> List[ModelInfo]:
        """The models any one-to-one accessor named `accessor` leads to, when the owner is unknown."""
        return self._models_named(target for (_, name), target in self._indexes().one_to_one.items()
                                  if name == accessor)

    def reverse_relations(self, qualname: str) -> Dict[str, Relation]:
        """accessor → (model holding the relation, its field) for relations pointing at `qualname`.

        `author.book_set` / `author.books` (related_name) for a ForeignKey or ManyToManyField on Book.
        A OneToOne's reverse accessor is an instance, not a manager, so it is not listed.
        """
        by_accessor = self._indexes().reverse.get(qualname, {})
        found = ((accessor, self._relation(names)) for accessor, names in by_accessor.items())
        return {accessor: relation for accessor, relation in found if relation is not None}

    def reverse_relation(self, owner: ModelInfo, accessor: str) -> Optional[Relation]:
        """The relation behind `instance.<accessor>` for an instance of `owner`, also one pointing at a
        model `owner` inherits from (a multi-table parent, a proxy's concrete model): Django puts the
        reverse manager on the related class, and Python's attribute lookup finds it on subclasses."""
        seen = set()
        queue = [owner]
        while queue:
            info = queue.pop(0)
            if info.qualname in seen:
                continue
            seen.add(info.qualname)
            found = self._relation(self._indexes().reverse.get(info.qualname, {}).get(accessor))
            if found is not None:
                return found
            queue.extend(base for base in map(self.model, info.base_models) if base is not None)
        return None

    def sole_reverse_relation(self, accessor: str) -> Optional[Relation]:
        """(model holding the relation, its field) when exactly one model in the project is reached
        through reverse managers named `accessor` (`tokens`, `book_set`), else None: how
        `user.tokens.create()` is resolved when nothing says what `user` is."""
        if accessor not in self._sole:
            self._sole[accessor] = self._sole_reverse_relation(accessor)
        return self._sole[accessor]

    def _sole_reverse_relation(self, accessor: str) -> Optional[Relation]:
        found: Optional[Tuple[str, str]] = None  # (model, field) names
        for by_accessor in self._indexes().reverse.values():
            names = by_accessor.get(accessor)
            if names is None:
                continue
            if found is not None and found[0] != names[0]:
                return None  # two models own that accessor: which one is written is unknown
            holder = self.model(found[0]) if found is not None else None
            if holder is not None and found is not None and not _interchangeable(holder, found[1], names[1]):
                return None  # one model, several relations (`subscription_set` of a user and of a project)
            found = names
        return self._relation(found)

    def reverse_accessor(self, holder: ModelInfo, relation: FieldInfo) -> Optional[str]:
        """The attribute Django gives the related model's instances for `relation`, a field of
        `holder` (`ForeignObjectRel.get_accessor_name`, `RelatedField.contribute_to_class`):
        `related_name`, else the holder's `Meta.default_related_name`, with `%(class)s`,
        `%(model_name)s` and `%(app_label)s` filled in for the concrete holder (an abstract base's
        field copied into it); else the holder's lowercased name, plus `_set` for a manager (a
        ForeignKey or ManyToManyField; a OneToOne's accessor is the instance itself). None when
        there is none: a name ending in `+`, a symmetrical many-to-many to "self", or a
        placeholder Django does not know."""
        if relation.symmetrical:
            return None
        name = relation.related_name
        if name is None and holder.facts is not None and holder.facts.meta is not None:
            default = holder.facts.meta.assigned("default_related_name")
            name = default if isinstance(default, str) else None
        if name is None:
            return holder.name.lower() + ("" if relation.relation == "o2o" else "_set")
        if name.endswith("+"):
            return None
        if "%" in name:
            lowered = holder.name.lower()
            try:
                name = name % {"class": lowered, "model_name": lowered, "app_label": self.app_label(holder).lower()}
            except (KeyError, ValueError, TypeError):
                return None
        return name

    def app_label(self, info: ModelInfo) -> str:
        """A model's app label: its `Meta.app_label`, else the label of the app package declaring it
        (an AppConfig's `label`, else the package's last part)."""
        facts = info.facts
        own = facts.meta.assigned("app_label") if facts is not None and facts.meta is not None else None
        if isinstance(own, str):
            return own
        module = facts.module if facts is not None else info.qualname.rpartition(".")[0]
        package = app_package(module) or module.rpartition(".")[0]
        for label, packages in self.labels.items():
            if package in packages:
                return label
        return package.rpartition(".")[2]


def _interchangeable(holder: ModelInfo, one: str, other: str) -> bool:
    """Whether two fields of `holder` sit in exactly the same unique sets: a write through a reverse
    manager that sets one of them (which one is unknown) then risks the same sets either way."""
    return one == other or all((one in s.fields) == (other in s.fields) for s in holder.unique_sets)


__all__ = ["ModelRegistry", "Relation", "STOCK_USER"]
