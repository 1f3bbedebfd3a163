#!/usr/bin/python3
"""sigv4_oracle_check.py <build-dir> — differential test of lib/aws/sigv4.c against botocore.

Generates randomized requests with a FIXED seed (methods, paths with reserved, percent-encoded and UTF-8
characters and dot segments, repeated and empty query keys, headers with runs of whitespace and repeated
names, session tokens, bodies of every size from empty to megabytes of binary) for the services dynamodb,
streams.dynamodb (signing name "dynamodb"), ec2, cognito-idp and s3.  Each request is signed by

  * botocore's own signer, botocore.auth.SigV4Auth (S3SigV4Auth for s3: the path neither normalised nor encoded
    again, X-Amz-Content-SHA256 always; the object key of an s3 case is random text that botocore quotes as its
    S3 serializer does, percent_encode(key, safe='/~'), while the C side encodes it with lib/aws/s3.c's s3_encode_key,
    so the canonical requests agree only if the two encodings do) (Debian's python3-botocore, run with /usr/bin/python3), on a
    botocore.awsrequest.AWSRequest with botocore's clock pinned to the case's time (botocore_sign below), and
  * the C signer, through `test_sigv4 --drive` (built from test/unit/test_sigv4.c into <build-dir> if missing),

and the canonical request, string to sign and Authorization are compared byte for byte, as well as the final
header set (the request's headers plus the ones the signer says to add, against botocore's final headers).

botocore conventions this follows (see test/data/sigv4/SOURCE.md): botocore gets the query as
decoded `params`, the C signer gets a wire query string (encoded in several styles: strict, lower-case hex,
minimal, everything encoded), so the C side's decode-then-encode is exercised.  User-Agent, Expect and
X-Amzn-Trace-Id are generated too: neither signer signs them.  Presigned URLs are not compared here (botocore's
presigner moves bodies into the query); the aws-c-auth query-* cases in test_sigv4 cover them.

Environment: SIGV4_CASES (number of cases, default 600), CC.
Prints one line per mismatch (details on stderr) and "N passed, N failed" last; exit 1 on any mismatch.
"""
import base64
import datetime
import hashlib
import json
import os
import random
import shlex
import subprocess
import sys
import types

SEED = 20240115
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1",
           "ap-northeast-3", "us-gov-west-1", "cn-north-1", "local"]
SERVICES = {
    # kind: (signing name, host template, content type, target prefix)
    "dynamodb": ("dynamodb", "dynamodb.{r}.amazonaws.com", "application/x-amz-json-1.0", "DynamoDB_20120810."),
    "streams": ("dynamodb", "streams.dynamodb.{r}.amazonaws.com", "application/x-amz-json-1.0",
                "DynamoDBStreams_20120810."),
    "ec2": ("ec2", "ec2.{r}.amazonaws.com", "application/x-www-form-urlencoded; charset=utf-8", None),
    "cognito-idp": ("cognito-idp", "cognito-idp.{r}.amazonaws.com", "application/x-amz-json-1.1",
                    "AWSCognitoIdentityProviderService."),
    "s3": ("s3", "s3.{r}.amazonaws.com", "application/octet-stream", None),
}
OPERATIONS = ["ListTables", "DescribeTable", "PutItem", "Query", "Scan", "GetRecords", "ListStreams",
              "ListUsers", "AdminGetUser", "UpdateTable", "TransactWriteItems"]
