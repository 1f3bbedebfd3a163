#!/usr/bin/env python3
"""scan_pages.py URL TABLE: page through TABLE once and print every Scan request body of the walk, one JSON per
line (the first without ExclusiveStartKey, the others with the key the previous page returned), so wrk can
replay exactly the requests `ddb scan` makes.  The last line on stderr: items and pages."""
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
req = {"TableName": table}
items = pages = 0
while True:
    body = json.dumps(req, separators=(",", ":"))
    print(body)
    with urllib.request.urlopen(urllib.request.Request(url + "/", body.encode(), HEADERS)) as r:
        page = json.load(r)
    items += page.get("Count", 0)
    pages += 1
    if "LastEvaluatedKey" not in page:
        break
    req["ExclusiveStartKey"] = page["LastEvaluatedKey"]
print(json.dumps({"items": items, "pages": pages}), file=sys.stderr)
