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


def health() -> dict[str, object]:
    """The health answer: the version and, per loaded extension, its capabilities and the digest
    of its sources (which code runs: the Rebirth Gate's check that a new body took over)."""
    sources = extension_sources()
    return {
        "status": "ok",
        "version": __version__,
        "extensions": {
            name: {"capabilities": sorted(ctx.capabilities), "sources": sources.get(name, "")}
            for name, ctx in load_extensions().items()
        },
    }


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
    """Answers ``GET /health`` with the :func:`health` taken at start-up, as JSON, and ``GET
    /metrics`` for the Harvester; anything else is 404."""

    body = b""
    extensions = 0
    answered = {"/health": 0, "/metrics": 0}
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path not in self.answered:
            self.send_error(404)
            return
        with self.lock:
            self.answered[self.path] += 1
            counts = dict(self.answered)
        if self.path == "/health":
            body, kind = self.body, "application/json"
        else:
            body, kind = metrics(self.extensions, counts).encode(), "text/plain; version=0.0.4"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(port: int) -> None:
    """Serves the health answer on ``port`` (all addresses) until stopped. The extensions are
    loaded and their sources digested once, here: the answer describes the code this process runs."""
    answer = health()
    HealthHandler.body = json.dumps(answer, sort_keys=True).encode()
    HealthHandler.extensions = len(answer["extensions"])
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
