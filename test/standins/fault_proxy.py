#!/usr/bin/env python3
"""fault_proxy.py — a fault-injecting HTTP proxy for tests, on loopback, between ddb and a DynamoDB engine.

Every POST is either forwarded to --upstream (one kept-alive http.client connection per proxy thread) and its
response passed back, or turned into a fault, chosen with a random generator seeded by --seed:

  throttle     400 ProvisionedThroughputExceededException or ThrottlingException      (not forwarded)
  error        500 InternalServerError or 503 ServiceUnavailable                      (not forwarded)
  stall        no answer for --stall-seconds, then the connection is closed           (not forwarded)
  reset        forwarded; the status line, headers and part of the body are sent, then the connection is
               reset (SO_LINGER 0): the write WAS applied but its answer is lost — the interesting case.
               BatchWriteItem puts and deletes, Scan/Query pages, Describe* are idempotent, so ddb retries them.
  crc          forwarded; one byte of the body is changed, the original x-amz-crc32 is kept (the write WAS
               applied; a client that does not check the CRC would read corrupted data)
  late         no answer for --late-seconds, then the request IS forwarded (applied late, after the client gave
               up on it) and the connection is closed: a write that lands after its retry, maybe after later writes.
  unprocessed  BatchWriteItem only: a random part of each table's requests is forwarded, the rest comes back in
               UnprocessedItems (merged with whatever the engine left unprocessed).  Forwarded items are written;
               returned ones are not.

At most one fault per request, checked in the order above with their rates (each a probability 0..1).
--targets limits faults to some operations (e.g. BatchWriteItem,Scan); other operations always pass through.
--max-faults N stops injecting after N faults (0: no limit).
--after N lets the first N targeted requests through untouched (e.g. stall the second DescribeTable: the wait
after a CreateTable).

Control (plain HTTP on the same port; ddb never sends GETs):
  GET  /__stats    JSON: {"requests": N, "forwarded": N, "faults": {"throttle": N, ...},
                          "by_op": {"BatchWriteItem": {"requests": N, "throttle": N, ...}, ...},
                          "unprocessed_items": N, "forwarded_items": N}
  POST /__config   JSON with any of the option names (throttle_rate, error_rate, reset_rate, stall_rate,
                   stall_seconds, crc_rate, late_rate, late_seconds, unprocessed_rate, targets [list], after,
                   max_faults); answers the new config.
  POST /__reset_stats

Usage: fault_proxy.py --upstream URL --port-file FILE [--seed N] [--throttle-rate R] [--error-rate R]
                      [--reset-rate R] [--stall-rate R] [--stall-seconds S] [--crc-rate R] [--late-rate R]
                      [--late-seconds S] [--unprocessed-rate R] [--targets OP,OP] [--after N] [--max-faults N]
                      [--stats-file FILE]
The port file receives "http://127.0.0.1:PORT" once the proxy listens (written atomically).  The proxy exits when
its parent process is gone.  --stats-file is
rewritten (atomically) after every request.
"""
import argparse
import http.client
import json
import os
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
              "proxy-authenticate", "content-length", "host"}
FAULTS = ("throttle", "error", "stall", "reset", "crc", "late", "unprocessed")


