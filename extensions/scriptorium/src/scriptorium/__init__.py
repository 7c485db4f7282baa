"""Scriptorium: text out of scanned pages (tesseract) and PDFs (pypdf)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def register(context) -> None:
    context.add_system_dependency("tesseract-ocr")
    context.add_capability("document.ocr")
    context.add_capability("document.pdf")
    # A new rune family: each runes/scriptorium/codices/*.toml names a folder of documents to index.
    context.add_anchor("scriptorium/codices", schema="schemas/codices.schema.json")


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def ocr(image: Path, language: str = "eng") -> str:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise RuntimeError("tesseract is not installed (system dependency tesseract-ocr)")
    done = subprocess.run([tesseract, str(image), "-", "-l", language], capture_output=True, text=True, check=True)
    return done.stdout
