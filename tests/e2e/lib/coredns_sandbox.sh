#!/usr/bin/env bash
# Runs the real CoreDNS on a Corefile folder the way kind's CoreDNS pod runs
# it, inside private network and mount namespaces (run it under
# `unshare --net --mount --fork`, as root):
#   - its own loopback, so CoreDNS serves 127.0.0.1:53 (and health :8080,
#     ready :8181, metrics :9153) as in the pod, clashing with nothing on
#     the machine, and no traffic leaves the namespace;
#   - a fresh lo-test-apiserver on that loopback, holding kind's kube-dns
#     Service, as the API server the kubernetes plugin lists and watches;
#   - a service-account folder at /var/run/secrets/kubernetes.io/serviceaccount
#     (on a private tmpfs over /run) and KUBERNETES_SERVICE_HOST/PORT, so the
#     kubernetes plugin connects with its in-cluster configuration, untouched.
# Then it runs `dig @127.0.0.1 NAME A +short` for each NAME and prints
# "NAME ANSWER" lines (ANSWER empty when there is none).
#
#   coredns_sandbox.sh COREDNS APISERVER FIXTURE CONF_DIR WORK NAME...
set -euo pipefail
coredns=$1 apiserver=$2 fixture=$3 conf=$4 work=$5
shift 5

ip link set lo up
mount -t tmpfs tmpfs /run
mkdir -p "$work/api"
"$apiserver" --dir "$work/api" > "$work/api.log" 2>&1 &
api=$!
coredns_pid=
cleanup() {
  # KILL: its lameduck on TERM only adds 5 s here
  [ -n "$coredns_pid" ] && kill -KILL "$coredns_pid" 2>/dev/null
  kill "$api" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do [ -f "$work/api/url" ] && break; sleep 0.1; done
url=$(cat "$work/api/url")
kubectl --kubeconfig "$work/api/kubeconfig-cert.yaml" create --field-manager=kubeadm -f "$fixture" > "$work/fixture.log"

sa=/var/run/secrets/kubernetes.io/serviceaccount
mkdir -p "$sa"
cp "$work/api/token" "$sa/token"
cp "$work/api/ca.crt" "$sa/ca.crt"
echo kube-system > "$sa/namespace"
hostport=${url#https://}
KUBERNETES_SERVICE_HOST=${hostport%:*} KUBERNETES_SERVICE_PORT=${hostport##*:} \
  "$coredns" -conf "$conf/Corefile" > "$work/coredns.log" 2>&1 &
coredns_pid=$!
# Ready once the kubernetes plugin has listed Services, EndpointSlices and Namespaces.
ready=
for _ in $(seq 100); do
  if curl -sf http://127.0.0.1:8181/ready > /dev/null 2>&1; then ready=1; break; fi
  kill -0 "$coredns_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "coredns did not become ready; its log:" >&2
  cat "$work/coredns.log" >&2
  exit 1
fi
# /ready can answer before the first query is served in time on a loaded machine:
# wait (at most ~20 s) until the cluster's own name answers, then ask for NAME...
for _ in $(seq 20); do
  [ -n "$(dig @127.0.0.1 -p 53 kube-dns.kube-system.svc.cluster.local A +short +time=1 +tries=1 2>/dev/null)" ] && break
done
for name in "$@"; do
  echo "$name $(dig @127.0.0.1 -p 53 "$name" A +short +time=2 +tries=1 | tr '\n' ' ' | sed 's/ $//')"
done
