#!/usr/bin/python3
"""dynamodb_bulk_standin.py — a strict stand-in for DynamoDB's export and import APIs, which no local engine has:
ExportTableToPointInTime, DescribeExport, ImportTable, DescribeImport, DescribeContinuousBackups and
UpdateContinuousBackups.  Every other DynamoDB operation is passed on to a real engine (DynamoDB Local), so a
prod-mode command sees one DynamoDB: tables and items live in the engine, exports really land in S3 (s3rver).

    dynamodb_bulk_standin.py --port-file FILE --dynamodb URL --s3 URL [--port N] [--delay SEC] [--owner PID]

  --dynamodb  the engine (the suite's DynamoDB Local): tables, items, every other operation
  --s3        the S3 the exports are written to and imports read from (the suite's s3rver front); the stand-in signs
              its own S3 requests with botocore as ddblocal/ddblocal
  --delay     an export or import stays IN_PROGRESS at least this long (default 0.5 s)

What it checks, as DynamoDB does (a client bug must fail a test):
  - the SigV4 signature of every request (sigcheck.py: botocore's signer, the known secret, the request's own
    X-Amz-Date, scope ".../<region>/dynamodb/aws4_request"): an unknown key is 400 UnrecognizedClientException,
    a wrong secret or a tampered request 400 InvalidSignatureException;
  - every request against botocore's `dynamodb` model: POST /, Content-Type application/x-amz-json-1.0, X-Amz-Target
    DynamoDB_20120810.<an operation of the model>, the body a JSON object of the input shape (ParamValidator plus
    the max/enum/pattern constraints it leaves out; unknown members refused) — 400 ValidationException otherwise;
  - the six operations above: botocore's own serialisation of the input read must be the body received (a
    timestamp as epoch seconds, say);
  - the answers of the six operations above (errors too) against the model before they are sent: a stray one is a
    500 StandinModelMismatch (a stand-in bug).  Answers passed on from the engine are sent as the engine gave them.
Known credentials: AKIDDDBBULK / bulk-standin-secret (s3_front.py knows them too: a prod-mode test signs DynamoDB
and S3 with one key: AWS_ENDPOINT_URL_DYNAMODB=<this>, AWS_ENDPOINT_URL_S3=$DDB_TEST_S3_URL).
Behaviour:
  - point-in-time recovery is off for every table until UpdateContinuousBackups turns it on;
    ExportTableToPointInTime on a table without it is PointInTimeRecoveryUnavailableException, on a table the
    engine does not have TableNotFoundException (the table is found by the name in its ARN);
  - an export scans the table (on the engine) and writes DynamoDB's layout under
    s3://S3Bucket/[S3Prefix/]AWSDynamoDB/<ExportId>/: _started, data/<26 base32 chars>.json.gz (one
    {"Item":{...}} per line, --file-items items per file, default 2), manifest-files.json (+ .checksum),
    manifest-summary.json (+ .checksum); then COMPLETED with ItemCount, BilledSizeBytes (the JSON lines' bytes)
    and ExportManifest (the summary's key).  A bucket S3 refuses makes it FAILED (FailureCode S3NoSuchBucket...).
    The same ClientToken with the same input answers the same export;
  - an import creates the table on the engine from TableCreationParameters (ResourceInUseException when it
    exists), reads every object under S3KeyPrefix (GZIP or NONE; DYNAMODB_JSON only), writes each
    {"Item":...} line with BatchWriteItem, and counts lines that are not as ErrorCount; COMPLETED then.
Test controls (plain HTTP, no signature): POST /_standin/reset, GET /_standin/requests (JSON list of {op, body} that
passed the checks), POST /_standin/set {"delay": SEC, "file_items": N}.
"""
import argparse
import base64
import datetime
import gzip
import hashlib
import http.client
import json
import os
import re
import secrets
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.serialize import create_serializer
from botocore.validate import ParamValidator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigcheck  # noqa: E402
from serve import serve  # noqa: E402

MODEL = ServiceModel(Loader().load_service_model("dynamodb", "service-2"), "dynamodb")
TARGET = MODEL.metadata["targetPrefix"] + "."
KEYS = {"AKIDDDBBULK": "bulk-standin-secret"}
OWN = {"ExportTableToPointInTime", "DescribeExport", "ImportTable", "DescribeImport", "DescribeContinuousBackups",
       "UpdateContinuousBackups"}
