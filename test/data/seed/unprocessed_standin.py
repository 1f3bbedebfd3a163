#!/usr/bin/env python3
"""A tiny DynamoDB stand-in for seed's retry tests.  DescribeTable: any table, hash key pk (S).  BatchWriteItem:
every PutRequest whose pk starts with "slow" comes back in UnprocessedItems, unless the file --release exists;
accepted items are appended (one compact JSON line each) to --log.  A call holding an item whose pk starts
with "bad" is refused as a whole (ValidationException) until --release exists; one holding "e500..." gets a 500
InternalServerError (always).  Until --release exists: "arn..." items come back in UnprocessedItems keyed by the
table's ARN, not its name; "mangle..." items come back with their key changed (matching nothing that was sent).
Usage:
  unprocessed_standin.py --port-file F --log F --release F"""
import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--release", required=True)
    a = ap.parse_args()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, doc):
            body = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            req = json.loads(self.rfile.read(n) or b"{}")
            op = self.headers.get("X-Amz-Target", "").split(".")[-1]
            if op == "DescribeTable":
                return self.reply(200, {"Table": {
                    "TableName": req["TableName"], "TableStatus": "ACTIVE",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}})
            if op == "BatchWriteItem":
                release = os.path.exists(a.release)
                for reqs in req["RequestItems"].values():
                    for r in reqs:
                        pk = r.get("PutRequest", {}).get("Item", {}).get("pk", {}).get("S", "")
                        if pk.startswith("bad") and not release:
                            return self.reply(400, {"__type": "com.amazon.coral.validate#ValidationException",
                                                    "message": "One or more parameter values were invalid: bad item"})
                        if pk.startswith("e500"):
                            return self.reply(500, {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
                                                    "message": "Internal server error"})
                left = {}
                with open(a.log, "a") as log:
                    for table, reqs in req["RequestItems"].items():
                        for r in reqs:
                            item = r.get("PutRequest", {}).get("Item")
                            pk = item["pk"]["S"] if item else ""
                            if pk.startswith("slow") and not release:
                                left.setdefault(table, []).append(r)
                            elif pk.startswith("arn") and not release:
                                arn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + table
                                left.setdefault(arn, []).append(r)
                            elif pk.startswith("mangle") and not release:
                                left.setdefault(table, []).append({"PutRequest": {"Item": {"pk": {"S": pk + "-x"}}}})
                            else:
                                log.write(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n")
                return self.reply(200, {"UnprocessedItems": left})
            return self.reply(400, {"__type": "com.amazon.coral.validate#ValidationException",
                                    "message": "unsupported operation " + op})

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    with open(a.port_file + ".tmp", "w") as f:
        f.write("http://127.0.0.1:%d\n" % srv.server_address[1])
    os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
