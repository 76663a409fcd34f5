#!/usr/bin/env python3
"""A fake of the KKP (Kubermatic Kubernetes Platform) REST API, for tests.

No KKP can run here, so this stands in for the part of its API lo's Kkp driver
uses, with state like the real one:

  GET    /api/v2/projects/<p>/clusters                      list
  POST   /api/v2/projects/<p>/clusters                      create (201, the cluster with its id)
  GET    /api/v2/projects/<p>/clusters/<id>                 get (404 when unknown)
  DELETE /api/v2/projects/<p>/clusters/<id>                 delete: deletionTimestamp set, gone
                                                            after --delete-delay seconds
  GET    /api/v2/projects/<p>/clusters/<id>/health          control plane health: every component
                                                            HealthStatusProvisioning until
                                                            --health-delay seconds after creation,
                                                            then HealthStatusUp (machineController
                                                            --mc-delay seconds later,
                                                            operatingSystemManager another
                                                            --osm-delay seconds later; with
                                                            --no-osm it is not reported and the
                                                            cluster's spec says
                                                            enableOperatingSystemManager: false,
                                                            as KKP before 2.26 did for a cluster
                                                            without OSM)
  GET    /api/v2/projects/<p>/clusters/<id>/machinedeployments   list
  POST   /api/v2/projects/<p>/clusters/<id>/machinedeployments   create (409 when the name exists,
                                                            503 while the machine controller is down)
  GET    /api/v2/projects/<p>/clusters/<id>/kubeconfig      the cluster's kubeconfig (409 before the
                                                            apiserver is up)

Every /api call needs "Authorization: Bearer <--token>" (401 otherwise) and a
known project (403 otherwise). Bodies are checked the way KKP's decoder would
(unknown top-level fields, missing name/version/datacenter/cloud: 400). A
cluster may name a preset in cluster.credential (KKP's apiv1.Cluster field
`credential`, see kubermatic/dashboard modules/api/pkg/api/v1/types.go); the
fake knows the presets given with --preset and answers 400 "invalid
credentials: ..." for any other, like KKP's SetCloudCredentials.
Errors have KKP's shape: {"error": {"code": N, "message": "..."}}.

Test controls (no auth, never part of KKP):

  POST /_fake/faults   {"method": "POST", "path": "/clusters", "status": 429,
                        "retry_after": 1, "times": 2, "delay": 0, "echo_token": false}
                       the next `times` requests whose method matches and whose
                       path contains `path` answer `status` (with Retry-After
                       when given; echo_token puts the request's bearer token in
                       the error message, as a careless server might) after
                       `delay` seconds; no status with a delay is a slow answer
                       that then goes on normally; "delay_after": N makes the
                       change and answers N seconds later (a client cut off
                       in between never learns the answer); "body": X answers
                       X (with `status`, default 200) instead of the real state.
  GET  /_fake/state    {"clusters": [...], "machinedeployments": {...},
                        "created": {"clusters": N, "machinedeployments": M}}

Every request is logged to --log as "<METHOD> <path> <status>"; a /health
answer adds " operatingSystemManager=<state>" (the order tests read).

TLS: --cert/--key (PEM). The chosen port is written to --port-file.
"""
import json
import os
import random
import string
import sys
import threading
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))
import https_fake  # noqa: E402

CORE = ["apiserver", "etcd", "controller", "scheduler"]
OTHERS = ["machineController", "cloudProviderInfrastructure", "userClusterControllerManager"]


