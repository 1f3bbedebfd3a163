#!/usr/bin/env python3
"""boto3_bench.py — the boto3 side of the benchmarks (endpoint: $DDB_BENCH_URL).

  seed FILE TABLE               put every line of FILE (plain JSON) with Table.batch_writer(); prints items/s
  scan TABLE                    read every page with the client's Scan paginator; prints items/s
  list-tables                   one ListTables call (one-shot latency: the interpreter start counts)
  query-conversation TABLE G    the Cruddur get-messages query for group G (one shot)"""
import json
import os
import sys
import time
from decimal import Decimal

import boto3

URL = os.environ["DDB_BENCH_URL"]


def client():
    return boto3.client("dynamodb", endpoint_url=URL, region_name="us-east-1",
                        aws_access_key_id="bench", aws_secret_access_key="bench")


def main():
    cmd = sys.argv[1]
    if cmd == "seed":
        path, table = sys.argv[2], sys.argv[3]
        res = boto3.resource("dynamodb", endpoint_url=URL, region_name="us-east-1",
                             aws_access_key_id="bench", aws_secret_access_key="bench")
        t0 = time.monotonic()
        n = 0
        with res.Table(table).batch_writer() as bw, open(path) as f:
            for line in f:
                bw.put_item(Item=json.loads(line, parse_float=Decimal, parse_int=Decimal))
                n += 1
        dt = time.monotonic() - t0
        print(json.dumps({"items": n, "wall": dt, "rate": n / dt}))
    elif cmd == "scan":
        t0 = time.monotonic()
        n = 0
        for page in client().get_paginator("scan").paginate(TableName=sys.argv[2]):
            n += len(page["Items"])
        dt = time.monotonic() - t0
        print(json.dumps({"items": n, "wall": dt, "rate": n / dt}))
    elif cmd == "list-tables":
        client().list_tables()
    elif cmd == "query-conversation":
        r = client().query(TableName=sys.argv[2], KeyConditionExpression="pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": "MSG#" + sys.argv[3]}},
                           ScanIndexForward=False, Limit=20, ReturnConsumedCapacity="TOTAL")
        items = list(reversed(r["Items"]))
        print(len(items))
    else:
        sys.exit("boto3_bench.py: unknown command " + cmd)


main()
