#!/usr/bin/python3
"""ec2_standin.py — a strict stand-in for the EC2 Query API, enough for `ddb vpc-endpoint` (EC2 has no local engine).

    ec2_standin.py --port-file FILE [--port N] [--page-size N] [--owner PID]

Listens on 127.0.0.1 (port 0 = a free one), writes "http://127.0.0.1:PORT" to --port-file once it accepts
connections, and serves until killed (or until --owner's process is gone).

What it checks, like EC2 does (a client bug must fail a test):
  - every request is POST / with Content-Type application/x-www-form-urlencoded, Action and Version=2016-11-15;
  - the SigV4 signature (sigcheck.py, botocore's signer with the known secret and the request's own X-Amz-Date):
    unknown key, wrong secret, a tampered body or header, a scope that is not ".../<region>/ec2/aws4_request" ->
    401 AuthFailure;
  - every request against botocore's EC2 model (ec2_model.py): the form read into the operation's input shape,
    validated, and serialised back by botocore must be exactly the form received; every response is checked
    against the output shape, and an answer that strays is a 500 StandinModelMismatch (a stand-in bug);
  - parameters: each action accepts only its documented names (UnknownParameter otherwise), list indexes are
    1, 2, 3... without gaps (InvalidParameterValue), filter names are the documented ones (InvalidParameterValue),
    required ones are present (MissingParameter), NextToken belongs to the same request (InvalidNextToken).
Known credentials (the tests export them):
    AKIDDDBEC2FULL / ec2-standin-full-secret          may do everything
    AKIDDDBEC2READ / ec2-standin-read-secret          may only Describe* (UnauthorizedOperation otherwise)
State, per region (the credential scope's): a default VPC (172.31.0.0/16) and a second one (10.0.0.0/16), each
with a main route table and one more; gateway endpoints with their prefix-list routes; ClientToken idempotency;
deleted endpoints stay visible in state "deleted".  Describe* answers in pages of --page-size (default 2) of the
unfiltered collection, filtered afterwards — so a page may be empty and still carry a nextToken, as EC2's do.

Test controls (not EC2; plain HTTP, no signature, loopback only):
    POST /_standin/reset[?default_vpc=0]     fresh state (optionally without a default VPC in any region)
    POST /_standin/add-endpoints             add endpoints: JSON {"region", "default_vpc" (bool),
                                             "service" ("dynamodb"|"s3"), "n", "state", "route_tables" (ids
                                             routed through each; default none)}; answers their ids
    POST /_standin/fail-next-create          the next CreateVpcEndpoint is carried out, then answered with 503
                                             (a lost response: a client retry must not create a second endpoint)
    POST /_standin/ignore-dry-run            from now on (until reset) DryRun is ignored: the call is carried out
                                             and answered with success, as a server that does not know DryRun
    add-endpoints with "omit_type": true     those endpoints are described without vpcEndpointType (EC2 may omit
                                             optional fields)
    GET  /_standin/requests                  JSON list of {action, params, key} for every verified request
    GET  /_standin/state                     JSON dump of the state
XML shapes follow the EC2 API reference: <XResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"> with
<requestId>, item lists as <...Set><item>, errors as <Response><Errors><Error><Code/><Message/></Error></Errors>
<RequestID/></Response>.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ec2_model  # noqa: E402
import sigcheck  # noqa: E402
from serve import serve  # noqa: E402

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
VERSION = "2016-11-15"
ACCOUNT = "111122223333"
KEYS = {"AKIDDDBEC2FULL": "ec2-standin-full-secret", "AKIDDDBEC2READ": "ec2-standin-read-secret"}
READ_ONLY = {"AKIDDDBEC2READ"}
FULL_POLICY = json.dumps({"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"}]})


class ApiError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def hexid(prefix, seed):
    return "%s-%s" % (prefix, hashlib.sha256(seed.encode()).hexdigest()[:17])


# ---- state ---------------------------------------------------------------------------------------------------

class Region:
    def __init__(self, name, default_vpc=True):
        self.name = name
        self.vpcs = []           # dicts, in creation order
        self.route_tables = []
        self.endpoints = []
        self.tokens = {}         # ClientToken -> (params fingerprint, endpoint id)
        self.counter = 0
        if default_vpc:
            self.add_vpc("172.31.0.0/16", True)
        self.add_vpc("10.0.0.0/16", False)

    def next_id(self, prefix):
        self.counter += 1
        return hexid(prefix, "%s/%s/%d" % (self.name, prefix, self.counter))

    def add_vpc(self, cidr, default):
        vpc = {"id": self.next_id("vpc"), "cidr": cidr, "default": default}
        self.vpcs.append(vpc)
        for main in (True, False):
            self.route_tables.append({"id": self.next_id("rtb"), "vpc": vpc["id"], "main": main,
                                      "assoc": self.next_id("rtbassoc"), "routes": []})
        return vpc

    def vpc(self, vid):
        return next((v for v in self.vpcs if v["id"] == vid), None)

    def rtb(self, rid):
        return next((r for r in self.route_tables if r["id"] == rid), None)

    def endpoint(self, eid):
        return next((e for e in self.endpoints if e["id"] == eid), None)

    def prefix_list(self, service):
        return hexid("pl", service)[:11]


class State:
    def __init__(self, default_vpc=True):
        self.lock = threading.Lock()
        self.default_vpc = default_vpc
        self.regions = {}
        self.requests = []
        self.fail_next_create = False

    def region(self, name):
        if name not in self.regions:
            self.regions[name] = Region(name, self.default_vpc)
        return self.regions[name]


# ---- parameters ------------------------------------------------------------------------------------------------

class Params:
    """The form, checked against the action's patterns; lists read as Name.1, Name.2, ..."""

    def __init__(self, form, patterns):
        self.form = form
        for key in form:
            if not any(re.fullmatch(p, key) for p in patterns):
                raise ApiError("UnknownParameter", "The parameter %s is not recognized" % key)
        # Every numbered list must count 1, 2, 3... without gaps.
        groups = {}
        for key in form:
            for m in re.finditer(r"\.(\d+)(?=\.|$)", key):
                prefix = key[:m.start()]
                groups.setdefault(prefix, set()).add(m.group(1))
        for prefix, idx in groups.items():
            if any(i.startswith("0") for i in idx):
                raise ApiError("InvalidParameterValue", "list index in %s.N must start at 1" % prefix)
            nums = sorted(int(i) for i in idx)
            if nums != list(range(1, len(nums) + 1)):
                raise ApiError("InvalidParameterValue", "%s.N: indexes %s are not 1..%d" % (prefix, nums, len(nums)))

    def get(self, key, required=False):
        v = self.form.get(key)
        if required and (v is None or v == ""):
            raise ApiError("MissingParameter", "The request must contain the parameter %s" % key)
        return v

    def list(self, prefix):
        out, i = [], 1
        while (prefix + ".%d" % i) in self.form:
            out.append(self.form[prefix + ".%d" % i])
            i += 1
        return out

    def bool(self, key):
        v = self.form.get(key)
        if v is None:
            return False
        if v not in ("true", "false"):
            raise ApiError("InvalidParameterValue", "Value (%s) for parameter %s is invalid. Expected: 'true' or "
                           "'false'." % (v, key))
        return v == "true"

    def filters(self, allowed):
        out, i = [], 1
        while ("Filter.%d.Name" % i) in self.form:
            name = self.form["Filter.%d.Name" % i]
            values = self.list("Filter.%d.Value" % i)
            if name not in allowed and not name.startswith("tag:"):
                raise ApiError("InvalidParameterValue", "The filter '%s' is invalid" % name)
            if not values:
                raise ApiError("InvalidParameterValue", "The filter '%s' has no values" % name)
            out.append((name, values))
            i += 1
        for key in self.form:
            if key.startswith("Filter.") and not re.fullmatch(r"Filter\.\d+\.(Name|Value\.\d+)", key):
                raise ApiError("UnknownParameter", "The parameter %s is not recognized" % key)
            m = re.fullmatch(r"Filter\.(\d+)\.Value\.\d+", key)
            if m and ("Filter.%s.Name" % m.group(1)) not in self.form:
                raise ApiError("MissingParameter", "The request must contain the parameter Filter.%s.Name" % m.group(1))
        return out