COMMON_ERRORS = {"ValidationException", "UnrecognizedClientException", "InvalidSignatureException",
                 "MissingAuthenticationTokenException", "IncompleteSignatureException", "ThrottlingException",
                 "InternalServerError", "AccessDeniedException"}
ACCOUNT = "123456789012"


class ApiError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


# ---- the model ---------------------------------------------------------------------------------------------------

def _constraints(shape, value, path):
    t, md = shape.type_name, shape.metadata
    if t == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k not in shape.members:
                raise ApiError("ValidationException", "%s: unknown member '%s'" % (path, k))
            _constraints(shape.members[k], v, path + "." + k)
    elif t == "list" and isinstance(value, list):
        if "max" in md and len(value) > md["max"]:
            raise ApiError("ValidationException", "%s: at most %d members" % (path, md["max"]))
        for i, v in enumerate(value):
            _constraints(shape.member, v, "%s[%d]" % (path, i))
    elif t == "map" and isinstance(value, dict):
        for k, v in value.items():
            _constraints(shape.value, v, "%s.%s" % (path, k))
    elif t == "string" and isinstance(value, str):
        if "max" in md and len(value) > md["max"]:
            raise ApiError("ValidationException", "%s: at most %d characters" % (path, md["max"]))
        if shape.enum and value not in shape.enum:
            raise ApiError("ValidationException", "%s: '%s' is not one of %s" % (path, value, shape.enum))
        pattern = md.get("pattern")
        # DynamoDB Local names its region "ddblocal" in ARNs: for the pattern only, it reads as a real region
        if pattern and not re.fullmatch(pattern, value.replace(":ddblocal:", ":us-east-1:"), re.S):
            raise ApiError("ValidationException", "%s: '%s' does not match %s" % (path, value, pattern))
    elif t in ("integer", "long") and isinstance(value, int) and not isinstance(value, bool):
        if "max" in md and value > md["max"]:
            raise ApiError("ValidationException", "%s: at most %d" % (path, md["max"]))


def validate(shape, doc, code="ValidationException"):
    if shape is None:
        return
    report = ParamValidator().validate(doc, shape)
    if report.has_errors():
        raise ApiError(code, " ".join(report.generate_report().split()), 400 if code == "ValidationException" else 500)
    try:
        _constraints(shape, doc, shape.name)
    except ApiError as e:
        raise ApiError(code, e.message, 400 if code == "ValidationException" else 500)


def check_request(headers, path, body):
    if path != "/":
        raise ApiError("ValidationException", "DynamoDB requests go to /, not %s" % path)
    target = headers.get("X-Amz-Target") or ""
    if not target.startswith(TARGET) or target[len(TARGET):] not in MODEL.operation_names:
        raise ApiError("UnknownOperationException", "unknown X-Amz-Target '%s'" % target)
    op = target[len(TARGET):]
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip()
    if ctype != "application/x-amz-json-1.0":
        raise ApiError("ValidationException", "Content-Type must be application/x-amz-json-1.0, not '%s'" % ctype)
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError("SerializationException", "the body is not JSON")
    if not isinstance(doc, dict):
        raise ApiError("SerializationException", "the body is not a JSON object")
    validate(MODEL.operation_model(op).input_shape, doc)
    if op in OWN:   # botocore's serialisation of the same input must be what was received (ExportTime: epoch
        # seconds, as botocore sends it; the engine's operations are left out: their blobs arrive base64 already)
        want = json.loads(create_serializer("json").serialize_to_request(doc, MODEL.operation_model(op))["body"]
                          or b"{}")
        if want != doc:
            raise ApiError("ValidationException", "the body is %s; botocore sends %s" % (doc, want))
    return op, doc


def check_answer(op, doc):
    validate(MODEL.operation_model(op).output_shape, doc, "StandinModelMismatch")


def check_error(op, code):
    names = COMMON_ERRORS | {s.name for s in MODEL.operation_model(op).error_shapes}
    if code not in names:
        raise ApiError("StandinModelMismatch", "%s may not answer %s" % (op, code), 500)


# ---- the engine and S3 -------------------------------------------------------------------------------------------

