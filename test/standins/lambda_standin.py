#!/usr/bin/python3
"""lambda_standin.py — a strict stand-in for the Lambda API's event source mappings, enough for `ddb trigger`
(Lambda has no local engine).

    lambda_standin.py --port-file FILE [--port N] [--page-size N] [--delay SEC] [--owner PID]

Listens on 127.0.0.1 (port 0 = a free one), writes "http://127.0.0.1:PORT" to --port-file once it accepts
connections, and serves until killed (or until --owner's process is gone).

What it checks, like Lambda does (a client bug must fail a test):
  - the SigV4 signature of every request (sigcheck.py: botocore's signer with the known secret and the request's own
    X-Amz-Date, the path double-encoded as for every non-S3 service): an unknown key is 403
    UnrecognizedClientException, a wrong secret, a tampered path, query, body or header, or a scope that is not
    ".../<region>/lambda/aws4_request" is 403 InvalidSignatureException;
  - every request against botocore's `lambda` model (lambda_model.py): the operation found from the method and the
    path, its input read from the path labels, the query string and the JSON body, validated (types, required,
    ranges, enums, patterns), and botocore's own serialisation of that input must be the path, query and body
    received; every answer (errors too) is checked against the model before it is sent, and one that strays is a
    500 StandinModelMismatch (a stand-in bug).
Known credentials (the tests export them; DynamoDB Local accepts any):
    AKIDDDBLAMBDA / lambda-standin-secret
State: functions (added through the test controls; their ARNs are arn:aws:lambda:<region>:123456789012:function:N,
the region being the request's credential scope), and event source mappings.  A new mapping is Creating and an
updated one Updating for --delay seconds (default 0.5), then Enabled (or Disabled); a deleted one is Deleting for
--delay seconds, then gone.  While Creating, Updating or Deleting, UpdateEventSourceMapping and
DeleteEventSourceMapping are 400 ResourceInUseException.
A second mapping of the same stream and function is 409 ResourceConflictException, as Lambda answers.
ListEventSourceMappings answers pages of --page-size (default 2) with a NextMarker bound to its filters.

Test controls (not Lambda; plain HTTP, no signature, loopback only):
    POST /_standin/reset                     fresh state (functions, mappings, requests, settings)
    POST /_standin/add-function              JSON {"name", "region" (default us-east-1)}
    POST /_standin/set                       JSON {"delay": SEC, "page_size": N, "repeat_marker": bool (every page
                                             answers the marker it was asked with: a server paging forever),
                                             "fail_next_create": bool (the next CreateEventSourceMapping is carried
                                             out, then answered 500 ServiceException: a lost answer)}
    GET  /_standin/requests                  JSON list of {op, method, path, query (pairs), body, key, region,
                                             status} for every request that passed the signature and model checks
    GET  /_standin/state                     JSON {"functions": [...], "mappings": [...]}
"""
import argparse
import base64
import hashlib
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lambda_model  # noqa: E402
import sigcheck  # noqa: E402
from serve import serve  # noqa: E402

ACCOUNT = "123456789012"
KEYS = {"AKIDDDBLAMBDA": "lambda-standin-secret"}
OUTPUT_MEMBERS = set(lambda_model.MODEL.operation_model("GetEventSourceMapping").output_shape.members)


class ApiError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class State:
    def __init__(self, delay, page_size):
        self.lock = threading.Lock()
        self.functions = set()       # function ARNs (unqualified)
        self.mappings = {}           # UUID -> mapping (the API's fields) plus "_until", "_next"
        self.requests = []
        self.delay = delay
        self.page_size = page_size
        self.repeat_marker = False
        self.fail_next_create = False

    def settle(self):
        now = time.time()
        for u in list(self.mappings):
            m = self.mappings[u]
            if m["_until"] and now >= m["_until"]:
                if m["State"] == "Deleting":
                    del self.mappings[u]
                    continue
                m["State"], m["_until"] = m["_next"], 0
                m["StateTransitionReason"] = "USER_INITIATED"

    def public(self, m):
        return {k: v for k, v in m.items() if not k.startswith("_")}


