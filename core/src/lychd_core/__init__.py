"""The LychD daemon core."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path

from .federation import RendersAs, RuneDefinition

__version__ = "0.1.0"

EXTENSION_GROUP = "lychd.extensions"

__all__ = ["Context", "EXTENSION_GROUP", "RendersAs", "RuneDefinition", "extension_sources", "load_extensions"]


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

    vessel: list[tuple[str, object]] = field(default_factory=list)

    def add_anchor(self, anchor: str, schema: str, renders_as: RendersAs | None = None) -> None:
        self.anchors[anchor] = schema

    # The Vessel's container needs are the Forge's to render; at run time they are only kept.
    def add_environment(self, name: str, value: str) -> None:
        self.vessel.append(("environment", (name, value)))

    def add_volume(self, source: str, target: str, read_only: bool = True) -> None:
        self.vessel.append(("volume", (source, target, read_only)))

    def add_device(self, path: str) -> None:
        self.vessel.append(("device", path))

    def add_port(self, port: int) -> None:
        self.vessel.append(("port", port))

    def add_secret(self, name: str, variable: str | None = None) -> None:
        self.vessel.append(("secret", (name, variable)))


def load_extensions() -> dict[str, Context]:
    """Calls every installed extension's ``register`` hook, each with its own context."""
    loaded: dict[str, Context] = {}
    for ep in sorted(entry_points(group=EXTENSION_GROUP), key=lambda e: e.name):
        context = Context()
        ep.load()(context)
        loaded[ep.name] = context
    return loaded


def extension_sources() -> dict[str, str]:
    """Per installed extension, the sha256 of its package's files (relative path and content):
    which code this daemon runs, so a new body can be told from the old one."""
    digests: dict[str, str] = {}
    for ep in sorted(entry_points(group=EXTENSION_GROUP), key=lambda e: e.name):
        package = ep.module.partition(".")[0]
        spec = find_spec(package)
        if spec is None:
            raise LookupError(f"extension {ep.name}: its package {package} is not installed")
        # A package (namespace packages included) is its folders; a plain module is its file.
        roots = [Path(p) for p in spec.submodule_search_locations or []] or ([Path(spec.origin)] if spec.origin else [])
        h = hashlib.sha256()
        for root in roots:
            files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            for f in files:
                h.update(f.relative_to(root.parent).as_posix().encode() + b"\0")
                h.update(hashlib.sha256(f.read_bytes()).digest())
        digests[ep.name] = f"sha256:{h.hexdigest()}"
    return digests
