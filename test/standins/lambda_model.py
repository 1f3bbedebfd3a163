"""lambda_model.py — check Lambda REST-JSON requests and responses against botocore's `lambda` service model
(2015-03-31).

lambda_standin.py calls these on every request and every answer, so a client that puts a member in the wrong place
(body, path label or query string), spells it wrongly, sends a value of the wrong type or out of the model's range,
leaves out a required member, or encodes the path or query differently from botocore fails a test.

match(method, path)                      -> (operation name, {label: decoded value}) or raises ModelError
check_request(op, labels, query, headers, body) -> params (the operation's input, as botocore would take it)
    query: a list of (name, value) pairs as decoded from the query string; body: bytes.
    The request is read back into the input shape (labels, querystring members, JSON body members), validated
    with botocore's ParamValidator and with the model's max, enum and pattern constraints that ParamValidator
    leaves out, then serialised again with botocore's rest-json serialiser: the path, the query and the body (as
    JSON) must be exactly what was received, and a body needs Content-Type application/json.
    One allowance: DynamoDB Local names its region "ddblocal" in ARNs, which the model's ARN pattern (a real
    region) refuses; for the pattern check only, ":ddblocal:" reads as ":us-east-1:".
check_response(op, status, doc)          -> None, or raises ModelError("StandinModelMismatch", ...)
    the status must be the model's responseCode, and the document must be the output shape (ParamValidator and
    the same constraints).
check_error(op, status, code, doc)       -> the same for an error: a code the operation may return (or a common
    one: signature, throttling), {"Type": "User"|"Service", "message": ...}.
"""
import json
import re
from urllib.parse import unquote

from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.serialize import create_serializer
from botocore.validate import ParamValidator

MODEL = ServiceModel(Loader().load_service_model("lambda", "service-2", "2015-03-31"), "lambda")
COMMON_ERRORS = {"AccessDeniedException", "InvalidSignatureException", "IncompleteSignature",
                 "MissingAuthenticationTokenException", "UnrecognizedClientException", "ThrottlingException",
                 "ValidationException", "ServiceException", "TooManyRequestsException",
                 "InvalidParameterValueException", "InvalidRequestContentException", "UnknownOperationException",
                 "MethodNotAllowedException"}


