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
import json
import os
import re
import sys
import threading
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))
import https_fake  # noqa: E402

FINGERPRINT = re.compile(r"^([0-9a-f]{2}:){15}[0-9a-f]{2}$")
DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class World:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.clusters = {}
        self.deregistered = []
        self.faults = []


class Handler(https_fake.Handler):
    log_controls = False  # the tests' own calls are not kubehz's traffic

    def send(self, status, body):
        self.log_note = " auth=%s" % ("yes" if self.token() else "no")
        self.write(status, json.dumps(body).encode())

    def error(self, status, message):
        self.send(status, {"error": {"code": status, "message": message}})

    def fault(self):
        with self.world.lock:
            return https_fake.next_fault(self.world.faults, self.command, self.path)

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


if __name__ == "__main__":
    https_fake.main(Handler, World, [])
