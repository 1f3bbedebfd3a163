#!/usr/bin/env python3
"""gen_items.py N: N plain JSON items shaped like Cruddur messages (pk MSG#<group>, sk ISO time), ~300 bytes
each, deterministic (no clock, no randomness), one per line on stdout."""
import sys
import uuid

n = int(sys.argv[1])
ns = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
groups = [str(uuid.uuid5(ns, "group-%d" % g)) for g in range(max(1, n // 50))]
users = [(str(uuid.uuid5(ns, "user-%d" % u)), "user%d" % u) for u in range(97)]
out = sys.stdout
for i in range(n):
    g = groups[i % len(groups)]
    u, h = users[i % len(users)]
    sec = i * 37
    day, rest = divmod(sec, 86400)
    hh, rest = divmod(rest, 3600)
    mm, ss = divmod(rest, 60)
    month, dom = divmod(day % 336, 28)
    out.write('{"pk":"MSG#%s","sk":"2024-%02d-%02dT%02d:%02d:%02d.%06d+00:00","message_uuid":"%s",'
              '"message":"benchmark message number %d, a sentence of ordinary length for a chat app.",'
              '"user_uuid":"%s","user_display_name":"User %s","user_handle":"%s","n":%d}\n'
              % (g, month + 1, dom + 1, hh, mm, ss, i % 1000000, uuid.uuid5(ns, "m%d" % i), i, u, h, h, i))