class ModelError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _template_regex(uri):
    path = uri.split("?")[0]
    out, names = "", []
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{"):
            name = part[1:-1]
            greedy = name.endswith("+")
            names.append(name.rstrip("+"))
            out += "(.+)" if greedy else "([^/]+)"
        else:
            out += re.escape(part)
    return re.compile("^" + out + "$"), names


ROUTES = []
for _name in MODEL.operation_names:
    _op = MODEL.operation_model(_name)
    _rx, _names = _template_regex(_op.http["requestUri"])
    ROUTES.append((_op.http["method"], _rx, _names, _name))


def match(method, path):
    allowed = False
    for m, rx, names, name in ROUTES:
        hit = rx.match(path)
        if not hit:
            continue
        allowed = True
        if m == method:
            return name, {n: unquote(v) for n, v in zip(names, hit.groups())}
    if allowed:
        raise ModelError("MethodNotAllowedException", "%s is not allowed on %s" % (method, path), 405)
    raise ModelError("UnknownOperationException", "no Lambda operation at %s %s" % (method, path), 404)


def _constraints(shape, value, path, code):
    """What ParamValidator leaves out: max lengths and values, enums, patterns; recursively."""
    t = shape.type_name
    md = shape.metadata
    if t == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k in shape.members:
                _constraints(shape.members[k], v, path + "." + k, code)
    elif t == "list" and isinstance(value, list):
        if "max" in md and len(value) > md["max"]:
            raise ModelError(code, "%s: at most %d members" % (path, md["max"]))
        for i, v in enumerate(value):
            _constraints(shape.member, v, "%s[%d]" % (path, i), code)
    elif t == "map" and isinstance(value, dict):
        for k, v in value.items():
            _constraints(shape.value, v, "%s.%s" % (path, k), code)
    elif t == "string" and isinstance(value, str):
        if "max" in md and len(value) > md["max"]:
            raise ModelError(code, "%s: at most %d characters" % (path, md["max"]))
        if shape.enum and value not in shape.enum:
            raise ModelError(code, "%s: '%s' is not one of %s" % (path, value, shape.enum))
        pattern = md.get("pattern")
        if pattern:
            checked = value.replace(":ddblocal:", ":us-east-1:")
            if not re.fullmatch(pattern, checked, re.S):
                raise ModelError(code, "%s: '%s' does not match the pattern %s" % (path, value, pattern))
    elif t in ("integer", "long") and isinstance(value, int) and not isinstance(value, bool):
        if "max" in md and value > md["max"]:
            raise ModelError(code, "%s: at most %d" % (path, md["max"]))


def _validate(shape, params, code):
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        raise ModelError(code, " ".join(report.generate_report().split()))
    _constraints(shape, params, shape.name, code)


def _scalar(shape, text, name):
    t = shape.type_name
    if t in ("integer", "long"):
        if not re.fullmatch(r"-?\d+", text):
            raise ModelError("ValidationException", "%s: '%s' is not an integer" % (name, text))
        return int(text)
    if t == "boolean":
        if text not in ("true", "false"):
            raise ModelError("ValidationException", "%s: '%s' is not true or false" % (name, text))
        return text == "true"
    return text


def check_request(op_name, labels, query, headers, body):
    op = MODEL.operation_model(op_name)
    shape = op.input_shape
    params = {}
    members = shape.members if shape is not None else {}
    by_location = {}
    for name, m in members.items():
        loc = m.serialization.get("location")
        if loc:
            by_location[(loc, m.serialization.get("name", name))] = (name, m)
    for label, value in labels.items():
        name, m = by_location[("uri", label)]
        params[name] = _scalar(m, value, label)
    seen = set()
    for k, v in query:
        if ("querystring", k) not in by_location:
            raise ModelError("ValidationException", "unknown query parameter '%s' for %s" % (k, op_name))
        name, m = by_location[("querystring", k)]
        if m.type_name == "list":
            params.setdefault(name, []).append(_scalar(m.member, v, k))
            continue
        if k in seen:
            raise ModelError("ValidationException", "query parameter '%s' given twice" % k)
        seen.add(k)
        params[name] = _scalar(m, v, k)
    body_members = {n: m for n, m in members.items() if not m.serialization.get("location")}
    if body:
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise ModelError("ValidationException", "a JSON body needs Content-Type application/json, not '%s'" %
                             ctype)
        if not body_members:
            raise ModelError("ValidationException", "%s takes no body" % op_name)
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ModelError("InvalidRequestContentException", "could not parse the request body as JSON")
        if not isinstance(doc, dict):
            raise ModelError("InvalidRequestContentException", "the request body is not a JSON object")
        for k, v in doc.items():
            if k not in body_members:
                raise ModelError("ValidationException", "unknown member '%s' in the %s body" % (k, op_name))
            params[k] = v
    elif headers.get("Content-Type"):
        raise ModelError("ValidationException", "Content-Type without a body")
    _validate(shape, params, "ValidationException")
    # botocore's serialisation of the same input must be exactly what was received
    ser = create_serializer("rest-json").serialize_to_request(params, op)
    return params, ser


def same_as_botocore(ser, raw_path, query, body):
    want_q = {}
    for k, v in ser["query_string"].items():
        want_q[k] = [str(x) for x in v] if isinstance(v, list) else [str(v).lower() if isinstance(v, bool) else str(v)]
    got_q = {}
    for k, v in query:
        got_q.setdefault(k, []).append(v)
    if ser["url_path"] != raw_path:
        raise ModelError("ValidationException", "the path is %s; botocore sends %s" % (raw_path, ser["url_path"]))
    if want_q != got_q:
        raise ModelError("ValidationException", "the query is %s; botocore sends %s" % (got_q, want_q))
    want_b = json.loads(ser["body"]) if ser["body"] else None
    got_b = json.loads(body) if body else None
    if want_b != got_b:
        raise ModelError("ValidationException", "the body is %s; botocore sends %s" % (got_b, want_b))


def check_response(op_name, status, doc):
    op = MODEL.operation_model(op_name)
    want = op.http.get("responseCode", 200)
    if status != want:
        raise ModelError("StandinModelMismatch", "%s answers %d, not %d" % (op_name, want, status), 500)
    if op.output_shape is not None:
        _validate(op.output_shape, doc, "StandinModelMismatch")


def check_error(op_name, status, code, doc):
    names = set(COMMON_ERRORS)
    if op_name:
        names |= {s.name for s in MODEL.operation_model(op_name).error_shapes}
    if code not in names:
        raise ModelError("StandinModelMismatch", "%s may not answer %s" % (op_name, code), 500)
    if set(doc) != {"Type", "message"} or doc["Type"] not in ("User", "Service") or not status >= 400:
        raise ModelError("StandinModelMismatch", "not Lambda's error document: %s" % doc, 500)