class Engine:
    def __init__(self, url):
        self.url = urlsplit(url)

    def raw(self, target, body, headers=None):
        conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=60)
        h = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target}
        if headers:
            h = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
        conn.request("POST", "/", body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, data, r.getheader("Content-Type") or "application/x-amz-json-1.0"

    def call(self, op, doc):
        # DynamoDB Local checks no signature; its answers and its own errors are what a table has
        h = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": TARGET + op,
             "X-Amz-Date": "20240101T000000Z",
             "Authorization": "AWS4-HMAC-SHA256 Credential=ddblocal/20240101/us-east-1/dynamodb/aws4_request, "
                              "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64}
        status, data, _ = self.raw(TARGET + op, json.dumps(doc).encode(), h)
        out = json.loads(data or b"{}")
        if status != 200:
            code = (out.get("__type") or "").split("#")[-1]
            raise ApiError(code or "InternalServerError", out.get("message") or out.get("Message") or code, status)
        return out


class S3:
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.creds = Credentials("ddblocal", "ddblocal")

    def request(self, method, bucket, key="", body=b"", query=""):
        url = "%s/%s%s%s" % (self.url, bucket, "/" + quote(key, safe="/~") if key else "",
                             "?" + query if query else "")
        req = AWSRequest(method=method, url=url, data=body)
        S3SigV4Auth(self.creds, "s3", "us-east-1").add_auth(req)
        u = urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        conn.request(method, u.path + ("?" + u.query if u.query else ""), body=body, headers=dict(req.headers))
        r = conn.getresponse()
        data = r.read()
        conn.close()
        if r.status >= 300:
            code = "S3Error"
            try:
                code = ElementTree.fromstring(data).findtext("Code") or code
            except ElementTree.ParseError:
                pass
            raise ApiError("S3" + code if not code.startswith("S3") else code, "S3 %s %s/%s: HTTP %d" %
                           (method, bucket, key, r.status), r.status)
        return data

    def put(self, bucket, key, body):
        self.request("PUT", bucket, key, body)

    def list(self, bucket, prefix):
        keys, token = [], None
        while True:
            q = "list-type=2&prefix=" + quote(prefix, safe="")
            if token:
                q = "continuation-token=" + quote(token, safe="") + "&" + q
            root = ElementTree.fromstring(self.request("GET", bucket, query=q))
            ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
            keys += [c.findtext(ns + "Key") for c in root.findall(ns + "Contents")]
            if root.findtext(ns + "IsTruncated") != "true":
                return keys
            token = root.findtext(ns + "NextContinuationToken")


# ---- state -------------------------------------------------------------------------------------------------------

class State:
    def __init__(self, delay):
        self.lock = threading.Lock()
        self.delay = delay
        self.file_items = 2
        self.pitr = {}          # table name -> True
        self.exports = {}       # ARN -> ExportDescription (internal fields start with "_")
        self.imports = {}
        self.requests = []

    def reset(self):
        with self.lock:
            self.pitr.clear()
            self.exports.clear()
            self.imports.clear()
            self.requests.clear()
            self.delay, self.file_items = ARGS.delay, 2


def now():
    return time.time()


def public(d):
    """The description as the model's shape has it (older botocore models lack ExportType, for one)."""
    shape = MODEL.shape_for("ExportDescription" if "ExportArn" in d else "ImportTableDescription")
    return {k: v for k, v in d.items() if not k.startswith("_") and k in shape.members}


def table_name_of_arn(arn):
    m = re.fullmatch(r"arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/([A-Za-z0-9_.-]{3,255})", arn)
    if not m:
        raise ApiError("ValidationException", "TableArn '%s' is not a table ARN" % arn)
    return m.group(1)


def describe_table(name):
    try:
        return ENGINE.call("DescribeTable", {"TableName": name})["Table"]
    except ApiError as e:
        if e.code == "ResourceNotFoundException":
            raise ApiError("TableNotFoundException", "Table not found: %s" % name)
        raise


def continuous(name):
    describe_table(name)
    on = ST.pitr.get(name, False)
    pitr = {"PointInTimeRecoveryStatus": "ENABLED" if on else "DISABLED"}
    if on:
        pitr["EarliestRestorableDateTime"] = now() - 60
        pitr["LatestRestorableDateTime"] = now()
    return {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED",
                                             "PointInTimeRecoveryDescription": pitr}}


