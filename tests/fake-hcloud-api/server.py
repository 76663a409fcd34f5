#!/usr/bin/env python3
"""A fake of the Hetzner Cloud API v1, for tests.

The real API is not reachable here, so this stands in for the part lo's
hetzner provider uses, with state kept like the real one:

  GET    /<resource>?label_selector=&page=&per_page=   list (pagination meta, at most
                                                       --max-per-page a page; label selectors
                                                       k=v, k!=v, k, !k joined by commas)
  POST   /<resource>                                  create (201; 409 uniqueness_error when
                                                       the name is taken)
  GET    /<resource>/<id>                             get (404 not_found)
  DELETE /<resource>/<id>                             delete (422 resource_in_use while
                                                       something still uses it)
  POST   /<resource>/<id>/actions/<action>            add_subnet, add_target, add_service,
                                                       attach, detach, assign, unassign, poweron
  GET    /actions/<id>                                an action: running until --action-delay
                                                       seconds after it started, then success

for resource in ssh_keys, networks, placement_groups, firewalls,
load_balancers, servers, volumes, floating_ips. Servers are "initializing"
until their create action is done, then "running"; a deleted server is gone
when its delete action is done. Firewalls, placement groups and networks in
use by a server (or load balancer) and attached volumes cannot be deleted.

Deterministic: ids count from 1 per resource; servers get public IPv4
203.0.113.(10+id), load balancers 198.51.100.(10+id), floating IPs
192.0.2.(10+id); private IPs are handed out from the network's first subnet
in the order things join it (.2, .3, ...).

Every request needs "Authorization: Bearer <--token>" (401 unauthorized
otherwise). Errors have the API's shape: {"error": {"code": "...",
"message": "..."}}.

Test controls (no auth, never part of the API):

  POST /_fake/faults   {"method": "POST", "path": "/servers", "status": 429,
                        "retry_after": 1, "ratelimit_reset": 1, "times": 2,
                        "delay": 0, "delay_after": 0, "action_delay": 0,
                        "action_error": false, "echo_token": false, "after": 0}
                       the next `times` requests whose method matches and whose
                       path contains `path` (after letting `after` of them
                       through): answer `status` (with Retry-After,
                       or RateLimit-Reset = now + ratelimit_reset) after `delay`
                       seconds; without a status, `delay_after` makes the change
                       and answers that much later (a client cut off in between
                       never learns the answer), `action_delay` keeps the
                       actions the request starts running that long,
                       `action_error` makes them end in an error.
  GET  /_fake/state    {"<resource>": [...], "created": {"<resource>": N}}

Every request is logged to --log as "<METHOD> <path> <status>".
TLS: --cert/--key (PEM). The chosen port is written to --port-file.
"""
import ipaddress
import json
import os
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))
import https_fake  # noqa: E402

RESOURCES = {
    "ssh_keys": "ssh_key",
    "networks": "network",
    "placement_groups": "placement_group",
    "firewalls": "firewall",
    "load_balancers": "load_balancer",
    "servers": "server",
    "volumes": "volume",
    "floating_ips": "floating_ip",
}
STAMP = "2026-01-01T00:00:00+00:00"


class World:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.items = {r: {} for r in RESOURCES}
        self.next_id = {r: 1 for r in RESOURCES}
        self.created = {r: 0 for r in RESOURCES}
        self.actions = {}
        self.next_action = 1
        self.faults = []
        self.private = {}  # network id -> next host number

    def action(self, command, resources, delay, error=False, done=None):
        a = {"id": self.next_action, "command": command, "status": "running", "progress": 0,
             "started": STAMP, "finished": None, "error": None,
             "resources": [{"id": i, "type": t} for t, i in resources]}
        self.next_action += 1
        self.actions[a["id"]] = {"a": a, "until": time.time() + delay, "error": error, "done": done}
        return a

    def settle(self):
        now = time.time()
        for rec in self.actions.values():
            a = rec["a"]
            if a["status"] == "running" and now >= rec["until"]:
                if rec["error"]:
                    a["status"] = "error"
                    a["error"] = {"code": "action_failed", "message": "injected action failure"}
                else:
                    a["status"] = "success"
                    if rec["done"]:
                        rec["done"]()
                a["progress"] = 100
                a["finished"] = STAMP

    def private_ip(self, net_id):
        net = self.items["networks"].get(net_id)
        if not net or not net["subnets"]:
            return None
        base = ipaddress.ip_network(net["subnets"][0]["ip_range"])
        n = self.private.get(net_id, 2)
        self.private[net_id] = n + 1
        return str(base.network_address + n)