class World:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.clusters = {}  # id -> dict (created_at, deleted_at, body)
        self.mds = {}       # id -> {name: md}
        self.created = {"clusters": 0, "machinedeployments": 0}
        self.faults = []


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Handler(https_fake.Handler):
    # --- plumbing ---------------------------------------------------------
    def send(self, status, body=None, headers=None, raw=None, ctype="application/json"):
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        if getattr(self, "defer", False):  # answered once the world's lock is released
            self.pending = (status, data, headers, ctype)
            return
        self.write(status, data, headers, ctype)

    def error(self, status, message, headers=None):
        self.send(status, {"error": {"code": status, "message": message}}, headers)

    # --- fault injection ----------------------------------------------------
    def fault(self):
        with self.world.lock:
            return https_fake.next_fault(self.world.faults, self.command, self.path)

    def handle_any(self):
        w = self.world
        path = self.path.split("?")[0]
        if path.startswith("/_fake/"):
            return self.control(path)
        f = self.fault()
        if f and f.get("delay"):
            time.sleep(f["delay"])
        tok = self.token()
        if f and "body" in f:
            self.body()
            return self.send(f.get("status", 200), f["body"])
        if f and f.get("delay_after"):
            self.delay_after = f["delay_after"]
        if f and f.get("status"):
            self.body()
            msg = "injected failure"
            if f.get("echo_token"):
                msg = "token %s is not allowed here" % tok
            headers = {"Retry-After": str(f["retry_after"])} if "retry_after" in f else None
            return self.error(f["status"], msg, headers)
        if tok != w.args.token:
            self.body()
            return self.error(401, "invalid bearer token")
        parts = [p for p in path.split("/") if p]
        if parts[:3] != ["api", "v2", "projects"] or len(parts) < 5 or parts[4] != "clusters":
            self.body()
            return self.error(404, "no route for %s %s" % (self.command, path))
        if parts[3] != w.args.project:
            self.body()
            return self.error(403, "forbidden: project %s is not yours" % parts[3])
        self.defer, self.pending = True, None
        try:
            with w.lock:
                self.route(parts[5:], path)
        finally:
            self.defer = False
        if self.pending:
            self.write(*self.pending)

    def route(self, rest, path):
        w = self.world
        self.expire()
        if not rest:
            return self.clusters_collection()
        cid = rest[0]
        c = w.clusters.get(cid)
        if c is None:
            self.body()
            return self.error(404, 'cluster "%s" not found' % cid)
        if len(rest) == 1:
            return self.cluster_item(cid, c)
        if len(rest) == 2 and rest[1] == "health" and self.command == "GET":
            h = self.health(c)
            if "operatingSystemManager" in h:
                self.log_note = " operatingSystemManager=" + h["operatingSystemManager"]
            return self.send(200, h)
        if len(rest) == 2 and rest[1] == "kubeconfig" and self.command == "GET":
            if self.health(c)["apiserver"] != "HealthStatusUp":
                return self.error(409, "the cluster's API server is not running yet")
            return self.send(200, raw=kubeconfig(c).encode(), ctype="application/octet-stream")
        if len(rest) == 2 and rest[1] == "machinedeployments":
            return self.mds_collection(cid, c)
        self.body()
        return self.error(404, "no route for %s %s" % (self.command, path))

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = handle_any

    # --- the API ------------------------------------------------------------------
    def expire(self):
        w = self.world
        for cid in list(w.clusters):
            c = w.clusters[cid]
            if c.get("deleted_at") and time.time() - c["deleted_at"] >= w.args.delete_delay:
                del w.clusters[cid]
                w.mds.pop(cid, None)

    def public(self, cid, c):
        spec = json.loads(json.dumps(c["body"]["cluster"]["spec"]))
        for cloud in spec.get("cloud", {}).values():  # KKP never returns credentials
            if isinstance(cloud, dict):
                for k in ("token", "secretAccessKey", "accessKeyID"):
                    cloud.pop(k, None)
        if self.world.args.no_osm:
            spec["enableOperatingSystemManager"] = False
        out = {"id": cid, "name": c["body"]["cluster"]["name"], "creationTimestamp": c["created"],
               "spec": spec, "status": {"version": spec.get("version"), "url": "https://%s.kkp.test:6443" % cid}}
        if c["body"]["cluster"].get("credential"):  # the preset's name, never its values
            out["credential"] = c["body"]["cluster"]["credential"]
        if c.get("deleted_at"):
            out["deletionTimestamp"] = c["deleted"]
        return out

    def collection(self, items, check, create):
        """GET lists `items()`; POST checks the body and calls `create(body)`."""
        b = self.body()
        if self.command == "GET":
            return self.send(200, items())
        if self.command != "POST":
            return self.error(405, "method not allowed")
        problem = check(b)
        return self.error(400, problem) if problem else create(b)

    def clusters_collection(self):
        w = self.world

        def create(b):
            cid = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(10))
            w.clusters[cid] = {"body": b, "created_at": time.time(), "created": now_iso()}
            w.mds[cid] = {}
            w.created["clusters"] += 1
            return self.send(201, self.public(cid, w.clusters[cid]))

        ordered = lambda: sorted(w.clusters.items(), key=lambda kv: kv[1]["created_at"])
        presets = self.world.args.preset
        return self.collection(lambda: [self.public(k, v) for k, v in ordered()], lambda b: check_cluster(b, presets), create)

    def cluster_item(self, cid, c):
        self.body()
        if self.command == "GET":
            return self.send(200, self.public(cid, c))
        if self.command == "DELETE":
            if not c.get("deleted_at"):
                c["deleted_at"] = time.time()
                c["deleted"] = now_iso()
            return self.send(200, None, raw=b"")
        return self.error(405, "method not allowed")

    def health(self, c):
        age = time.time() - c["created_at"]
        up = age >= self.world.args.health_delay
        mc = age >= self.world.args.health_delay + self.world.args.mc_delay
        h = {k: "HealthStatusUp" if up else "HealthStatusProvisioning" for k in CORE}
        h.update({k: "HealthStatusUp" if mc else "HealthStatusProvisioning" for k in OTHERS})
        if not self.world.args.no_osm:
            osm = age >= self.world.args.health_delay + self.world.args.mc_delay + self.world.args.osm_delay
            h["operatingSystemManager"] = "HealthStatusUp" if osm else "HealthStatusProvisioning"
        return h

    def mds_collection(self, cid, c):
        w = self.world

        def create(b):
            if self.health(c)["machineController"] != "HealthStatusUp":
                return self.error(503, "machine-controller webhook is not ready")
            if b["name"] in w.mds[cid]:
                return self.error(409, 'machine deployment "%s" already exists' % b["name"])
            md = dict(b, id=b["name"], creationTimestamp=now_iso())
            w.mds[cid][b["name"]] = md
            w.created["machinedeployments"] += 1
            return self.send(201, md)

        return self.collection(lambda: list(w.mds[cid].values()), check_md, create)

    # --- test controls ---------------------------------------------------------------
    def control(self, path):
        w = self.world
        b = self.body()
        with w.lock:
            if path == "/_fake/faults" and self.command == "POST" and isinstance(b, dict):
                w.faults.append(b)
                return self.send(200, {"faults": len(w.faults)})
            if path == "/_fake/state" and self.command == "GET":
                return self.send(200, {"clusters": [self.public(k, v) for k, v in w.clusters.items()],
                                       "machinedeployments": {k: sorted(v) for k, v in w.mds.items()},
                                       "created": w.created})
        return self.error(404, "unknown control " + path)


