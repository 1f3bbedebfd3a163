#!/usr/bin/python3
"""aws_standins.py — loopback stand-ins for the credential endpoints ddb talks to, and a DynamoDB that checks
signatures, on ONE port (requests are told apart by method, path and headers):

    aws_standins.py --port-file FILE [--port N] [--owner PID] [--now EPOCH]

Writes "http://127.0.0.1:PORT" to --port-file once it accepts connections; serves until killed (or until the
--owner process is gone).

  STS        POST / (form body, Version=2011-06-15): AssumeRole (SigV4-checked, scope .../sts/aws4_request),
             AssumeRoleWithWebIdentity (must be unsigned), GetCallerIdentity (SigV4-checked).
             Roles whose ARN contains "needs-external-id" want ExternalId=ext-123; "needs-mfa" wants
             SerialNumber and TokenCode=123456; "denied" is always AccessDenied.  WebIdentityToken "expired-token"
             -> ExpiredTokenException, "bad-token" -> InvalidIdentityToken.
  DynamoDB   POST / with X-Amz-Target DynamoDB_20120810.ListTables: SigV4-checked (scope .../dynamodb/...); temporary
             keys this stand-in issued need their exact X-Amz-Security-Token and must not be expired at the request's
             X-Amz-Date (ExpiredTokenException).  Answers pages of "page" names out of "tables" names.
  container  GET /container/... (the AWS_CONTAINER_CREDENTIALS_FULL_URI); paths containing "/auth" want
             Authorization: <container_token>.
  IMDS       PUT /latest/api/token (needs X-aws-ec2-metadata-token-ttl-seconds; 403 when imds_v2 is false), GET
             /latest/meta-data/iam/security-credentials/[ROLE] (needs the token when imds_v2 is true).
  SSO        GET /federation/credentials?role_name=&account_id= with x-amz-sso_bearer_token: <sso_token>.

Keys: every issued key is "ASIA<KIND><n>" (KIND: STS, WEB, CON, IMD, SSO) with a random secret and token, expiring
"ttl" seconds after the request's time (X-Amz-Date when signed, else the configured "now", else the wall clock).
Any other access key is a "static" key whose secret must be "secret-for-<AKID>" (any session token is accepted
and recorded).  Wrong secret -> signature mismatch, as AWS answers.

Test controls (plain HTTP, loopback only):
  GET  /__log      JSON list of every request: {kind, action, akid, token, params, scope_region, signed, ...}
  POST /__reset    clears the log and restores the default config
  POST /__config   merges a JSON object into the config: now, ttl, tables, page, imds_v2, sso_token,
                   container_token, imds_token_hang (seconds the IMDS token answer is held back)
"""
import argparse
import calendar
import json
import os
import secrets
import sys
import threading
import time
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigcheck  # noqa: E402
from serve import serve  # noqa: E402

ACCOUNT = "123456789012"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IMDS_ROLE = "ddb-instance-role"
DEFAULTS = {"now": None, "ttl": 3600, "tables": 7, "page": 3, "imds_v2": True, "sso_token": "sso-access-token",
            "container_token": "container-token", "imds_token_hang": 0}

LOCK = threading.Lock()
ISSUED = {}       # akid -> dict(secret, token, exp, kind, arn, user_id)
LOG = []
CONFIG = dict(DEFAULTS)
COUNTER = [0]


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Keys:
    """sigcheck's key table: issued keys, else the static convention."""

    def __contains__(self, akid):
        return True

    def __getitem__(self, akid):
        with LOCK:
            k = ISSUED.get(akid)
        return k["secret"] if k else "secret-for-" + akid


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def amz_time(headers):
    d = headers.get("X-Amz-Date")
    if d:
        return calendar.timegm(time.strptime(d, "%Y%m%dT%H%M%SZ"))
    with LOCK:
        now = CONFIG["now"]
    return int(now) if now is not None else int(time.time())


def issue(kind, now, ttl, arn, user_id, account=ACCOUNT):
    with LOCK:
        COUNTER[0] += 1
        akid = "ASIA%s%06d" % (kind, COUNTER[0])
        cred = {"akid": akid, "secret": "sk-" + secrets.token_hex(16), "token": "tok-" + secrets.token_hex(24),
                "exp": int(now) + int(ttl), "kind": kind, "arn": arn, "user_id": user_id, "account": account}
        ISSUED[akid] = cred
    return cred


