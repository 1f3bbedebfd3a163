#!/usr/bin/env python3
"""A hostile DynamoDB endpoint for terminal_safety.bats: every POST is answered 400 with a ValidationException whose
message carries terminal controls (OSC 0 window title ended by BEL, CSI 2J clear screen, an 8-bit CSI, DEL).  It is
not a DynamoDB stand-in: it only checks that what a server says never reaches a terminal raw.
Usage: hostile_errors.py --port-file F"""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MESSAGE = "evil \x1b]0;pwned\x07 then \x1b[2J and \u009b31m and \x7f end"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ValidationException",
                               "message": MESSAGE}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    with open(a.port_file + ".tmp", "w") as f:
        f.write("http://127.0.0.1:%d" % srv.server_address[1])
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