COMMON = [r"Action", r"Version", r"DryRun"]
LIST_PAGING = [r"MaxResults", r"NextToken", r"Filter\.\d+\.Name", r"Filter\.\d+\.Value\.\d+"]


def matches(filters, fields):
    """fields: filter name -> list of the resource's values (strings)."""
    for name, values in filters:
        have = fields.get(name, [])
        if name.startswith("tag:"):
            have = fields.get("tags", {}).get(name[4:], None)
            have = [] if have is None else [have]
        if not any(v in have for v in values):
            return False
    return True


def page(p, region, action, items, filters, fields_fn, page_size):
    """EC2 paging: MaxResults (5..1000 here) or the stand-in's page size; the token is bound to the request."""
    fingerprint = hashlib.sha256(json.dumps([action, region.name, sorted((k, v) for k, v in p.form.items()
                                             if k not in ("NextToken", "MaxResults"))]).encode()).hexdigest()[:16]
    size = page_size
    mr = p.get("MaxResults")
    if mr is not None:
        if not re.fullmatch(r"\d+", mr) or not 5 <= int(mr) <= 1000:
            raise ApiError("InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid. Expecting a "
                           "value between 5 and 1000." % mr)
        size = min(int(mr), page_size)
    start = 0
    tok = p.get("NextToken")
    if tok is not None:
        try:
            fp, start = base64.b64decode(tok.encode(), validate=True).decode().split(":")
            start = int(start)
        except Exception:
            raise ApiError("InvalidNextToken", "The token '%s' is invalid" % tok)
        if fp != fingerprint or not 0 < start <= len(items):
            raise ApiError("InvalidNextToken", "The token '%s' does not belong to this request" % tok)
    chunk = items[start:start + size]
    out = [i for i in chunk if matches(filters, fields_fn(i))]
    nxt = None
    if start + size < len(items):
        nxt = base64.b64encode(("%s:%d" % (fingerprint, start + size)).encode()).decode()
    return out, nxt


