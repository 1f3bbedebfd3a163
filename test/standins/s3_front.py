#!/usr/bin/python3
"""s3_front.py — s3rver behind a strict SigV4 check, the S3 the tests talk to.

    s3_front.py --port-file FILE --dir DIR [--port N] [--bucket NAME]... [--owner PID]

Starts s3rver (test/standins/s3rver.js, the npm package pinned in package.json) on a free loopback port with its
objects under DIR/objects, then listens on 127.0.0.1:N (0: a free one; the URL goes to --port-file) and forwards
every request whose signature is right.  s3rver 3.7 accepts any SigV4 signature of a known access key (its V4
check is unimplemented), so the check is done here, with botocore's own S3 signer (S3SigV4Auth: the path as sent,
neither normalised nor encoded again; the payload hash from X-Amz-Content-SHA256, UNSIGNED-PAYLOAD allowed) and the
known secret, on the request's own X-Amz-Date; a hashed payload must also match the body received.  A wrong secret,
a tampered path, query, header or body is 403 SignatureDoesNotMatch, an unknown key 403 InvalidAccessKeyId, a request
without a SigV4 Authorization header 403 AccessDenied — S3's XML errors.
Known credentials: ddblocal/ddblocal (what ddb signs with in local mode), AKIDDDBS3/s3-standin-secret and
AKIDDDBBULK/bulk-standin-secret (the DynamoDB export/import stand-in's, so a prod-mode test signs both with one key).
Test controls (plain HTTP, no signature): GET /_front/requests (JSON list of {method, path, query, sha256, range}
of the requests that passed), POST /_front/reset (the log and the faults below), POST /_front/set with JSON faults:
  "fail_part": N        every UploadPart of part N is answered 500 InternalError (the upload must be aborted)
  "repeat_token": true  a ListObjectsV2 page asked for with a continuation token gives that same token back
  "cut_get": BYTES      the next whole-object GET announces the full length, sends BYTES bytes and closes the
                        connection (a cut download; the client should resume with a Range request)
  "ignore_range": true  Range headers are dropped before s3rver sees them (a server answering 200, whole object)
"""
import argparse
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import serve  # noqa: E402

KEYS = {"ddblocal": "ddblocal", "AKIDDDBS3": "s3-standin-secret",
        "AKIDDDBBULK": "bulk-standin-secret"}   # dynamodb_bulk_standin.py's: one key for DynamoDB and S3 in prod tests
AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([a-z0-9-]+)/s3/aws4_request, "
                     r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization"}
LOG = []
LOCK = threading.Lock()
FAULTS = {}


