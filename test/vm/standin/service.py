#!/usr/bin/env python3
# STAND-IN for images no registry can serve here (Phoenix, Grafana, the inference engines).
# It ignores what it is asked to run except the port, and answers HTTP 200 on every path of
# that port (/metrics in Prometheus's text format), on all addresses of the pod's network
# namespace.
# Its /health obeys control files the VM scenario writes into /models/.standin/ (the example
# soulstones mount /srv/models there read-only): `<port>.slow` holding N answers 503 for the
# first N seconds of the process, `<port>.sick` answers 503 while it exists.
import http.server
import json
import os
import signal
import re
import sys
import time

def port_from(args, env):
    text = " ".join(args)
    for pattern in (r"--port[ =](\d+)", r"--web\.listen-address[ =]\S*:(\d+)"):
        m = re.search(pattern, text)
        if m:
            return int(m.group(1))
    for var in ("PGPORT", "PHOENIX_PORT", "GF_SERVER_HTTP_PORT", "STANDIN_PORT"):
        if env.get(var, "").isdigit():
            return int(env[var])
    return 9000

STARTED = time.monotonic()
CONTROL = "/models/.standin"

def healthy(port):
    if os.path.exists(f"{CONTROL}/{port}.sick"):
        return False
    try:
        with open(f"{CONTROL}/{port}.slow") as f:
            return time.monotonic() - STARTED >= float(f.read().strip() or 0)
    except (OSError, ValueError):
        return True

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/metrics":  # Prometheus's text format, so the Harvester sees the target up
            body, kind = f'lychd_standin_up{{port="{port}"}} 1\n'.encode(), "text/plain; version=0.0.4"
        else:
            body, kind = json.dumps({"standin": True, "argv": sys.argv[1:]}).encode(), "application/json"
        self.send_response(200 if self.path != "/health" or healthy(port) else 503)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

# PID 1 in the container: without a handler SIGTERM is ignored and podman has to kill it.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
port = port_from(sys.argv[1:], os.environ)
print(f"stand-in listening on :{port} for {sys.argv[1:]}", flush=True)
http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
