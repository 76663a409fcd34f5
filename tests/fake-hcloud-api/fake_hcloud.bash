# Starting and steering the fake Hetzner Cloud API (server.py) from a bats suite.
#
#   hcloud_fake_start DIR TOKEN [server flags...]   a test CA (DIR/ca.pem) and a certificate
#                                                   for 127.0.0.1 signed by it, the server on a
#                                                   free port; sets HCLOUD_FAKE_URL (…/v1),
#                                                   HCLOUD_FAKE_CA, HCLOUD_FAKE_PID,
#                                                   HCLOUD_FAKE_LOG (its request log)
#   hcloud_fake_stop                                stops the server this suite started
#   hcloud_fake_fault JSON                          arms a fault (see server.py)
#   hcloud_fake_state                               prints the fake's state (JSON)

source "$LO_SRC/tests/fakes/https_fake.bash"

hcloud_fake_start() { https_fake_start HCLOUD "$1" "$2" "$LO_SRC/tests/fake-hcloud-api/server.py" "/v1" "${@:3}"; }

hcloud_fake_stop() { https_fake_stop HCLOUD; }

hcloud_fake_fault() {
  curl -sS --fail --cacert "$HCLOUD_FAKE_CA" -X POST -H 'Content-Type: application/json' -d "$1" \
    "${HCLOUD_FAKE_URL%/v1}/_fake/faults" >/dev/null
}

hcloud_fake_state() {
  curl -sS --fail --cacert "$HCLOUD_FAKE_CA" "${HCLOUD_FAKE_URL%/v1}/_fake/state"
}
