"""The project's post_save receivers, and which of them insert a row pointing at the saved instance.

A receiver that creates `Profile(user=instance)` on a new User makes a second insert of that profile
collide with its own (new_rows.py asks `post_save_creators`). Receivers are read from models, signals /
receivers / handlers and apps modules; a function one module connects from another
(`post_save.connect(signals.create_profile, sender=...)`) counts where it is defined.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from .facts import ModuleFacts, ReceiverFacts, Ref, names_auth_user_model
from .modules import ModuleIndex
from .registry import ModelRegistry
from .uniqueness import ModelInfo

# (receiver, the file defining it, the facts of the module connecting it, the sender it is connected for)
Connection = Tuple[ReceiverFacts, str, ModuleFacts, object]


class ReceiverIndex:
    def __init__(self, modules: ModuleIndex, registry: ModelRegistry):
        self.modules = modules
        self.registry = registry
        self._receivers: Optional[List[Connection]] = None

    def post_save_creators(self, parent: ModelInfo, holder: ModelInfo, field: str,
                           also: Optional[ModuleFacts] = None) -> List[Tuple[ReceiverFacts, str]]:
        """The post_save receivers (with their files) that insert a `holder` row whose `field` points at
        a newly saved `parent`: another insert of that row for a new parent collides with theirs.
        `also` is the linted module's facts, whose own connected receivers count too."""
        if self._receivers is None:
            self._receivers = self._collect()
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
                model = self.registry.model(dotted)
                if model is not None and model.qualname == holder.qualname and model.field_for(name) == field:
                    found.append((receiver, where))
                    break
        return found

    def _collect(self) -> List[Connection]:
        """Every receiver indexed, with the module connecting it and its sender."""
        modules = self.modules
        found: List[Connection] = []
        for dotted in modules.models_modules + modules.signals_modules + modules.apps_modules:
            facts = modules.module(dotted)
            if facts is None:
                continue
            found += [(receiver, facts.path, facts, receiver.sender) for receiver in facts.receivers
                      if receiver.connected]
            for target, sender in facts.connections:  # `post_save.connect(signals.create_profile, ...)`
                module_name, _, function = target.rpartition(".")
                defining = modules.module(module_name) if module_name else None
                if defining is None:
                    continue
                found += [(receiver, defining.path, facts, sender) for receiver in defining.receivers
                          if receiver.name == function]
        return found

    def _sender_model(self, sender: object, facts: ModuleFacts) -> Optional[ModelInfo]:
        if isinstance(sender, Ref):
            if names_auth_user_model(sender.dotted):
                return self.registry.user_model()
            return self.registry.model(sender.dotted if "." in sender.dotted else f"{facts.name}.{sender.dotted}")
        if isinstance(sender, str):
            return self.registry.model_by_label(sender)
        return None


__all__ = ["ReceiverIndex", "Connection"]
