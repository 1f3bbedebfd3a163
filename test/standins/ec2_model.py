"""ec2_model.py — check EC2 Query requests and responses against botocore's EC2 service model (2016-11-15).

ec2_standin.py calls both on every request, so a client that names a parameter wrongly, numbers a list from 0 or
with a gap, sends a value of the wrong type, or leaves out a required member fails a test even where the stand-in's
own hand-written checks would not notice, and a stand-in response that strays from the model's output shape is
caught too.

check_request(action, form)  -> None, or raises ModelError(code, message)
    form: {key: value} as decoded from the body.  The form is read back into the operation's input shape the way
    the EC2 protocol flattens it (a member's locationName, capitalised, or its queryName; lists as Name.1, Name.2
    ...), validated with botocore's ParamValidator, serialised again with botocore's EC2Serializer, and the result
    must be exactly the form received (Action and Version included).
check_response(action, xml)  -> None, or raises ModelError("StandinModelMismatch", message)
    Every element must be a member of the output shape (by its locationName), lists are <item>s, booleans are
    true/false, integers are digits, timestamps ISO 8601, and an enum value one of the model's (case-insensitively:
    EC2 sends VpcEndpoint states in lower case although the model spells them "Available").
check_error(xml)             -> the same, for <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>.
"""
import re
import xml.etree.ElementTree as ET

from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.serialize import EC2Serializer
from botocore.validate import ParamValidator

API_VERSION = "2016-11-15"
NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
MODEL = ServiceModel(Loader().load_service_model("ec2", "service-2", API_VERSION), "ec2")
ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")


class ModelError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def _wire_name(shape, default):
    ser = shape.serialization
    if "queryName" in ser:
        return ser["queryName"]
    if "name" in ser:
        return ser["name"][0].upper() + ser["name"][1:]
    return default


def _has_under(form, key):
    return key in form or any(k.startswith(key + ".") for k in form)


def _read(shape, form, prefix, used, missing):
    t = shape.type_name
    if t == "structure":
        out = {}
        for name, member in shape.members.items():
            key = _wire_name(member, name)
            full = prefix + "." + key if prefix else key
            if _has_under(form, full):
                out[name] = _read(member, form, full, used, missing)
            elif name in shape.required_members:
                missing.append(full)
        return out
    if t == "list":
        idx = set()
        for k in form:
            if k.startswith(prefix + "."):
                head = k[len(prefix) + 1:].split(".")[0]
                if not re.fullmatch(r"[1-9]\d*", head):
                    raise ModelError("InvalidParameterValue", "%s: '%s' is not a list index (1, 2, ...)" % (k, head))
                idx.add(int(head))
        if prefix in form:
            raise ModelError("InvalidParameterValue", "%s is a list: send %s.1, %s.2, ..." % (prefix, prefix, prefix))
        if sorted(idx) != list(range(1, len(idx) + 1)):
            raise ModelError("InvalidParameterValue", "%s.N: indexes %s are not 1..%d" % (prefix, sorted(idx),
                                                                                           len(idx)))
        return [_read(shape.member, form, "%s.%d" % (prefix, i), used, missing) for i in sorted(idx)]
    if t == "map":
        raise ModelError("InvalidParameterValue", "%s: maps are not used by these actions" % prefix)
    if prefix not in form:
        raise ModelError("UnknownParameter", "The parameter %s is not recognized" %
                         min(k for k in form if k.startswith(prefix + ".")))
    used.add(prefix)
    v = form[prefix]
    if t == "boolean":
        if v not in ("true", "false"):
            raise ModelError("InvalidParameterValue", "Value (%s) for parameter %s is invalid. Expected: 'true' or "
                             "'false'." % (v, prefix))
        return v == "true"
    if t in ("integer", "long"):
        if not re.fullmatch(r"-?\d+", v):
            raise ModelError("InvalidParameterValue", "Value (%s) for parameter %s is invalid. Expected an integer."
                             % (v, prefix))
        return int(v)
    return v


