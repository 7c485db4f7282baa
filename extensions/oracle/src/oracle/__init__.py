"""Oracle: normalizes audio with ffmpeg before it reaches a speech soulstone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def register(context) -> None:
    context.add_system_dependency("ffmpeg")
    context.add_capability("speech.transcribe")
    context.add_capability("speech.synthesize")


def to_wav16k(source: Path, target: Path) -> Path:
    """Most speech models want 16 kHz mono PCM."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed (system dependency ffmpeg)")
    subprocess.run([ffmpeg, "-y", "-i", str(source), "-ar", "16000", "-ac", "1", str(target)], check=True, capture_output=True)
    return target
