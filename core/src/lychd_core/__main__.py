"""``lychd``: report the daemon version and what each extension registered, or serve it."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import platformdirs

from . import __version__, extension_sources, load_extensions
from .database import check_database


def extensions() -> dict[str, object]:
    """Per loaded extension, its capabilities and the digest of its sources (which code runs: the
    Rebirth Gate's check that a new body took over)."""
    sources = extension_sources()
    return {
        name: {"capabilities": sorted(ctx.capabilities), "sources": sources.get(name, "")}
        for name, ctx in load_extensions().items()
    }


def health(loaded: dict[str, object] | None = None) -> dict[str, object]:
    """The health answer: the version, the extensions (``loaded``, taken at start-up, or taken now)
    and the Phylactery's check, taken now. A configured database that fails degrades the Vessel."""
    database = check_database()
    degraded = bool(database.get("configured", True)) and not database.get("ok")
    return {
        "status": "degraded" if degraded else "ok",
        "version": __version__,
        "extensions": extensions() if loaded is None else loaded,
        "database": database,
    }


def describe(database: dict[str, object]) -> str:
    """One line for the start-up log: what the database check found."""
    if not database.get("configured", True):
        return "database: not configured (no LYCHD_DATABASE_URL)"
    if not database.get("ok"):
        return f"database: {database['error']}"
    return f"database: PostgreSQL {database['server']}, vector {database['vector']}"


def metrics(extensions: int, answered: dict[str, int]) -> str:
    """The Prometheus text the Harvester scrapes: the version, the extensions loaded and the
    requests answered per path (the Scribe's Vessel dashboard draws these)."""
    lines = [
        "# HELP lychd_vessel_info The Vessel's version.",
        "# TYPE lychd_vessel_info gauge",
        f'lychd_vessel_info{{version="{__version__}"}} 1',
        "# HELP lychd_vessel_extensions Extensions loaded at start-up.",
        "# TYPE lychd_vessel_extensions gauge",
        f"lychd_vessel_extensions {extensions}",
        "# HELP lychd_http_requests_total Requests answered, by path.",
        "# TYPE lychd_http_requests_total counter",
        *(f'lychd_http_requests_total{{path="{path}"}} {n}' for path, n in sorted(answered.items())),
    ]
    return "\n".join(lines) + "\n"


class HealthHandler(BaseHTTPRequestHandler):
    """Answers ``GET /health`` with :func:`health` as JSON (200, or 503 when degraded so the
    quadlet's health check fails), and ``GET /metrics`` for the Harvester; anything else is 404."""

    loaded: dict[str, object] = {}
    answered = {"/health": 0, "/metrics": 0}
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path not in self.answered:
            self.send_error(404)
            return
        with self.lock:
            self.answered[self.path] += 1
            counts = dict(self.answered)
        code = 200
        if self.path == "/health":
            # The database is checked live: a Phylactery that went away must show on the next check.
            answer = health(self.loaded)
            code = 200 if answer["status"] == "ok" else 503
            body, kind = json.dumps(answer, sort_keys=True).encode(), "application/json"
        else:
            body, kind = metrics(len(self.loaded), counts).encode(), "text/plain; version=0.0.4"
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(port: int) -> None:
    """Serves the health answer on ``port`` (all addresses) until stopped. The extensions are
    loaded and their sources digested once, here: the answer describes the code this process runs."""
    HealthHandler.loaded = extensions()
    print(describe(check_database()), flush=True)
    with ThreadingHTTPServer(("", port), HealthHandler) as server:
        print(f"lychd {__version__} serving /health and /metrics on port {port}", flush=True)
        server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lychd")
    parser.add_argument("--probe", metavar="URL", help="check that URL answers (e.g. a soulstone's /health)")
    parser.add_argument("--serve", action="store_true", help="serve GET /health and /metrics on $LYCHD_PORT (default 8000)")
    args = parser.parse_args(argv)

    if args.serve:
        serve(int(os.environ.get("LYCHD_PORT", "8000")))
        return 0
    print(f"lychd {__version__} (data: {platformdirs.user_data_dir('lychd')})")
    for name, context in load_extensions().items():
        caps = ", ".join(sorted(context.capabilities)) or "-"
        print(f"  {name}: {caps}")
    if args.probe:
        try:
            response = httpx.get(args.probe, timeout=5.0)
        except httpx.HTTPError as error:
            print(f"{args.probe}: {error}", file=sys.stderr)
            return 1
        print(f"{args.probe}: {response.status_code}")
        return 0 if response.is_success else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
