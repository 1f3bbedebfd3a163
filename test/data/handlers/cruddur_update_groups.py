#!/usr/bin/env python3
"""cruddur_update_groups.py — the reference app's message-stream Lambda, as a `ddb stream tail --exec` handler.

    ddb stream tail cruddur-messages --exec 'python3 test/data/handlers/cruddur_update_groups.py'

On each INSERT of a message row (pk "MSG#<group uuid>", sk the message time) it rewrites the conversation's
"GRP#<user uuid>" rows (one per participant, found on the message-group-sk-index GSI): sk becomes the new
message's time and message its text, every other attribute is kept.  The sort key is part of the primary key, so
a row is moved: DeleteItem of the old key and PutItem of the new one, in one TransactWriteItems.  Other records
(MODIFY, REMOVE, the GRP# rows this handler writes itself) are ignored.

Unlike the reference Lambda, which reads only Records[0] and always rewrites, this one handles every record of
the batch (--batch-size N) and only moves a GRP# row forward in time, so replaying the stream from its trim
horizon (what `ddb stream tail` does by default) leaves the rows at the newest message.

The event comes on stdin as a DynamoDB-triggered Lambda receives it ({"Records": [...]}, DynamoDB JSON).  The
table is the one in the record's eventSourceARN (so namespaces work).  Python 3 standard library only: DynamoDB
is called over HTTP (JSON 1.0, SigV4) at AWS_ENDPOINT_URL_DYNAMODB (ddb sets it to the local engine), else
DDB_LOCAL_ENDPOINT, else https://dynamodb.<region>.amazonaws.com; region AWS_REGION; credentials
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (dummy ones for a local engine).
Prints one line per GRP# row it moves; exits 1 (with the error on stderr) when a call fails, so ddb stops and
prints the sequence number to resume from.
"""
import datetime
import hashlib
import hmac
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

INDEX = "message-group-sk-index"


def endpoint(region):
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "DDB_LOCAL_ENDPOINT"):
        if os.environ.get(name):
            return os.environ[name].rstrip("/")
    return "https://dynamodb.%s.amazonaws.com" % region


def call(op, body):
    """One DynamoDB call (JSON 1.0, signed with SigV4); returns the decoded response."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    key = os.environ.get("AWS_ACCESS_KEY_ID") or "ddblocal"
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY") or "ddblocal"
    token = os.environ.get("AWS_SESSION_TOKEN")
    url = endpoint(region) + "/"
    host = urllib.parse.urlsplit(url).netloc
    data = json.dumps(body).encode()
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    headers = {"content-type": "application/x-amz-json-1.0", "host": host, "x-amz-date": amz_date,
               "x-amz-target": "DynamoDB_20120810." + op}
    if token:
        headers["x-amz-security-token"] = token
    names = sorted(headers)
    canonical = "\n".join(["POST", "/", "", "".join("%s:%s\n" % (n, headers[n]) for n in names),
                           ";".join(names), hashlib.sha256(data).hexdigest()])
    scope = "%s/%s/dynamodb/aws4_request" % (day, region)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (day, region, "dynamodb", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        key, scope, ";".join(names), signature)
    del headers["host"]
    req = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        detail = err.read().decode(errors="replace")
        raise SystemExit("cruddur_update_groups: %s: HTTP %d: %s" % (op, err.code, detail))
    except urllib.error.URLError as err:
        raise SystemExit("cruddur_update_groups: %s: %s: %s" % (op, url, err.reason))


def table_of(record):
    # arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL
    arn = record.get("eventSourceARN") or ""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[5].startswith("table/"):
        return parts[5].split("/")[1]
    return os.environ.get("DDB_NAMESPACE", "") + os.environ.get("DDB_TABLE", "cruddur-messages")


def group_rows(table, group_uuid):
    """The conversation's GRP# rows (every page of the GSI query)."""
    rows, start = [], None
    while True:
        q = {"TableName": table, "IndexName": INDEX,
             "KeyConditionExpression": "message_group_uuid = :g",
             "FilterExpression": "begins_with(pk, :grp)",
             "ExpressionAttributeValues": {":g": {"S": group_uuid}, ":grp": {"S": "GRP#"}}}
        if start:
            q["ExclusiveStartKey"] = start
        page = call("Query", q)
        rows.extend(page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            return rows


def handle(record):
    ddb = record.get("dynamodb", {})
    keys = ddb.get("Keys", {})
    pk = keys.get("pk", {}).get("S", "")
    sk = keys.get("sk", {}).get("S", "")
    if record.get("eventName") != "INSERT" or not pk.startswith("MSG#"):
        return
    message = ddb.get("NewImage", {}).get("message", {}).get("S")
    if message is None:
        raise SystemExit("cruddur_update_groups: %s %s: the record has no NewImage.message "
                         "(the stream's view type must be NEW_IMAGE or NEW_AND_OLD_IMAGES)" % (pk, sk))
    table, group_uuid = table_of(record), pk[len("MSG#"):]
    for row in group_rows(table, group_uuid):
        old_sk = row["sk"]["S"]
        if old_sk > sk or (old_sk == sk and row.get("message") == {"S": message}):
            continue        # a newer message is already there, or this one (a replay): keep it
        new = dict(row, sk={"S": sk}, message={"S": message})
        items = [{"Put": {"TableName": table, "Item": new}}]
        if old_sk != sk:
            items.insert(0, {"Delete": {"TableName": table, "Key": {"pk": row["pk"], "sk": row["sk"]}}})
        call("TransactWriteItems", {"TransactItems": items})
        print("%s: %s -> %s" % (row["pk"]["S"], old_sk, sk), flush=True)


def main():
    event = json.load(sys.stdin)
    for record in event.get("Records", []):
        handle(record)


if __name__ == "__main__":
    main()
