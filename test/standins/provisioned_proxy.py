#!/usr/bin/env python3
"""provisioned_proxy.py — a simulated provisioned DynamoDB table: a loopback proxy in front of an engine (DynamoDB
Local, dynalite) that adds a fixed latency and lets through at most W write units and R read units per second.

Usage: provisioned_proxy.py --upstream URL --port-file FILE [--port N] [--owner PID] [--wcu W] [--rcu R]
                            [--latency-ms MS] [--burst-seconds S] [--stats-file FILE]

Capacity is counted as DynamoDB counts it (item sizes as in the Developer Guide, 1 KB = 1024 bytes):
  writes   PutItem, UpdateItem, DeleteItem, each put or delete of BatchWriteItem, TransactWriteItems:
           ceil(item size / 1 KB) for the table plus the same for every GSI the item lands in (the size of the
           item as projected into it); the table's GSIs come from one DescribeTable per table, sent upstream with
           the client's own headers.  A delete or update is charged 1 unit plus 1 per GSI (the proxy does not
           read the old item, whose size DynamoDB would charge).
  reads    Scan and Query: ceil(total size of the returned items / 4 KB), halved unless ConsistentRead; GetItem
           and BatchGetItem: the same per item (at least one unit per request).  Charged after the answer, as
           DynamoDB does: a read is let through while the read bucket is not in debt.
Each side is a token bucket of W (R) units per second holding at most burst-seconds x W (R) units, full at the
start and after /__reset_stats (an idle table has its burst).  0 means unlimited.

Excess, as DynamoDB answers it:
  a single write that does not fit       HTTP 400 ProvisionedThroughputExceededException (with x-amz-crc32)
  BatchWriteItem                         the requests that fit are forwarded (in order), the others come back in
                                         UnprocessedItems; when none fits: 400 ProvisionedThroughputExceededException
  a read while the read bucket is in debt   400 ProvisionedThroughputExceededException
Every DynamoDB request (throttled or not) is answered --latency-ms after it arrived.  Other operations
(DescribeTable, CreateTable, ...) pass through, charged nothing.

Control (plain HTTP on the same port):
  GET  /__stats        JSON: {"requests", "forwarded", "throttled" (400s sent), "unprocessed_items",
                              "write_units", "read_units" (let through), "writes" (write requests let through),
                              "first_write", "last_write" (seconds since the start of the stats), "elapsed",
                              "write_units_per_second" ((write_units - burst) / (last_write - first_write)),
                              "burst_write_units", "by_op": {...}, "config": {...}}
  POST /__config       JSON with any of wcu, rcu, latency_ms, burst_seconds; answers the new config
  POST /__reset_stats  counters to zero, buckets full again, the tables' GSIs looked up again (so does /__config)
The port file receives "http://127.0.0.1:PORT" once the proxy listens (written atomically).  The proxy exits when
--owner's process is gone (serve.py's watchdog).  --stats-file is rewritten (atomically) after every request.
"""
import argparse
import base64
import http.client
import json
import math
import os
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import serve  # noqa: E402

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
              "proxy-authenticate", "content-length", "host"}
PREFIX = "com.amazonaws.dynamodb.v20120810#"
PTEE = ("ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.")
WRITE_OPS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
READ_OPS = {"Scan", "Query", "GetItem", "BatchGetItem", "TransactGetItems"}
MAX_BODY = 32 << 20


# ---- sizes (DynamoDB Developer Guide, "Item sizes and formats") ---------------------------------------------

def number_size(text):
    t = text.strip().lstrip("+-")
    mant = t.split("e")[0].split("E")[0].replace(".", "")
    digits = mant.lstrip("0").rstrip("0")
    return 1 if not digits else (len(digits) + 1) // 2 + 1


def value_size(av):
    (t, v), = av.items()
    if t == "S":
        return len(v.encode())
    if t == "N":
        return number_size(v)
    if t == "B":
        return len(base64.b64decode(v))
    if t in ("BOOL", "NULL"):
        return 1
    if t == "SS":
        return sum(len(s.encode()) for s in v)
    if t == "NS":
        return sum(number_size(n) for n in v)
    if t == "BS":
        return sum(len(base64.b64decode(b)) for b in v)
    if t == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(x) for k, x in v.items())
    if t == "L":
        return 3 + sum(1 + value_size(x) for x in v)
    raise ValueError("unknown type " + t)


def item_size(item, only=None):
    return sum(len(k.encode()) + value_size(v) for k, v in item.items() if only is None or k in only)


