#!/usr/bin/env python3
"""Summarises `tilt alpha tiltfile-result` JSON into what a lo user sees in
Tilt, with paths relative to the project, so the suites can assert it:

{
  "resources": {NAME: {"kind": "k8s"|"custom"|"local", "labels": [...], "deps": [...],
                       "objects": ["Kind/namespace/name", ...], "images": {"Kind/name/container": image},
                       "ports": ["8080:80"], "links": ["http://..."], "builds": [image refs],
                       "apply": [...], "delete": [...], "image_deps": [...], "cmd": [...], "timeout": "90s"}},
  "builds": {REF: {"context": "api", "dockerfile": "<contents>", "target": ..., "args": {...},
                   "syncs": ["api/src:/app/src"], "runs": ["npm install"], "run_triggers": [[...]],
                   "stop": ["api/package.json"], "ignores": [...]}},
  "config_files": [paths relative to the project]
}
Usage: tilt_summary.py RESULT.json PROJECT_DIR
"""
import json
import os
import sys

import yaml


def rel(path, root):
    if isinstance(path, str) and path.startswith(root + "/"):
        return path[len(root) + 1:]
    if path == root:
        return "."
    return path


def containers(node, out):
    if isinstance(node, dict):
        for key in ("containers", "initContainers", "ephemeralContainers"):
            for c in node.get(key) or []:
                if isinstance(c, dict) and "image" in c:
                    out.append(c)
        for key, value in node.items():
            if key not in ("containers", "initContainers", "ephemeralContainers"):
                containers(value, out)
    elif isinstance(node, list):
        for v in node:
            containers(v, out)
    return out


def link_text(link):
    u = link.get("URL") or {}
    return "%s://%s%s" % (u.get("Scheme", ""), u.get("Host", ""), u.get("Path", ""))


def main():
    data = json.load(open(sys.argv[1]))
    root = os.path.realpath(sys.argv[2])
    out = {"resources": {}, "builds": {}, "config_files": sorted(rel(f, root) for f in data.get("ConfigFiles") or [])}
    for m in data.get("Manifests") or []:
        dt = m.get("DeployTarget") or {}
        r = {"labels": sorted((m.get("Labels") or {}).keys()), "deps": m.get("ResourceDependencies") or []}
        if "yaml" in dt:
            r["kind"] = "k8s"
            docs = [d for d in yaml.safe_load_all(dt["yaml"]) if d]
            r["objects"] = sorted("%s/%s/%s" % (d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"]) for d in docs)
            r["images"] = {}
            for d in docs:
                for c in containers(d, []):
                    r["images"]["%s/%s/%s" % (d["kind"], d["metadata"]["name"], c.get("name", ""))] = c["image"]
        elif "applyCmd" in dt:
            r["kind"] = "custom"
            r["apply"] = (dt.get("applyCmd") or {}).get("args")
            r["apply_dir"] = rel((dt.get("applyCmd") or {}).get("dir", ""), root)
            r["delete"] = [rel(a, root) for a in (dt.get("deleteCmd") or {}).get("args") or []]
            r["image_deps"] = dt.get("imageMaps") or []
        elif "UpdateCmdSpec" in dt:
            r["kind"] = "local"
            r["cmd"] = (dt.get("UpdateCmdSpec") or {}).get("args")
            r["dir"] = rel((dt.get("UpdateCmdSpec") or {}).get("dir", ""), root)
            r["env"] = (dt.get("UpdateCmdSpec") or {}).get("env") or []
            r["deps"] = r["deps"]
            r["watch"] = sorted(rel(p, root) for p in dt.get("Deps") or [])
        r["ports"] = ["%s:%s" % (f.get("localPort"), f.get("containerPort"))
                      for f in ((dt.get("portForwardTemplateSpec") or {}).get("forwards") or [])]
        r["links"] = [link_text(l) for l in dt.get("Links") or []]
        r["timeout"] = dt.get("timeout")
        r["builds"] = []
        for it in m.get("ImageTargets") or []:
            ref = it.get("selector")
            r["builds"].append(ref)
            bd = it.get("BuildDetails") or {}
            lu = it.get("LiveUpdateSpec") or {}
            out["builds"][ref] = {
                "context": rel(bd.get("context", ""), root),
                "dockerfile": bd.get("dockerfileContents", ""),
                "target": bd.get("target", ""),
                "args": bd.get("args") or bd.get("buildArgs") or {},
                "syncs": ["%s:%s" % (s["localPath"], s["containerPath"]) for s in lu.get("syncs") or []],
                "runs": [" ".join(e["args"][2:] if e["args"][:2] == ["sh", "-c"] else e["args"]) for e in lu.get("execs") or []],
                "run_triggers": [e.get("triggerPaths") or [] for e in lu.get("execs") or []],
                "stop": lu.get("stopPaths") or [],
                "ignores": [{"base": rel(i.get("basePath", ""), root), "patterns": i.get("patterns") or []}
                            for i in bd.get("contextIgnores") or []],
            }
        out["resources"][m["Name"]] = r
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


main()
