#!/usr/bin/env python3
"""scan_pages.py URL TABLE [SEGMENTS]: page through TABLE once and print every Scan request body of the walk, one
JSON per line (the first without ExclusiveStartKey, the others with the key the previous page returned), so wrk
can replay exactly the requests `ddb scan` (or `ddb scan --segments N`) makes; with SEGMENTS the walks of the
segments are interleaved.  The last line on stderr: items and pages."""
import json
import sys
import urllib.request

url, table = sys.argv[1], sys.argv[2]
HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.Scan",
    "X-Amz-Date": "20240101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20240101/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64,
}
segments = int(sys.argv[3]) if len(sys.argv) > 3 else 1


def walk(segment):
    req = {"TableName": table}
    if segments > 1:
        req.update(Segment=segment, TotalSegments=segments)
    bodies, items = [], 0
    while True:
        body = json.dumps(req, separators=(",", ":"))
        bodies.append(body)
        with urllib.request.urlopen(urllib.request.Request(url + "/", body.encode(), HEADERS), timeout=300) as r:
            page = json.load(r)
        items += page.get("Count", 0)
        if "LastEvaluatedKey" not in page:
            return bodies, items
        req["ExclusiveStartKey"] = page["LastEvaluatedKey"]


walks = [walk(s) for s in range(segments)]
pages = sum(len(b) for b, _ in walks)
for i in range(max(len(b) for b, _ in walks)):
    for b, _ in walks:
        if i < len(b):
            print(b[i])
print(json.dumps({"items": sum(n for _, n in walks), "pages": pages}), file=sys.stderr)