class Refused(Exception):
    def __init__(self, code, message, status=403):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def verify(method, raw_path, headers, body):
    """Raise Refused unless the request carries the signature botocore's S3 signer makes with the known secret."""
    auth = headers.get("Authorization") or ""
    m = AUTH_RE.match(auth)
    if not m:
        raise Refused("AccessDenied", "a SigV4 Authorization header is required")
    akid, day, region, signed, _sig = m.groups()
    if akid not in KEYS:
        raise Refused("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
    amz_date = headers.get("X-Amz-Date") or ""
    if not re.match(r"^\d{8}T\d{6}Z$", amz_date) or amz_date[:8] != day:
        raise Refused("AccessDenied", "X-Amz-Date is missing, malformed or not the credential's day")
    names = signed.split(";")
    for need in ("host", "x-amz-content-sha256", "x-amz-date"):
        if need not in names:
            raise Refused("AccessDenied", "header '%s' must be signed" % need)
    payload = headers.get("X-Amz-Content-SHA256") or ""
    if payload != "UNSIGNED-PAYLOAD":
        if payload != hashlib.sha256(body).hexdigest():
            raise Refused("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match "
                          "what was computed.", 400)
    sign_headers = {}
    for n in names:
        vals = headers.get_all(n)
        if not vals:
            raise Refused("AccessDenied", "signed header '%s' is not in the request" % n)
        sign_headers[n] = ",".join(vals)
    req = AWSRequest(method=method, url="http://%s%s" % (sign_headers["host"], raw_path), data=body,
                     headers=sign_headers)
    req.context["timestamp"] = amz_date
    req.context["client_config"] = types.SimpleNamespace(
        s3={"payload_signing_enabled": payload != "UNSIGNED-PAYLOAD"})
    signer = S3SigV4Auth(Credentials(akid, KEYS[akid], headers.get("X-Amz-Security-Token")), "s3", region)
    signer._modify_request_before_signing(req)
    canonical = signer.canonical_request(req)
    sts = signer.string_to_sign(req, canonical)
    signer._inject_signature_to_request(req, signer.signature(sts, req))
    if req.headers["Authorization"] != auth:
        raise Refused("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                      "you provided. Check your key and signing method.")


def xml_error(code, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
            '<RequestId>front-%d</RequestId></Error>' % (code, message.replace("&", "&amp;").replace("<", "&lt;"),
                                                           int(time.time() * 1000))).encode()


class Front(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    backend = None

    def log_message(self, fmt, *args):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status, body, ctype="application/xml", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self):
        body = self._body()
        if self.path.startswith("/_front/"):
            if self.path == "/_front/requests":
                with LOCK:
                    return self._send(200, json.dumps(LOG).encode(), "application/json")
            if self.path == "/_front/reset":
                with LOCK:
                    LOG.clear()
                    FAULTS.clear()
                return self._send(200, b"{}", "application/json")
            if self.path == "/_front/set":
                with LOCK:
                    FAULTS.update(json.loads(body or b"{}"))
                return self._send(200, b"{}", "application/json")
            return self._send(404, b"{}", "application/json")
        try:
            verify(self.command, self.path, self.headers, body)
        except Refused as r:
            return self._send(r.status, xml_error(r.code, r.message))
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        with LOCK:
            LOG.append({"method": self.command, "path": parts.path, "query": parts.query,
                        "sha256": self.headers.get("X-Amz-Content-SHA256"), "range": self.headers.get("Range")})
            fail_part = FAULTS.get("fail_part")
            repeat = FAULTS.get("repeat_token")
            cut = FAULTS.get("cut_get") if self.command == "GET" and not self.headers.get("Range") and \
                parts.path.count("/") >= 2 and "list-type" not in query else None
            if cut:
                FAULTS.pop("cut_get")
        if self.command == "PUT" and fail_part and query.get("partNumber") == [str(fail_part)]:
            return self._send(500, xml_error("InternalError", "We encountered an internal error. Please try again."))
        conn = http.client.HTTPConnection("127.0.0.1", self.backend, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP and k.lower() != "content-length"}
        headers["Content-Length"] = str(len(body))
        if FAULTS.get("ignore_range"):
            headers = {k: v for k, v in headers.items() if k.lower() != "range"}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if repeat and "continuation-token" in query:
            tok = query["continuation-token"][0].replace("&", "&amp;").replace("<", "&lt;")
            data = re.sub(rb"<NextContinuationToken>[^<]*</NextContinuationToken>",
                          b"<NextContinuationToken>" + tok.encode() + b"</NextContinuationToken>", data)
        if cut and resp.status == 200:
            self.send_response(200)
            for k, v in resp.getheaders():
                if k.lower() not in HOP:
                    self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            conn.close()
            return
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)) if self.command != "HEAD"
                         else resp.getheader("Content-Length") or "0")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--bucket", action="append", default=[])
    ap.add_argument("--owner", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.dir, "objects"), exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    for attempt in range(5):
        back = free_port()
        child = subprocess.Popen(["node", os.path.join(here, "s3rver.js"), str(back), os.path.join(a.dir, "objects")]
                                 + a.bucket, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        line = child.stdout.readline()
        if line.strip() == b"ready":
            break
        child.wait()
    else:
        sys.exit("s3_front: s3rver did not start")

    def stop(*_):
        child.terminate()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    Front.backend = back
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Front)
    srv.daemon_threads = True
    try:
        serve(srv, a.port_file, a.owner)
    finally:
        child.terminate()


if __name__ == "__main__":
    main()
