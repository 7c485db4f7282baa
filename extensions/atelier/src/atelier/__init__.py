"""Atelier: the shared look of the LychD web interface."""

from __future__ import annotations

from importlib.resources import files


def register(context) -> None:
    context.add_capability("ui.theme")


def base_template() -> str:
    return (files(__package__) / "base.html").read_text(encoding="utf-8")