def units(size, per):
    return max(1, math.ceil(size / per))


class Table:
    """Keys and GSIs of one table, from DescribeTable."""

    def __init__(self, desc):
        t = desc.get("Table", desc)

        def keys(ks):
            d = {k["KeyType"]: k["AttributeName"] for k in ks or []}
            return [d[x] for x in ("HASH", "RANGE") if x in d]
        self.keys = keys(t.get("KeySchema"))
        self.gsis = []
        for g in t.get("GlobalSecondaryIndexes") or []:
            p = g.get("Projection") or {}
            kind = p.get("ProjectionType", "ALL")
            proj = None if kind == "ALL" else set(self.keys) | set(keys(g.get("KeySchema"))) | set(
                p.get("NonKeyAttributes") or [] if kind == "INCLUDE" else [])
            self.gsis.append((keys(g.get("KeySchema")), proj))

    def put_units(self, item):
        u = units(item_size(item), 1024)
        for ks, proj in self.gsis:
            if all(k in item for k in ks):
                u += units(item_size(item, proj), 1024)
        return u

    def delete_units(self):
        return 1 + len(self.gsis)


class Bucket:
    def __init__(self, rate, burst_seconds):
        self.set(rate, burst_seconds)

    def set(self, rate, burst_seconds):
        self.rate = float(rate)
        self.cap = self.rate * float(burst_seconds)
        self.tokens = self.cap
        self.last = time.monotonic()

    def refill(self):
        now = time.monotonic()
        self.tokens = min(self.cap, self.tokens + (now - self.last) * self.rate)
        self.last = now


class State:
    def __init__(self, a):
        self.lock = threading.Lock()
        self.cfg = {"wcu": a.wcu, "rcu": a.rcu, "latency_ms": a.latency_ms, "burst_seconds": a.burst_seconds}
        self.tables = {}
        self.stats_file = a.stats_file
        self.reset()

    def reset(self):
        with self.lock:
            self.w = Bucket(self.cfg["wcu"], self.cfg["burst_seconds"])
            self.r = Bucket(self.cfg["rcu"], self.cfg["burst_seconds"])
            self.t0 = time.monotonic()
            self.tables = {}
            self.stats = {"requests": 0, "forwarded": 0, "throttled": 0, "unprocessed_items": 0, "write_units": 0,
                          "read_units": 0.0, "writes": 0, "first_write": None, "last_write": None, "by_op": {}}

    def snapshot(self):
        with self.lock:
            s = json.loads(json.dumps(self.stats))
            s["elapsed"] = time.monotonic() - self.t0
            s["burst_write_units"] = self.w.cap
            span = (s["last_write"] or 0) - (s["first_write"] or 0)
            s["write_units_per_second"] = (s["write_units"] - self.w.cap) / span if span > 0 else None
            s["config"] = dict(self.cfg)
            return s

    def count(self, op, key, n=1):
        with self.lock:
            self.stats[key] += n
            by = self.stats["by_op"].setdefault(op, {})
            by[key] = by.get(key, 0) + n

    def take_writes(self, costs):
        """How many of the write costs (in order) fit in the write bucket now; takes their units."""
        with self.lock:
            if self.w.rate <= 0:
                n = len(costs)
            else:
                self.w.refill()
                n = 0
                for c in costs:
                    if self.w.tokens < min(c, self.w.cap):
                        break
                    self.w.tokens -= c
                    n += 1
            if n:
                now = time.monotonic() - self.t0
                if self.stats["first_write"] is None:
                    self.stats["first_write"] = now
                self.stats["last_write"] = now
                self.stats["write_units"] += sum(costs[:n])
            return n

    def refund_writes(self, u):
        with self.lock:
            self.stats["write_units"] -= u
            if self.w.rate > 0:
                self.w.tokens = min(self.w.cap, self.w.tokens + u)

    def read_allowed(self):
        with self.lock:
            if self.r.rate <= 0:
                return True
            self.r.refill()
            return self.r.tokens > 0

    def charge_reads(self, u):
        with self.lock:
            self.stats["read_units"] += u
            if self.r.rate > 0:
                self.r.refill()
                self.r.tokens -= u

    def save(self):
        if not self.stats_file:
            return
        tmp = "%s.%d.%d.tmp" % (self.stats_file, os.getpid(), threading.get_ident())
        with open(tmp, "w") as f:
            json.dump(self.snapshot(), f)
        os.replace(tmp, self.stats_file)


