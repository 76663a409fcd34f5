#!/usr/bin/env python3
"""fakeworld: behavioural fakes of the `docker` and `kind` CLIs for lo's tests.

This machine (and CI) has no Docker daemon and no kind binary, so lo's end-to-end
tests put tests/fakes/bin first on PATH: `docker` and `kind` there are thin
wrappers around this one program. They are fakes of *behaviour*, not recorders:
they keep a small world (networks, containers, volumes, images, kind clusters)
in a JSON file, so a second `lo-registry up` sees what the first one made, and
they answer like the real tools do for every command lo uses: the same output
formats, exit codes and error texts (`Error response from daemon: ...`, docker
run's 125, kind's `ERROR: failed to create cluster: ...`).

One file on purpose (it is longer than lo's ~600-line guideline): docker and
kind share one world model, and a single file is easy to copy into another
test setup.

Environment
  LO_FAKE_STATE       folder for the world (created on demand; required):
                        state.json   networks, containers, volumes, images, kind clusters
                        calls.jsonl  one JSON line per call: tool, argv, env (KIND_EXPERIMENTAL_DOCKER_NETWORK,
                                     DOCKER_HOST, KUBECONFIG), stdin (was data piped in), cwd, exit, time;
                                     kind calls that read a config from stdin also get stdin_text
                        .lock        flock()ed for the whole of every call (concurrent calls are safe)
  LO_FAKE_FAIL        comma list of rules <tool>:<subcommand>[:<substring>] making matching calls fail the
                      way the real tool fails (nonzero exit, realistic message naming LO_FAKE_FAIL).
                      <subcommand> is the first word (`run`, `network`) or two words joined by a dot
                      (`network.create`, `create.cluster`); <substring> must occur in the joined argv.
                      Example: LO_FAKE_FAIL=docker:run:io-quay,kind:create
  LO_FAKE_NO_DAEMON=1 every docker call (and every kind call that needs docker) fails with
                      "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. ..."
  LO_FAKE_KUBECONFIG  file that `kind get kubeconfig` prints instead of a made-up kubeconfig
  LO_FAKE_CRASH       comma list of substrings: a container whose name holds one stops at once at every start,
                      like a registry whose upstream cannot be reached: State restarting, RestartCount up, health
                      unhealthy, a panic line in `docker logs`.

docker: network create|inspect|rm|connect|disconnect|ls, volume create|rm|ls|inspect, run, create,
        start, stop, restart, rm, ps, inspect, info, version, pull, images, logs, cp (into a container; the copied files
        are kept in the container's state under _files) (plus `docker container ...` forms).
        Go templates for --format/-f: fields (.A.B), json, len, index, join, lower, upper, range/if/else/end,
        and ps rows' .Label "key". IPAM: user subnets, --ip-range for dynamic addresses, static --ip
        (only on user networks with a configured subnet; taken -> "Address already in use", container
        left in state created). -v with a missing host path creates a folder like docker does;
        --mount type=bind with a missing source fails like docker does.
kind:   create cluster, delete cluster(s), get clusters|nodes|kubeconfig, export kubeconfig, version.
        Node containers <name>-control-plane, -control-plane2.., -worker, -worker2.. (and
        -external-load-balancer with several control planes) on the network KIND_EXPERIMENTAL_DOCKER_NETWORK
        names (default kind; created when missing, as kind does), with kind's labels; host port clashes
        fail like docker. kind's kubeconfig export is written only to an explicit --kubeconfig file
        (recorded in state otherwise), so tests never touch ~/.kube/config.
Health checks (--health-cmd ...): a started container is healthy at once (the fake runs nothing), unless
LO_FAKE_CRASH hits it. `docker logs` prints a start line per start (and the panic) on stderr.
Not emulated (a clear error, exit 125): anything that would need a real container to run (exec, cp out of
a container).
"""
import csv
import fcntl
import hashlib
import ipaddress
import json
import os
import re
import sys
import time

NO_DAEMON = ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
             "Is the docker daemon running?")
DOCKER_VERSION = "27.5.1"
KIND_VERSION = "0.27.0"
KIND_IMAGE = "kindest/node:v1.32.2"
KIND_LB_IMAGE = "kindest/haproxy:v20230606-42a2262b"


class Fail(Exception):
    """A failing call: message for stderr, exit code, and stdout already due."""

    def __init__(self, msg, code=1, out=""):
        super().__init__(msg)
        self.msg, self.code, self.out = msg, code, out


class Io:
    def __init__(self):
        self.out, self.err = [], []

    def print(self, s=""):
        self.out.append(s + "\n")

    def warn(self, s):
        self.err.append(s + "\n")


# ---------------------------------------------------------------------------- Go templates

def _split_words(expr):
    words, cur, quote = [], "", None
    for ch in expr:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in "\"`":
            quote, cur = ch, cur + ch
        elif ch.isspace():
            if cur:
                words.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        words.append(cur)
    return words


def _tokens(fmt):
    out, pos = [], 0
    for m in re.finditer(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", fmt, re.S):
        text = fmt[pos:m.start()]
        if m.group(1):
            text = text.rstrip()
        if out and out[-1][0] == "trim":
            out.pop()
            text = text.lstrip()
        out.append(("text", text))
        out.append(("action", m.group(2)))
        if m.group(3):
            out.append(("trim", ""))
        pos = m.end()
    text = fmt[pos:]
    if out and out[-1][0] == "trim":
        out.pop()
        text = text.lstrip()
    out.append(("text", text))
    return out


def _parse(tokens, i, stop):
    nodes = []
    while i < len(tokens):
        kind, val = tokens[i]
        if kind == "text":
            nodes.append(("text", val))
            i += 1
            continue
        word = val.split(None, 1)[0] if val.strip() else ""
        if word in stop:
            return nodes, i
        if word in ("range", "if"):
            body, i = _parse(tokens, i + 1, ("end", "else"))
            other = []
            if tokens[i][1].strip() == "else":
                other, i = _parse(tokens, i + 1, ("end",))
            nodes.append((word, val.split(None, 1)[1], body, other))
            i += 1
            continue
        nodes.append(("expr", val))
        i += 1
    if stop:
        raise Fail("template: missing {{end}}")
    return nodes, i


def _field(obj, path):
    for part in [p for p in path.split(".") if p]:
        if isinstance(obj, dict) and part in obj:
            obj = obj[part]
        else:
            return None
    return obj


def _value(word, dot):
    if word.startswith('"') or word.startswith("`"):
        return word[1:-1]
    if word == ".":
        return dot
    if word.startswith("."):
        return _field(dot, word)
    if re.fullmatch(r"-?\d+", word):
        return int(word)
    if word in ("true", "false"):
        return word == "true"
    raise Fail(f'template: :1: function "{word}" not defined')


def _eval(expr, dot):
    words = _split_words(expr)
    if not words:
        return ""
    head, args = words[0], words[1:]
    if head.startswith(".") and args:  # a method: .Label "key"
        obj = _field(dot, head.rsplit(".", 1)[0]) if head.count(".") > 1 else dot
        if head.endswith(".Label") and isinstance(obj, dict):
            return obj.get("_labels", {}).get(_value(args[0], dot), "")
        raise Fail(f"template: :1: can't give argument to non-function {head}")
    vals = [_value(a, dot) for a in args]
    if head == "json":
        return json.dumps(_public(vals[0]), separators=(",", ":"))
    if head == "len":
        return len(vals[0] or [])
    if head == "index":
        obj = vals[0]
        for k in vals[1:]:
            obj = obj.get(k) if isinstance(obj, dict) else (obj[k] if isinstance(obj, list) else None)
        return obj
    if head == "join":
        return vals[1].join(str(v) for v in (vals[0] or []))
    if head in ("lower", "upper"):
        return getattr(str(vals[0]), head)()
    if head == "println":
        return " ".join(_show(v) for v in vals) + "\n"
    return _value(head, dot)


def _show(v):
    if v is None:
        return "<no value>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_show(x)}" for k, x in sorted(_public(v).items())) + "]"
    if isinstance(v, list):
        return "[" + " ".join(_show(x) for x in v) + "]"
    return str(v)