# ---- XML -------------------------------------------------------------------------------------------------------

def el(name, value):
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return "<%s>%s</%s>" % (name, escape(str(value)), name)


def item_set(name, items):
    if not items:
        return "<%s/>" % name
    return "<%s>%s</%s>" % (name, "".join("<item>%s</item>" % i for i in items), name)


def tag_set(tags):
    return item_set("tagSet", [el("key", k) + el("value", v) for k, v in tags.items()])


def vpc_xml(v):
    return "".join([
        el("vpcId", v["id"]), el("ownerId", ACCOUNT), el("state", "available"), el("cidrBlock", v["cidr"]),
        item_set("cidrBlockAssociationSet", [el("associationId", v["id"].replace("vpc-", "vpc-cidr-assoc-")) +
                                             el("cidrBlock", v["cidr"]) +
                                             "<cidrBlockState><state>associated</state></cidrBlockState>"]),
        item_set("ipv6CidrBlockAssociationSet", []), el("dhcpOptionsId", "dopt-0f0e0d0c0b0a09080"),
        el("instanceTenancy", "default"), el("isDefault", v["default"]), tag_set({}),
    ])


def rtb_xml(region, r):
    vpc = region.vpc(r["vpc"])
    routes = [el("destinationCidrBlock", vpc["cidr"]) + el("gatewayId", "local") + el("state", "active") +
              el("origin", "CreateRouteTable")]
    for pl, vpce in r["routes"]:
        routes.append(el("destinationPrefixListId", pl) + el("gatewayId", vpce) + el("state", "active") +
                      el("origin", "CreateRoute"))
    assocs = []
    if r["main"]:
        assocs.append(el("routeTableAssociationId", r["assoc"]) + el("routeTableId", r["id"]) + el("main", True) +
                      "<associationState><state>associated</state></associationState>")
    return "".join([
        el("routeTableId", r["id"]), el("vpcId", r["vpc"]), el("ownerId", ACCOUNT), item_set("routeSet", routes),
        item_set("associationSet", assocs), item_set("propagatingVgwSet", []), tag_set({}),
    ])