def check_cluster(b, presets):
    if not isinstance(b, dict) or set(b) - {"cluster", "nodeDeployment"} or not isinstance(b.get("cluster"), dict):
        return "body must be {\"cluster\": {...}}"
    c = b["cluster"]
    if set(c) - {"name", "spec", "credential", "labels", "type"}:
        return "unknown field in cluster: %s" % sorted(set(c) - {"name", "spec", "credential", "labels", "type"})
    if not c.get("name"):
        return "cluster.name is required"
    spec = c.get("spec") or {}
    if not spec.get("version"):
        return "cluster.spec.version is required"
    cloud = spec.get("cloud") or {}
    if not cloud.get("dc"):
        return "cluster.spec.cloud.dc is required"
    providers = [k for k in cloud if k != "dc"]
    if len(providers) != 1:
        return "cluster.spec.cloud needs exactly one provider, got %s" % providers
    p = providers[0]
    if c.get("credential") and c["credential"] not in presets:
        return "invalid credentials: can not find %s preset" % c["credential"]
    if p == "hetzner" and not c.get("credential") and not cloud[p].get("token"):
        return "hetzner needs a token or a preset"
    return None


def check_md(b):
    if not isinstance(b, dict) or not b.get("name") or not isinstance(b.get("spec"), dict):
        return "machine deployment needs name and spec"
    s = b["spec"]
    if not isinstance(s.get("replicas"), int):
        return "spec.replicas must be an integer"
    t = s.get("template") or {}
    if not t.get("cloud") or not t.get("operatingSystem") or not (t.get("versions") or {}).get("kubelet"):
        return "spec.template needs cloud, operatingSystem and versions.kubelet"
    return None


def kubeconfig(c):
    name = c["body"]["cluster"]["name"]
    return ("apiVersion: v1\nkind: Config\nclusters:\n- name: %s\n  cluster:\n    server: https://%s.kkp.test:6443\n"
            "contexts:\n- name: %s\n  context:\n    cluster: %s\n    user: admin\ncurrent-context: %s\n"
            "users:\n- name: admin\n  user:\n    token: fake-admin-token-of-%s\n") % (name, name, name, name, name, name)


if __name__ == "__main__":
    https_fake.main(Handler, World, [("--project", str, "p1"), ("--health-delay", float, 2),
                                     ("--mc-delay", float, 1), ("--delete-delay", float, 2),
                                     ("--osm-delay", float, 0), ("--no-osm", {"action": "store_true"}),
                                     ("--preset", {"action": "append", "default": [],
                                                   "help": "a preset (credential) name KKP knows"})])