def _run(nodes, dot):
    out = ""
    for n in nodes:
        if n[0] == "text":
            out += n[1]
        elif n[0] == "expr":
            out += _show(_eval(n[1], dot))
        else:
            val = _eval(n[1], dot)
            if n[0] == "if":
                out += _run(n[2] if val else n[3], dot)
            else:
                items = list(val.values()) if isinstance(val, dict) else (val or [])
                out += "".join(_run(n[2], x) for x in items) if items else _run(n[3], dot)
    return out


def render(fmt, obj):
    nodes, _ = _parse(_tokens(fmt), 0, ())
    return _run(nodes, obj)


def _public(v):
    """Drops the fake's private keys (leading underscore) from what it shows."""
    if isinstance(v, dict):
        return {k: _public(x) for k, x in v.items() if not str(k).startswith("_")}
    if isinstance(v, list):
        return [_public(x) for x in v]
    return v


# ---------------------------------------------------------------------------- the world

def now_text(t=None):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime(t or time.time()))


class World:
    def __init__(self, state):
        self.s = state
        self.s.setdefault("seq", 0)
        self.s.setdefault("images", [])
        self.s.setdefault("volumes", {})
        self.s.setdefault("containers", {})
        self.s.setdefault("kind", {})
        if "networks" not in self.s:
            self.s["networks"] = {}
            self.add_network("bridge", "172.17.0.0/16", None, {"com.docker.network.bridge.name": "docker0",
                                                             "com.docker.network.bridge.default_bridge": "true"},
                             {}, user_subnet=False, builtin=True)
            self.add_network("host", None, None, {}, {}, user_subnet=False, builtin=True, driver="host")
            self.add_network("none", None, None, {}, {}, user_subnet=False, builtin=True, driver="null")

    def new_id(self, name):
        self.s["seq"] += 1
        return hashlib.sha256(f"{name}/{self.s['seq']}".encode()).hexdigest()

    # networks
    def add_network(self, name, subnet, ip_range, options, labels, user_subnet=True, builtin=False,
                    driver="bridge", gateway=None):
        config = []
        if subnet:
            net = ipaddress.ip_network(subnet)
            c = {"Subnet": subnet, "Gateway": gateway or str(net.network_address + 1)}
            if ip_range:
                c["IPRange"] = ip_range
            config.append(c)
        n = {"Name": name, "Id": self.new_id(name), "Created": now_text(), "Scope": "local", "Driver": driver,
             "EnableIPv6": False, "IPAM": {"Driver": "default", "Options": {}, "Config": config},
             "Internal": False, "Attachable": False, "Ingress": False, "ConfigFrom": {"Network": ""},
             "ConfigOnly": False, "Containers": {}, "Options": options, "Labels": labels,
             "_userSubnet": user_subnet, "_builtin": builtin}
        self.s["networks"][name] = n
        return n

    def find_network(self, ref):
        nets = self.s["networks"]
        if ref in nets:
            return nets[ref]
        for n in nets.values():
            if len(ref) >= 3 and n["Id"].startswith(ref):
                return n
        return None

    def free_subnet(self):
        for b in range(18, 32):
            cand = ipaddress.ip_network(f"172.{b}.0.0/16")
            if not any(cand.overlaps(s) for s in self.subnets()):
                return str(cand)
        raise Fail("Error response from daemon: could not find an available, non-overlapping IPv4 address pool "
                   "among the defaults to assign to the network")

    def subnets(self):
        for n in self.s["networks"].values():
            for c in n["IPAM"]["Config"]:
                yield ipaddress.ip_network(c["Subnet"])

    def used_ips(self, net_name):
        used = set()
        for c in self.s["containers"].values():
            ep = c["NetworkSettings"]["Networks"].get(net_name)
            if c["State"]["Running"] and ep and ep.get("IPAddress"):
                used.add(ep["IPAddress"])
        return used

    def network_view(self, n):
        view = dict(n)
        view["Containers"] = {}
        for c in self.s["containers"].values():
            ep = c["NetworkSettings"]["Networks"].get(n["Name"])
            if c["State"]["Running"] and ep:
                view["Containers"][c["Id"]] = {"Name": c["Name"][1:], "EndpointID": ep["EndpointID"],
                                               "MacAddress": ep["MacAddress"],
                                               "IPv4Address": f"{ep['IPAddress']}/{ep['IPPrefixLen']}"
                                               if ep["IPAddress"] else "", "IPv6Address": ""}
        return view

    # containers
    def find_container(self, ref):
        cs = self.s["containers"]
        ref = ref.lstrip("/")
        if ref in cs:
            return cs[ref]
        for c in cs.values():
            if len(ref) >= 3 and c["Id"].startswith(ref):
                return c
        return None

    def connect(self, c, net, ip=None, aliases=None):
        c["NetworkSettings"]["Networks"][net["Name"]] = {
            "IPAMConfig": {"IPv4Address": ip} if ip else None, "Links": None, "Aliases": aliases or [],
            "NetworkID": net["Id"], "EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0,
            "MacAddress": "", "DNSNames": [c["Name"][1:]]}
        if c["State"]["Running"]:
            self.attach(c, net["Name"])

    def attach(self, c, net_name):
        """Gives a running container its address on a network (docker does it at start)."""
        net = self.s["networks"][net_name]
        ep = c["NetworkSettings"]["Networks"][net_name]
        config = net["IPAM"]["Config"]
        if not config:  # host / none
            return
        subnet = ipaddress.ip_network(config[0]["Subnet"])
        used = self.used_ips(net_name) | {config[0]["Gateway"]}
        want = (ep.get("IPAMConfig") or {}).get("IPv4Address")
        if want:
            if want in used:
                raise Fail("Error response from daemon: Address already in use")
            ip = want
        else:
            pool = ipaddress.ip_network(config[0].get("IPRange") or config[0]["Subnet"])
            ip = next((str(h) for h in pool.hosts() if str(h) not in used), None)
            if ip is None:
                raise Fail(f"Error response from daemon: no available IPv4 addresses on this network's address pools: "
                           f"{net_name} ({net['Id']})")
        ep.update({"IPAddress": ip, "IPPrefixLen": subnet.prefixlen, "Gateway": config[0]["Gateway"],
                   "EndpointID": self.new_id(c["Name"] + net_name),
                   "MacAddress": "02:42:" + ":".join(f"{int(x):02x}" for x in ip.split("."))})

    def start(self, c):
        if c["State"]["Running"]:
            return
        ports = {p for x in self.s["containers"].values() if x["State"]["Running"] for p in x.get("_hostPorts", [])}
        for p in c.get("_hostPorts", []):
            if p in ports:
                raise Fail(f"Error response from daemon: driver failed programming external connectivity on endpoint "
                           f"{c['Name'][1:]} ({c['Id'][:12]}): Bind for {p} failed: port is already allocated")
        c["State"]["Running"] = True
        try:
            for net_name in c["NetworkSettings"]["Networks"]:
                self.attach(c, net_name)
        except Fail:
            c["State"]["Running"] = False
            for ep in c["NetworkSettings"]["Networks"].values():
                ep.update({"IPAddress": "", "EndpointID": "", "MacAddress": ""})
            raise
        c["State"].update({"Status": "running", "StartedAt": now_text(), "Pid": 4242, "ExitCode": 0})
        log = c.setdefault("_log", [])
        log.append(f'time="{now_text()}" level=info msg="listening on [::]:443" service=registry (fakeworld)')
        crash = next((x for x in os.environ.get("LO_FAKE_CRASH", "").split(",") if x and x in c["Name"]), None)
        if crash:  # the program exits at start; restart=always brings it back, and again
            c["State"].update({"Status": "restarting", "Restarting": True, "Pid": 0, "ExitCode": 2})
            c["RestartCount"] += 1
            log.append(f"panic: injected by LO_FAKE_CRASH ({crash}): the program stopped at start")
            log += ["", "goroutine 1 [running]:", "main.main()", "\tfakeworld/main.go:1 +0x1"]
        if c["Config"].get("Healthcheck"):
            c["State"]["Health"] = {"Status": "unhealthy" if crash else "healthy", "FailingStreak": 0, "Log": []}

    def stop(self, c):
        if not c["State"]["Running"]:
            return
        c["State"].update({"Status": "exited", "Running": False, "Restarting": False, "FinishedAt": now_text(),
                           "Pid": 0, "ExitCode": 0})
        for ep in c["NetworkSettings"]["Networks"].values():
            ep.update({"IPAddress": "", "EndpointID": "", "MacAddress": "", "Gateway": ""})

    def ensure_image(self, image, io):
        if ":" not in image.rsplit("/", 1)[-1] and "@" not in image:
            image += ":latest"
        if image not in self.s["images"]:
            repo, _, tag = image.rpartition(":")
            io.warn(f"Unable to find image '{image}' locally")
            io.warn(f"{tag}: Pulling from {repo if '/' in repo else 'library/' + repo}")
            io.warn(f"Digest: sha256:{hashlib.sha256(image.encode()).hexdigest()}")
            io.warn(f"Status: Downloaded newer image for {image}")
            self.s["images"].append(image)
        return image

    def ps_row(self, c, trunc=True):
        st = c["State"]
        age = max(0, int(time.time() - c["_created"]))
        when = f"{age // 60} minutes ago" if age >= 120 else "About a minute ago" if age >= 60 else \
            f"{max(age, 1)} seconds ago"
        status = {"running": f"Up {when[:-4]}", "created": "Created",
                  "exited": f"Exited ({st['ExitCode']}) {when}"}.get(st["Status"], st["Status"])
        labels = c["Config"]["Labels"] or {}
        return {"ID": c["Id"][:12] if trunc else c["Id"], "Image": c["Config"]["Image"],
                "Command": json.dumps(" ".join([c["Path"]] + c["Args"])[:20] if trunc else " ".join([c["Path"]] + c["Args"])),
                "CreatedAt": time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(c["_created"])),
                "RunningFor": when, "Ports": ", ".join(f"{p}->{p.split(':')[-1]}/tcp" for p in c.get("_hostPorts", [])),
                "State": st["Status"], "Status": status, "Size": "0B", "Names": c["Name"][1:],
                "Labels": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
                "Mounts": ",".join((m.get("Name") or m["Source"])[:15] for m in c["Mounts"]),
                "Networks": ",".join(sorted(c["NetworkSettings"]["Networks"])),
                "LocalVolumes": str(sum(1 for m in c["Mounts"] if m["Type"] == "volume")), "_labels": labels}


