"""sigcheck.py — verify an incoming request's AWS SigV4 Authorization header, for the stand-in servers.

The stand-ins (ec2_standin.py, cognito_pager.py) know a few access keys and their secrets.  verify() rebuilds the
request from what was received (method, path, the headers the client says it signed, the body), signs it with
botocore's SigV4Auth using the known secret and the request's own X-Amz-Date, and compares the whole
Authorization header exactly.  Anything else is refused, as AWS does.

verify(method, path, headers, body, keys, service, region=None) -> (access_key, region) or raises SigError.
  headers: a case-insensitive mapping (http.server's message object is fine)
  keys:    {access_key_id: secret_access_key}
  region:  when given, the credential scope must name it; otherwise any region is accepted and returned
"""
import hashlib
import re

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, "
                     r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")
DATE_RE = re.compile(r"^\d{8}T\d{6}Z$")


class SigError(Exception):
    """code: the AWS error code to answer with; status: the HTTP status."""

    def __init__(self, code, message, status=401):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def verify(method, path, headers, body, keys, service, region=None, required=("host", "x-amz-date")):
    auth = headers.get("Authorization")
    if not auth:
        raise SigError("MissingAuthenticationToken", "Request is missing Authentication Token", 401)
    m = AUTH_RE.match(auth)
    if not m:
        raise SigError("IncompleteSignature", "Authorization header is malformed: %r" % auth, 401)
    akid, day, scope_region, scope_service, signed, _sig = m.groups()
    if akid not in keys:
        raise SigError("AuthFailure", "AWS was not able to validate the provided access credentials "
                       "(unknown access key %s)" % akid, 401)
    if scope_service != service:
        raise SigError("AuthFailure", "Credential should be scoped to correct service: '%s'" % service, 401)
    if region is not None and scope_region != region:
        raise SigError("AuthFailure", "Credential should be scoped to a valid region: '%s'" % region, 401)
    amz_date = headers.get("X-Amz-Date") or ""
    if not DATE_RE.match(amz_date):
        raise SigError("IncompleteSignature", "X-Amz-Date is missing or malformed", 401)
    if amz_date[:8] != day:
        raise SigError("AuthFailure", "Credential date %s does not match X-Amz-Date %s" % (day, amz_date), 401)
    names = signed.split(";")
    if names != sorted(names) or len(set(names)) != len(names):
        raise SigError("IncompleteSignature", "SignedHeaders must be sorted and unique", 401)
    for need in required:
        if need not in names:
            raise SigError("IncompleteSignature", "header '%s' must be signed" % need, 401)
    token = headers.get("X-Amz-Security-Token")
    if token is not None and "x-amz-security-token" not in names:
        raise SigError("IncompleteSignature", "X-Amz-Security-Token must be signed", 401)

    sign_headers = {}
    for n in names:
        vals = headers.get_all(n) if hasattr(headers, "get_all") else [headers.get(n)]
        if not vals or vals[0] is None:
            raise SigError("IncompleteSignature", "signed header '%s' is not in the request" % n, 401)
        sign_headers[n] = ",".join(vals)
    host = sign_headers.get("host") or headers.get("Host")
    req = AWSRequest(method=method, url="http://%s%s" % (host, path), data=body, headers=sign_headers)
    req.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(akid, keys[akid], token), scope_service, scope_region)
    # add_auth() without its clock: the request's own X-Amz-Date is the timestamp.
    signer._modify_request_before_signing(req)
    canonical = signer.canonical_request(req)
    sts = signer.string_to_sign(req, canonical)
    signer._inject_signature_to_request(req, signer.signature(sts, req))
    if req.headers["Authorization"] != auth:
        raise SigError("AuthFailure", "AWS was not able to validate the provided access credentials", 401)
    if "x-amz-content-sha256" in names and headers.get("X-Amz-Content-SHA256") != hashlib.sha256(body).hexdigest():
        raise SigError("AuthFailure", "x-amz-content-sha256 does not match the body", 401)
    return akid, scope_region