def vpce_xml(e):
    return "".join([
        el("vpcEndpointId", e["id"]), "" if e.get("omit_type") else el("vpcEndpointType", "Gateway"),
        el("vpcId", e["vpc"]),
        el("serviceName", e["service"]), el("state", e["state"]), el("policyDocument", e["policy"]),
        item_set("routeTableIdSet", [escape(r) for r in e["route_tables"]]), item_set("subnetIdSet", []),
        item_set("groupSet", []), el("ipAddressType", "ipv4"), el("privateDnsEnabled", False),
        el("requesterManaged", False), item_set("networkInterfaceIdSet", []), item_set("dnsEntrySet", []),
        el("creationTimestamp", e["created"]), tag_set(e["tags"]), el("ownerId", ACCOUNT),
    ])


def response(action, body):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<%sResponse xmlns="%s">\n    <requestId>%s</requestId>\n%s\n'
            '</%sResponse>\n' % (action, NS, uuid.uuid4(), body, action))


def error_xml(code, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code><Message>%s</Message>'
            '</Error></Errors><RequestID>%s</RequestID></Response>\n' % (escape(code), escape(message), uuid.uuid4()))


# ---- actions ---------------------------------------------------------------------------------------------------

def describe_vpcs(st, region, p, key, page_size):
    p = Params(p.form, COMMON + LIST_PAGING + [r"VpcId\.\d+"])
    filters = p.filters({"is-default", "isDefault", "vpc-id", "state", "cidr", "owner-id", "tag-key"})
    ids = p.list("VpcId")
    for vid in ids:
        if not region.vpc(vid):
            raise ApiError("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist" % vid)
    dry(p, key, "DescribeVpcs")
    items = [v for v in region.vpcs if not ids or v["id"] in ids]
    got, nxt = page(p, region, "DescribeVpcs", items, filters, lambda v: {
        "is-default": ["true" if v["default"] else "false"], "isDefault": ["true" if v["default"] else "false"],
        "vpc-id": [v["id"]], "state": ["available"], "cidr": [v["cidr"]], "owner-id": [ACCOUNT]}, page_size)
    return item_set("vpcSet", [vpc_xml(v) for v in got]) + el("nextToken", nxt)


def describe_route_tables(st, region, p, key, page_size):
    p = Params(p.form, COMMON + LIST_PAGING + [r"RouteTableId\.\d+"])
    filters = p.filters({"vpc-id", "association.main", "route-table-id", "association.route-table-id",
                         "association.route-table-association-id", "owner-id", "tag-key",
                         "route.destination-prefix-list-id", "route.gateway-id"})
    ids = p.list("RouteTableId")
    for rid in ids:
        if not region.rtb(rid):
            raise ApiError("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist" % rid)
    dry(p, key, "DescribeRouteTables")
    items = [r for r in region.route_tables if not ids or r["id"] in ids]
    got, nxt = page(p, region, "DescribeRouteTables", items, filters, lambda r: {
        "vpc-id": [r["vpc"]], "association.main": ["true"] if r["main"] else [],
        "route-table-id": [r["id"]], "association.route-table-id": [r["id"]] if r["main"] else [],
        "association.route-table-association-id": [r["assoc"]] if r["main"] else [], "owner-id": [ACCOUNT],
        "route.destination-prefix-list-id": [x[0] for x in r["routes"]],
        "route.gateway-id": ["local"] + [x[1] for x in r["routes"]]}, page_size)
    return item_set("routeTableSet", [rtb_xml(region, r) for r in got]) + el("nextToken", nxt)


