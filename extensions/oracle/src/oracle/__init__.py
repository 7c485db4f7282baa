"""Oracle: normalizes audio with ffmpeg before it reaches a speech soulstone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from lychd_core import RuneDefinition


def register(context) -> None:
    context.add_system_dependency("ffmpeg")
    # sox trims silence before transcription; only the hook asks for it.
    context.add_system_dependency("sox")
    context.add_capability("speech.transcribe")
    context.add_capability("speech.synthesize")
    # The Vessel keeps the synthesized voices in a volume of its own, and learns the voice model.
    context.add_environment("ORACLE_VOICE_MODEL", "eleven_multilingual_v2")
    context.add_volume("oracle-voices", "/var/lib/oracle/voices", read_only=False)
    context.add_rune(
        RuneDefinition(
            anchor="animator/portals",
            fields={
                "name": "oracle-voice",
                "description": "Hosted text to speech for the oracle extension.",
                "provider": "elevenlabs",
                "base_url": "https://api.elevenlabs.io/v1",
                "models": ["eleven_multilingual_v2"],
                "capabilities": ["speech.synthesize"],
                "api_key_secret": "elevenlabs_api_key",
            },
        )
    )


def to_wav16k(source: Path, target: Path) -> Path:
    """Most speech models want 16 kHz mono PCM."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed (system dependency ffmpeg)")
    subprocess.run([ffmpeg, "-y", "-i", str(source), "-ar", "16000", "-ac", "1", str(target)], check=True, capture_output=True)
    return target