def function_arn(st, name, region):
    """Lambda's FunctionName forms: NAME, NAME:QUALIFIER, ACCOUNT:function:NAME[:Q], the (qualified) ARN."""
    if name.startswith("arn:"):
        parts = name.split(":")
        if len(parts) < 7 or parts[2] != "lambda" or parts[5] != "function":
            raise ApiError("InvalidParameterValueException", "FunctionName is not a function ARN: %s" % name)
        base, qual = ":".join(parts[:7]), parts[7] if len(parts) > 7 else None
    elif ":function:" in name:
        acct, _, rest = name.partition(":function:")
        fname, _, qual = rest.partition(":")
        base = "arn:aws:lambda:%s:%s:function:%s" % (region, acct, fname)
    else:
        fname, _, qual = name.partition(":")
        base = "arn:aws:lambda:%s:%s:function:%s" % (region, ACCOUNT, fname)
    if base not in st.functions:
        raise ApiError("ResourceNotFoundException", "Function not found: %s" % base, 404)
    return base + (":" + qual if qual else "")


def check_filter(fc):
    for f in (fc or {}).get("Filters", []):
        try:
            ok = isinstance(json.loads(f.get("Pattern", "")), dict)
        except ValueError:
            ok = False
        if not ok:
            raise ApiError("InvalidParameterValueException", "Invalid filter pattern definition: %s" %
                           f.get("Pattern"))


def busy(st, after):
    return time.time() + st.delay, after


# ---- operations ------------------------------------------------------------------------------------------------

def create(st, p, region):
    src = p.get("EventSourceArn")
    if not src or ":dynamodb:" not in src or "/stream/" not in src:
        raise ApiError("InvalidParameterValueException", "this stand-in maps DynamoDB streams only: %s" % src)
    if "StartingPosition" not in p:
        raise ApiError("InvalidParameterValueException", "StartingPosition is required for DynamoDB streams")
    if p["StartingPosition"] == "AT_TIMESTAMP":
        raise ApiError("InvalidParameterValueException", "AT_TIMESTAMP is for Kinesis streams")
    fn = function_arn(st, p["FunctionName"], region)
    check_filter(p.get("FilterCriteria"))
    for m in st.mappings.values():
        if m["EventSourceArn"] == src and m["FunctionArn"] == fn:
            raise ApiError("ResourceConflictException", "The event source arn (%s) and function (%s) provided mapping "
                           "already exists. Please update or delete the existing mapping with UUID %s" %
                           (src, fn, m["UUID"]), 409)
    u = str(uuid.uuid4())
    m = {
        "UUID": u, "StartingPosition": p["StartingPosition"], "BatchSize": p.get("BatchSize", 100),
        "MaximumBatchingWindowInSeconds": p.get("MaximumBatchingWindowInSeconds", 0),
        "ParallelizationFactor": p.get("ParallelizationFactor", 1), "EventSourceArn": src, "FunctionArn": fn,
        "LastModified": time.time(), "LastProcessingResult": "No records processed", "State": "Creating",
        "StateTransitionReason": "USER_INITIATED",
        "DestinationConfig": p.get("DestinationConfig", {"OnFailure": {}}),
        "MaximumRecordAgeInSeconds": p.get("MaximumRecordAgeInSeconds", -1),
        "BisectBatchOnFunctionError": p.get("BisectBatchOnFunctionError", False),
        "MaximumRetryAttempts": p.get("MaximumRetryAttempts", -1),
        "TumblingWindowInSeconds": p.get("TumblingWindowInSeconds", 0), "FunctionResponseTypes": [],
    }
    if "EventSourceMappingArn" in OUTPUT_MEMBERS:   # newer models only
        m["EventSourceMappingArn"] = "arn:aws:lambda:%s:%s:event-source-mapping:%s" % (region, ACCOUNT, u)
    if "FilterCriteria" in p:
        m["FilterCriteria"] = p["FilterCriteria"]
    m["_until"], m["_next"] = busy(st, "Enabled" if p.get("Enabled", True) else "Disabled")
    st.mappings[u] = m
    if st.fail_next_create:   # carried out, then the answer is "lost": a client retry must not make a second one
        st.fail_next_create = False
        raise ApiError("ServiceException", "The service encountered an internal error (the mapping was created).",
                       500)
    return 202, st.public(m)


