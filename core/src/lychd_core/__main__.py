"""``lychd``: report the daemon version and what each extension registered, or serve it."""

from __future__ import annotations

import argparse
import json
import os
import sys
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


class HealthHandler(BaseHTTPRequestHandler):
    """Answers ``GET /health`` with the :func:`health` taken at start-up, as JSON; anything else is 404."""

    body = b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path != "/health":
            self.send_error(404)
            return
        body = self.body
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(port: int) -> None:
    """Serves the health answer on ``port`` (all addresses) until stopped. The extensions are
    loaded and their sources digested once, here: the answer describes the code this process runs."""
    HealthHandler.body = json.dumps(health(), sort_keys=True).encode()
    with ThreadingHTTPServer(("", port), HealthHandler) as server:
        print(f"lychd {__version__} serving /health on port {port}", flush=True)
        server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lychd")
    parser.add_argument("--probe", metavar="URL", help="check that URL answers (e.g. a soulstone's /health)")
    parser.add_argument("--serve", action="store_true", help="serve GET /health on $LYCHD_PORT (default 8000)")
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
