"""The Phylactery check: can the daemon reach its PostgreSQL, and does pgvector answer?"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pg8000.native

# Long enough for a busy server, short enough that a health check (10 s in the quadlet) still answers.
TIMEOUT_S = 5.0


def check_database() -> dict[str, object]:
    """Connects to ``$LYCHD_DATABASE_URL`` (password from ``$LYCHD_DATABASE_PASSWORD_FILE``), makes
    sure pgvector is installed and runs one distance through it. ``{"configured": False}`` without a
    URL; ``{"ok": False, "error": …}`` (one line, no password) on any failure."""
    url = os.environ.get("LYCHD_DATABASE_URL")
    if not url:
        return {"configured": False}
    password: str | None = None
    try:
        parts = urlsplit(url)
        password = unquote(parts.password) if parts.password else None
        secret = os.environ.get("LYCHD_DATABASE_PASSWORD_FILE")
        if secret:
            # The quadlet mounts the Podman secret as a file; a trailing newline is not part of it.
            password = Path(secret).read_text().rstrip("\r\n")
        conn = pg8000.native.Connection(
            user=unquote(parts.username or "postgres"),
            host=parts.hostname or "localhost",
            port=parts.port or 5432,
            database=unquote(parts.path.lstrip("/")) or None,
            password=password,
            timeout=TIMEOUT_S,
        )
        try:
            conn.run("CREATE EXTENSION IF NOT EXISTS vector")
            server = conn.run("SHOW server_version")[0][0]
            vector = conn.run("SELECT extversion FROM pg_extension WHERE extname = 'vector'")[0][0]
            probe = conn.run("SELECT '[1,2,3]'::vector <-> '[1,2,5]'::vector")[0][0]
        finally:
            conn.close()
        return {"ok": True, "server": server, "vector": vector, "probe": float(probe)}
    except Exception as error:  # noqa: BLE001 (the health answer reports any failure, it never raises)
        return {"ok": False, "error": _one_line(error, password)}


def _one_line(error: Exception, password: str | None) -> str:
    """pg8000 raises server errors with the whole notice as a dict; its message field is what a
    person needs. The password is masked in case a driver or OS message ever echoes it."""
    arg = error.args[0] if error.args else None
    text = arg.get("M", str(arg)) if isinstance(arg, dict) else str(error) or type(error).__name__
    # "Can't create a connection" says where; the cause ("Connection refused") says why.
    if error.__cause__ is not None:
        text = f"{text.rstrip('.')}: {error.__cause__}"
    text = " ".join(text.split())
    if password:
        text = text.replace(password, "***")
    return f"{type(error).__name__}: {text}"[:300]