METHODS = ["POST"] * 6 + ["GET", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]
UTF8_BITS = ["é", "ü", "ሴ", "中文", "😀", "€", "ß", "Ω"]
RESERVED = "!$&'()*+,;=:@"
# Header names both signers leave out; generated anyway.
UNSIGNED_HEADERS = [("User-Agent", "aws-cli/2.15 Python/3.11 ddb/0.1"), ("Expect", "100-continue"),
                    ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")]
# Names a random header must not take (they have special meaning for one signer or the other).
SPECIAL = {"host", "x-amz-date", "authorization", "x-amz-security-token", "x-amz-content-sha256", "date",
           "connection", "keep-alive", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
           "user-agent", "expect", "x-amzn-trace-id"}


# ---- botocore, the reference signer -------------------------------------------------------------------

def import_botocore():
    try:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
    except ImportError as e:
        sys.exit("sigv4_oracle_check: cannot import botocore (%s): install Debian's python3-botocore "
                 "(.ci/install-deps does) and run with /usr/bin/python3" % e)
    return botocore


class PinnedClock:
    """botocore reads "now" inside add_auth (1.29: datetime.datetime.utcnow() through botocore.auth.datetime;
    later releases: get_current_datetime()).  Both are replaced by `when` during signing, and restored."""

    def __init__(self, botocore, when):
        self.mods = [m for m in (botocore.auth, sys.modules.get("botocore.compat")) if m is not None]
        self.when = when
        self.saved = []

    def __enter__(self):
        when = self.when

        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return cls(*when.timetuple()[:6])

            @classmethod
            def now(cls, tz=None):
                t = cls(*when.timetuple()[:6], tzinfo=datetime.timezone.utc)
                return t.astimezone(tz) if tz else t.astimezone().replace(tzinfo=None)

        def current(remove_tzinfo=True):
            t = Frozen.now(datetime.timezone.utc)
            return t.replace(tzinfo=None) if remove_tzinfo else t

        shim = type(datetime)("datetime")
        shim.__dict__.update(datetime.__dict__)
        shim.datetime = Frozen
        for m in self.mods:
            if hasattr(m, "datetime"):
                self.saved.append((m, "datetime", m.datetime))
                m.datetime = shim
            if hasattr(m, "get_current_datetime"):
                self.saved.append((m, "get_current_datetime", m.get_current_datetime))
                m.get_current_datetime = current
        return self

    def __exit__(self, *exc):
        for m, name, value in reversed(self.saved):
            setattr(m, name, value)
        return False


def botocore_sign(botocore, inp):
    """Sign one case with botocore.auth.SigV4Auth; return what the C driver returns for it (canonical_request,
    string_to_sign, signature, authorization) plus header_list, the request's final headers.  "sign_session_token":
    false signs without the token and adds it afterwards (botocore itself always signs it)."""
    captured = {}

    base = botocore.auth.S3SigV4Auth if inp["service"] == "s3" else botocore.auth.SigV4Auth

    class Capturing(base):
        def canonical_request(self, request):
            captured["canonical_request"] = super().canonical_request(request)
            return captured["canonical_request"]

        def string_to_sign(self, request, canonical_request):
            captured["string_to_sign"] = super().string_to_sign(request, canonical_request)
            return captured["string_to_sign"]

        def signature(self, string_to_sign, request):
            captured["signature"] = super().signature(string_to_sign, request)
            return captured["signature"]

    if "body_b64" in inp:
        body = base64.b64decode(inp["body_b64"])
    else:
        body = inp.get("body", "").encode("utf-8")
    token = inp.get("session_token")
    sign_token = inp.get("sign_session_token", True)
    creds = botocore.credentials.Credentials(inp["access_key"], inp["secret_key"], token if sign_token else None)
    request = botocore.awsrequest.AWSRequest(method=inp["method"], url=inp["url"], data=body or None,
                                             params=[tuple(p) for p in inp["params"]] if inp.get("params") else None)
    for name, value in inp["headers"]:
        request.headers[name] = value            # HTTPHeaders appends: a repeated name stays repeated
    if inp.get("unsigned_payload"):
        request.context["payload_signing_enabled"] = False
        if inp["service"] == "s3":       # S3SigV4Auth asks the client config, not the context
            request.context["client_config"] = types.SimpleNamespace(s3={"payload_signing_enabled": False})
    when = datetime.datetime.strptime(inp["amz_date"], "%Y%m%dT%H%M%SZ")
    with PinnedClock(botocore, when):
        Capturing(creds, inp["service"], inp["region"]).add_auth(request)
    if request.context.get("timestamp") != inp["amz_date"]:
        raise RuntimeError("botocore signed at %r, not at the case's time" % request.context.get("timestamp"))
    if token and not sign_token:
        request.headers["X-Amz-Security-Token"] = token
    captured["authorization"] = request.headers["Authorization"]
    captured["header_list"] = [[n, v] for n, v in request.headers.items()]
    return captured


# ---- the C driver ------------------------------------------------------------------------------------

def mtime(p):
    try:
        return os.path.getmtime(p)
    except OSError:
        return 0


def driver(build):
    exe = os.path.join(build, "test", "unit", "test_sigv4")
    src = os.path.join(REPO, "test", "unit", "test_sigv4.c")
    lib = os.path.join(build, "libddb.a")
    if os.path.exists(exe) and mtime(exe) >= max(mtime(src), mtime(lib)):
        return exe
    if not os.path.exists(lib):
        sys.exit("sigv4_oracle_check: %s missing (run make first)" % lib)
    cc = shlex.split(os.environ.get("CC", "cc"))
    flags = ["-std=c11", "-D_GNU_SOURCE", "-Ilib", "-Itest/unit", "-O1", "-g"]
    if "asan" in os.path.basename(os.path.normpath(build)):
        flags += ["-fno-omit-frame-pointer", "-fsanitize=address,undefined"]
    libs = subprocess.run(["pkg-config", "--libs", "libcurl", "libcjson", "openssl", "expat", "libedit", "zlib"],
                          capture_output=True, text=True)
    libflags = libs.stdout.split() if libs.returncode == 0 else ["-lcurl", "-lcjson", "-lcrypto", "-lexpat", "-lz",
                                                                 "-ledit"]
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    cmd = cc + flags + ["-o", exe, src, lib] + libflags + ["-lpthread", "-lm"]
    r = subprocess.run(cmd, cwd=REPO)
    if r.returncode != 0:
        sys.exit("sigv4_oracle_check: cannot build the driver: %s" % " ".join(cmd))
    return exe


# ---- random requests ---------------------------------------------------------------------------------

def rand_word(rng, alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~", lo=1, hi=10):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def rand_text(rng, lo=0, hi=12):
    """A string for query keys/values: unreserved, reserved, spaces, '%', '+', '=', '&', UTF-8."""
    parts = []
    for _ in range(rng.randint(lo, hi)):
        k = rng.random()
        if k < 0.45:
            parts.append(rand_word(rng, lo=1, hi=4))
        elif k < 0.65:
            parts.append(rng.choice(RESERVED + "%/?#[] \"<>^`{|}\\"))
        elif k < 0.8:
            parts.append(rng.choice(UTF8_BITS))
        elif k < 0.9:
            parts.append(" " * rng.randint(1, 3))
        else:
            parts.append(rng.choice(["%41", "%2F", "%zz", "%", "+", "=", "&&", "%E2%82%AC"]))
    return "".join(parts)


def rand_segment(rng):
    k = rng.random()
    if k < 0.35:
        return rand_word(rng)
    if k < 0.5:
        return "".join(rng.choice(RESERVED) for _ in range(rng.randint(1, 4))) + rand_word(rng, lo=0, hi=3)
    if k < 0.62:
        return rand_word(rng, lo=0, hi=3) + rng.choice(["%3A", "%2F", "%20", "%25", "%E2%82%AC", "%c3%a9",
                                                         "%40", "%3D"]) + rand_word(rng, lo=0, hi=3)
    if k < 0.74:
        return rng.choice(UTF8_BITS) + rand_word(rng, lo=0, hi=3)
    if k < 0.8:
        return rand_word(rng, lo=1, hi=3) + " " * rng.randint(1, 2) + rand_word(rng, lo=1, hi=3)
    if k < 0.87:
        return "."
    if k < 0.94:
        return ".."
    return ""


def rand_path(rng):
    if rng.random() < 0.4:
        return "/"
    segs = [rand_segment(rng) for _ in range(rng.randint(1, 6))]
    path = "/" + "/".join(segs)
    if rng.random() < 0.3:
        path += "/"
    return path


def encode_wire(rng, s, is_key):
    """Percent-encode s for a wire query in one of several styles; decoding gives s back."""
    style = rng.choice(["strict", "lower", "minimal", "all"])
    out = []
    for ch in s:
        unres = ch.isascii() and (ch.isalnum() or ch in "-_.~")
        if style == "all":
            enc = True
        elif style in ("strict", "lower"):
            enc = not unres
        else:  # minimal: only what would break the query apart or decode differently; raw UTF-8 at times
            enc = ch in "%&# " or (is_key and ch == "=") or (not ch.isascii() and rng.random() < 0.5)
        if not enc:
            out.append(ch)
        else:
            fmt = "%%%02x" if style == "lower" else "%%%02X"
            out.extend(fmt % b for b in ch.encode("utf-8"))
    return "".join(out)


def rand_params(rng):
    if rng.random() < 0.5:
        return []
    params = []
    keys = []
    for _ in range(rng.randint(1, 7)):
        if keys and rng.random() < 0.3:
            k = rng.choice(keys)                       # repeated key
        elif rng.random() < 0.08:
            k = ""                                     # empty key
        else:
            k = rand_text(rng, 1, 4)
        keys.append(k)
        v = "" if rng.random() < 0.2 else rand_text(rng, 0, 5)
        params.append([k, v])
    return params


def wire_query(rng, params):
    parts = []
    for k, v in params:
        ek = encode_wire(rng, k, True)
        if v == "" and k != "" and rng.random() < 0.5:
            parts.append(ek)                           # "key" without "="
        else:
            parts.append(ek + "=" + encode_wire(rng, v, False))
        if rng.random() < 0.05:
            parts.append("")                           # "&&"
    return "&".join(parts)


def rand_ws(rng):
    return "".join(rng.choice(" \t") for _ in range(rng.randint(1, 4)))


def rand_header_value(rng):
    k = rng.random()
    if k < 0.1:
        return ""
    if k < 0.15:
        return rand_ws(rng)
    printable = "".join(chr(c) for c in range(0x21, 0x7f))
    parts = []
    if rng.random() < 0.3:
        parts.append(rand_ws(rng))
    for _ in range(rng.randint(1, 5)):
        r = rng.random()
        if r < 0.6:
            parts.append(rand_word(rng, printable, 1, 8))
        elif r < 0.7:
            parts.append('"a' + rand_ws(rng) + 'b' + rand_ws(rng) + 'c"')
        elif r < 0.8:
            parts.append(rng.choice(UTF8_BITS))
        parts.append(rand_ws(rng) if rng.random() < 0.5 else " ")
    if rng.random() < 0.3:
        parts.append(rand_ws(rng))
    return "".join(parts)


def rand_header_name(rng):
    while True:
        name = rng.choice(["X-", "x-amz-meta-", "X-Amz-", "", "My-"]) + rand_word(
            rng, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 1, 12)
        if name.lower() not in SPECIAL:
            return name


def rand_case(rng, name):
    k = rng.random()
    if k < 0.6:
        return name
    if k < 0.8:
        return name.lower()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)


def rand_body(rng, kind, op):
    k = rng.random()
    if k < 0.12:
        return None, b""
    if k < 0.55:
        if kind == "ec2":
            pairs = [("Action", op), ("Version", "2016-11-15")] + [
                ("Filter.%d.Name" % i, rand_word(rng)) for i in range(rng.randint(0, 4))]
            text = "&".join("%s=%s" % (a, b) for a, b in pairs)
        else:
            obj = {"TableName": rand_word(rng, lo=3, hi=20), "Limit": rng.randint(1, 100),
                   "Note": rand_text(rng, 0, 6).replace("\x00", "")}
            text = json.dumps(obj, ensure_ascii=rng.random() < 0.5)
        return "text", text.encode("utf-8")
    if k < 0.85:
        n = rng.choice([1, 2, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4095, 4096, 4097,
                        rng.randint(0, 70000)])
    elif k < 0.97:
        n = rng.randint(70000, 300000)
    else:
        n = rng.randint(1 << 20, 3 << 20)
    return "b64", rng.randbytes(n)


def rand_time(rng):
    lo = datetime.datetime(1971, 1, 1)
    hi = datetime.datetime(2099, 12, 31, 23, 59, 59)
    r = rng.random()
    if r < 0.05:
        t = datetime.datetime(2024, 2, 29, 23, 59, 59)
    elif r < 0.1:
        t = datetime.datetime(2038, 1, 19, 3, 14, 8)
    elif r < 0.15:
        t = datetime.datetime(1999, 12, 31, 23, 59, 59)
    else:
        t = lo + datetime.timedelta(seconds=rng.randint(0, int((hi - lo).total_seconds())))
    return t.strftime("%Y%m%dT%H%M%SZ")


def rand_s3_key(rng):
    """An object key: segments of random text (reserved characters, '%', '+', '=', spaces, UTF-8, dot segments)
    joined with '/', sometimes '//' or a trailing '/'."""
    segs = []
    for _ in range(rng.randint(1, 5)):
        k = rng.random()
        segs.append("." if k < 0.05 else ".." if k < 0.1 else "" if k < 0.15 else rand_text(rng, 1, 6))
    key = "/".join(segs)
    return key if key.strip("/") else "k" + key


def make_case(rng, i):
    kind = list(SERVICES)[i % len(SERVICES)]
    sname, host_t, ctype, prefix = SERVICES[kind]
    region = rng.choice(REGIONS)
    op = rng.choice(OPERATIONS)
    if rng.random() < 0.1:
        host, scheme = rng.choice(["localhost:8000", "127.0.0.1:4567", "localhost"]), "http"
    else:
        host, scheme = host_t.format(r=region), "https"
    method = rng.choice(METHODS)
    path = rand_path(rng)
    params = rand_params(rng)
    amz_date = rand_time(rng)
    akid = rng.choice(["AKIA", "ASIA"]) + rand_word(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16)
    secret = rand_word(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40, 40)
    token = None
    if rng.random() < 0.3:
        token = rand_word(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 20, 400) + "=="

    headers = [[rand_case(rng, "Host"), host]]
    if rng.random() < 0.85:
        headers.append([rand_case(rng, "Content-Type"), ctype])
    if prefix and rng.random() < 0.85:
        headers.append(["X-Amz-Target", prefix + op])
    body_kind, body = rand_body(rng, kind, op)
    if rng.random() < 0.2:
        headers.append(["Content-Length", str(len(body))])
    extra_names = []
    for _ in range(rng.randint(0, 6)):
        if extra_names and rng.random() < 0.35:
            name = rand_case(rng, rng.choice(extra_names))     # repeated header, maybe in another case
        else:
            name = rand_header_name(rng)
            extra_names.append(name)
        headers.append([name, rand_header_value(rng)])
    for h in UNSIGNED_HEADERS:
        if rng.random() < 0.15:
            headers.append(list(h))
    if rng.random() < 0.05:
        headers.append(["X-Amz-Date", amz_date])                  # already present and right
    if token and rng.random() < 0.1:
        headers.append(["X-Amz-Security-Token", token])           # already present
    unsigned = rng.random() < 0.04
    if not unsigned and rng.random() < 0.04:
        headers.append(["X-Amz-Content-SHA256", hashlib.sha256(body).hexdigest()])
    rng.shuffle(headers)

    inp = {
        "method": method,
        "url": "%s://%s%s" % (scheme, host, path),
        "headers": headers,
        "access_key": akid,
        "secret_key": secret,
        "region": region,
        "service": sname,
        "amz_date": amz_date,
    }
    if body_kind == "text":
        inp["body"] = body.decode("utf-8")
    elif body_kind == "b64":
        inp["body_b64"] = base64.b64encode(body).decode("ascii")
    if params:
        inp["params"] = params
    if token:
        inp["session_token"] = token
        if rng.random() < 0.05 and not any(h[0] == "X-Amz-Security-Token" for h in headers):
            inp["sign_session_token"] = False
    if unsigned:
        inp["unsigned_payload"] = True
    if kind == "s3":
        from botocore.utils import percent_encode
        bucket = rand_word(rng, "abcdefghijklmnopqrstuvwxyz0123456789-", 3, 20).strip("-") or "bkt"
        key = rand_s3_key(rng)
        inp["url"] = "%s://%s/%s/%s" % (scheme, host, bucket, percent_encode(key, safe="/~"))
    c_inp = dict(inp)
    c_inp.pop("params", None)
    if kind == "s3":
        c_inp["s3_bucket"], c_inp["s3_key"] = bucket, key
    if params:
        c_inp["query"] = wire_query(rng, params)
    return inp, c_inp


# ---- compare -----------------------------------------------------------------------------------------

def header_multiset(pairs):
    return sorted((n.lower(), v) for n, v in pairs)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: sigv4_oracle_check.py <build-dir>\n")
        return 64
    build = argv[1]
    if not os.path.isabs(build):
        build = os.path.join(os.getcwd(), build)
    botocore = import_botocore()
    exe = driver(build)
    n = int(os.environ.get("SIGV4_CASES", "600"))
    rng = random.Random(SEED)
    cases = [make_case(rng, i) for i in range(n)]

    lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for _, c in cases).encode("utf-8")
    r = subprocess.run([exe, "--drive"], input=lines, capture_output=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr.decode("utf-8", "replace"))
        print("sigv4_oracle_check: the driver failed (exit %d)" % r.returncode)
        print("0 passed, %d failed" % n)
        return 1
    outs = r.stdout.decode("utf-8").splitlines()
    if len(outs) != n:
        print("sigv4_oracle_check: the driver answered %d of %d requests" % (len(outs), n))
        print("0 passed, %d failed" % n)
        return 1

    passed = failed = 0
    for i, ((inp, c_inp), out) in enumerate(zip(cases, outs)):
        mine = json.loads(out)
        try:
            want = botocore_sign(botocore, inp)
        except Exception as e:          # the generator made something botocore refuses: a test bug
            want = {"error": "botocore: %s" % e}
        diffs = []
        if "error" in want or "error" in mine:
            diffs.append(("error", mine.get("error"), want.get("error")))
        else:
            for k in ("canonical_request", "string_to_sign", "authorization"):
                if mine.get(k) != want.get(k):
                    diffs.append((k, mine.get(k), want.get(k)))
            final = list(c_inp["headers"]) + mine.get("add", [])
            if c_inp.get("unsigned_payload"):
                final.append(["X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"])
            if header_multiset(final) != header_multiset(want["header_list"]):
                diffs.append(("final headers", header_multiset(final), header_multiset(want["header_list"])))
        if diffs:
            failed += 1
            print("FAIL case %d: %s %s (%s)" % (i, inp["method"], inp["url"], ", ".join(d[0] for d in diffs)))
            if failed <= 5:
                shown = {k: v for k, v in c_inp.items() if k != "body_b64"}
                sys.stderr.write("input (C side): %s\n" % json.dumps(shown, ensure_ascii=False))
                for what, got, exp in diffs:
                    sys.stderr.write("--- %s, got:\n%s\n--- expected (botocore):\n%s\n" % (what, got, exp))
        else:
            passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
