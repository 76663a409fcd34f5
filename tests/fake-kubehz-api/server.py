#!/usr/bin/env python3
"""A fake of the kubehz API, for tests: the part `kubectl lo provision` and
`destroy` use (kubectl-lo/kubehz.hpp), with state like the real one.

  POST   /api/clusters/register   {"domain": D, "fingerprint": F}, no credentials:
                                  D registered as pending with F (201); the same D
                                  with the same F again: 200 with its state; with
                                  another F: 409. F must look like an MD5
                                  fingerprint (aa:bb:...: 16 bytes), D like a
                                  domain (400 otherwise).
  DELETE /api/clusters?domain=D   needs "Authorization: Bearer <--token>" (401);
                                  200, or 404 when D is not registered.

Errors have the shape {"error": {"code": N, "message": "..."}}.

Test controls (never part of kubehz):

  POST /_fake/faults   {"method": "POST", "path": "/register", "status": 500,
                        "times": 1, "echo_token": false}: the next `times`
                       matching requests answer `status` (echo_token puts the
                       request's bearer token into the message)
  DELETE /_fake/faults disarms them all
  POST /_fake/claim    {"domain": D}: the owner claimed D on the dashboard
  GET  /_fake/state    {"clusters": {D: {"fingerprint", "state"}}, "deregistered": [D...]}

Every request but the test controls is logged to --log as "<METHOD> <path> <status> auth=<yes|no>"
(whether it carried a bearer token; never the token).
TLS: --cert/--key (PEM). The chosen port is written to --port-file.
"""
import argparse
import json
import os
import re
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FINGERPRINT = re.compile(r"^([0-9a-f]{2}:){15}[0-9a-f]{2}$")
DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class World:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.clusters = {}
        self.deregistered = []
        self.faults = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    world = None

    def log_message(self, fmt, *a):
        pass

    def send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if self.path.startswith("/_fake/"):
            return  # the tests' own calls are not kubehz's traffic
        with open(self.world.args.log, "a") as f:
            f.write("%s %s %d auth=%s\n" % (self.command, self.path, status, "yes" if self.token() else "no"))

    def error(self, status, message):
        self.send(status, {"error": {"code": status, "message": message}})

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return "not json"

    def token(self):
        a = self.headers.get("Authorization", "")
        return a[len("Bearer "):] if a.startswith("Bearer ") else ""

    def fault(self):
        with self.world.lock:
            for f in self.world.faults:
                if f.get("times", 1) <= 0:
                    continue
                if f.get("method") and f["method"] != self.command:
                    continue
                if f.get("path") and f["path"] not in self.path:
                    continue
                f["times"] = f.get("times", 1) - 1
                return dict(f)
        return None

    def handle_any(self):
        w = self.world
        url = urlsplit(self.path)
        b = self.body()
        if url.path.startswith("/_fake/"):
            return self.control(url.path, b)
        f = self.fault()
        if f:
            msg = "token %s is not allowed here" % self.token() if f.get("echo_token") else "injected failure"
            return self.error(f.get("status", 500), msg)
        with w.lock:
            if url.path == "/api/clusters/register" and self.command == "POST":
                return self.register(b)
            if url.path == "/api/clusters" and self.command == "DELETE":
                return self.deregister(parse_qs(url.query).get("domain", [""])[0])
        return self.error(404, "no route for %s %s" % (self.command, url.path))

    do_GET = do_POST = do_DELETE = do_PUT = handle_any

    def register(self, b):
        w = self.world
        if not isinstance(b, dict) or set(b) != {"domain", "fingerprint"}:
            return self.error(400, 'body must be {"domain": ..., "fingerprint": ...}')
        d, fp = b["domain"], b["fingerprint"]
        if not isinstance(d, str) or not DOMAIN.match(d):
            return self.error(400, "domain %r is not a domain" % (d,))
        if not isinstance(fp, str) or not FINGERPRINT.match(fp):
            return self.error(400, "fingerprint %r is not an MD5 fingerprint (aa:bb:...)" % (fp,))
        c = w.clusters.get(d)
        if c is None:
            w.clusters[d] = {"fingerprint": fp, "state": "pending"}
            return self.send(201, dict(domain=d, **w.clusters[d]))
        if c["fingerprint"] != fp:
            return self.error(409, "%s is registered with another SSH key" % d)
        return self.send(200, dict(domain=d, **c))

    def deregister(self, d):
        w = self.world
        if self.token() != w.args.token:
            return self.error(401, "invalid bearer token")
        if d not in w.clusters:
            return self.error(404, "cluster %s is not registered" % d)
        del w.clusters[d]
        w.deregistered.append(d)
        return self.send(200, {"domain": d, "deleted": True})

    def control(self, path, b):
        w = self.world
        with w.lock:
            if path == "/_fake/faults" and self.command == "POST" and isinstance(b, dict):
                w.faults.append(b)
                return self.send(200, {"faults": len(w.faults)})
            if path == "/_fake/faults" and self.command == "DELETE":
                w.faults = []
                return self.send(200, {"faults": 0})
            if path == "/_fake/claim" and self.command == "POST" and isinstance(b, dict) and b.get("domain") in w.clusters:
                w.clusters[b["domain"]]["state"] = "claimed"
                return self.send(200, w.clusters[b["domain"]])
            if path == "/_fake/state" and self.command == "GET":
                return self.send(200, {"clusters": w.clusters, "deregistered": w.deregistered})
        return self.error(404, "unknown control " + path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--token", required=True, help="the KUBEHZ_TOKEN that may deregister")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    Handler.world = World(args)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
