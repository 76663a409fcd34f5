# A test's project with the shipped lok8s.dev domain, and the API server a new
# kind cluster would bring, for the suites that provision on the fakes
# (coredns.bats, plan.bats, kind.bats).

# lo_project: T (the test's folder) and P (the project) with a copy of the
# shipped lok8s.dev domain whose bootstrap is empty: provision must not reach
# for cilium's chart here (bootstrap.bats tests bootstrap).
lo_project() {
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  T="$(mktemp -d)"
  P="$T/project"
  mkdir -p "$P/clusters"
  cp -r "$LO_SRC/clusters/lok8s.dev" "$P/clusters/"
  printf '  bootstrap: []\n' >> "$P/clusters/lok8s.dev/cluster.lok8s.yaml"
}

# lo_kind_apiserver: a fresh test API server in $T/api (API_PID its pid)
# holding kind's CoreDNS objects as kubeadm creates them.
lo_kind_apiserver() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  "$LO_BIN/../tests/lo-test-apiserver" --dir "$T/api" > "$T/api.log" 2>&1 &
  API_PID=$!
  for _ in $(seq 300); do [ -f "$T/api/url" ] && break; sleep 0.1; done
  [ -f "$T/api/url" ]
  kubectl --kubeconfig "$T/api/kubeconfig-cert.yaml" create --field-manager=kubeadm \
    -f "$LO_SRC/tests/fixtures/coredns/kubeadm-coredns.yaml" > /dev/null
}

# lo_stop_apiserver: the teardown of both.
lo_stop_apiserver() {
  kill "$API_PID" 2>/dev/null || true
  wait "$API_PID" 2>/dev/null || true
  rm -rf "$T"
}