def describe_vpc_endpoints(st, region, p, key, page_size):
    p = Params(p.form, COMMON + LIST_PAGING + [r"VpcEndpointId\.\d+"])
    filters = p.filters({"service-name", "vpc-id", "vpc-endpoint-id", "vpc-endpoint-state", "vpc-endpoint-type",
                         "ip-address-type", "tag-key", "service-region"})
    ids = p.list("VpcEndpointId")
    for eid in ids:
        if not region.endpoint(eid):
            raise ApiError("InvalidVpcEndpointId.NotFound", "The VpcEndpoint Id '%s' does not exist" % eid)
    dry(p, key, "DescribeVpcEndpoints")
    items = [e for e in region.endpoints if not ids or e["id"] in ids]
    got, nxt = page(p, region, "DescribeVpcEndpoints", items, filters, lambda e: {
        "service-name": [e["service"]], "vpc-id": [e["vpc"]], "vpc-endpoint-id": [e["id"]],
        "vpc-endpoint-state": [e["state"]], "vpc-endpoint-type": ["Gateway"], "ip-address-type": ["ipv4"],
        "tag-key": list(e["tags"]), "tags": e["tags"], "service-region": [region.name]}, page_size)
    return item_set("vpcEndpointSet", [vpce_xml(e) for e in got]) + el("nextToken", nxt)


IGNORE_DRY_RUN = [False]   # /_standin/ignore-dry-run


def dry(p, key, action):
    """Permissions first, then DryRun: 412 DryRunOperation when the call would have been allowed."""
    allowed = key not in READ_ONLY or action.startswith("Describe")
    if not allowed:
        raise ApiError("UnauthorizedOperation", "You are not authorized to perform this operation. User: "
                       "arn:aws:iam::%s:user/readonly is not authorized to perform: ec2:%s" % (ACCOUNT, action), 403)
    if p.bool("DryRun") and not IGNORE_DRY_RUN[0]:
        raise ApiError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)


def check_service(region, name):
    if name not in ("com.amazonaws.%s.dynamodb" % region.name, "com.amazonaws.%s.s3" % region.name):
        raise ApiError("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist" % name)


def check_route_tables(region, vpc_id, ids, service):
    for rid in ids:
        r = region.rtb(rid)
        if not r:
            raise ApiError("InvalidRouteTableId.NotFound", "The routeTable ID '%s' does not exist" % rid)
        if r["vpc"] != vpc_id:
            raise ApiError("InvalidParameter", "Route table %s is not in VPC %s" % (rid, vpc_id))
        pl = region.prefix_list(service)
        if any(x[0] == pl for x in r["routes"]):
            raise ApiError("RouteAlreadyExists", "route table %s already has a route with destination-prefix-list-id "
                           "%s" % (rid, pl))
    if len(set(ids)) != len(ids):
        raise ApiError("InvalidParameterValue", "duplicate route table ids: %s" % ",".join(ids))


def check_policy(doc):
    try:
        j = json.loads(doc)
    except ValueError:
        raise ApiError("MalformedPolicyDocument", "The policy document is not valid JSON")
    if not isinstance(j, dict) or "Statement" not in j:
        raise ApiError("MalformedPolicyDocument", "The policy document has no Statement")