def get_mapping(st, u):
    m = st.mappings.get(u)
    if not m:
        raise ApiError("ResourceNotFoundException", "The resource you requested does not exist.", 404)
    return m


def update(st, p, region):
    m = get_mapping(st, p["UUID"])
    if m["State"] not in ("Enabled", "Disabled"):
        raise ApiError("ResourceInUseException", "Cannot update the event source mapping because it is in use "
                       "(state %s)." % m["State"], 400)
    if "FunctionName" in p:
        m["FunctionArn"] = function_arn(st, p["FunctionName"], region)
    check_filter(p.get("FilterCriteria"))
    for k in ("BatchSize", "MaximumBatchingWindowInSeconds", "DestinationConfig", "MaximumRecordAgeInSeconds",
              "BisectBatchOnFunctionError", "MaximumRetryAttempts", "ParallelizationFactor", "FilterCriteria",
              "TumblingWindowInSeconds"):
        if k in p:
            m[k] = p[k]
    enabled = p.get("Enabled", m["State"] == "Enabled")
    m["State"], m["LastModified"] = "Updating", time.time()
    m["_until"], m["_next"] = busy(st, "Enabled" if enabled else "Disabled")
    return 202, st.public(m)


def delete(st, p, region):
    m = get_mapping(st, p["UUID"])
    if m["State"] not in ("Enabled", "Disabled"):
        raise ApiError("ResourceInUseException", "Cannot delete the event source mapping because it is in use "
                       "(state %s)." % m["State"], 400)
    m["State"] = "Deleting"
    m["_until"], m["_next"] = busy(st, None)
    return 202, st.public(m)


def get(st, p, region):
    return 200, st.public(get_mapping(st, p["UUID"]))


def list_mappings(st, p, region):
    src, fn = p.get("EventSourceArn"), p.get("FunctionName")
    if fn:
        fn = function_arn(st, fn, region)
    items = [m for m in st.mappings.values()
             if (not src or m["EventSourceArn"] == src) and (not fn or m["FunctionArn"] == fn)]
    fp = hashlib.sha256(json.dumps([src, fn]).encode()).hexdigest()[:12]
    start = 0
    marker = p.get("Marker")
    if marker is not None:
        try:
            got_fp, start = base64.b64decode(marker.encode(), validate=True).decode().split(":")
            start = int(start)
        except Exception:
            raise ApiError("InvalidParameterValueException", "Invalid Marker: %s" % marker)
        if got_fp != fp or not 0 < start <= len(items):
            raise ApiError("InvalidParameterValueException", "Marker %s does not belong to this request" % marker)
    size = min(p.get("MaxItems", st.page_size), st.page_size)
    out = {"EventSourceMappings": [st.public(m) for m in items[start:start + size]]}
    if st.repeat_marker and marker is not None:
        out["NextMarker"] = marker
    elif start + size < len(items) or (st.repeat_marker and items):
        out["NextMarker"] = base64.b64encode(("%s:%d" % (fp, min(start + size, len(items)))).encode()).decode()
    return 200, out


OPS = {
    "CreateEventSourceMapping": create,
    "UpdateEventSourceMapping": update,
    "DeleteEventSourceMapping": delete,
    "GetEventSourceMapping": get,
    "ListEventSourceMappings": list_mappings,
}