class State:
    def __init__(self, a):
        self.lock = threading.Lock()
        self.rng = random.Random(a.seed)
        self.cfg = {
            "throttle_rate": a.throttle_rate, "error_rate": a.error_rate, "reset_rate": a.reset_rate,
            "stall_rate": a.stall_rate, "stall_seconds": a.stall_seconds, "crc_rate": a.crc_rate,
            "unprocessed_rate": a.unprocessed_rate, "late_rate": a.late_rate, "late_seconds": a.late_seconds,
            "targets": [t for t in (a.targets or "").split(",") if t],
            "after": a.after, "max_faults": a.max_faults,
        }
        self.targeted = 0
        self.stats_file = a.stats_file
        self.reset_stats()

    def reset_stats(self):
        with self.lock:
            self.targeted = 0
            self.stats = {"requests": 0, "forwarded": 0, "faults": {f: 0 for f in FAULTS}, "by_op": {},
                          "unprocessed_items": 0, "forwarded_items": 0}

    def choose(self, op):
        """The fault for one request (None: forward it), plus a random number generator draw for details."""
        with self.lock:
            self.stats["requests"] += 1
            by = self.stats["by_op"].setdefault(op, {"requests": 0})
            by["requests"] += 1
            targets = self.cfg["targets"]
            fault = None
            if not targets or op in targets:
                self.targeted += 1
            limit = self.cfg["max_faults"]
            if (not targets or op in targets) and self.targeted > self.cfg["after"] and \
                    (not limit or sum(self.stats["faults"].values()) < limit):
                for f in FAULTS:
                    if f == "unprocessed" and op != "BatchWriteItem":
                        continue
                    if f == "late" and not self.cfg["late_rate"]:
                        continue   # no draw: the sequence for a seed stays what it was before "late" existed
                    if self.rng.random() < self.cfg[f + "_rate"]:
                        fault = f
                        break
            if fault:
                self.stats["faults"][fault] += 1
                by[fault] = by.get(fault, 0) + 1
            return fault, self.rng.random(), self.rng.randrange(1 << 30)

    def count(self, key, n=1):
        with self.lock:
            self.stats[key] += n

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.stats))

    def save(self):
        if not self.stats_file:
            return
        snap = self.snapshot()
        tmp = "%s.%d.%d.tmp" % (self.stats_file, os.getpid(), threading.get_ident())
        with open(tmp, "w") as f:
            json.dump(snap, f)
        os.replace(tmp, self.stats_file)


def error_body(code, message, prefix="com.amazonaws.dynamodb.v20120810#"):
    return json.dumps({"__type": prefix + code, "message": message}).encode()


