#!/usr/bin/env python3
# STAND-IN for images no registry can serve here (PostgreSQL, Phoenix, Prometheus, Grafana,
# the inference engines). It ignores what it is asked to run except the port, and answers
# HTTP 200 on every path of that port, on all addresses of the pod's network namespace.
import http.server
import json
import os
import signal
import re
import sys

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

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"standin": True, "argv": sys.argv[1:]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
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
