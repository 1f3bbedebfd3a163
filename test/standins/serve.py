"""serve.py — the run loop the stand-in servers share.

serve(srv, port_file, owner): publish the server's URL in port_file (written to a temporary name, then renamed, so a
reader never sees half a URL), exit when the owner process (the test that started us) is gone, and serve until then.
"""
import os
import threading
import time


def serve(srv, port_file, owner=0):
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("http://127.0.0.1:%d\n" % srv.server_address[1])
    os.rename(tmp, port_file)
    if owner:
        def watch():
            while True:
                time.sleep(2)
                try:
                    os.kill(owner, 0)
                except OSError:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
