"""The Federation: what extensions' ``register(context)`` hooks contribute, recorded for the Forge.

The Forge runs ``python -m lychd_core.federation EXTENSION MODULE:ATTR ROOT`` once per active
extension, in the locked environment of the synthesis. The hook gets a ``RecordingContext``; what
it registered, each item with the file and line of the extension that registered it, is printed
as one JSON document on stdout. A hook that raises is reported the same way, with the last frame
of the traceback that lies in the extension.
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RuneDefinition:
    """One rune an extension adds: the anchor folder that owns it and its fields, as in a rune file."""

    anchor: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RendersAs:
    """How the runes of an extension's family become units: each is a rune of the built-in family
    at ``family`` (e.g. ``"animator/soulstones/generic"``) made of ``defaults``, named as the rune is,
    with ``env`` setting variables of the unit from the rune's own fields (variable -> field name)."""

    family: str
    defaults: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class RecordingContext:
    """The context handed to ``register``: records every call with where it was made."""

    root: Path
    records: list[dict[str, Any]] = field(default_factory=list)

    def add_system_dependency(self, name: str) -> None:
        self._record("system-dependency", name)

    def add_capability(self, name: str) -> None:
        self._record("capability", name)

    def add_rune(self, rune: RuneDefinition) -> None:
        if not isinstance(rune, RuneDefinition):
            raise TypeError(f"add_rune takes a RuneDefinition, not {type(rune).__name__}")
        self._record("rune", {"anchor": rune.anchor, "fields": rune.fields})

    def add_anchor(self, anchor: str, schema: str, renders_as: RendersAs | None = None) -> None:
        """A new rune family: ``runes/<anchor>/*.toml`` validated by the JSON Schema file ``schema``
        (a path relative to the extension's folder); with ``renders_as``, each of its runes becomes a unit."""
        value: dict[str, Any] = {"anchor": anchor, "schema": schema}
        if renders_as is not None:
            if not isinstance(renders_as, RendersAs):
                raise TypeError(f"renders_as takes a RendersAs, not {type(renders_as).__name__}")
            value["rendersAs"] = {"family": renders_as.family, "defaults": renders_as.defaults, "env": renders_as.env}
        self._record("anchor", value)

    # What the Vessel's container needs; the Forge validates each and renders it into vessel.container.

    def add_environment(self, name: str, value: str) -> None:
        """A variable of the Vessel's environment; two extensions may not set the same one."""
        self._record("environment", {"name": name, "value": value})

    def add_volume(self, source: str, target: str, read_only: bool = True) -> None:
        """A named volume or an absolute host folder mounted at ``target`` in the Vessel."""
        self._record("volume", {"source": source, "target": target, "readOnly": read_only})

    def add_device(self, path: str) -> None:
        """A host device (``/dev/...``) given to the Vessel."""
        self._record("device", path)

    def add_port(self, port: int) -> None:
        """A port the Vessel listens on, published on the pod; no other service may hold it."""
        self._record("port", port)

    def add_secret(self, name: str, variable: str | None = None) -> None:
        """A podman secret mounted at ``/run/secrets/<name>``; ``variable`` names that file for the code."""
        self._record("secret", {"name": name, "variable": variable})

    def _record(self, kind: str, value: Any) -> None:
        file, line = self._caller()
        self.records.append({"kind": kind, "value": value, "file": file, "line": line})

    def _caller(self) -> tuple[str, int]:
        """The innermost frame in the extension's own files: where the registration was written."""
        for frame_info in traceback.extract_stack()[::-1]:
            relative = _inside(self.root, frame_info.filename)
            if relative is not None:
                return relative, frame_info.lineno or 0
        return "", 0


def _inside(root: Path, filename: str) -> str | None:
    try:
        return Path(filename).resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def run(module_attr: str, root: Path) -> dict[str, Any]:
    context = RecordingContext(root=root.resolve())
    module_name, _, attr = module_attr.partition(":")
    try:
        hook = getattr(importlib.import_module(module_name), attr or "register")
        hook(context)
    except BaseException as error:  # noqa: BLE001 - every failure of the hook is the extension's to fix
        frames = [f for f in traceback.extract_tb(error.__traceback__) if _inside(context.root, f.filename) is not None]
        last = frames[-1] if frames else None
        return {
            "error": {
                "type": type(error).__name__,
                "message": str(error),
                "file": _inside(context.root, last.filename) if last else "",
                "line": last.lineno if last else 0,
                "function": last.name if last else "",
            }
        }
    return {"records": context.records}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m lychd_core.federation EXTENSION MODULE:ATTR ROOT", file=sys.stderr)
        return 2
    _, module_attr, root = argv
    json.dump(run(module_attr, Path(root)), sys.stdout, sort_keys=True, default=repr)
    return 0


if __name__ == "__main__":
    # Run as a module, this file is `__main__`; hooks import `lychd_core.federation`. Use that one,
    # so that the RuneDefinition they build is the class the context checks for.
    from lychd_core.federation import main as _main

    sys.exit(_main(sys.argv[1:]))
