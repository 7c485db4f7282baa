#!/usr/bin/env python3
# STAND-IN Vessel (until forge:image's real image is wired in): answers GET /health on
# $LYCHD_PORT with the extensions baked into the image (name and digest of their sources),
# the uid it runs as, and the capabilities file the generation mounts.
import http.server
import json
import os
import signal
import sys

with open("/app/extensions.json") as f:
    EXTENSIONS = json.load(f)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/health":
            self.send_error(404)
            return
        caps = os.environ.get("LYCHD_CAPABILITIES", "")
        body = json.dumps({
            "status": "ok",
            "uid": os.getuid(),
            "extensions": EXTENSIONS,
            "capabilities": os.path.exists(caps),
        }, sort_keys=True).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

# PID 1 in the container: without a handler SIGTERM is ignored and podman has to kill it.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("LYCHD_PORT", "8000"))), Handler).serve_forever()