def main():
    ap = argparse.ArgumentParser(description="fault-injecting proxy in front of a DynamoDB engine")
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    for name in ("throttle", "error", "reset", "stall", "crc", "late", "unprocessed"):
        ap.add_argument("--%s-rate" % name, type=float, default=0.0)
    ap.add_argument("--stall-seconds", type=float, default=5.0)
    ap.add_argument("--late-seconds", type=float, default=3.0)
    ap.add_argument("--max-faults", type=int, default=0)
    ap.add_argument("--targets", default="")
    ap.add_argument("--after", type=int, default=0)
    ap.add_argument("--stats-file")
    a = ap.parse_args()
    up = urllib.parse.urlsplit(a.upstream)
    if up.scheme != "http" or not up.hostname:
        ap.error("--upstream must be http://host:port")
    st = State(a)
    local = threading.local()

    def upstream(method, path, body, headers):
        """One request to the engine over this thread's kept-alive connection (reconnects once)."""
        for attempt in (1, 2):
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=120)
            try:
                conn.request(method, path or "/", body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                return r.status, r.reason, r.getheaders(), data
            except (http.client.HTTPException, OSError):
                conn.close()
                local.conn = None
                if attempt == 2:
                    raise

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send_raw(self, status, reason, headers, body, crc=None):
            self.send_response(status, reason)
            seen = set()
            for k, v in headers:
                lk = k.lower()
                if lk in HOP_BY_HOP or lk in seen and lk == "x-amz-crc32":
                    continue
                if lk == "x-amz-crc32" and crc is not None:
                    v = str(crc)
                seen.add(lk)
                self.send_header(k, v)
            if "x-amz-crc32" not in seen and crc is not None:
                self.send_header("x-amz-crc32", str(crc))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def reply_json(self, status, doc_or_bytes, reason=None):
            body = doc_or_bytes if isinstance(doc_or_bytes, bytes) else json.dumps(doc_or_bytes).encode()
            self.send_raw(status, reason, [("Content-Type", "application/x-amz-json-1.0"),
                                           ("x-amzn-RequestId", "FAULTPROXY%08d" % st.stats["requests"])],
                          body, crc=zlib.crc32(body) & 0xffffffff)

        def hard_close(self):
            """Reset the connection: RST instead of FIN, nothing more is read or written."""
            try:
                self.wfile.flush()
            except OSError:
                pass
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            self.close_connection = True
            try:
                self.connection.close()
            except OSError:
                pass

        def do_GET(self):
            if self.path.startswith("/__stats"):
                return self.reply_json(200, st.snapshot())
            return self.reply_json(404, {"message": "not found"})

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            if self.path.startswith("/__config"):
                conf = json.loads(body or b"{}")
                with st.lock:
                    for k, v in conf.items():
                        if k not in st.cfg:
                            return self.reply_json(400, {"message": "unknown setting " + k})
                        st.cfg[k] = v
                    cfg = dict(st.cfg)
                return self.reply_json(200, cfg)
            if self.path.startswith("/__reset_stats"):
                st.reset_stats()
                return self.reply_json(200, {})
            op = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
            fault, draw, pick = st.choose(op)
            try:
                self.handle_op(op, fault, draw, pick, body)
            finally:
                st.save()

        def handle_op(self, op, fault, draw, pick, body):
            if fault == "throttle":
                code = "ProvisionedThroughputExceededException" if draw < 0.5 else "ThrottlingException"
                return self.reply_json(400, error_body(code, "injected by fault_proxy: " + code))
            if fault == "error":
                if draw < 0.5:
                    return self.reply_json(500, error_body("InternalServerError", "injected: internal error"),
                                           "Internal Server Error")
                return self.reply_json(503, error_body("ServiceUnavailable", "injected: service unavailable"),
                                       "Service Unavailable")
            if fault == "stall":
                time.sleep(float(st.cfg["stall_seconds"]))
                return self.hard_close()
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            withheld = {}
            if fault == "unprocessed":
                try:
                    req = json.loads(body)
                    kept = {}
                    rng = random.Random(pick)
                    for table, reqs in req.get("RequestItems", {}).items():
                        keep, left = [], []
                        for r in reqs:
                            (keep if rng.random() < 0.5 else left).append(r)
                        if keep:
                            kept[table] = keep
                        if left:
                            withheld[table] = left
                    req["RequestItems"] = kept
                    body = json.dumps(req).encode()
                except (ValueError, AttributeError):
                    withheld = {}
            nitems = 0
            if op == "BatchWriteItem":
                try:
                    nitems = sum(len(v) for v in json.loads(body).get("RequestItems", {}).values())
                except (ValueError, AttributeError):
                    pass
            if fault == "unprocessed" and nitems == 0:
                # nothing forwarded: everything comes back unprocessed, as DynamoDB does under pressure
                st.count("unprocessed_items", sum(len(v) for v in withheld.values()))
                return self.reply_json(200, {"UnprocessedItems": withheld})
            if fault == "late":
                time.sleep(float(st.cfg["late_seconds"]))
            try:
                status, reason, rheaders, data = upstream("POST", self.path, body, headers)
            except (http.client.HTTPException, OSError) as ex:
                return self.reply_json(502, error_body("ServiceUnavailable", "fault_proxy: upstream: %s" % ex))
            st.count("forwarded")
            if status == 200:
                st.count("forwarded_items", nitems)
            if fault == "unprocessed" and status == 200:
                doc = json.loads(data or b"{}")
                un = doc.get("UnprocessedItems") or {}
                for table, reqs in withheld.items():
                    un.setdefault(table, []).extend(reqs)
                doc["UnprocessedItems"] = un
                st.count("unprocessed_items", sum(len(v) for v in withheld.values()))
                data = json.dumps(doc).encode()
                return self.send_raw(status, reason, rheaders, data, crc=zlib.crc32(data) & 0xffffffff)
            if fault == "crc" and data:
                bad = bytearray(data)
                i = pick % len(bad)
                bad[i] = bad[i] ^ 0x01 if bad[i] ^ 0x01 else 0x20
                crc = zlib.crc32(data) & 0xffffffff   # the original body's checksum, kept
                return self.send_raw(status, reason, rheaders, bytes(bad), crc=crc)
            if fault == "late":
                return self.hard_close()   # the client gave up long ago; the write was applied just now
            if fault == "reset":
                # headers announcing the whole body, then part of it, then a reset
                self.send_response(status, reason)
                for k, v in rheaders:
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:len(data) // 2])
                return self.hard_close()
            crc = None if any(k.lower() == "x-amz-crc32" for k, _ in rheaders) else zlib.crc32(data) & 0xffffffff
            return self.send_raw(status, reason, rheaders, data, crc=crc)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 64

    srv = Server(("127.0.0.1", a.port), Handler)
    parent = os.getppid()

    def watchdog():   # a test that died without stopping the proxy must not leave it behind
        while os.getppid() == parent:
            time.sleep(1)
        srv.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("http://127.0.0.1:%d\n" % srv.server_address[1])
    os.replace(tmp, a.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
