#!/usr/bin/python3
"""cognito_pager.py — a Cognito user pools front for cognito-local that pages ListUsers as Cognito does.

    cognito_pager.py --upstream URL --port-file FILE [--port N] [--owner PID]

cognito-local answers ListUsers with every user in one page and never a PaginationToken, so paging could not be
tested against it alone.  This stand-in listens on 127.0.0.1 (port 0 = a free one; "http://127.0.0.1:PORT" goes to
--port-file), verifies every request's SigV4 signature (sigcheck.py: service cognito-idp; known key
AKIDDDBCOGNITO / cognito-pager-secret; otherwise 400 UnrecognizedClientException or InvalidSignatureException, as
Cognito answers), and then:
  - ListUsers: checks the request (only UserPoolId (Cognito's id pattern), AttributesToGet, Limit 0..60,
    PaginationToken, Filter (`attr = "v"` or `attr ^= "v"` on a searchable attribute); InvalidParameterException
    otherwise), asks cognito-local for all users matching Filter (a `status` filter, "Enabled" or "Disabled", is
    applied here: cognito-local compares it with "true"/"false"), applies
    AttributesToGet, and answers pages of Limit users (default and maximum 60) with an opaque PaginationToken
    that is bound to the pool, the filter and the attributes (a token from another request is refused);
  - any other X-Amz-Target: passed to cognito-local as it is (status and body back unchanged).
GET /_standin/requests lists the ListUsers requests received (JSON), for wire-level assertions.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigcheck  # noqa: E402

KEYS = {"AKIDDDBCOGNITO": "cognito-pager-secret"}
PREFIX = "AWSCognitoIdentityProviderService."
PAGE_MAX = 60
TOKEN_KEY = os.urandom(16)
LIST_USERS_FIELDS = {"UserPoolId", "AttributesToGet", "Limit", "PaginationToken", "Filter"}
POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+")
# Cognito's ListUsers filter: one searchable attribute, = or ^=, a quoted value.
FILTER = re.compile(r'\s*([a-z_:]+)\s+(\^?=)\s+"((?:[^"\\]|\\.)*)"\s*')
SEARCHABLE = {"username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username",
              "cognito:user_status", "status", "sub"}


class ApiError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def upstream_call(base, target, payload):
    data = json.dumps(payload).encode()
    req = urllib.request.Request(base + "/", data=data, method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target,
        "X-Amz-Date": "20240101T000000Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDDDBCOGNITO/20240101/us-east-1/cognito-idp/aws4_request, "
                         "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def make_token(binding, offset):
    raw = json.dumps([binding, offset]).encode()
    mac = hmac.new(TOKEN_KEY, raw, hashlib.sha256).hexdigest()[:24]
    return base64.urlsafe_b64encode(raw).decode() + "." + mac


def read_token(token, binding):
    try:
        b64, mac = token.rsplit(".", 1)
        raw = base64.urlsafe_b64decode(b64.encode())
        if not hmac.compare_digest(mac, hmac.new(TOKEN_KEY, raw, hashlib.sha256).hexdigest()[:24]):
            raise ValueError("bad mac")
        got, offset = json.loads(raw)
    except (ValueError, TypeError):
        raise ApiError("InvalidParameterException", "Invalid pagination token")
    if got != binding:
        raise ApiError("InvalidParameterException", "The pagination token does not belong to this request "
                       "(pool, filter and attributes must stay the same)")
    return offset


def list_users(upstream, body):
    for k in body:
        if k not in LIST_USERS_FIELDS:
            raise ApiError("InvalidParameterException", "Unknown field '%s' in ListUsers" % k)
    pool = body.get("UserPoolId")
    if not isinstance(pool, str) or not pool:
        raise ApiError("InvalidParameterException", "1 validation error detected: Value null at 'userPoolId' "
                       "failed to satisfy constraint: Member must not be null")
    limit = body.get("Limit", PAGE_MAX)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= PAGE_MAX:
        raise ApiError("InvalidParameterException", "1 validation error detected: Value '%s' at 'limit' failed to "
                       "satisfy constraint: Member must have value less than or equal to 60" % limit)
    if limit == 0:
        limit = PAGE_MAX
    attrs = body.get("AttributesToGet")
    if attrs is not None and (not isinstance(attrs, list) or not all(isinstance(a, str) for a in attrs)):
        raise ApiError("InvalidParameterException", "AttributesToGet must be a list of names")
    if not POOL_ID.fullmatch(pool) or len(pool) > 55:
        raise ApiError("InvalidParameterException", "1 validation error detected: Value '%s' at 'userPoolId' failed "
                       "to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
                       % pool)
    filt = body.get("Filter")
    if filt is not None and not isinstance(filt, str):
        raise ApiError("InvalidParameterException", "Filter must be a string")
    status_filter = None
    if filt:
        m = FILTER.fullmatch(filt)
        if not m:
            raise ApiError("InvalidParameterException", "Error while parsing filter")
        if m.group(1) not in SEARCHABLE:
            raise ApiError("InvalidParameterException", "Invalid search attribute: %s" % m.group(1))
        if m.group(1) == "status":
            status_filter = (m.group(2), m.group(3))
    binding = [pool, filt or "", attrs]
    offset = 0
    if "PaginationToken" in body:
        offset = read_token(body["PaginationToken"], binding)
    fwd = {"UserPoolId": pool}
    if filt and not status_filter:
        fwd["Filter"] = filt
    status, raw = upstream_call(upstream, PREFIX + "ListUsers", fwd)
    if status != 200:
        return status, raw
    users = json.loads(raw).get("Users", [])
    if status_filter:
        # Cognito's `status` is "Enabled" or "Disabled" (case-sensitive); cognito-local compares it with
        # "true"/"false", so the pager applies this one filter itself.
        op, want = status_filter
        users = [u for u in users if (lambda v: v == want if op == "=" else v.startswith(want))(
            "Enabled" if u.get("Enabled", True) else "Disabled")]
    if attrs is not None:
        for u in users:
            u["Attributes"] = [a for a in u.get("Attributes", []) if a["Name"] in attrs]
    out = {"Users": users[offset:offset + limit]}
    if offset + limit < len(users):
        out["PaginationToken"] = make_token(binding, offset + limit)
    return 200, json.dumps(out).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", hashlib.sha256(os.urandom(8)).hexdigest()[:32])
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_standin/requests":
            with self.server.lock:
                return self.send(200, json.dumps(self.server.requests).encode())
        self.send(404, b"{}")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        try:
            try:
                sigcheck.verify("POST", self.path, self.headers, body, KEYS, "cognito-idp",
                                required=("content-type", "host", "x-amz-date", "x-amz-target"))
            except sigcheck.SigError as e:
                code = "UnrecognizedClientException" if "unknown access key" in e.message else (
                    "InvalidSignatureException" if e.code == "AuthFailure" else e.code)
                raise ApiError(code, e.message, 400)
            if self.headers.get("Content-Type") != "application/x-amz-json-1.1":
                raise ApiError("SerializationException", "Content-Type must be application/x-amz-json-1.1")
            target = self.headers.get("X-Amz-Target", "")
            if not target.startswith(PREFIX):
                raise ApiError("UnknownOperationException", "Unknown target %r" % target)
            try:
                req = json.loads(body or b"{}")
            except ValueError:
                raise ApiError("SerializationException", "The body is not JSON")
            if target == PREFIX + "ListUsers":
                with self.server.lock:
                    self.server.requests.append(req)
                status, data = list_users(self.server.upstream, req)
            else:
                status, data = upstream_call(self.server.upstream, target, req)
            self.send(status, data)
        except ApiError as e:
            self.send(e.status, json.dumps({"__type": e.code, "message": e.message}).encode())


def main():
    ap = argparse.ArgumentParser(description="Cognito ListUsers pager in front of cognito-local")
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--owner", type=int, default=0)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.upstream = a.upstream.rstrip("/")
    srv.lock = threading.Lock()
    srv.requests = []
    with open(a.port_file + ".tmp", "w") as f:
        f.write("http://127.0.0.1:%d\n" % srv.server_address[1])
    os.rename(a.port_file + ".tmp", a.port_file)
    if a.owner:
        def watch():
            while True:
                time.sleep(2)
                try:
                    os.kill(a.owner, 0)
                except OSError:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