def check_request(action, form):
    try:
        op = MODEL.operation_model(action)
    except Exception:
        raise ModelError("InvalidAction", "The action %s is not valid for this web service." % action)
    used, missing = {"Action", "Version"}, []
    params = _read(op.input_shape, {k: v for k, v in form.items() if k not in ("Action", "Version")}, "", used,
                   missing) if op.input_shape is not None else {}
    extra = sorted(set(form) - used)
    if extra:
        raise ModelError("UnknownParameter", "The parameter %s is not recognized" % extra[0])
    if missing:
        raise ModelError("MissingParameter", "The request must contain the parameter %s" % missing[0])
    report = ParamValidator().validate(params, op.input_shape)
    if report.has_errors():
        text = report.generate_report()
        code = "MissingParameter" if "Missing required parameter" in text else "InvalidParameterValue"
        raise ModelError(code, " ".join(text.split()))
    body = EC2Serializer().serialize_to_request(params, op)["body"]
    want = {k: str(v) for k, v in body.items()}
    if want != form:
        diff = sorted(set(want.items()) ^ set(form.items()))
        raise ModelError("InvalidParameterValue", "the form is not what the model serialises: %s" % diff[:4])


def _check_shape(shape, el, path):
    t = shape.type_name
    if t == "structure":
        by_tag = {}
        for name, member in shape.members.items():
            by_tag[member.serialization.get("name", name)] = member
        seen = set()
        for child in el:
            tag = child.tag.replace(NS, "")
            member = by_tag.get(tag)
            if member is None:
                raise ModelError("StandinModelMismatch", "%s/%s is not in the model's %s" % (path, tag, shape.name))
            if tag in seen:
                raise ModelError("StandinModelMismatch", "%s/%s appears twice" % (path, tag))
            seen.add(tag)
            _check_shape(member, child, path + "/" + tag)
        if (el.text or "").strip():
            raise ModelError("StandinModelMismatch", "%s: a structure with text" % path)
        return
    if t == "list":
        item = shape.member.serialization.get("name", "member")
        for child in el:
            if child.tag.replace(NS, "") != item:
                raise ModelError("StandinModelMismatch", "%s: list members are <%s>, not <%s>" %
                                 (path, item, child.tag.replace(NS, "")))
            _check_shape(shape.member, child, path + "/" + item)
        return
    if len(el):
        raise ModelError("StandinModelMismatch", "%s: a %s with child elements" % (path, t))
    v = el.text or ""
    if t == "boolean" and v not in ("true", "false"):
        raise ModelError("StandinModelMismatch", "%s: boolean '%s'" % (path, v))
    if t in ("integer", "long") and not re.fullmatch(r"-?\d+", v):
        raise ModelError("StandinModelMismatch", "%s: integer '%s'" % (path, v))
    if t == "timestamp" and not ISO8601.match(v):
        raise ModelError("StandinModelMismatch", "%s: timestamp '%s'" % (path, v))
    enum = shape.enum if t == "string" else None
    if enum and v.lower() not in {x.lower() for x in enum}:
        raise ModelError("StandinModelMismatch", "%s: '%s' is not one of %s" % (path, v, enum))


def check_response(action, xml):
    op = MODEL.operation_model(action)
    root = ET.fromstring(xml)
    if root.tag != NS + action + "Response":
        raise ModelError("StandinModelMismatch", "the root is %s, not %s%sResponse" % (root.tag, NS, action))
    req = root.find(NS + "requestId")
    if req is None or not (req.text or "").strip():
        raise ModelError("StandinModelMismatch", "%sResponse has no requestId" % action)
    root.remove(req)
    _check_shape(op.output_shape, root, action + "Response")


def check_error(xml):
    root = ET.fromstring(xml)
    ok = (root.tag == "Response" and [c.tag for c in root] == ["Errors", "RequestID"]
          and [c.tag for c in root.find("Errors")] == ["Error"]
          and [c.tag for c in root.find("Errors/Error")] == ["Code", "Message"]
          and (root.findtext("Errors/Error/Code") or "") and (root.findtext("RequestID") or ""))
    if not ok:
        raise ModelError("StandinModelMismatch", "not EC2's error document: %s" % xml[:200])