def base32_name():
    return base64.b32encode(secrets.token_bytes(20)).decode().lower()[:26]


def run_export(d):
    """Scan the table on the engine and write the layout; d is the ExportDescription being filled."""
    time.sleep(ST.delay)
    name, bucket = d["_table"], d["S3Bucket"]
    root = (d["S3Prefix"].rstrip("/") + "/" if d.get("S3Prefix") else "") + "AWSDynamoDB/" + d["_id"] + "/"
    try:
        S3_.put(bucket, root + "_started", b"")
        files, lines, count, billed = [], [], 0, 0

        def flush():
            if not lines:
                return
            gz = gzip.compress("".join(lines).encode())
            key = root + "data/" + base32_name() + ".json.gz"
            S3_.put(bucket, key, gz)
            files.append({"itemCount": len(lines), "md5Checksum": base64.b64encode(hashlib.md5(gz).digest()).decode(),
                          "etag": hashlib.md5(hashlib.md5(gz).digest()).hexdigest() + "-1", "dataFileS3Key": key})
            lines.clear()
        req = {"TableName": name}
        while True:
            page = ENGINE.call("Scan", req)
            for item in page.get("Items", []):
                line = json.dumps({"Item": item}, separators=(",", ":")) + "\n"
                lines.append(line)
                count += 1
                billed += len(line)
                if len(lines) >= ST.file_items:
                    flush()
            if not page.get("LastEvaluatedKey"):
                break
            req["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        flush()
        mf = "".join(json.dumps(f, separators=(",", ":")) + "\n" for f in files).encode()
        S3_.put(bucket, root + "manifest-files.json", mf)
        S3_.put(bucket, root + "manifest-files.checksum", hashlib.md5(mf).hexdigest().encode())
        end = now()
        summary = {"version": "2020-06-30", "exportArn": d["ExportArn"],
                   "startTime": iso(d["StartTime"]), "endTime": iso(end), "tableArn": d["TableArn"],
                   "tableId": d.get("TableId"), "exportTime": iso(d["ExportTime"]), "s3Bucket": bucket,
                   "s3Prefix": d.get("S3Prefix"), "s3SseAlgorithm": d.get("S3SseAlgorithm"),
                   "s3SseKmsKeyId": None, "manifestFilesS3Key": root + "manifest-files.json",
                   "billedSizeBytes": billed, "itemCount": count, "outputFormat": "DYNAMODB_JSON",
                   "exportType": "FULL_EXPORT"}
        sj = json.dumps(summary).encode()
        S3_.put(bucket, root + "manifest-summary.json", sj)
        S3_.put(bucket, root + "manifest-summary.checksum", hashlib.md5(sj).hexdigest().encode())
        with ST.lock:
            d.update({"ExportStatus": "COMPLETED", "EndTime": end, "ItemCount": count, "BilledSizeBytes": billed,
                      "ExportManifest": root + "manifest-summary.json"})
    except ApiError as e:
        with ST.lock:
            d.update({"ExportStatus": "FAILED", "EndTime": now(), "FailureCode": e.code[:100],
                      "FailureMessage": e.message})


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def run_import(d):
    time.sleep(ST.delay)
    p = d["TableCreationParameters"]
    src = d["S3BucketSource"]
    processed = imported = errors = size = 0
    try:
        create = {k: v for k, v in p.items() if k in MODEL.operation_model("CreateTable").input_shape.members}
        create.setdefault("BillingMode", "PAY_PER_REQUEST")
        ENGINE.call("CreateTable", create)
        for _ in range(100):
            if ENGINE.call("DescribeTable", {"TableName": p["TableName"]})["Table"]["TableStatus"] == "ACTIVE":
                break
            time.sleep(0.1)
        batch = []

        def write():
            req = {"RequestItems": {p["TableName"]: [{"PutRequest": {"Item": it}} for it in batch]}}
            while True:
                out = ENGINE.call("BatchWriteItem", req)
                left = out.get("UnprocessedItems") or {}
                if not left:
                    break
                req = {"RequestItems": left}
            batch.clear()
        for key in S3_.list(src["S3Bucket"], src.get("S3KeyPrefix", "")):
            data = S3_.request("GET", src["S3Bucket"], key)
            size += len(data)
            if d.get("InputCompressionType", "NONE") == "GZIP":
                try:
                    data = gzip.decompress(data)
                except (OSError, EOFError):
                    errors += 1
                    continue
            for line in data.decode("utf-8", "replace").splitlines():
                if not line.strip():
                    continue
                processed += 1
                try:
                    doc = json.loads(line)
                    item = doc["Item"]
                    if set(doc) != {"Item"} or not isinstance(item, dict):
                        raise ValueError
                except (ValueError, KeyError, TypeError):
                    errors += 1
                    continue
                batch.append(item)
                imported += 1
                if len(batch) == 25:
                    write()
        if batch:
            write()
        table = ENGINE.call("DescribeTable", {"TableName": p["TableName"]})["Table"]
        with ST.lock:
            d.update({"ImportStatus": "COMPLETED", "EndTime": now(), "ProcessedItemCount": processed,
                      "ImportedItemCount": imported, "ErrorCount": errors, "ProcessedSizeBytes": size,
                      "TableArn": table["TableArn"], "TableId": table.get("TableId", str(uuid.uuid4()))})
    except ApiError as e:
        with ST.lock:
            d.update({"ImportStatus": "FAILED", "EndTime": now(), "FailureCode": e.code[:100],
                      "FailureMessage": e.message, "ProcessedItemCount": processed, "ImportedItemCount": imported,
                      "ErrorCount": errors})




def do_op(op, p, region):
    if op == "DescribeContinuousBackups":
        return continuous(p["TableName"])
    if op == "UpdateContinuousBackups":
        describe_table(p["TableName"])
        ST.pitr[p["TableName"]] = bool(p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"])
        return continuous(p["TableName"])
    if op == "ExportTableToPointInTime":
        name = table_name_of_arn(p["TableArn"])
        t = describe_table(name)
        if not ST.pitr.get(name):
            raise ApiError("PointInTimeRecoveryUnavailableException",
                           "Point in time recovery is not enabled for table '%s'" % name)
        if p.get("ExportType", "FULL_EXPORT") != "FULL_EXPORT" or p.get("ExportFormat", "DYNAMODB_JSON") != \
                "DYNAMODB_JSON":
            raise ApiError("ValidationException", "the stand-in exports FULL_EXPORT in DYNAMODB_JSON only")
        with ST.lock:
            tok = p.get("ClientToken")
            for d in ST.exports.values():
                if tok and d.get("ClientToken") == tok:
                    if d["_input"] != p:
                        raise ApiError("ExportConflictException", "ClientToken reused with another input")
                    return {"ExportDescription": public(d)}
            eid = "%d-%s" % (int(now() * 1000), secrets.token_hex(4))
            start = now()
            d = {"ExportArn": t["TableArn"] + "/export/" + eid, "ExportStatus": "IN_PROGRESS", "StartTime": start,
                 "TableArn": p["TableArn"], "TableId": t.get("TableId", str(uuid.uuid4())),
                 "ExportTime": p.get("ExportTime", start), "S3Bucket": p["S3Bucket"],
                 "ExportFormat": "DYNAMODB_JSON", "ExportType": "FULL_EXPORT",
                 "S3SseAlgorithm": p.get("S3SseAlgorithm", "AES256"), "_table": name, "_id": eid, "_input": p}
            for k in ("S3Prefix", "S3BucketOwner", "ClientToken"):
                if k in p:
                    d[k] = p[k]
            ST.exports[d["ExportArn"]] = d
        threading.Thread(target=run_export, args=(d,), daemon=True).start()
        return {"ExportDescription": public(d)}
    if op == "DescribeExport":
        with ST.lock:
            d = ST.exports.get(p["ExportArn"])
            if not d:
                raise ApiError("ExportNotFoundException", "Export not found: %s" % p["ExportArn"])
            return {"ExportDescription": public(d)}
    if op == "ImportTable":
        tp = p["TableCreationParameters"]
        if p["InputFormat"] != "DYNAMODB_JSON" or p.get("InputCompressionType", "NONE") not in ("GZIP", "NONE"):
            raise ApiError("ValidationException", "the stand-in imports DYNAMODB_JSON, GZIP or NONE only")
        try:
            ENGINE.call("DescribeTable", {"TableName": tp["TableName"]})
            raise ApiError("ResourceInUseException", "Table already exists: %s" % tp["TableName"])
        except ApiError as e:
            if e.code != "ResourceNotFoundException":
                raise
        with ST.lock:
            tok = p.get("ClientToken")
            for d in ST.imports.values():
                if tok and d.get("ClientToken") == tok:
                    if d["_input"] != p:
                        raise ApiError("ImportConflictException", "ClientToken reused with another input")
                    return {"ImportTableDescription": public(d)}
            iid = "%d-%s" % (int(now() * 1000), secrets.token_hex(4))
            arn = "arn:aws:dynamodb:%s:%s:table/%s" % (region, ACCOUNT, tp["TableName"])
            d = {"ImportArn": arn + "/import/" + iid, "ImportStatus": "IN_PROGRESS", "TableArn": arn,
                 "S3BucketSource": p["S3BucketSource"], "InputFormat": p["InputFormat"],
                 "InputCompressionType": p.get("InputCompressionType", "NONE"), "TableCreationParameters": tp,
                 "StartTime": now(), "ErrorCount": 0, "ProcessedItemCount": 0, "ImportedItemCount": 0,
                 "ProcessedSizeBytes": 0,
                 "CloudWatchLogGroupArn": "arn:aws:logs:%s:%s:log-group:/aws-dynamodb/imports:*" % (region, ACCOUNT),
                 "_input": p}
            if tok:
                d["ClientToken"] = tok
            ST.imports[d["ImportArn"]] = d
        threading.Thread(target=run_import, args=(d,), daemon=True).start()
        return {"ImportTableDescription": public(d)}
    if op == "DescribeImport":
        with ST.lock:
            d = ST.imports.get(p["ImportArn"])
            if not d:
                raise ApiError("ImportNotFoundException", "Import not found: %s" % p["ImportArn"])
            return {"ImportTableDescription": public(d)}
    raise ApiError("InternalServerError", "not handled: %s" % op, 500)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _send(self, status, doc, ctype="application/x-amz-json-1.0", raw=None):
        body = raw if raw is not None else json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, op, e):
        if op in OWN and e.code != "StandinModelMismatch":
            try:
                check_error(op, e.code)
            except ApiError as bad:
                e = bad
        self._send(e.status, {"__type": "com.amazonaws.dynamodb.v20120810#" + e.code, "message": e.message})

    def do_GET(self):
        if self.path == "/_standin/requests":
            with ST.lock:
                return self._send(200, ST.requests, "application/json")
        self._send(404, {}, "application/json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/_standin/"):
            if self.path == "/_standin/reset":
                ST.reset()
            elif self.path == "/_standin/set":
                s = json.loads(body or b"{}")
                with ST.lock:
                    ST.delay = float(s.get("delay", ST.delay))
                    ST.file_items = int(s.get("file_items", ST.file_items))
            return self._send(200, {}, "application/json")
        op = None
        try:
            try:
                _akid, region = sigcheck.verify("POST", self.path, self.headers, body, KEYS, "dynamodb")
            except sigcheck.SigError as se:
                code = "UnrecognizedClientException" if "unknown access key" in se.message else \
                    "InvalidSignatureException" if se.code == "AuthFailure" else se.code
                if code == "IncompleteSignature":
                    code = "IncompleteSignatureException"
                raise ApiError(code, se.message, 400)
            op, p = check_request(self.headers, self.path, body)
            with ST.lock:
                ST.requests.append({"op": op, "body": p})
            if op not in OWN:   # the engine's: tables and items
                status, data, ctype = ENGINE.raw(TARGET + op, body, dict(self.headers))
                return self._send(status, None, ctype, data)
            out = do_op(op, p, region)
            check_answer(op, out)
            self._send(200, out)
        except ApiError as e:
            self._error(op, e)


def main():
    global ST, ENGINE, S3_, ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--dynamodb", required=True)
    ap.add_argument("--s3", required=True)
    ap.add_argument("--delay", type=float, default=0.5)
    ap.add_argument("--owner", type=int, default=0)
    ARGS = ap.parse_args()
    ST = State(ARGS.delay)
    ENGINE = Engine(ARGS.dynamodb)
    S3_ = S3(ARGS.s3)
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    srv.daemon_threads = True
    serve(srv, ARGS.port_file, ARGS.owner)


if __name__ == "__main__":
    main()
