#!/usr/bin/env python3
"""measure.py [--out FILE] [--timeout S] -- CMD...: run CMD once; print {"wall": s, "rss_kb": peak, "rc": code}.

Peak RSS comes from wait4()'s rusage of that one child (ru_maxrss, KiB on Linux).  stdout of CMD goes to FILE
(default /dev/null); stderr passes through.  A command still running after --timeout seconds is killed (rc -9)."""
import json
import os
import signal
import sys
import time


def main():
    args = sys.argv[1:]
    out, timeout = "/dev/null", 900.0
    while args and args[0] != "--":
        if args[0] == "--out":
            out, args = args[1], args[2:]
        elif args[0] == "--timeout":
            timeout, args = float(args[1]), args[2:]
        else:
            sys.exit("measure.py: unknown option " + args[0])
    cmd = args[1:]
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.dup2(fd, 1)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(fd)
    deadline = t0 + timeout
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)
    wall = time.monotonic() - t0
    rc = os.waitstatus_to_exitcode(status)
    print(json.dumps({"wall": round(wall, 4), "rss_kb": ru.ru_maxrss, "rc": rc}))


main()