# ---- HTTP ------------------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lambda-standin"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("lambda-standin: " + (fmt % args) + "\n")

    def send(self, status, doc, error_type=None):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)

    def send_error_doc(self, op, e):
        doc = {"Type": "User" if e.status < 500 else "Service", "message": e.message}
        try:
            lambda_model.check_error(op, e.status, e.code, doc)
        except lambda_model.ModelError as me:
            sys.stderr.write("lambda-standin: error answer: %s\n" % me.message)
            e = ApiError("ServiceException", "stand-in bug: %s" % me.message, 500)
            doc = {"Type": "Service", "message": e.message}
        self.send(e.status, doc, e.code)

    def read_body(self):
        if self.headers.get("Transfer-Encoding"):
            raise ApiError("InvalidRequestContentException", "chunked bodies are not supported", 400)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def control(self, method, path, body):
        st = self.server.state
        with st.lock:
            st.settle()
            if method == "GET" and path == "/_standin/requests":
                return self.send(200, st.requests)
            if method == "GET" and path == "/_standin/state":
                return self.send(200, {"functions": sorted(st.functions),
                                       "mappings": [st.public(m) for m in st.mappings.values()]})
            if method == "POST" and path == "/_standin/reset":
                st.functions, st.mappings, st.requests = set(), {}, []
                st.delay, st.page_size, st.repeat_marker = self.server.delay, self.server.page_size, False
                st.fail_next_create = False
                return self.send(200, {})
            if method == "POST" and path == "/_standin/add-function":
                spec = json.loads(body or b"{}")
                arn = "arn:aws:lambda:%s:%s:function:%s" % (spec.get("region", "us-east-1"), ACCOUNT, spec["name"])
                st.functions.add(arn)
                return self.send(200, {"FunctionArn": arn})
            if method == "POST" and path == "/_standin/set":
                spec = json.loads(body or b"{}")
                st.delay = float(spec.get("delay", st.delay))
                st.page_size = max(1, int(spec.get("page_size", st.page_size)))
                st.repeat_marker = bool(spec.get("repeat_marker", st.repeat_marker))
                st.fail_next_create = bool(spec.get("fail_next_create", st.fail_next_create))
                return self.send(200, {})
        return self.send(404, {"Type": "User", "message": "no such control"})

    def handle_api(self, method):
        st = self.server.state
        url = urlsplit(self.path)
        op = None
        try:
            body = self.read_body()
            if url.path.startswith("/_standin/"):
                return self.control(method, url.path, body)
            try:
                key, region = sigcheck.verify(method, self.path, self.headers, body, KEYS, "lambda")
            except sigcheck.SigError as e:
                code = "UnrecognizedClientException" if "unknown access key" in e.message else \
                    "InvalidSignatureException"
                if e.code == "MissingAuthenticationToken":
                    code = "MissingAuthenticationTokenException"
                raise ApiError(code, e.message, 403)
            try:
                query = parse_qsl(url.query, keep_blank_values=True, strict_parsing=bool(url.query))
            except ValueError:
                raise ApiError("ValidationException", "the query string is malformed")
            try:
                op, labels = lambda_model.match(method, url.path)
                if op not in OPS:
                    raise ApiError("ServiceException", "the stand-in does not serve %s" % op, 501)
                params, ser = lambda_model.check_request(op, labels, query, self.headers, body)
                lambda_model.same_as_botocore(ser, url.path, query, body)
            except lambda_model.ModelError as e:
                raise ApiError(e.code, e.message, e.status)
            with st.lock:
                st.settle()
                rec = {"op": op, "method": method, "path": url.path, "query": query,
                       "body": json.loads(body) if body else None, "key": key, "region": region, "status": None}
                st.requests.append(rec)
                try:
                    status, doc = OPS[op](st, params, region)
                except ApiError as e:
                    rec["status"] = e.status
                    raise
                rec["status"] = status
            try:
                lambda_model.check_response(op, status, doc)
            except lambda_model.ModelError as e:
                sys.stderr.write("lambda-standin: %s response: %s\n" % (op, e.message))
                raise ApiError("ServiceException", "stand-in bug: %s" % e.message, 500)
            self.send(status, doc)
        except ApiError as e:
            self.send_error_doc(op, e)

    def do_GET(self):
        self.handle_api("GET")

    def do_POST(self):
        self.handle_api("POST")

    def do_PUT(self):
        self.handle_api("PUT")

    def do_DELETE(self):
        self.handle_api("DELETE")


def main():
    ap = argparse.ArgumentParser(description="Lambda event source mapping stand-in for ddb's tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--page-size", type=int, default=2)
    ap.add_argument("--delay", type=float, default=0.5)
    ap.add_argument("--owner", type=int, default=0, help="exit when this process is gone")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.delay, srv.page_size, srv.verbose = a.delay, max(1, a.page_size), a.verbose
    srv.state = State(a.delay, srv.page_size)
    serve(srv, a.port_file, a.owner)


if __name__ == "__main__":
    main()