def parse_flags(args, spec, cmd, interspersed=True, usage_code=1):
    """docker/cobra-style flags. spec: {'--name': ('key', takes_value)}; repeated flags collect."""
    opts, pos, i = {}, [], 0
    usage = f"See 'docker {cmd} --help'."
    while i < len(args):
        a = args[i]
        if a == "--":
            pos += args[i + 1:]
            break
        if a.startswith("--") and len(a) > 2:
            name, eq, val = a.partition("=")
            if name not in spec:
                raise Fail(f"unknown flag: {name}\n{usage}", usage_code)
            key, takes = spec[name]
            if takes and not eq:
                i += 1
                if i >= len(args):
                    raise Fail(f"flag needs an argument: {name}\n{usage}", usage_code)
                val = args[i]
            opts.setdefault(key, []).append(val if takes else (val != "false"))
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                f = "-" + a[j]
                if f not in spec:
                    raise Fail(f"unknown shorthand flag: '{a[j]}' in {a}\n{usage}", usage_code)
                key, takes = spec[f]
                if takes:
                    val = a[j + 1:].lstrip("=")
                    if not val:
                        i += 1
                        if i >= len(args):
                            raise Fail(f"flag needs an argument: '{a[j]}' in {a}\n{usage}", usage_code)
                        val = args[i]
                    opts.setdefault(key, []).append(val)
                    break
                opts.setdefault(key, []).append(True)
                j += 1
        else:
            pos.append(a)
            if not interspersed:
                pos += args[i + 1:]
                break
        i += 1
    return opts, pos


def last(opts, key, default=None):
    return opts[key][-1] if key in opts else default


def filters(opts, allowed):
    out = {}
    for f in opts.get("filter", []):
        k, eq, v = f.partition("=")
        if not eq:
            raise Fail(f"bad format of filter (expected name=value)")
        if k not in allowed:
            raise Fail(f"Error response from daemon: invalid filter '{k}'")
        out.setdefault(k, []).append(v)
    return out


def label_match(labels, wants):
    for w in wants:
        k, eq, v = w.partition("=")
        if k not in labels or (eq and labels[k] != v):
            return False
    return True


