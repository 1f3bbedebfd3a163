#!/usr/bin/env python3
"""segment_blind.py — an engine that ignores Scan's Segment: a loopback proxy in front of a DynamoDB engine that
drops Segment and TotalSegments from every Scan request before forwarding it, so every segment of a parallel scan
is the whole table (as some emulators answer).  Everything else passes through unchanged.

Usage: segment_blind.py --upstream URL --port-file FILE [--owner PID]

The port file receives "http://127.0.0.1:PORT" once the proxy listens (written atomically); the proxy exits when
--owner's process is gone.  GET /__stats answers {"requests": N, "scans": N, "segmented_scans": N} (Scan requests
that carried a Segment).
"""
import argparse
import http.client
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import serve  # noqa: E402

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length", "host"}
STATS = {"requests": 0, "scans": 0, "segmented_scans": 0}
MU = threading.Lock()
UPSTREAM = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with MU:
            body = json.dumps(STATS).encode()
        self.answer(200, body, [("Content-Type", "application/json")])

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target", "")
        with MU:
            STATS["requests"] += 1
        if target.endswith(".Scan"):
            req = json.loads(body)
            with MU:
                STATS["scans"] += 1
                if "Segment" in req:
                    STATS["segmented_scans"] += 1
            req.pop("Segment", None)
            req.pop("TotalSegments", None)
            body = json.dumps(req).encode()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
        try:
            conn.request("POST", self.path, body, headers)
            resp = conn.getresponse()
            data = resp.read()
            # the engine's x-amz-crc32 covers its body, which passes unchanged
            out = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
            self.answer(resp.status, data, out)
        finally:
            conn.close()


def main():
    global UPSTREAM
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--owner", type=int, default=0)
    a = ap.parse_args()
    UPSTREAM = urllib.parse.urlparse(a.upstream)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    serve(srv, a.port_file, a.owner)


if __name__ == "__main__":
    main()
