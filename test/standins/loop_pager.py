#!/usr/bin/python3
"""loop_pager.py — a hostile server for the pagers: every page names the token its request was sent with.

    loop_pager.py --port-file FILE [--owner PID]

Listens on 127.0.0.1 (a free port; "http://127.0.0.1:PORT" goes to --port-file) and answers the JSON protocols by
X-Amz-Target, each page with one item and a token that never ends the paging:
  - ListTables: TableNames ["loop-a"], LastEvaluatedTableName "loop-a" (the same on every page);
  - DescribeTable: an ACTIVE table loop-a (key pk, a stream enabled);
  - Scan / Query: Items [{"pk": {"S": "a"}}], LastEvaluatedKey {"pk": {"S": "a"}};
  - ListStreams: one stream, LastEvaluatedStreamArn the same;
  - DescribeStream: one open shard, LastEvaluatedShardId "shardId-1";
  - GetShardIterator / GetRecords: an iterator, no records;
  - Cognito ListUsers: one user, PaginationToken "same".
A client that follows the tokens pages forever.  --huge N: instead, Scan answers {"Items": [{}, {}, ...]} with N
empty items, ListTables {"TableNames": [1, 1, ...]} with N numbers, and no token (cheap bytes that would parse into
many values).  GET /_standin/requests lists every request received (target and
header names, in order), so a test can also assert what was, or was not, sent.
"""
import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve  # noqa: E402

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/loop-a/stream/2024-01-01T00:00:00.000"
LOG = []
LOG_MU = threading.Lock()


HUGE = 0


def answer(op, req):
    if HUGE and op == "Scan":
        return b'{"Items":[' + b",".join([b"{}"] * HUGE) + b'],"Count":%d,"ScannedCount":%d}' % (HUGE, HUGE)
    if HUGE and op == "ListTables":
        return b'{"TableNames":[' + b",".join([b"1"] * HUGE) + b"]}"
    if op == "ListTables":
        return {"TableNames": ["loop-a"], "LastEvaluatedTableName": "loop-a"}
    if op == "DescribeTable":
        return {"Table": {"TableName": req.get("TableName", "loop-a"), "TableStatus": "ACTIVE",
                          "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                          "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                          "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
                          "LatestStreamArn": ARN, "LatestStreamLabel": "2024-01-01T00:00:00.000"}}
    if op in ("Scan", "Query"):
        return {"Items": [{"pk": {"S": "a"}}], "Count": 1, "ScannedCount": 1, "LastEvaluatedKey": {"pk": {"S": "a"}}}
    if op == "ListStreams":
        return {"Streams": [{"StreamArn": ARN, "TableName": "loop-a", "StreamLabel": "2024-01-01T00:00:00.000"}],
                "LastEvaluatedStreamArn": ARN}
    if op == "DescribeStream":
        return {"StreamDescription": {"StreamArn": ARN, "StreamStatus": "ENABLED", "StreamViewType": "NEW_IMAGE",
                                      "TableName": "loop-a",
                                      "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                      "Shards": [{"ShardId": "shardId-1",
                                                  "SequenceNumberRange": {"StartingSequenceNumber": "100"}}],
                                      "LastEvaluatedShardId": "shardId-1"}}
    if op == "GetShardIterator":
        return {"ShardIterator": "iter-1"}
    if op == "GetRecords":
        return {"Records": [], "NextShardIterator": "iter-1"}
    if op == "ListUsers":
        return {"Users": [{"Username": "u1", "Enabled": True, "UserStatus": "CONFIRMED",
                           "Attributes": [{"Name": "sub", "Value": "s-1"}]}], "PaginationToken": "same"}
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, obj):
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_standin/requests":
            with LOG_MU:
                return self.reply(200, LOG)
        self.reply(404, {"message": "not found"})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "")
        with LOG_MU:
            LOG.append({"target": target, "headers": [k for k in self.headers.keys()]})
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            req = {}
        out = answer(target.rsplit(".", 1)[-1], req)
        if out is None:
            return self.reply(400, {"__type": "UnknownOperationException", "message": target})
        self.reply(200, out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--owner", type=int, default=0)
    ap.add_argument("--huge", type=int, default=0)
    a = ap.parse_args()
    global HUGE
    HUGE = a.huge
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    serve.serve(srv, a.port_file, a.owner)


if __name__ == "__main__":
    main()
