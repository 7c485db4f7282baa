"""The LychD daemon core."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points

from .federation import RuneDefinition

__version__ = "0.1.0"

EXTENSION_GROUP = "lychd.extensions"

__all__ = ["Context", "EXTENSION_GROUP", "RuneDefinition", "load_extensions"]


@dataclass
class Context:
    """What an extension's ``register(context)`` hook may contribute."""

    capabilities: set[str] = field(default_factory=set)
    system_dependencies: set[str] = field(default_factory=set)
    runes: list[RuneDefinition] = field(default_factory=list)
    anchors: dict[str, str] = field(default_factory=dict)

    def add_capability(self, name: str) -> None:
        self.capabilities.add(name)

    def add_system_dependency(self, name: str) -> None:
        self.system_dependencies.add(name)

    def add_rune(self, rune: RuneDefinition) -> None:
        self.runes.append(rune)

    def add_anchor(self, anchor: str, schema: str) -> None:
        self.anchors[anchor] = schema


def load_extensions() -> dict[str, Context]:
    """Calls every installed extension's ``register`` hook, each with its own context."""
    loaded: dict[str, Context] = {}
    for ep in sorted(entry_points(group=EXTENSION_GROUP), key=lambda e: e.name):
        context = Context()
        ep.load()(context)
        loaded[ep.name] = context
    return loaded
