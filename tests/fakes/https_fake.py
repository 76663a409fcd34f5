"""What the HTTPS API fakes of the tests share (fake-kkp-api/, fake-hcloud-api/,
fake-kubehz-api/):
the command line every one takes, serving TLS on a free port of 127.0.0.1
(written to --port-file), and the faults a test arms.

    https_fake.main(Handler, World, [("--delay", float, 2), ("--off", {"action": "store_true"}), ...])
                                                                   # never returns

with Handler a subclass of https_fake.Handler (write, body, token).

A fault is a JSON object a test POSTs to /_fake/faults; next_fault() hands
out the first armed one whose "method" and "path" (a substring of the
request's path) match, "times" times (default 1), after letting "after"
matching requests through.
"""
import argparse
import json
import os
import ssl
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main(handler, world, options):
    """Parses the command line (--cert --key --token --port-file --log and
    `options`: (flag, type, default) or (flag, argparse keywords) each), sets
    handler.world = world(args) and serves; never returns."""
    ap = argparse.ArgumentParser()
    for flag in ("--cert", "--key", "--token", "--port-file", "--log"):
        ap.add_argument(flag, required=True)
    for flag, *spec in options:
        if len(spec) == 1:
            ap.add_argument(flag, **spec[0])
        else:
            ap.add_argument(flag, type=spec[0], default=spec[1])
    args = ap.parse_args()
    handler.world = world(args)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


def next_fault(faults, method, path):
    for f in faults:
        if f.get("times", 1) <= 0:
            continue
        if f.get("method") and f["method"] != method:
            continue
        if f.get("path") and f["path"] not in path:
            continue
        if f.get("after", 0) > 0:
            f["after"] -= 1
            continue
        f["times"] = f.get("times", 1) - 1
        return dict(f)
    return None


class Handler(BaseHTTPRequestHandler):
    """The plumbing of a fake's request handler: the answer (logged to
    --log as "<METHOD> <path> <status>", then self.log_note if one is set; a
    set self.delay_after holds it back that many seconds, the change made),
    the JSON body, the bearer token."""

    protocol_version = "HTTP/1.1"
    world = None  # the fake's state; world.args are the parsed arguments
    log_controls = True  # False: the tests' own /_fake/ calls stay out of the log

    def log_message(self, fmt, *a):  # quiet stderr
        pass

    def write(self, status, data, headers=None, ctype="application/json"):
        if getattr(self, "delay_after", 0):  # the change is made; the answer comes late
            time.sleep(self.delay_after)
            self.delay_after = 0
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        if not self.log_controls and self.path.startswith("/_fake/"):
            self.log_note = ""
            return
        with open(self.world.args.log, "a") as f:
            f.write("%s %s %d%s\n" % (self.command, self.path, status, getattr(self, "log_note", "")))
        self.log_note = ""  # one handler serves every request of a kept-alive connection

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return "not json"

    def token(self):
        a = self.headers.get("Authorization", "")
        return a[len("Bearer "):] if a.startswith("Bearer ") else ""