def check_sig(h, body, service):
    """Verify SigV4; for issued keys also the token and the expiry.  Returns (akid, region, cred or None)."""
    try:
        akid, region = sigcheck.verify(h.command, h.path, h.headers, body, Keys(), service)
    except sigcheck.SigError as e:
        raise ApiError(403 if e.code in ("AuthFailure", "SignatureDoesNotMatch") else 400,
                       "SignatureDoesNotMatch" if e.code == "AuthFailure" else e.code, e.message)
    with LOCK:
        cred = ISSUED.get(akid)
    if cred:
        if h.headers.get("X-Amz-Security-Token") != cred["token"]:
            raise ApiError(400, "UnrecognizedClientException", "The security token included in the request is invalid")
        if amz_time(h.headers) >= cred["exp"]:
            raise ApiError(400, "ExpiredTokenException", "The security token included in the request is expired")
    return akid, region, cred


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "aws-standins"

    def log_message(self, fmt, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, body, ctype="application/json", extra=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def record(self, **kw):
        with LOCK:
            LOG.append(kw)

    # ---- dispatch ----
    def do_GET(self):
        u = urlsplit(self.path)
        try:
            if u.path == "/__log":
                with LOCK:
                    return self.send(200, json.dumps(LOG))
            if u.path.startswith("/container/"):
                return self.container(u)
            if u.path.startswith("/latest/meta-data/iam/security-credentials/"):
                return self.imds_creds(u)
            if u.path == "/federation/credentials":
                return self.sso(u)
            self.send(404, json.dumps({"message": "no such stand-in path"}))
        except ApiError as e:
            self.send(e.status, json.dumps({"message": e.message, "code": e.code}))

    def do_PUT(self):
        self.body()
        u = urlsplit(self.path)
        if u.path == "/latest/api/token":
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            with LOCK:
                v2 = CONFIG["imds_v2"]
            self.record(kind="imds", action="token", ttl=ttl)
            with LOCK:
                hang = CONFIG["imds_token_hang"]
            if hang:   # the answer never reaches the client (a hop limit of 1): it times out first
                time.sleep(hang)
                try:
                    return self.send(200, "imds-session-token", "text/plain")
                except OSError:
                    return None
            if not v2:
                return self.send(403, "", "text/plain")
            if not ttl or not ttl.isdigit():
                return self.send(400, "", "text/plain")
            return self.send(200, "imds-session-token", "text/plain")
        self.send(404, "")

    def do_POST(self):
        body = self.body()
        u = urlsplit(self.path)
        if u.path == "/__reset":
            with LOCK:
                LOG.clear()
                CONFIG.clear()
                CONFIG.update(DEFAULTS)
            return self.send(200, "{}")
        if u.path == "/__config":
            with LOCK:
                CONFIG.update(json.loads(body or b"{}"))
            return self.send(200, "{}")
        target = self.headers.get("X-Amz-Target")
        if target:
            return self.dynamodb(target, body)
        return self.sts(body)

    # ---- DynamoDB ----
    def dynamodb(self, target, body):
        try:
            akid, region, cred = check_sig(self, body, "dynamodb")
            self.record(kind="dynamodb", action=target.split(".")[-1], akid=akid, scope_region=region,
                        token=self.headers.get("X-Amz-Security-Token"), issued=bool(cred),
                        time=amz_time(self.headers), exp=cred["exp"] if cred else None)
            if target != "DynamoDB_20120810.ListTables":
                raise ApiError(400, "UnknownOperationException", "stand-in: only ListTables")
            req = json.loads(body or b"{}")
            with LOCK:
                names = ["table%02d" % i for i in range(int(CONFIG["tables"]))]
                page = int(CONFIG["page"])
            start = req.get("ExclusiveStartTableName")
            rest = [n for n in names if start is None or n > start]
            out = {"TableNames": rest[:page]}
            if len(rest) > page:
                out["LastEvaluatedTableName"] = rest[page - 1]
            text = json.dumps(out).encode()
            self.send(200, text, "application/x-amz-json-1.0", {"x-amz-crc32": str(zlib.crc32(text))})
        except ApiError as e:
            self.record(kind="dynamodb", error=e.code)
            text = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#" + e.code, "message": e.message})
            self.send(e.status, text, "application/x-amz-json-1.0")

    # ---- STS ----
    def sts(self, body):
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        action = params.get("Action")
        try:
            if params.get("Version") != "2011-06-15":
                raise ApiError(400, "InvalidAction", "Version must be 2011-06-15")
            if action == "AssumeRole":
                return self.assume_role(params, body)
            if action == "AssumeRoleWithWebIdentity":
                return self.web_identity(params)
            if action == "GetCallerIdentity":
                akid, region, cred = check_sig(self, body, "sts")
                self.record(kind="sts", action=action, akid=akid, scope_region=region, issued=bool(cred))
                if cred:
                    arn, uid, acct = cred["arn"], cred["user_id"], cred["account"]
                else:
                    arn, uid, acct = "arn:aws:iam::%s:user/ddb-tester" % ACCOUNT, "AIDATESTER" + akid[-4:], ACCOUNT
                return self.sts_ok(action, "<Arn>%s</Arn><UserId>%s</UserId><Account>%s</Account>" %
                                   (escape(arn), escape(uid), acct))
            raise ApiError(400, "InvalidAction", "stand-in: unknown action %s" % action)
        except ApiError as e:
            self.record(kind="sts", action=action, error=e.code, params=redact(params))
            self.send(e.status, '<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code>'
                      '<Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>' %
                      (STS_NS, e.code, escape(e.message), uuid.uuid4()), "text/xml")

    def sts_ok(self, action, inner):
        self.send(200, '<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId>'
                  '</ResponseMetadata></%sResponse>' % (action, STS_NS, action, inner, action, uuid.uuid4(), action),
                  "text/xml")

    def creds_xml(self, cred, session):
        role = cred["arn"]
        return ("<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
                "<SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials>"
                "<AssumedRoleUser><AssumedRoleId>%s</AssumedRoleId><Arn>%s</Arn></AssumedRoleUser>" %
                (cred["akid"], cred["secret"], cred["token"], iso(cred["exp"]), escape(cred["user_id"]),
                 escape(role)))

    def ttl(self, params):
        d = params.get("DurationSeconds")
        if d is not None:
            if not d.isdigit() or not 900 <= int(d) <= 43200:
                raise ApiError(400, "ValidationError", "DurationSeconds out of range")
            return int(d)
        with LOCK:
            return CONFIG["ttl"]

    def role_user(self, params):
        role = params.get("RoleArn") or ""
        session = params.get("RoleSessionName") or ""
        if not role.startswith("arn:aws:iam::") or ":role/" not in role:
            raise ApiError(400, "ValidationError", "RoleArn is not a role ARN")
        if not session:
            raise ApiError(400, "ValidationError", "RoleSessionName is required")
        name = role.split(":role/", 1)[1].split("/")[-1]
        acct = role.split(":")[4]
        return role, session, "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, name, session), \
            "AROA%s:%s" % (name.upper()[:12], session), acct

    def assume_role(self, params, body):
        akid, region, cred = check_sig(self, body, "sts")
        role, session, arn, uid, acct = self.role_user(params)
        ttl = self.ttl(params)
        self.record(kind="sts", action="AssumeRole", akid=akid, scope_region=region, issued=bool(cred),
                    token=self.headers.get("X-Amz-Security-Token"), params=redact(params), time=amz_time(self.headers))
        if "denied" in role:
            raise ApiError(403, "AccessDenied", "not authorized to perform sts:AssumeRole on %s" % role)
        if "needs-external-id" in role and params.get("ExternalId") != "ext-123":
            raise ApiError(403, "AccessDenied", "not authorized to perform sts:AssumeRole (ExternalId)")
        if "needs-mfa" in role and (not params.get("SerialNumber") or params.get("TokenCode") != "123456"):
            raise ApiError(403, "AccessDenied", "MultiFactorAuthentication failed")
        new = issue("STS", amz_time(self.headers), ttl, arn, uid, acct)
        self.sts_ok("AssumeRole", self.creds_xml(new, session))

    def web_identity(self, params):
        signed = "Authorization" in self.headers
        self.record(kind="sts", action="AssumeRoleWithWebIdentity", signed=signed, params=redact(params),
                    web_token=params.get("WebIdentityToken"))
        if signed:
            raise ApiError(400, "InvalidParameterValue", "stand-in: AssumeRoleWithWebIdentity must be unsigned")
        role, session, arn, uid, acct = self.role_user(params)
        tok = params.get("WebIdentityToken") or ""
        if not tok:
            raise ApiError(400, "ValidationError", "WebIdentityToken is required")
        if tok == "expired-token":
            raise ApiError(400, "ExpiredTokenException", "Token expired")
        if tok == "bad-token":
            raise ApiError(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")
        new = issue("WEB", amz_time(self.headers), self.ttl(params), arn, uid, acct)
        self.sts_ok("AssumeRoleWithWebIdentity", self.creds_xml(new, session) +
                    "<SubjectFromWebIdentityToken>ci</SubjectFromWebIdentityToken>")

    # ---- container ----
    def container(self, u):
        with LOCK:
            want = CONFIG["container_token"]
        got = self.headers.get("Authorization")
        self.record(kind="container", path=u.path, authorization=got)
        if "/auth" in u.path and got != want:
            raise ApiError(401, "Unauthorized", "bad authorization token")
        role = "arn:aws:iam::%s:role/ecs-task-role" % ACCOUNT
        c = issue("CON", amz_time(self.headers), CONFIG["ttl"],
                  "arn:aws:sts::%s:assumed-role/ecs-task-role/task" % ACCOUNT, "AROAECS:task")
        self.send(200, json.dumps({"AccessKeyId": c["akid"], "SecretAccessKey": c["secret"], "Token": c["token"],
                                   "Expiration": iso(c["exp"]), "RoleArn": role}))

    # ---- IMDS ----
    def imds_creds(self, u):
        with LOCK:
            v2 = CONFIG["imds_v2"]
        tok = self.headers.get("X-aws-ec2-metadata-token")
        rest = u.path[len("/latest/meta-data/iam/security-credentials/"):]
        self.record(kind="imds", action="role" if rest else "list", token=tok)
        if v2 and tok != "imds-session-token":
            return self.send(401, "", "text/plain")
        if not rest:
            return self.send(200, IMDS_ROLE + "\n", "text/plain")
        if rest != IMDS_ROLE:
            return self.send(404, "", "text/plain")
        c = issue("IMD", amz_time(self.headers), CONFIG["ttl"],
                  "arn:aws:sts::%s:assumed-role/%s/i-0123456789abcdef0" % (ACCOUNT, IMDS_ROLE), "AROAIMDS:i-0123")
        self.send(200, json.dumps({"Code": "Success", "LastUpdated": iso(time.time()), "Type": "AWS-HMAC",
                                   "AccessKeyId": c["akid"], "SecretAccessKey": c["secret"], "Token": c["token"],
                                   "Expiration": iso(c["exp"])}))

    # ---- SSO portal ----
    def sso(self, u):
        q = dict(parse_qsl(u.query))
        with LOCK:
            want = CONFIG["sso_token"]
        got = self.headers.get("x-amz-sso_bearer_token")
        self.record(kind="sso", role_name=q.get("role_name"), account_id=q.get("account_id"), bearer=got)
        if got != want:
            raise ApiError(401, "UnauthorizedException", "Session token not found or invalid")
        if not q.get("role_name") or not q.get("account_id"):
            raise ApiError(400, "InvalidRequestException", "role_name and account_id are required")
        acct = q["account_id"]
        c = issue("SSO", amz_time(self.headers), CONFIG["ttl"],
                  "arn:aws:sts::%s:assumed-role/AWSReservedSSO_%s_0123/someone" % (acct, q["role_name"]),
                  "AROASSO:someone", acct)
        self.send(200, json.dumps({"roleCredentials": {"accessKeyId": c["akid"], "secretAccessKey": c["secret"],
                                                       "sessionToken": c["token"], "expiration": c["exp"] * 1000}}))


def redact(params):
    return {k: v for k, v in params.items() if k not in ("WebIdentityToken",)}


def main():
    ap = argparse.ArgumentParser(description="credential endpoint stand-ins for ddb's tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--owner", type=int, default=0, help="exit when this process is gone")
    ap.add_argument("--now", type=int, default=None, help="the clock for unsigned requests (epoch seconds)")
    a = ap.parse_args()
    DEFAULTS["now"] = a.now
    CONFIG["now"] = a.now
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    serve(srv, a.port_file, a.owner)


if __name__ == "__main__":
    main()
