#!/usr/bin/python3
"""moto_dynamodb.py — a DynamoDB whose ListTables pages as moto's does, for the namespace-listing tests.

    moto_dynamodb.py --port-file FILE [--port N] [--owner PID]

moto (the AWS emulator) keeps its tables in creation order and reads ExclusiveStartTableName as the name of an
existing table to continue after: a name that is no table (a namespace prefix, say) gives an EMPTY page with no
LastEvaluatedTableName.  DynamoDB documents the field only as the previous page's LastEvaluatedTableName, so a client
that starts a listing at a prefix finds nothing here.  This stand-in answers the same way:

  ListTables     names in creation order (not sorted); Limit (default 100, 1..100); ExclusiveStartTableName that is
                 an existing table: the names after it; any other: [] and no LastEvaluatedTableName;
                 LastEvaluatedTableName when more names follow the page
  DescribeTable  ACTIVE, or ResourceNotFoundException
  DeleteTable    removes the table at once (TableStatus DELETING in the answer), or ResourceNotFoundException
  anything else  UnknownOperationException
Every request must be signed for service dynamodb with the local engine's dummy key (ddblocal / ddblocal), checked
with sigcheck.py; otherwise 400 UnrecognizedClientException / InvalidSignatureException, as DynamoDB answers.

Test controls (plain HTTP, loopback only):
  POST /__tables   body: a JSON list of table names, the new table set (in that creation order)
  GET  /__tables   the current table names (JSON list)
  GET  /__log      every API request: {"action", "input"} (JSON list)
"""
import argparse
import json
import os
import sys
import threading
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigcheck  # noqa: E402
from serve import serve  # noqa: E402

KEYS = {"ddblocal": "ddblocal"}
PREFIX = "DynamoDB_20120810."
LOCK = threading.Lock()
TABLES = []       # names in creation order
LOG = []


class ApiError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def description(name, status):
    return {"TableName": name, "TableStatus": status, "ItemCount": 0, "TableSizeBytes": 0,
            "TableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/" + name,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}}


def list_tables(req):
    limit = req.get("Limit", 100)
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise ApiError("ValidationException", "Limit must be between 1 and 100")
    start = req.get("ExclusiveStartTableName")
    with LOCK:
        names = list(TABLES)
    if start is None:
        first = 0
    elif start in names:
        first = names.index(start) + 1
    else:
        first = len(names)          # moto: not a table name, nothing after it
    page = names[first:first + limit]
    out = {"TableNames": page}
    if first + limit < len(names):
        out["LastEvaluatedTableName"] = page[-1]
    return out


def table_op(action, req):
    name = req.get("TableName")
    if not isinstance(name, str):
        raise ApiError("ValidationException", "TableName is required")
    with LOCK:
        if name not in TABLES:
            raise ApiError("ResourceNotFoundException", "Requested resource not found: Table: %s not found" % name)
        if action == "DeleteTable":
            TABLES.remove(name)
            return {"TableDescription": description(name, "DELETING")}
    return {"Table": description(name, "ACTIVE")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", uuid.uuid4().hex)
        self.send_header("x-amz-crc32", str(zlib.crc32(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        with LOCK:
            if self.path == "/__tables":
                return self.send(200, TABLES)
            if self.path == "/__log":
                return self.send(200, LOG)
        self.send(404, {})

    def do_POST(self):
        body = self.body()
        if self.path == "/__tables":
            with LOCK:
                TABLES[:] = json.loads(body)
            return self.send(200, {})
        target = self.headers.get("X-Amz-Target") or ""
        try:
            try:
                sigcheck.verify("POST", self.path, self.headers, body, KEYS, "dynamodb")
            except sigcheck.SigError as e:
                code = "UnrecognizedClientException" if "unknown access key" in e.message \
                    else "InvalidSignatureException"
                raise ApiError(code, e.message)
            if not target.startswith(PREFIX):
                raise ApiError("UnknownOperationException", "no such target: %r" % target)
            action = target[len(PREFIX):]
            req = json.loads(body or b"{}")
            with LOCK:
                LOG.append({"action": action, "input": req})
            if action == "ListTables":
                out = list_tables(req)
            elif action in ("DescribeTable", "DeleteTable"):
                out = table_op(action, req)
            else:
                raise ApiError("UnknownOperationException", "stand-in: %s is not answered" % action)
            self.send(200, out)
        except ApiError as e:
            self.send(e.status, {"__type": "com.amazonaws.dynamodb.v20120810#" + e.code, "message": e.message})


def main():
    ap = argparse.ArgumentParser(description="a DynamoDB whose ListTables pages as moto's does")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--owner", type=int, default=0)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    serve(srv, a.port_file, a.owner)


if __name__ == "__main__":
    main()