def create_vpc_endpoint(st, region, p, key, page_size):
    p = Params(p.form, COMMON + [r"VpcEndpointType", r"VpcId", r"ServiceName", r"PolicyDocument",
                                 r"RouteTableId\.\d+", r"ClientToken", r"PrivateDnsEnabled",
                                 r"TagSpecification\.\d+\.ResourceType", r"TagSpecification\.\d+\.Tag\.\d+\.(Key|Value)"])
    vpc_id = p.get("VpcId", True)
    service = p.get("ServiceName", True)
    etype = p.get("VpcEndpointType") or "Gateway"
    if etype not in ("Gateway", "Interface", "GatewayLoadBalancer", "Resource", "ServiceNetwork"):
        raise ApiError("InvalidParameterValue", "Value (%s) for parameter VpcEndpointType is invalid" % etype)
    if etype != "Gateway":
        raise ApiError("InvalidParameter", "This stand-in only makes Gateway endpoints")
    token = p.get("ClientToken")
    if token is not None and (not 1 <= len(token) <= 64 or not token.isascii()):
        raise ApiError("InvalidParameterValue", "ClientToken must be 1 to 64 ASCII characters")
    tags = {}
    i = 1
    while ("TagSpecification.%d.ResourceType" % i) in p.form or ("TagSpecification.%d.Tag.1.Key" % i) in p.form:
        rt = p.get("TagSpecification.%d.ResourceType" % i)
        if rt != "vpc-endpoint":
            raise ApiError("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation."
                           % rt)
        j = 1
        while ("TagSpecification.%d.Tag.%d.Key" % (i, j)) in p.form or ("TagSpecification.%d.Tag.%d.Value" % (i, j)) \
                in p.form:
            k = p.get("TagSpecification.%d.Tag.%d.Key" % (i, j), True)
            if k.startswith("aws:"):
                raise ApiError("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved")
            tags[k] = p.get("TagSpecification.%d.Tag.%d.Value" % (i, j)) or ""
            j += 1
        i += 1
    policy = p.get("PolicyDocument")
    if policy is not None:
        check_policy(policy)
    route_tables = p.list("RouteTableId")
    dry(p, key, "CreateVpcEndpoint")
    fingerprint = json.dumps(sorted((k, v) for k, v in p.form.items() if k != "ClientToken"))
    if token is not None and token in region.tokens:
        fp, eid = region.tokens[token]
        if fp != fingerprint:
            raise ApiError("IdempotentParameterMismatch", "The client token %s was used with different parameters"
                           % token)
        e = region.endpoint(eid)
        return "<vpcEndpoint>%s</vpcEndpoint>%s" % (vpce_xml(e), el("clientToken", token))
    if not region.vpc(vpc_id):
        raise ApiError("InvalidVpcId.NotFound", "The Vpc Id %s does not exist" % vpc_id)
    check_service(region, service)
    check_route_tables(region, vpc_id, route_tables, service)
    eid = region.next_id("vpce")
    e = {"id": eid, "vpc": vpc_id, "service": service, "state": "available", "policy": policy or FULL_POLICY,
         "route_tables": list(route_tables), "tags": tags,
         "created": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
    region.endpoints.append(e)
    for rid in route_tables:
        region.rtb(rid)["routes"].append((region.prefix_list(service), eid))
    if token is not None:
        region.tokens[token] = (fingerprint, eid)
    if st.fail_next_create:
        st.fail_next_create = False
        raise ApiError("InternalError", "An internal error has occurred (stand-in: the endpoint was created)", 503)
    return "<vpcEndpoint>%s</vpcEndpoint>%s" % (vpce_xml(e), el("clientToken", token))


def live_endpoint(region, eid):
    e = region.endpoint(eid)
    if not e or e["state"] == "deleted":
        raise ApiError("InvalidVpcEndpointId.NotFound", "The VpcEndpoint Id '%s' does not exist" % eid)
    return e


def modify_vpc_endpoint(st, region, p, key, page_size):
    p = Params(p.form, COMMON + [r"VpcEndpointId", r"ResetPolicy", r"PolicyDocument", r"AddRouteTableId\.\d+",
                                 r"RemoveRouteTableId\.\d+", r"PrivateDnsEnabled"])
    eid = p.get("VpcEndpointId", True)
    add, remove = p.list("AddRouteTableId"), p.list("RemoveRouteTableId")
    policy = p.get("PolicyDocument")
    reset = p.bool("ResetPolicy")
    if policy is not None:
        check_policy(policy)
    dry(p, key, "ModifyVpcEndpoint")
    e = live_endpoint(region, eid)
    check_route_tables(region, e["vpc"], add, e["service"])
    for rid in remove:
        if rid not in e["route_tables"]:
            raise ApiError("InvalidParameter", "route table %s is not associated with %s" % (rid, eid))
    for rid in add:
        e["route_tables"].append(rid)
        region.rtb(rid)["routes"].append((region.prefix_list(e["service"]), eid))
    for rid in remove:
        e["route_tables"].remove(rid)
        r = region.rtb(rid)
        r["routes"] = [x for x in r["routes"] if x[1] != eid]
    if reset:
        e["policy"] = FULL_POLICY
    elif policy is not None:
        e["policy"] = policy
    return el("return", True)


def delete_vpc_endpoints(st, region, p, key, page_size):
    p = Params(p.form, COMMON + [r"VpcEndpointId\.\d+"])
    ids = p.list("VpcEndpointId")
    if not ids:
        raise ApiError("MissingParameter", "The request must contain the parameter VpcEndpointId")
    dry(p, key, "DeleteVpcEndpoints")
    bad = []
    for eid in ids:
        e = region.endpoint(eid)
        if not e or e["state"] == "deleted":
            bad.append("<error>%s%s</error>%s" % (el("code", "InvalidVpcEndpointId.NotFound"),
                                                  el("message", "The VpcEndpoint Id '%s' does not exist" % eid),
                                                  el("resourceId", eid)))
            continue
        e["state"] = "deleted"
        for rid in e["route_tables"]:
            r = region.rtb(rid)
            r["routes"] = [x for x in r["routes"] if x[1] != eid]
    return item_set("unsuccessful", bad)


ACTIONS = {
    "DescribeVpcs": describe_vpcs,
    "DescribeRouteTables": describe_route_tables,
    "DescribeVpcEndpoints": describe_vpc_endpoints,
    "CreateVpcEndpoint": create_vpc_endpoint,
    "ModifyVpcEndpoint": modify_vpc_endpoint,
    "DeleteVpcEndpoints": delete_vpc_endpoints,
}


# ---- HTTP ------------------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ec2-standin"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("ec2-standin: " + (fmt % args) + "\n")

    def send(self, status, body, ctype="text/xml;charset=UTF-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        if self.headers.get("Transfer-Encoding"):
            raise ApiError("InvalidParameterValue", "chunked bodies are not supported", 400)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        st = self.server.state
        path = urlsplit(self.path).path
        with st.lock:
            if path == "/_standin/requests":
                return self.send(200, json.dumps(st.requests), "application/json")
            if path == "/_standin/state":
                dump = {n: {"vpcs": r.vpcs, "route_tables": r.route_tables, "endpoints": r.endpoints}
                        for n, r in st.regions.items()}
                return self.send(200, json.dumps(dump), "application/json")
        self.send(404, error_xml("InvalidAction", "GET is not supported"))

    def do_POST(self):
        st = self.server.state
        url = urlsplit(self.path)
        try:
            body = self.read_body()
        except ApiError as e:
            return self.send(e.status, error_xml(e.code, e.message))
        if url.path.startswith("/_standin/"):
            with st.lock:
                if url.path == "/_standin/reset":
                    default = "default_vpc=0" not in (url.query or "")
                    st.default_vpc, st.regions, st.requests = default, {}, []
                    st.fail_next_create = False
                    IGNORE_DRY_RUN[0] = False
                    return self.send(200, "{}", "application/json")
                if url.path == "/_standin/ignore-dry-run":
                    IGNORE_DRY_RUN[0] = True
                    return self.send(200, "{}", "application/json")
                if url.path == "/_standin/add-endpoints":
                    # {"region": R, "default_vpc": true, "service": "dynamodb"|"s3", "n": N, "state": "available"}
                    spec = json.loads(body or b"{}")
                    region = st.region(spec.get("region", "us-east-1"))
                    vpc = next((v for v in region.vpcs if v["default"] == spec.get("default_vpc", True)), None)
                    if vpc is None:
                        return self.send(400, '{"error": "no such VPC"}', "application/json")
                    made = []
                    for _ in range(int(spec.get("n", 1))):
                        e = {"id": region.next_id("vpce"), "vpc": vpc["id"], "state": spec.get("state", "available"),
                             "service": "com.amazonaws.%s.%s" % (region.name, spec.get("service", "dynamodb")),
                             "policy": FULL_POLICY, "route_tables": [], "tags": {},
                             "created": "2024-01-01T00:00:00.000Z", "omit_type": bool(spec.get("omit_type"))}
                        for rid in spec.get("route_tables", []):   # routed through it, as EC2 would
                            region.rtb(rid)["routes"].append((region.prefix_list(e["service"]), e["id"]))
                            e["route_tables"].append(rid)
                        region.endpoints.append(e)
                        made.append(e["id"])
                    return self.send(200, json.dumps(made), "application/json")
                if url.path == "/_standin/fail-next-create":
                    st.fail_next_create = True
                    return self.send(200, "{}", "application/json")
            return self.send(404, "{}", "application/json")
        try:
            if url.path != "/" or url.query:
                raise ApiError("InvalidAction", "EC2 Query requests are POST / with a form body", 400)
            ctype = self.headers.get("Content-Type", "")
            if ctype.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
                raise ApiError("InvalidParameterValue", "Content-Type must be application/x-www-form-urlencoded, not "
                               "'%s'" % ctype, 400)
            try:
                pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
            except (UnicodeDecodeError, ValueError):
                raise ApiError("InvalidParameterValue", "the form body is malformed", 400)
            form = {}
            for k, v in pairs:
                if k in form:
                    raise ApiError("InvalidParameterValue", "parameter %s given twice" % k)
                form[k] = v
            try:
                key, region = sigcheck.verify("POST", self.path, self.headers, body, KEYS, "ec2",
                                              required=("content-type", "host", "x-amz-date"))
            except sigcheck.SigError as e:
                raise ApiError(e.code, e.message, e.status)
            action = form.get("Action")
            if not action:
                raise ApiError("MissingAction", "The request must contain the parameter Action")
            if form.get("Version") != VERSION:
                raise ApiError("InvalidParameterValue", "Version must be %s, not %r" % (VERSION, form.get("Version")))
            fn = ACTIONS.get(action)
            if not fn:
                raise ApiError("InvalidAction", "The action %s is not valid for this web service." % action)
            try:
                ec2_model.check_request(action, form)   # botocore's input shape, and its serialisation exactly
            except ec2_model.ModelError as e:
                raise ApiError(e.code, e.message)
            with st.lock:
                st.requests.append({"action": action, "params": form, "key": key, "region": region})
                out = response(action, fn(st, st.region(region), Params(form, [r".*"]), key, self.server.page_size))
            try:
                ec2_model.check_response(action, out)   # the stand-in's own answer against the output shape
            except ec2_model.ModelError as e:
                sys.stderr.write("ec2-standin: %s response: %s\n" % (action, e.message))
                raise ApiError(e.code, "stand-in bug: %s" % e.message, 500)
            self.send(200, out)
        except ApiError as e:
            doc = error_xml(e.code, e.message)
            ec2_model.check_error(doc)
            self.send(e.status, doc)


def main():
    ap = argparse.ArgumentParser(description="EC2 Query API stand-in for ddb's tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--page-size", type=int, default=2)
    ap.add_argument("--owner", type=int, default=0, help="exit when this process is gone")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.state = State()
    srv.page_size = max(1, a.page_size)
    srv.verbose = a.verbose
    serve(srv, a.port_file, a.owner)


if __name__ == "__main__":
    main()