def main():
    ap = argparse.ArgumentParser(description="a simulated provisioned table in front of a DynamoDB engine")
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--owner", type=int, default=os.getppid(), help="exit when this process is gone (default: the parent)")
    ap.add_argument("--wcu", type=float, default=0.0)
    ap.add_argument("--rcu", type=float, default=0.0)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--burst-seconds", type=float, default=1.0)
    ap.add_argument("--stats-file")
    a = ap.parse_args()
    up = urllib.parse.urlsplit(a.upstream)
    if up.scheme != "http" or not up.hostname:
        ap.error("--upstream must be http://host:port")
    if a.wcu < 0 or a.rcu < 0 or a.latency_ms < 0 or a.burst_seconds <= 0:
        ap.error("--wcu, --rcu and --latency-ms must be >= 0, --burst-seconds > 0")
    st = State(a)
    local = threading.local()

    def upstream(path, body, headers):
        """One request to the engine over this thread's kept-alive connection (reconnects once)."""
        for attempt in (1, 2):
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=120)
            try:
                conn.request("POST", path or "/", body=body, headers=headers)
                r = conn.getresponse()
                return r.status, r.reason, r.getheaders(), r.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                local.conn = None
                if attempt == 2:
                    raise

    def table_info(name, headers, path):
        with st.lock:
            t = st.tables.get(name)
        if t is not None:
            return t
        h = dict(headers)
        h["X-Amz-Target"] = "DynamoDB_20120810.DescribeTable"
        status, _, _, data = upstream(path, json.dumps({"TableName": name}).encode(), h)
        if status != 200:
            return None
        t = Table(json.loads(data))
        with st.lock:
            st.tables[name] = t
        return t

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send_raw(self, status, reason, headers, body, crc=None):
            self.send_response(status, reason)
            for k, v in headers:
                lk = k.lower()
                if lk in HOP_BY_HOP or (lk == "x-amz-crc32" and crc is not None):
                    continue
                self.send_header(k, v)
            if crc is not None:
                self.send_header("x-amz-crc32", str(crc))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def reply_json(self, status, doc):
            body = json.dumps(doc).encode()
            self.send_raw(status, None, [("Content-Type", "application/x-amz-json-1.0"),
                                         ("x-amzn-RequestId", "PROVPROXY%08d" % st.stats["requests"])],
                          body, crc=zlib.crc32(body) & 0xffffffff)

        def throttle(self, op):
            st.count(op, "throttled")
            return self.reply_json(400, {"__type": PREFIX + PTEE[0], "message": PTEE[1]})

        def do_GET(self):
            if self.path.startswith("/__stats"):
                return self.reply_json(200, st.snapshot())
            return self.reply_json(404, {"message": "not found"})

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n > MAX_BODY:
                self.close_connection = True
                return self.reply_json(413, {"message": "request too large"})
            body = self.rfile.read(n) if n else b""
            if self.path.startswith("/__config"):
                conf = json.loads(body or b"{}")
                for k, v in conf.items():
                    if k not in st.cfg:
                        return self.reply_json(400, {"message": "unknown setting " + k})
                st.cfg.update(conf)
                st.reset()
                return self.reply_json(200, st.cfg)
            if self.path.startswith("/__reset_stats"):
                st.reset()
                return self.reply_json(200, {})
            arrived = time.monotonic()
            op = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
            st.count(op, "requests")
            try:
                self.handle_op(op, body, arrived)
            finally:
                st.save()

        def wait_latency(self, arrived):
            left = arrived + float(st.cfg["latency_ms"]) / 1000.0 - time.monotonic()
            if left > 0:
                time.sleep(left)

        def forward(self, op, body):
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            try:
                status, reason, rheaders, data = upstream(self.path, body, headers)
            except (http.client.HTTPException, OSError) as ex:
                return 502, None, [], json.dumps({"__type": PREFIX + "ServiceUnavailable",
                                                  "message": "provisioned_proxy: upstream: %s" % ex}).encode()
            st.count(op, "forwarded")
            return status, reason, rheaders, data

        def handle_op(self, op, body, arrived):
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            try:
                req = json.loads(body or b"{}")
            except ValueError:
                req = None
            if op in WRITE_OPS and isinstance(req, dict):
                return self.write(op, req, headers, arrived)
            if op in READ_OPS and isinstance(req, dict):
                if not st.read_allowed():
                    self.wait_latency(arrived)
                    return self.throttle(op)
                status, reason, rh, data = self.forward(op, body)
                if status == 200:
                    st.charge_reads(self.read_cost(op, req, data))
                self.wait_latency(arrived)
                return self.send_raw(status, reason, rh, data, crc=self.crc_if_missing(rh, data))
            status, reason, rh, data = self.forward(op, body)
            self.wait_latency(arrived)
            return self.send_raw(status, reason, rh, data, crc=self.crc_if_missing(rh, data))

        @staticmethod
        def crc_if_missing(rh, data):
            return None if any(k.lower() == "x-amz-crc32" for k, _ in rh) else zlib.crc32(data) & 0xffffffff

        @staticmethod
        def read_cost(op, req, data):
            try:
                doc = json.loads(data)
            except ValueError:
                return 0
            consistent = bool(req.get("ConsistentRead"))
            half = 1.0 if consistent else 0.5
            if op in ("Scan", "Query"):
                size = sum(item_size(i) for i in doc.get("Items") or [])
                return units(size, 4096) * half
            if op == "GetItem":
                return units(item_size(doc.get("Item") or {}), 4096) * half
            if op == "BatchGetItem":
                items = [i for v in (doc.get("Responses") or {}).values() for i in v]
                return max(half, sum(units(item_size(i), 4096) * half for i in items))
            items = [r.get("Item") or {} for r in doc.get("Responses") or []]   # TransactGetItems: 2 per 4 KB
            return max(2.0, sum(units(item_size(i), 4096) * 2.0 for i in items))

        def costs_of(self, table, reqs, headers):
            t = table_info(table, headers, self.path)
            out = []
            for r in reqs:
                if "PutRequest" in r:
                    item = r["PutRequest"].get("Item") or {}
                    out.append(t.put_units(item) if t else units(item_size(item), 1024))
                else:
                    out.append(t.delete_units() if t else 1)
            return out

        def write(self, op, req, headers, arrived):
            if op == "BatchWriteItem":
                entries = [(table, r) for table, reqs in (req.get("RequestItems") or {}).items() for r in reqs]
                costs = []
                for table, reqs in (req.get("RequestItems") or {}).items():
                    costs += self.costs_of(table, reqs, headers)
            elif op == "TransactWriteItems":
                entries, costs = None, [0]
                for x in req.get("TransactItems") or []:
                    (kind, spec), = x.items()
                    t = table_info(spec.get("TableName", ""), headers, self.path)
                    costs[0] += 2 * (t.put_units(spec["Item"]) if kind == "Put" and t else
                                     (t.delete_units() if t else 1))
            else:
                t = table_info(req.get("TableName", ""), headers, self.path)
                if op == "PutItem":
                    item = req.get("Item") or {}
                    costs = [t.put_units(item) if t else units(item_size(item), 1024)]
                else:
                    costs = [t.delete_units() if t else 1]
                entries = None
            n = st.take_writes(costs)
            if n == 0:
                self.wait_latency(arrived)
                return self.throttle(op)
            if entries is None:
                status, reason, rh, data = self.forward(op, json.dumps(req).encode())
                if status != 200:
                    st.refund_writes(sum(costs))
                else:
                    st.count(op, "writes")
                self.wait_latency(arrived)
                return self.send_raw(status, reason, rh, data, crc=self.crc_if_missing(rh, data))
            sent, left = {}, {}
            for i, (table, r) in enumerate(entries):
                (sent if i < n else left).setdefault(table, []).append(r)
            status, reason, rh, data = self.forward(op, json.dumps({**req, "RequestItems": sent}).encode())
            if status != 200:
                st.refund_writes(sum(costs[:n]))
                self.wait_latency(arrived)
                return self.send_raw(status, reason, rh, data, crc=self.crc_if_missing(rh, data))
            st.count(op, "writes", n)
            doc = json.loads(data or b"{}")
            un = doc.get("UnprocessedItems") or {}
            for table, reqs in left.items():
                un.setdefault(table, []).extend(reqs)
            doc["UnprocessedItems"] = un
            if left:
                st.count(op, "unprocessed_items", len(entries) - n)
            out = json.dumps(doc).encode()
            self.wait_latency(arrived)
            return self.send_raw(status, reason, rh, out, crc=zlib.crc32(out) & 0xffffffff)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    srv = Server(("127.0.0.1", a.port), Handler)
    serve(srv, a.port_file, a.owner)
    return 0


if __name__ == "__main__":
    sys.exit(main())
