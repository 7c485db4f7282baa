"""The indexer of one codex (a scriptorium rune rendered as a soulstone): the text of every PDF and scan.

Started with SCRIPTORIUM_PATH (the folder), SCRIPTORIUM_LANGUAGES (tesseract codes, comma separated)
and SCRIPTORIUM_WATCH ("true" to scan again every minute), as the rune's renders_as sets them.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from scriptorium import ocr, pdf_text

SCANS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def index(folder: Path, languages: str) -> dict[str, int]:
    """Characters of text per document, PDFs by their text layer, scans by OCR."""
    sizes: dict[str, int] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            sizes[path.relative_to(folder).as_posix()] = len(pdf_text(path))
        elif suffix in SCANS:
            sizes[path.relative_to(folder).as_posix()] = len(ocr(path, languages.replace(",", "+")))
    return sizes


def main() -> int:
    # The container's first process: without a handler the kernel ignores SIGTERM, and podman stop
    # (a coven switch) would wait, then kill it, and systemd would count the unit as failed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    folder = Path(os.environ["SCRIPTORIUM_PATH"])
    languages = os.environ.get("SCRIPTORIUM_LANGUAGES", "eng")
    while True:
        json.dump(index(folder, languages), sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
        sys.stdout.flush()
        if os.environ.get("SCRIPTORIUM_WATCH") != "true":
            return 0
        time.sleep(60)


if __name__ == "__main__":
    sys.exit(main())