def matches(labels, selector):
    for term in [t for t in selector.split(",") if t]:
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k) == v:
                return False
        elif "=" in term:
            k, v = term.split("=", 1)
            if labels.get(k) != v.lstrip("="):
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Handler(https_fake.Handler):
    def send_json(self, status, body, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.write(status, data, dict({"RateLimit-Limit": "3600", "RateLimit-Remaining": "3599"}, **(headers or {})))

    def error(self, status, code, message, headers=None):
        self.send_json(status, {"error": {"code": code, "message": message, "details": {}}}, headers)

    def fault(self):
        with self.world.lock:
            return https_fake.next_fault(self.world.faults, self.command, self.path)

    def handle_any(self):
        w = self.world
        self.delay_after = 0
        url = urlsplit(self.path)
        if url.path.startswith("/_fake/"):
            return self.control(url.path)
        body = self.body()
        f = self.fault() or {}
        if f.get("delay"):
            time.sleep(f["delay"])
        token = self.token()
        if f.get("status"):
            headers = {}
            if "retry_after" in f:
                headers["Retry-After"] = str(f["retry_after"])
            if "ratelimit_reset" in f:
                headers["RateLimit-Reset"] = str(int(time.time()) + int(f["ratelimit_reset"]))
            msg = "token %s is not allowed here" % token if f.get("echo_token") else "injected failure"
            code = "rate_limit_exceeded" if f["status"] == 429 else "service_error"
            return self.error(f["status"], code, msg, headers)
        if token != w.args.token:
            return self.error(401, "unauthorized", "unable to authenticate")
        self.delay_after = f.get("delay_after", 0)
        action_delay = f.get("action_delay", w.args.action_delay)
        try:
            with w.lock:
                w.settle()
                status, answer = self.route(url, body, action_delay, f.get("action_error", False))
        except ApiError as e:
            return self.error(e.status, e.code, e.message)
        self.send_json(status, answer)

    do_GET = do_POST = do_DELETE = do_PUT = handle_any

    # --- the API -------------------------------------------------------------
    def route(self, url, body, action_delay, action_error):
        w = self.world
        parts = [p for p in url.path.split("/") if p]
        if parts and parts[0] == "v1":
            parts = parts[1:]
        if len(parts) == 2 and parts[0] == "actions" and self.command == "GET":
            rec = w.actions.get(int(parts[1]) if parts[1].isdigit() else -1)
            if not rec:
                raise ApiError(404, "not_found", "action not found")
            return 200, {"action": rec["a"]}
        if not parts or parts[0] not in RESOURCES:
            raise ApiError(404, "not_found", "no route for %s %s" % (self.command, url.path))
        res = parts[0]
        one = RESOURCES[res]
        items = w.items[res]
        if len(parts) == 1:
            if self.command == "GET":
                return 200, self.list(res, parse_qs(url.query))
            if self.command == "POST":
                if not isinstance(body, dict) or not body.get("name"):
                    raise ApiError(400, "invalid_input", "name is required")
                if any(o["name"] == body["name"] for o in items.values()):
                    raise ApiError(409, "uniqueness_error", "%s with the name %s already exists" % (one, body["name"]))
                return 201, self.create(res, body, action_delay, action_error)
        elif parts[1].isdigit() and int(parts[1]) in items:
            obj = items[int(parts[1])]
            if len(parts) == 2 and self.command == "GET":
                return 200, {one: obj}
            if len(parts) == 2 and self.command == "DELETE":
                return self.delete(res, obj, action_delay)
            if len(parts) == 4 and parts[2] == "actions" and self.command == "POST":
                return 201, self.act(res, obj, parts[3], body or {}, action_delay, action_error)
        elif len(parts) >= 2:
            raise ApiError(404, "not_found", "%s with ID %s not found" % (one, parts[1]))
        raise ApiError(404, "not_found", "no route for %s %s" % (self.command, url.path))

    def list(self, res, q):
        sel = q.get("label_selector", [""])[0]
        name = q.get("name", [None])[0]
        page = int(q.get("page", ["1"])[0])
        per_page = min(int(q.get("per_page", ["25"])[0]), self.world.args.max_per_page)
        found = [o for _, o in sorted(self.world.items[res].items())
                 if matches(o.get("labels", {}), sel) and (name is None or o["name"] == name)]
        last = max(1, (len(found) + per_page - 1) // per_page)
        return {res: found[(page - 1) * per_page:page * per_page],
                "meta": {"pagination": {"page": page, "per_page": per_page,
                                        "previous_page": page - 1 if page > 1 else None,
                                        "next_page": page + 1 if page < last else None,
                                        "last_page": last, "total_entries": len(found)}}}

    def create(self, res, b, action_delay, action_error):
        w = self.world
        oid = w.next_id[res]
        w.next_id[res] += 1
        w.created[res] += 1
        o = {"id": oid, "name": b["name"], "labels": b.get("labels", {}), "created": STAMP}
        one = RESOURCES[res]
        out = {}
        if res == "ssh_keys":
            o.update(public_key=b.get("public_key", ""), fingerprint="fake:%d" % oid)
        elif res == "networks":
            o.update(ip_range=b["ip_range"], subnets=[], servers=[], load_balancers=[])
            for s in b.get("subnets", []):
                o["subnets"].append(dict(s, gateway=str(ipaddress.ip_network(b["ip_range"]).network_address + 1)))
        elif res == "placement_groups":
            o.update(type=b.get("type", "spread"), servers=[])
        elif res == "firewalls":
            o.update(rules=b.get("rules", []), applied_to=[])
            out["actions"] = []
        elif res == "load_balancers":
            o.update(load_balancer_type={"name": b["load_balancer_type"]}, location={"name": b["location"]},
                     public_net={"enabled": True, "ipv4": {"ip": "198.51.100.%d" % (10 + oid)}},
                     private_net=[], targets=[], services=[], algorithm=b.get("algorithm"))
            if b.get("network"):
                self.join(o, b["network"], "load_balancers")
            out["action"] = w.action("create_load_balancer", [("load_balancer", oid)], action_delay, action_error)
        elif res == "servers":
            self.check_refs(b)
            o.update(status="initializing", server_type={"name": b["server_type"]}, image={"name": b["image"]},
                     datacenter={"location": {"name": b.get("location")}},
                     public_net={"ipv4": {"ip": "203.0.113.%d" % (10 + oid)}, "ipv6": {"ip": "2001:db8:%x::/64" % oid},
                                 "firewalls": [{"id": f["firewall"], "status": "applied"} for f in b.get("firewalls", [])]},
                     private_net=[], placement_group=None, user_data_bytes=len(b.get("user_data", "")))
            for n in b.get("networks", []):
                self.join(o, n, "servers")
            pg = b.get("placement_group")
            if pg:
                o["placement_group"] = {"id": pg}
                w.items["placement_groups"][pg]["servers"].append(oid)
            for f in b.get("firewalls", []):
                w.items["firewalls"][f["firewall"]]["applied_to"].append({"type": "server", "server": {"id": oid}})

            def running(o=o):
                o["status"] = "running"
            out["action"] = w.action("create_server", [("server", oid)], action_delay, action_error, running)
            if action_error:  # the server is there, but never came up
                o["status"] = "off"
            out["next_actions"] = [w.action("start_server", [("server", oid)], action_delay, False)]
            out["root_password"] = None
        elif res == "volumes":
            o.update(size=b["size"], location={"name": b.get("location")}, server=None, format=b.get("format"),
                     linux_device="/dev/disk/by-id/scsi-0HC_Volume_%d" % oid)
            out["action"] = w.action("create_volume", [("volume", oid)], action_delay, action_error)
            out["next_actions"] = []
        elif res == "floating_ips":
            o.update(type=b.get("type", "ipv4"), ip="192.0.2.%d" % (10 + oid), server=None,
                     home_location={"name": b.get("home_location")})
            out["action"] = w.action("create_floating_ip", [("floating_ip", oid)], action_delay, action_error)
        w.items[res][oid] = o
        out[one] = o
        return out

    def check_refs(self, b):
        w = self.world
        for k in b.get("ssh_keys", []):
            if k not in w.items["ssh_keys"]:
                raise ApiError(400, "invalid_input", "ssh key %s not found" % k)
        for n in b.get("networks", []):
            if n not in w.items["networks"]:
                raise ApiError(400, "invalid_input", "network %s not found" % n)
        for f in b.get("firewalls", []):
            if f.get("firewall") not in w.items["firewalls"]:
                raise ApiError(400, "invalid_input", "firewall %s not found" % f.get("firewall"))
        if b.get("placement_group") and b["placement_group"] not in w.items["placement_groups"]:
            raise ApiError(400, "invalid_input", "placement group %s not found" % b["placement_group"])

    def join(self, o, net_id, kind):
        w = self.world
        net = w.items["networks"].get(net_id)
        if not net:
            raise ApiError(400, "invalid_input", "network %s not found" % net_id)
        o["private_net"].append({"network": net_id, "ip": w.private_ip(net_id)})
        net[kind].append(o["id"])

    def in_use(self, res, obj):
        w = self.world
        live = [s for s in w.items["servers"].values()]
        if res == "firewalls":
            return any(f["id"] == obj["id"] for s in live for f in s["public_net"]["firewalls"])
        if res == "placement_groups":
            return any((s["placement_group"] or {}).get("id") == obj["id"] for s in live)
        if res == "networks":
            users = live + list(w.items["load_balancers"].values())
            return any(p["network"] == obj["id"] for u in users for p in u["private_net"])
        if res == "volumes":
            return obj["server"] is not None
        return False

    def delete(self, res, obj, action_delay):
        w = self.world
        if self.in_use(res, obj):
            raise ApiError(422, "resource_in_use", "%s %s is still in use" % (RESOURCES[res], obj["name"]))
        if res == "servers":
            obj["status"] = "deleting"

            def gone(oid=obj["id"]):
                w.items["servers"].pop(oid, None)
                for f in w.items["firewalls"].values():
                    f["applied_to"] = [a for a in f["applied_to"] if a["server"]["id"] != oid]
                for p in w.items["placement_groups"].values():
                    p["servers"] = [s for s in p["servers"] if s != oid]
                for n in w.items["networks"].values():
                    n["servers"] = [s for s in n["servers"] if s != oid]
            return 200, {"action": w.action("delete_server", [("server", obj["id"])], action_delay, False, gone)}
        del w.items[res][obj["id"]]
        if res == "load_balancers":
            for n in w.items["networks"].values():
                n["load_balancers"] = [x for x in n["load_balancers"] if x != obj["id"]]
        return 204, None

    def act(self, res, obj, name, b, action_delay, action_error):
        w = self.world
        one = RESOURCES[res]
        known = {
            "networks": ["add_subnet"],
            "load_balancers": ["add_target", "add_service"],
            "volumes": ["attach", "detach"],
            "floating_ips": ["assign", "unassign"],
            "servers": ["poweron"],
        }
        if name not in known.get(res, []):
            raise ApiError(404, "not_found", "no action %s for %s" % (name, one))
        if name == "add_subnet":
            if any(s["ip_range"] == b.get("ip_range") for s in obj["subnets"]):
                raise ApiError(409, "conflict", "subnet %s exists" % b.get("ip_range"))
            obj["subnets"].append(dict(b, gateway=str(ipaddress.ip_network(obj["ip_range"]).network_address + 1)))
        elif name == "add_target":
            if b in obj["targets"]:
                raise ApiError(409, "target_already_defined", "target already defined")
            obj["targets"].append(b)
        elif name == "add_service":
            if any(s["listen_port"] == b.get("listen_port") for s in obj["services"]):
                raise ApiError(409, "source_port_already_used", "listen port %s already used" % b.get("listen_port"))
            obj["services"].append(b)
        elif name in ("attach", "assign"):
            if b.get("server") not in w.items["servers"]:
                raise ApiError(400, "invalid_input", "server %s not found" % b.get("server"))
            obj["server"] = b["server"]
        elif name in ("detach", "unassign"):
            obj["server"] = None
        elif name == "poweron":
            obj["status"] = "running"
        return {"action": w.action(name, [(one, obj["id"])], action_delay, action_error)}

    # --- test controls ---------------------------------------------------------
    def control(self, path):
        w = self.world
        b = self.body()
        with w.lock:
            w.settle()
            if path == "/_fake/faults" and self.command == "POST" and isinstance(b, dict):
                w.faults.append(b)
                return self.send_json(200, {"faults": len(w.faults)})
            if path == "/_fake/state" and self.command == "GET":
                state = {r: list(v.values()) for r, v in w.items.items()}
                state["created"] = w.created
                return self.send_json(200, state)
        return self.send_json(404, {"error": {"code": "not_found", "message": "no control " + path}})


if __name__ == "__main__":
    https_fake.main(Handler, World, [("--action-delay", float, 0.3), ("--max-per-page", int, 50)])
