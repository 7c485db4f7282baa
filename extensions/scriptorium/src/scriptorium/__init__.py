"""Scriptorium: text out of scanned pages (tesseract) and PDFs (pypdf)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from lychd_core import RendersAs


def register(context) -> None:
    context.add_system_dependency("tesseract-ocr")
    context.add_capability("document.ocr")
    context.add_capability("document.pdf")
    # A new rune family: each runes/scriptorium/codices/*.toml names a folder of documents to index.
    # Each of them renders as a generic soulstone: the indexer of that folder, in the scriptorium coven.
    context.add_anchor(
        "scriptorium/codices",
        schema="schemas/codices.schema.json",
        renders_as=RendersAs(
            family="animator/soulstones/generic",
            defaults={
                "description": "Scriptorium indexer of one codex",
                "image": "localhost/lychd:custom",
                # The image's entry point is the Vessel (lychd): the indexer replaces it.
                "entrypoint": "/app/.venv/bin/python",
                "exec": ["-m", "scriptorium.indexer"],
                "port": 8470,
                "gpu": False,
                "groups": ["scriptorium"],
            },
            env={"SCRIPTORIUM_PATH": "path", "SCRIPTORIUM_LANGUAGES": "languages", "SCRIPTORIUM_WATCH": "watch"},
        ),
    )


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def ocr(image: Path, language: str = "eng") -> str:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise RuntimeError("tesseract is not installed (system dependency tesseract-ocr)")
    done = subprocess.run([tesseract, str(image), "-", "-l", language], capture_output=True, text=True, check=True)
    return done.stdout