def list_out(io, opts, rows, table_cols, quiet_key):
    """Prints ps/ls-style output: -q, --format (docker turns \\t into a tab), or a table."""
    if last(opts, "quiet"):
        for r in rows:
            io.print(r[quiet_key])
        return
    fmt = last(opts, "format")
    if fmt and fmt != "table":
        fmt = fmt.replace("\\t", "\t").replace("\\n", "\n")
        if fmt.startswith("table "):
            fmt = fmt[6:]
        for r in rows:
            io.print(render(fmt, r))
        return
    table = [[h for h, _ in table_cols]] + [[str(r[k]) for _, k in table_cols] for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table_cols))]
    for row in table:
        io.print("   ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


# ---------------------------------------------------------------------------- docker

def daemon_error(msg):
    return f"Error response from daemon: {msg}"


def d_network(w, args, io):
    if not args:
        raise Fail("Usage:  docker network COMMAND\n\nRun 'docker network --help' for more information")
    sub, rest = args[0], args[1:]
    nets = w.s["networks"]
    if sub == "create":
        o, pos = parse_flags(rest, {"-d": ("driver", True), "--driver": ("driver", True), "--subnet": ("subnet", True),
                                    "--gateway": ("gateway", True), "--ip-range": ("iprange", True),
                                    "-o": ("opt", True), "--opt": ("opt", True), "--label": ("label", True),
                                    "--ipv6": ("ipv6", False), "--internal": ("internal", False),
                                    "--attachable": ("attachable", False), "--scope": ("scope", True),
                                    "--ipam-driver": ("ipamdriver", True)}, "network create")
        if len(pos) != 1:
            raise Fail("\"docker network create\" requires exactly 1 argument.\nSee 'docker network create --help'.")
        name = pos[0]
        if name in nets:
            raise Fail(daemon_error(f"network with name {name} already exists"))
        subnet = last(o, "subnet")
        if subnet:
            try:
                net = ipaddress.ip_network(subnet, strict=False)
            except ValueError:
                raise Fail(daemon_error(f"invalid CIDR address: {subnet}"))
            if any(net.overlaps(s) for s in w.subnets()):
                raise Fail(daemon_error("invalid pool request: Pool overlaps with other one on this address space"))
            rng = last(o, "iprange")
            if rng and not ipaddress.ip_network(rng, strict=False).subnet_of(net):
                raise Fail(daemon_error(f"Invalid network config: ip-range {rng} is not within subnet {subnet}"))
        elif last(o, "iprange"):
            raise Fail(daemon_error("invalid pool request: ip-range without a subnet"))
        options = dict(x.partition("=")[::2] for x in o.get("opt", []))
        bridge = options.get("com.docker.network.bridge.name", "")
        if len(bridge) > 15:
            raise Fail(daemon_error(f"failed to create network {name}: Error response from daemon: "
                                    f"failed to create the bridge {bridge}: numerical result out of range"))
        labels = dict(x.partition("=")[::2] for x in o.get("label", []))
        n = w.add_network(name, str(ipaddress.ip_network(subnet, strict=False)) if subnet else w.free_subnet(),
                          last(o, "iprange"), options, labels, user_subnet=bool(subnet),
                          driver=last(o, "driver", "bridge"), gateway=last(o, "gateway"))
        io.print(n["Id"])
    elif sub == "inspect":
        o, pos = parse_flags(rest, {"-f": ("format", True), "--format": ("format", True),
                                    "-v": ("verbose", False), "--verbose": ("verbose", False)}, "network inspect")
        if not pos:
            raise Fail("\"docker network inspect\" requires at least 1 argument.\nSee 'docker network inspect --help'.")
        found, errors = [], []
        for ref in pos:
            n = w.find_network(ref)
            if n:
                found.append(w.network_view(n))
            else:
                errors.append(daemon_error(f"network {ref} not found"))
        inspect_out(io, o, found)
        if errors:
            raise Fail("\n".join(errors), 1)
    elif sub in ("rm", "remove"):
        o, pos = parse_flags(rest, {"-f": ("force", False), "--force": ("force", False)}, "network rm")
        errors = []
        for ref in pos:
            n = w.find_network(ref)
            if not n:
                if not last(o, "force"):
                    errors.append(daemon_error(f"network {ref} not found"))
                continue
            if n["_builtin"]:
                errors.append(daemon_error(f"{n['Name']} is a pre-defined network and cannot be removed"))
                continue
            if w.network_view(n)["Containers"]:
                errors.append(daemon_error(f"error while removing network: network {n['Name']} id {n['Id']} "
                                           f"has active endpoints"))
                continue
            for c in w.s["containers"].values():
                c["NetworkSettings"]["Networks"].pop(n["Name"], None)
            del nets[n["Name"]]
            io.print(ref)
        if errors:
            raise Fail("\n".join(errors))
    elif sub == "connect":
        o, pos = parse_flags(rest, {"--ip": ("ip", True), "--alias": ("alias", True), "--ip6": ("ip6", True),
                                    "--link": ("link", True)}, "network connect")
        if len(pos) != 2:
            raise Fail("\"docker network connect\" requires exactly 2 arguments.\nSee 'docker network connect --help'.")
        n, c = w.find_network(pos[0]), w.find_container(pos[1])
        if not c:
            raise Fail(daemon_error(f"No such container: {pos[1]}"))
        if not n:
            raise Fail(daemon_error(f"network {pos[0]} not found"))
        if n["Name"] in c["NetworkSettings"]["Networks"]:
            raise Fail(daemon_error(f"endpoint with name {c['Name'][1:]} already exists in network {n['Name']}"))
        ip = last(o, "ip")
        try:
            check_static_ip(n, ip)
        except Fail as e:
            raise Fail(e.msg, 1)
        w.connect(c, n, ip, o.get("alias"))
    elif sub == "disconnect":
        o, pos = parse_flags(rest, {"-f": ("force", False), "--force": ("force", False)}, "network disconnect")
        if len(pos) != 2:
            raise Fail("\"docker network disconnect\" requires exactly 2 arguments.")
        n, c = w.find_network(pos[0]), w.find_container(pos[1])
        if not c:
            raise Fail(daemon_error(f"No such container: {pos[1]}"))
        if not n:
            raise Fail(daemon_error(f"network {pos[0]} not found"))
        if n["Name"] not in c["NetworkSettings"]["Networks"]:
            raise Fail(daemon_error(f"container {c['Id']} is not connected to network {n['Name']}"))
        del c["NetworkSettings"]["Networks"][n["Name"]]
    elif sub in ("ls", "list"):
        o, _ = parse_flags(rest, {"-q": ("quiet", False), "--quiet": ("quiet", False), "-f": ("filter", True),
                                  "--filter": ("filter", True), "--format": ("format", True),
                                  "--no-trunc": ("notrunc", False)}, "network ls")
        f = filters(o, ("name", "label", "driver", "id", "scope", "type"))
        rows = []
        for n in sorted(nets.values(), key=lambda x: x["Name"]):
            if "name" in f and not any(re.search(p, n["Name"]) for p in f["name"]):
                continue
            if "label" in f and not label_match(n["Labels"], f["label"]):
                continue
            if "driver" in f and n["Driver"] not in f["driver"]:
                continue
            if "id" in f and not any(n["Id"].startswith(p) for p in f["id"]):
                continue
            rows.append({"ID": n["Id"] if last(o, "notrunc") else n["Id"][:12], "Name": n["Name"],
                         "Driver": n["Driver"], "Scope": "local", "IPv6": "false", "Internal": "false",
                         "CreatedAt": n["Created"], "Labels": ",".join(f"{k}={v}" for k, v in n["Labels"].items()),
                         "_labels": n["Labels"]})
        list_out(io, o, rows, [("NETWORK ID", "ID"), ("NAME", "Name"), ("DRIVER", "Driver"), ("SCOPE", "Scope")], "ID")
    else:
        raise Fail(f"docker: 'network {sub}' is not a docker command.\nSee 'docker network --help'", 1)


def check_static_ip(n, ip):
    if not ip:
        return
    if n["_builtin"]:
        raise Fail(daemon_error("user specified IP address is supported on user defined networks only"), 125)
    if not n["_userSubnet"]:
        raise Fail(daemon_error("user specified IP address is supported only when connecting to networks with "
                                "user configured subnets"), 125)
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        raise Fail(f"invalid argument \"{ip}\" for \"--ip\" flag: invalid IP address", 125)
    if not any(addr in ipaddress.ip_network(c["Subnet"]) for c in n["IPAM"]["Config"]):
        raise Fail(daemon_error(f"invalid endpoint settings:\nno configured subnet or ip-range contain the IP "
                                f"address {ip}"), 125)


def inspect_out(io, o, objs):
    fmt = last(o, "format")
    if fmt:
        for obj in objs:
            io.print(render(fmt, obj))
    else:
        io.print(json.dumps([_public(x) for x in objs], indent=4))


def d_volume(w, args, io):
    sub, rest = (args[0], args[1:]) if args else ("", [])
    vols = w.s["volumes"]
    if sub == "create":
        o, pos = parse_flags(rest, {"--label": ("label", True), "-d": ("driver", True), "--driver": ("driver", True),
                                    "--name": ("name", True), "-o": ("opt", True), "--opt": ("opt", True)},
                             "volume create")
        name = pos[0] if pos else last(o, "name") or w.new_id("volume")
        if name not in vols:
            vols[name] = {"CreatedAt": now_text(), "Driver": last(o, "driver", "local"),
                          "Labels": dict(x.partition("=")[::2] for x in o.get("label", [])),
                          "Mountpoint": f"/var/lib/docker/volumes/{name}/_data", "Name": name, "Options": {},
                          "Scope": "local"}
        io.print(name)
    elif sub in ("rm", "remove"):
        o, pos = parse_flags(rest, {"-f": ("force", False), "--force": ("force", False)}, "volume rm")
        errors = []
        for name in pos:
            if name not in vols:
                if not last(o, "force"):
                    errors.append(daemon_error(f"get {name}: no such volume"))
                continue
            users = [c["Id"] for c in w.s["containers"].values()
                     if any(m.get("Name") == name for m in c["Mounts"])]
            if users:
                errors.append(daemon_error(f"remove {name}: volume is in use - [{', '.join(users)}]"))
                continue
            del vols[name]
            io.print(name)
        if errors:
            raise Fail("\n".join(errors))
    elif sub in ("ls", "list"):
        o, _ = parse_flags(rest, {"-q": ("quiet", False), "--quiet": ("quiet", False), "-f": ("filter", True),
                                  "--filter": ("filter", True), "--format": ("format", True)}, "volume ls")
        f = filters(o, ("name", "label", "driver", "dangling"))
        rows = []
        for v in sorted(vols.values(), key=lambda x: x["Name"]):
            if "name" in f and not any(re.search(p, v["Name"]) for p in f["name"]):
                continue
            if "label" in f and not label_match(v["Labels"], f["label"]):
                continue
            rows.append({"Name": v["Name"], "Driver": v["Driver"], "Scope": "local", "Mountpoint": v["Mountpoint"],
                         "Labels": ",".join(f"{k}={x}" for k, x in v["Labels"].items()), "_labels": v["Labels"]})
        list_out(io, o, rows, [("DRIVER", "Driver"), ("VOLUME NAME", "Name")], "Name")
    elif sub == "inspect":
        o, pos = parse_flags(rest, {"-f": ("format", True), "--format": ("format", True)}, "volume inspect")
        found = [vols[n] for n in pos if n in vols]
        inspect_out(io, o, found)
        missing = [n for n in pos if n not in vols]
        if missing:
            raise Fail("\n".join(daemon_error(f"get {n}: no such volume") for n in missing))
    else:
        raise Fail(f"docker: 'volume {sub}' is not a docker command.\nSee 'docker volume --help'", 1)


RUN_FLAGS = {"-d": ("detach", False), "--detach": ("detach", False), "--name": ("name", True),
             "--restart": ("restart", True), "--network": ("network", True), "--net": ("network", True),
             "--ip": ("ip", True), "-l": ("label", True), "--label": ("label", True), "-v": ("volume", True),
             "--volume": ("volume", True), "--mount": ("mount", True), "-e": ("env", True), "--env": ("env", True),
             "-p": ("publish", True), "--publish": ("publish", True), "--rm": ("rm", False),
             "--privileged": ("privileged", False), "-h": ("hostname", True), "--hostname": ("hostname", True),
             "-i": ("interactive", False), "--interactive": ("interactive", False), "-t": ("tty", False),
             "--tty": ("tty", False), "--entrypoint": ("entrypoint", True), "--network-alias": ("alias", True),
             "--security-opt": ("secopt", True), "--tmpfs": ("tmpfs", True), "--init": ("init", False),
             "--pull": ("pull", True), "--user": ("user", True), "-u": ("user", True), "-w": ("workdir", True),
             "--health-cmd": ("health_cmd", True), "--health-interval": ("health_interval", True),
             "--health-timeout": ("health_timeout", True), "--health-retries": ("health_retries", True),
             "--health-start-period": ("health_start", True), "--no-healthcheck": ("no_health", False)}


def duration_ns(text):
    units = {"ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}
    m = re.fullmatch(r"(\d+)(ms|s|m|h)", text)
    if not m:
        raise Fail(f"invalid argument \"{text}\" for \"--health-*\" flag: time: invalid duration \"{text}\"", 125)
    return int(m.group(1)) * units[m.group(2)]


def parse_mount(spec):
    fields = next(csv.reader([spec]))
    m = {}
    for f in fields:
        k, eq, v = f.partition("=")
        m[k] = v if eq else "true"
    kind = m.get("type", "volume")
    src = m.get("source", m.get("src", ""))
    dst = m.get("target", m.get("dst", m.get("destination", "")))
    ro = m.get("readonly", m.get("ro", "false")) in ("true", "1")
    if not dst:
        raise Fail("invalid argument \"" + spec + "\" for \"--mount\" flag: target is required", 125)
    if kind == "bind" and not os.path.exists(src):
        raise Fail(daemon_error(f"invalid mount config for type \"bind\": bind source path does not exist: {src}"),
                   125)
    return kind, src, dst, ro


def d_create(w, args, io, run):
    cmd = "run" if run else "create"
    o, pos = parse_flags(args, RUN_FLAGS, cmd, interspersed=False, usage_code=125)
    if not pos:
        raise Fail(f"\"docker {cmd}\" requires at least 1 argument.\nSee 'docker {cmd} --help'.", 125)
    image, command = pos[0], pos[1:]
    name = last(o, "name") or f"fake_{w.s['seq'] + 1}"
    old = w.s["containers"].get(name)
    if old:
        raise Fail(daemon_error(f"Conflict. The container name \"/{name}\" is already in use by container "
                                f"\"{old['Id']}\". You have to remove (or rename) that container to be able to reuse "
                                f"that name."), 125)
    net_name = last(o, "network", "bridge")
    net = w.find_network(net_name)
    if not net:
        raise Fail(daemon_error(f"network {net_name} not found"), 125)
    check_static_ip(net, last(o, "ip"))
    mounts, host_ports = [], []
    for v in o.get("volume", []):
        parts = v.split(":")
        if len(parts) < 2:
            mounts.append({"Type": "volume", "Name": w.new_id("anon"), "Source": "", "Destination": parts[0],
                           "Mode": "", "RW": True})
            continue
        src, dst, mode = parts[0], parts[1], (parts[2] if len(parts) > 2 else "")
        if src.startswith("/") or src.startswith("."):
            src = os.path.abspath(src)
            # docker's -v creates a missing host path as a folder (a classic trap).
            os.makedirs(src, exist_ok=True) if not os.path.exists(src) else None
            mounts.append({"Type": "bind", "Source": src, "Destination": dst, "Mode": mode, "RW": "ro" not in mode,
                           "Propagation": "rprivate"})
        else:
            mounts.append({"Type": "volume", "Name": src, "Source": f"/var/lib/docker/volumes/{src}/_data",
                           "Destination": dst, "Driver": "local", "Mode": mode or "z", "RW": "ro" not in mode})
    for spec in o.get("mount", []):
        kind, src, dst, ro = parse_mount(spec)
        if kind == "bind":
            mounts.append({"Type": "bind", "Source": src, "Destination": dst, "Mode": "", "RW": not ro,
                           "Propagation": "rprivate"})
        else:
            mounts.append({"Type": "volume", "Name": src, "Source": f"/var/lib/docker/volumes/{src}/_data",
                           "Destination": dst, "Driver": "local", "Mode": "z", "RW": not ro})
    for p in o.get("publish", []):
        parts = p.split(":")
        host = ":".join(parts[:-1]) if len(parts) > 1 else parts[0]
        host_ports.append(host if ":" in host else f"0.0.0.0:{host}")
    image = w.ensure_image(image, io)
    for m in mounts:
        if m["Type"] == "volume" and m["Name"] not in w.s["volumes"]:
            w.s["volumes"][m["Name"]] = {"CreatedAt": now_text(), "Driver": "local", "Labels": {},
                                         "Mountpoint": m["Source"], "Name": m["Name"], "Options": None,
                                         "Scope": "local"}
    cid = w.new_id(name)
    c = {"Id": cid, "Created": now_text(), "Path": last(o, "entrypoint", "/entrypoint.sh"),
         "Args": command or ["/etc/docker/registry/config.yml"] if image.startswith("registry:") else command,
         "State": {"Status": "created", "Running": False, "Paused": False, "Restarting": False,
                   "OOMKilled": False, "Dead": False, "Pid": 0, "ExitCode": 0, "Error": "",
                   "StartedAt": "0001-01-01T00:00:00Z", "FinishedAt": "0001-01-01T00:00:00Z"},
         "Image": "sha256:" + hashlib.sha256(image.encode()).hexdigest(), "Name": "/" + name, "RestartCount": 0,
         "HostConfig": {"Binds": [v for v in o.get("volume", [])] or None, "NetworkMode": net["Name"],
                        "RestartPolicy": {"Name": last(o, "restart", "no").split(":")[0], "MaximumRetryCount": 0},
                        "AutoRemove": bool(last(o, "rm")), "Privileged": bool(last(o, "privileged"))},
         "Mounts": mounts,
         "Config": {"Hostname": last(o, "hostname", cid[:12]), "Image": image, "Env": o.get("env", []),
                    "Cmd": command, "Labels": dict(x.partition("=")[::2] for x in o.get("label", [])),
                    **({"Healthcheck": {"Test": ["CMD-SHELL", last(o, "health_cmd")],
                                        "Interval": duration_ns(last(o, "health_interval", "30s")),
                                        "Timeout": duration_ns(last(o, "health_timeout", "30s")),
                                        "Retries": int(last(o, "health_retries", "3"))}}
                       if last(o, "health_cmd") else {})},
         "NetworkSettings": {"Networks": {}}, "_created": time.time(), "_hostPorts": host_ports}
    w.s["containers"][name] = c
    w.connect(c, net, last(o, "ip"), o.get("alias"))
    if not run:
        io.print(cid)
        return
    if injected_rule:
        raise Fail(daemon_error("failed to create task for container: failed to create shim task: OCI runtime "
                                f"create failed: injected by LO_FAKE_FAIL ({injected_rule}): unknown"), 125)
    w.start(c)
    if last(o, "detach"):
        io.print(cid)
    else:  # the fake runs nothing: the command "finishes" at once
        w.stop(c)
        if last(o, "rm"):
            del w.s["containers"][name]


def d_rm(w, args, io):
    o, pos = parse_flags(args, {"-f": ("force", False), "--force": ("force", False), "-v": ("volumes", False),
                                "--volumes": ("volumes", False), "-l": ("link", False)}, "rm")
    if not pos:
        raise Fail("\"docker rm\" requires at least 1 argument.\nSee 'docker rm --help'.")
    errors = []
    for ref in pos:
        c = w.find_container(ref)
        if not c:
            if last(o, "force"):
                io.warn(daemon_error(f"No such container: {ref}"))
            else:
                errors.append(daemon_error(f"No such container: {ref}"))
            continue
        if c["State"]["Running"] and not last(o, "force"):
            errors.append(daemon_error(f"cannot remove container \"{c['Name']}\": container is running: stop the "
                                       f"container before removing or force remove"))
            continue
        w.stop(c)
        if last(o, "volumes"):
            for m in c["Mounts"]:
                if m["Type"] == "volume" and len(m["Name"]) == 64:
                    w.s["volumes"].pop(m["Name"], None)
        del w.s["containers"][c["Name"][1:]]
        io.print(ref)
    if errors:
        raise Fail("\n".join(errors))


def d_start_stop(w, args, io, start):
    cmd = "start" if start else "stop"
    o, pos = parse_flags(args, {"-t": ("time", True), "--time": ("time", True), "-a": ("attach", False),
                                "-s": ("signal", True)}, cmd)
    errors = []
    for ref in pos:
        c = w.find_container(ref)
        if not c:
            errors.append(daemon_error(f"No such container: {ref}"))
            continue
        try:
            w.start(c) if start else w.stop(c)
            io.print(ref)
        except Fail as e:
            errors.append(e.msg)
    if errors:
        raise Fail("\n".join(errors) + (f"\nError: failed to start containers: {', '.join(pos)}" if start else ""))


def d_cp(w, args, io):
    _, pos = parse_flags(args, {"-a": ("archive", False), "--archive": ("archive", False), "-L": ("follow", False),
                                "-q": ("quiet", False), "--quiet": ("quiet", False)}, "cp")
    if len(pos) != 2:
        raise Fail("\"docker cp\" requires exactly 2 arguments.\nSee 'docker cp --help'.")
    src, dst = pos
    if ":" not in dst or dst.startswith("/") or dst.startswith("."):
        raise Fail("fakeworld: `docker cp` from a container is not emulated (tests/fakes/fakeworld.py)", 125)
    name, _, path = dst.partition(":")
    c = w.find_container(name)
    if not c:
        raise Fail(daemon_error(f"No such container: {name}"))
    if not os.path.exists(src):
        raise Fail(f"lstat {os.path.abspath(src)}: no such file or directory")
    files = c.setdefault("_files", {})
    if os.path.isdir(src):
        base = path if src.endswith("/.") else os.path.join(path, os.path.basename(os.path.normpath(src)))
        for root, _, names in os.walk(src):
            for n in names:
                full = os.path.join(root, n)
                with open(full, errors="replace") as f:
                    files[os.path.normpath(os.path.join(base, os.path.relpath(full, src)))] = f.read(100000)
    else:
        with open(src, errors="replace") as f:
            files[path] = f.read(100000)
    io.warn(f"Successfully copied to {dst}")


def d_logs(w, args, io):
    """What the fake's containers "printed": a start line per start, a panic when LO_FAKE_CRASH hits (stderr)."""
    o, pos = parse_flags(args, {"--tail": ("tail", True), "-n": ("tail", True), "-t": ("timestamps", False),
                                "-f": ("follow", False)}, "logs")
    if len(pos) != 1:
        raise Fail("\"docker logs\" requires exactly 1 argument.\nSee 'docker logs --help'.")
    c = w.find_container(pos[0])
    if not c:
        raise Fail(daemon_error(f"No such container: {pos[0]}"))
    lines = c.get("_log", [])
    tail = last(o, "tail", "all")
    if tail != "all":
        lines = lines[-int(tail):] if int(tail) else []
    for line in lines:
        io.warn(line)


def d_ps(w, args, io):
    o, _ = parse_flags(args, {"-a": ("all", False), "--all": ("all", False), "-q": ("quiet", False),
                              "--quiet": ("quiet", False), "-f": ("filter", True), "--filter": ("filter", True),
                              "--format": ("format", True), "--no-trunc": ("notrunc", False),
                              "-s": ("size", False), "--size": ("size", False), "-n": ("last", True),
                              "-l": ("latest", False)}, "ps")
    f = filters(o, ("name", "label", "network", "status", "id", "ancestor"))
    rows = []
    for c in sorted(w.s["containers"].values(), key=lambda x: -x["_created"]):
        st = c["State"]["Status"]
        if not last(o, "all") and "status" not in f and st != "running":
            continue
        if "name" in f and not any(re.search(p, c["Name"][1:]) for p in f["name"]):
            continue
        if "label" in f and not label_match(c["Config"]["Labels"] or {}, f["label"]):
            continue
        if "status" in f and st not in f["status"]:
            continue
        if "id" in f and not any(c["Id"].startswith(p) for p in f["id"]):
            continue
        if "ancestor" in f and c["Config"]["Image"] not in f["ancestor"]:
            continue
        if "network" in f:
            nets = c["NetworkSettings"]["Networks"]
            ids = {w.s["networks"][n]["Id"] for n in nets if n in w.s["networks"]}
            if not any(p in nets or p in ids for p in f["network"]):
                continue
        rows.append(w.ps_row(c, trunc=not last(o, "notrunc")))
    list_out(io, o, rows, [("CONTAINER ID", "ID"), ("IMAGE", "Image"), ("COMMAND", "Command"),
                           ("CREATED", "RunningFor"), ("STATUS", "Status"), ("PORTS", "Ports"), ("NAMES", "Names")],
             "ID")


def d_inspect(w, args, io, kind=None):
    o, pos = parse_flags(args, {"-f": ("format", True), "--format": ("format", True), "--type": ("type", True),
                                "-s": ("size", False), "--size": ("size", False)}, "inspect")
    kind = kind or last(o, "type")
    if not pos:
        raise Fail("\"docker inspect\" requires at least 1 argument.\nSee 'docker inspect --help'.")
    found, errors = [], []
    for ref in pos:
        obj = None
        if kind in (None, "container"):
            obj = w.find_container(ref)
        if obj is None and kind in (None, "network"):
            n = w.find_network(ref)
            obj = w.network_view(n) if n else None
        if obj is None and kind in (None, "volume"):
            obj = w.s["volumes"].get(ref)
        if obj is None:
            errors.append(f"Error: No such {kind or 'object'}: {ref}")
        else:
            found.append(obj)
    if found or not last(o, "format"):
        inspect_out(io, o, found)
    if errors:
        raise Fail("\n".join(errors))


def d_info_version(w, args, io, info):
    o, _ = parse_flags(args, {"-f": ("format", True), "--format": ("format", True)}, "info" if info else "version")
    cs = list(w.s["containers"].values())
    running = sum(1 for c in cs if c["State"]["Running"])
    client = {"Version": DOCKER_VERSION, "ApiVersion": "1.47", "Os": "linux", "Arch": "amd64", "GoVersion": "go1.22.11"}
    server = {"Version": DOCKER_VERSION, "ApiVersion": "1.47", "MinAPIVersion": "1.24", "Os": "linux",
              "Arch": "amd64"}
    if info:
        obj = {"ID": "FAKE:WORLD", "Containers": len(cs), "ContainersRunning": running,
               "ContainersPaused": 0, "ContainersStopped": len(cs) - running, "Images": len(w.s["images"]),
               "Driver": "overlay2", "Name": "fakeworld", "ServerVersion": DOCKER_VERSION,
               "OperatingSystem": "fakeworld (behavioural fake of Docker Engine)", "OSType": "linux",
               "Architecture": "x86_64", "NCPU": 2, "CgroupDriver": "systemd", "CgroupVersion": "2"}
        if last(o, "format"):
            io.print(render(last(o, "format"), obj))
        else:
            io.print(f"Client:\n Version:    {DOCKER_VERSION}\n Context:    default\n\nServer:\n"
                     f" Containers: {len(cs)}\n  Running: {running}\n  Paused: 0\n  Stopped: {len(cs) - running}\n"
                     f" Images: {len(w.s['images'])}\n Server Version: {DOCKER_VERSION}\n Storage Driver: overlay2\n"
                     f" Operating System: {obj['OperatingSystem']}\n Name: fakeworld")
    else:
        obj = {"Client": client, "Server": server}
        if last(o, "format"):
            io.print(render(last(o, "format"), obj))
        else:
            io.print(f"Client:\n Version:           {DOCKER_VERSION}\n API version:       1.47\n\n"
                     f"Server: Docker Engine - Community (fakeworld)\n Engine:\n  Version:          {DOCKER_VERSION}\n"
                     f"  API version:      1.47 (minimum version 1.24)")


def docker(w, args, io):
    # global flags before the command
    while args and args[0].startswith("-"):
        if args[0] in ("-v", "--version"):
            io.print(f"Docker version {DOCKER_VERSION}, build fakeworld")
            return
        takes = args[0] in ("-H", "--host", "--context", "-c", "--config", "-l", "--log-level")
        args = args[2:] if takes and "=" not in args[0] else args[1:]
    if not args:
        raise Fail("Usage:  docker [OPTIONS] COMMAND")
    cmd, rest = args[0], args[1:]
    if cmd == "container" and rest:
        cmd, rest = {"ls": "ps", "list": "ps", "remove": "rm"}.get(rest[0], rest[0]), rest[1:]
        if cmd == "inspect":
            return d_inspect(w, rest, io, "container")
    if os.environ.get("LO_FAKE_NO_DAEMON") == "1":
        if cmd == "version":
            io.print(f"Client:\n Version:           {DOCKER_VERSION}\n API version:       1.47")
        if cmd in ("run", "create"):
            raise Fail(f"docker: {NO_DAEMON}\n\nRun 'docker {cmd} --help' for more information", 125)
        raise Fail(NO_DAEMON)
    if injected_rule and cmd not in ("run",):
        code = 125 if cmd == "create" else 1
        raise Fail(daemon_error(f"injected by LO_FAKE_FAIL ({injected_rule})"), code)
    if cmd == "network":
        return d_network(w, rest, io)
    if cmd == "volume":
        return d_volume(w, rest, io)
    if cmd in ("run", "create"):
        try:
            return d_create(w, rest, io, cmd == "run")
        except Fail as e:
            if e.code == 125 and not e.msg.startswith("docker:") and not e.msg.startswith("unknown"):
                e.msg = f"docker: {e.msg}\n\nRun 'docker {cmd} --help' for more information"
            elif e.code == 1 and cmd == "run":  # a start failure after create: docker run says 125
                e.msg, e.code = f"docker: {e.msg}\n\nRun 'docker run --help' for more information", 125
            raise
    if cmd == "rm":
        return d_rm(w, rest, io)
    if cmd in ("start", "stop"):
        return d_start_stop(w, rest, io, cmd == "start")
    if cmd == "restart":  # by hand: Docker counts restarts from 0 again
        for ref in [a for a in rest if not a.startswith("-")]:
            c = w.find_container(ref)
            if c:
                w.stop(c)
                c["RestartCount"] = 0
        return d_start_stop(w, [a for a in rest if not a.startswith("-")], io, True)
    if cmd == "ps":
        return d_ps(w, rest, io)
    if cmd == "cp":
        return d_cp(w, rest, io)
    if cmd == "logs":
        return d_logs(w, rest, io)
    if cmd == "inspect":
        return d_inspect(w, rest, io)
    if cmd in ("info", "version"):
        return d_info_version(w, rest, io, cmd == "info")
    if cmd == "pull":
        _, pos = parse_flags(rest, {"-q": ("quiet", False)}, "pull")
        image = w.ensure_image(pos[0], Io())
        io.print(f"{image.rpartition(':')[2]}: Pulling from {image.rpartition(':')[0]}\nStatus: Image is up to date "
                 f"for {image}\n{image}")
        return
    if cmd == "images":
        for i in w.s["images"]:
            io.print(i)
        return
    raise Fail(f"fakeworld: `docker {cmd}` is not emulated (tests/fakes/fakeworld.py); this fake cannot run "
               f"anything inside a container", 125)


# ---------------------------------------------------------------------------- kind

def kind_nodes(w, cluster):
    return sorted((c for c in w.s["containers"].values()
                   if (c["Config"]["Labels"] or {}).get("io.x-k8s.kind.cluster") == cluster),
                  key=lambda c: c["Name"])


def kind_clusters(w):
    return sorted({(c["Config"]["Labels"] or {}).get("io.x-k8s.kind.cluster") for c in w.s["containers"].values()}
                  - {None})


def kind_docker_check(what):
    if os.environ.get("LO_FAKE_NO_DAEMON") == "1":
        raise Fail(f"ERROR: {what}: command \"docker ps -a --filter label=io.x-k8s.kind.cluster --format "
                   f"'{{{{.Label \"io.x-k8s.kind.cluster\"}}}}'\" failed with error: exit status 1\n"
                   f"Command Output: {NO_DAEMON}")


def load_yaml(text, source):
    try:
        import yaml  # python3-yaml (Debian), listed in .ci/deps
    except ImportError:
        raise Fail("fakeworld: python3-yaml is needed to read kind configs (apt-get install python3-yaml)", 125)
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise Fail(f"ERROR: failed to create cluster: error reading file: {source}: {e}")


def kind_kubeconfig(w, name, internal=False):
    if os.environ.get("LO_FAKE_KUBECONFIG"):
        with open(os.environ["LO_FAKE_KUBECONFIG"]) as f:
            return f.read().rstrip("\n")
    port = w.s["kind"][name]["port"] if name in w.s["kind"] else 6443
    server = f"https://{name}-control-plane:6443" if internal else f"https://127.0.0.1:{port}"
    fake = "LS0tLS1CRUdJTiBGQUtFLS0tLS0KZmFrZXdvcmxkCi0tLS0tRU5EIEZBS0UtLS0tLQo="  # not real PEM
    return (f"apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {fake}\n    server: {server}\n"
            f"  name: kind-{name}\ncontexts:\n- context:\n    cluster: kind-{name}\n    user: kind-{name}\n"
            f"  name: kind-{name}\ncurrent-context: kind-{name}\nkind: Config\npreferences: {{}}\nusers:\n"
            f"- name: kind-{name}\n  user:\n    client-certificate-data: {fake}\n    client-key-data: {fake}")


def kind_export(w, name, path, io):
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.write(kind_kubeconfig(w, name) + "\n")
        os.chmod(path, 0o600)
    else:  # recorded, never written: tests must not touch ~/.kube/config
        w.s["kind"][name]["kubeconfig_export"] = os.environ.get("KUBECONFIG", "~/.kube/config").split(":")[0]
    io.warn(f"Set kubectl context to \"kind-{name}\"")


def kind_create(w, args, io, stdin_text):
    o, pos = parse_flags(args, {"--name": ("name", True), "-n": ("name", True), "--config": ("config", True),
                                "--image": ("image", True), "--wait": ("wait", True), "--retain": ("retain", False),
                                "--kubeconfig": ("kubeconfig", True), "-q": ("quiet", False),
                                "--quiet": ("quiet", False), "-v": ("verbosity", True)}, "kind create cluster")
    source = last(o, "config")
    cfg = {}
    if source == "-":
        cfg = load_yaml(stdin_text or "", "-")
    elif source:
        if not os.path.exists(source):
            raise Fail(f"ERROR: failed to create cluster: error reading file: open {source}: no such file or directory")
        with open(source) as f:
            cfg = load_yaml(f.read(), source)
    if cfg:
        if cfg.get("kind") != "Cluster" or cfg.get("apiVersion") != "kind.x-k8s.io/v1alpha4":
            raise Fail(f"ERROR: failed to create cluster: unknown apiVersion: {cfg.get('apiVersion')} kind: "
                       f"{cfg.get('kind')}")
    name = last(o, "name") or cfg.get("name") or "kind"
    if not re.fullmatch(r"[a-z0-9.-]+", name) or len(name) > 50:
        raise Fail(f"ERROR: failed to create cluster: '{name}' is not a valid cluster name, cluster names must match "
                   f"`^[a-z0-9.-]+$`")
    kind_docker_check("failed to create cluster: failed to list nodes")
    if kind_nodes(w, name):
        raise Fail(f"ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"{name}\"")
    net_name = os.environ.get("KIND_EXPERIMENTAL_DOCKER_NETWORK") or "kind"
    if os.environ.get("KIND_EXPERIMENTAL_DOCKER_NETWORK"):
        io.warn("WARNING: Overriding docker network due to KIND_EXPERIMENTAL_DOCKER_NETWORK")
    image = last(o, "image") or KIND_IMAGE
    nodes = cfg.get("nodes") or [{"role": "control-plane"}]
    io.warn(f"Creating cluster \"{name}\" ...")
    io.warn(f" \u2713 Ensuring node image ({(nodes[0].get('image') or image)}) \U0001f5bc")
    if net_name not in w.s["networks"]:
        w.add_network(net_name, w.free_subnet(), None, {"com.docker.network.bridge.enable_ip_masquerade": "true",
                                                        "com.docker.network.driver.mtu": "1500"}, {},
                      user_subnet=True)
    counts, made = {}, []
    roles = [n.get("role", "control-plane") for n in nodes]
    if roles.count("control-plane") > 1:
        nodes = nodes + [{"role": "external-load-balancer", "image": KIND_LB_IMAGE}]
    port = 30000 + int(hashlib.sha256(name.encode()).hexdigest(), 16) % 20000
    try:
        for node in nodes:
            role = node.get("role", "control-plane")
            counts[role] = counts.get(role, 0) + 1
            cname = f"{name}-{role}" + (str(counts[role]) if counts[role] > 1 else "")
            argv = ["--detach", "--name", cname, "--network", net_name, "--hostname", cname,
                    "--label", f"io.x-k8s.kind.cluster={name}", "--label", f"io.x-k8s.kind.role={role}"]
            for m in node.get("extraMounts") or []:
                argv += ["--volume", f"{m['hostPath']}:{m['containerPath']}" + (":ro" if m.get("readOnly") else "")]
            for p in node.get("extraPortMappings") or []:
                argv += ["--publish", f"{p.get('listenAddress', '0.0.0.0')}:{p['hostPort']}:{p['containerPort']}"]
            if role == "control-plane" and counts[role] == 1 and roles.count("control-plane") == 1 or \
                    role == "external-load-balancer":
                argv += ["--publish", f"127.0.0.1:{port}:6443"]
            made.append(cname)
            d_create(w, argv + [node.get("image") or image], Io(), True)
        if injected_rule:
            raise Fail(f"injected by LO_FAKE_FAIL ({injected_rule})")
    except Fail as e:
        if not last(o, "retain"):
            for cname in made:
                c = w.find_container(cname)
                if c:
                    w.stop(c)
                    del w.s["containers"][cname]
        io.warn(" \u2717 Preparing nodes \U0001f4e6")
        raise Fail(f"ERROR: failed to create cluster: {e.msg}")
    w.s["kind"][name] = {"config": cfg, "config_source": source or "", "network": net_name, "port": port,
                         "created": now_text()}
    for step in ("Preparing nodes \U0001f4e6", "Writing configuration \U0001f4dc", "Starting control-plane \U0001f579",
                 "Installing StorageClass \U0001f4be"):
        io.warn(f" \u2713 {step}")
    kind_export(w, name, last(o, "kubeconfig"), io)
    io.warn(f"You can now use your cluster with:\n\nkubectl cluster-info --context kind-{name}")


def kind(w, args, io, stdin_text):
    if args[:1] in (["version"], ["--version"]):
        io.print(f"kind v{KIND_VERSION} go1.23.6 linux/amd64" if args[0] == "version" else
                 f"kind version {KIND_VERSION}")
        return
    if len(args) < 2:
        raise Fail("ERROR: unknown command; try `kind --help`")
    verb, noun, rest = args[0], args[1], args[2:]
    if injected_rule and (verb, noun) != ("create", "cluster"):
        raise Fail(f"ERROR: failed to {verb} {noun}: injected by LO_FAKE_FAIL ({injected_rule})")
    flags = {"--name": ("name", True), "-n": ("name", True), "--kubeconfig": ("kubeconfig", True),
             "--internal": ("internal", False), "-q": ("quiet", False), "--all": ("all", False),
             "-v": ("verbosity", True)}
    if (verb, noun) == ("create", "cluster"):
        return kind_create(w, rest, io, stdin_text)
    o, pos = parse_flags(rest, flags, f"kind {verb} {noun}")
    name = last(o, "name") or "kind"
    if (verb, noun) == ("delete", "cluster"):
        kind_docker_check("failed to delete cluster")
        io.warn(f"Deleting cluster \"{name}\" ...")
        nodes = kind_nodes(w, name)
        for c in nodes:
            w.stop(c)
            del w.s["containers"][c["Name"][1:]]
        if nodes:
            io.warn(f"Deleted nodes: {json.dumps([c['Name'][1:] for c in nodes])}")
        w.s["kind"].pop(name, None)
    elif (verb, noun) == ("delete", "clusters"):
        kind_docker_check("failed to delete clusters")
        names = kind_clusters(w) if last(o, "all") else pos
        for n in names:
            for c in kind_nodes(w, n):
                w.stop(c)
                del w.s["containers"][c["Name"][1:]]
            w.s["kind"].pop(n, None)
        io.warn(f"Deleted clusters: {json.dumps(names)}")
    elif (verb, noun) == ("get", "clusters"):
        kind_docker_check("failed to list clusters")
        names = kind_clusters(w)
        for n in names:
            io.print(n)
        if not names:
            io.warn("No kind clusters found.")
    elif (verb, noun) == ("get", "nodes"):
        kind_docker_check("failed to list nodes")
        nodes = kind_nodes(w, name)
        for c in nodes:
            io.print(c["Name"][1:])
        if not nodes:
            io.warn(f"No kind nodes found for cluster \"{name}\".")
    elif (verb, noun) in (("get", "kubeconfig"), ("export", "kubeconfig")):
        kind_docker_check("failed to get kubeconfig" if verb == "get" else "failed to export kubeconfig")
        if not any((c["Config"]["Labels"] or {}).get("io.x-k8s.kind.role") == "control-plane"
                   for c in kind_nodes(w, name)):
            raise Fail(f"ERROR: could not locate any control plane nodes for cluster named '{name}'. Use the --name "
                       f"option to select a different cluster")
        if verb == "get":
            io.print(kind_kubeconfig(w, name, bool(last(o, "internal"))))
        else:
            kind_export(w, name, last(o, "kubeconfig"), io)
    else:
        raise Fail(f"fakeworld: `kind {verb} {noun}` is not emulated (tests/fakes/fakeworld.py)", 125)


# ---------------------------------------------------------------------------- main

injected_rule = ""


def command_path(tool, args):
    words = [a for a in args if not a.startswith("-")][:2]
    if tool == "docker" and words and words[0] == "container" and len(words) > 1:
        words = words[1:]
    return words


def match_rule(tool, args):
    for rule in filter(None, (r.strip() for r in os.environ.get("LO_FAKE_FAIL", "").split(","))):
        parts = rule.split(":", 2)
        if len(parts) < 2 or parts[0] != tool:
            continue
        words = command_path(tool, args)
        sub = parts[1].replace(" ", ".")
        if sub not in (words[:1] + [".".join(words)]):
            continue
        if len(parts) == 3 and parts[2] not in " ".join(args):
            continue
        return rule
    return ""


def main():
    global injected_rule
    if len(sys.argv) < 2 or sys.argv[1] not in ("docker", "kind"):
        sys.stderr.write("usage: fakeworld.py docker|kind ARGS...\n")
        return 2
    tool, args = sys.argv[1], sys.argv[2:]
    started = time.time()
    state_dir = os.environ.get("LO_FAKE_STATE")
    if not state_dir:
        sys.stderr.write(f"fakeworld: LO_FAKE_STATE is not set: point it at a folder for the fake {tool}'s state\n")
        return 125
    os.makedirs(state_dir, exist_ok=True)
    stdin_text, stdin_given = None, False
    try:
        mode = os.fstat(0).st_mode
        import stat
        stdin_given = stat.S_ISFIFO(mode) or (stat.S_ISREG(mode) and os.fstat(0).st_size > 0)
    except OSError:
        pass
    if tool == "kind" and "-" in args and stdin_given:
        stdin_text = sys.stdin.read()
    with open(os.path.join(state_dir, ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = os.path.join(state_dir, "state.json")
        state = {}
        if os.path.exists(path):
            with open(path) as f:
                state = json.load(f)
        w = World(state)
        io = Io()
        code = 0
        injected_rule = match_rule(tool, args)
        try:
            docker(w, args, io) if tool == "docker" else kind(w, args, io, stdin_text)
        except Fail as e:
            io.out.append(e.out)
            io.err.append(e.msg.rstrip("\n") + "\n")
            code = e.code
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(w.s, f, indent=1, sort_keys=True)
        os.replace(tmp, path)
        entry = {"tool": tool, "argv": args, "cwd": os.getcwd(), "stdin": stdin_given, "exit": code, "time": started,
                 "env": {k: os.environ[k] for k in ("KIND_EXPERIMENTAL_DOCKER_NETWORK", "DOCKER_HOST", "KUBECONFIG")
                         if k in os.environ}}
        if stdin_text is not None:
            entry["stdin_text"] = stdin_text
        with open(os.path.join(state_dir, "calls.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")
    sys.stdout.write("".join(io.out))
    sys.stderr.write("".join(io.err))
    return code


if __name__ == "__main__":
    sys.exit(main())
