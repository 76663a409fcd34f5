# Starting and steering the fake kubehz API (server.py) from a bats suite.
#
#   kubehz_fake_start DIR TOKEN   a test CA and a server certificate for 127.0.0.1 in DIR,
#                                 the server on a free port (TOKEN may deregister); sets
#                                 KUBEHZ_FAKE_URL, KUBEHZ_FAKE_CA, KUBEHZ_FAKE_PID,
#                                 KUBEHZ_FAKE_LOG (its request log)
#   kubehz_fake_stop              stops the server this suite started
#   kubehz_fake_fault JSON        arms a fault (see server.py)
#   kubehz_fake_clear             disarms the faults
#   kubehz_fake_claim DOMAIN      the owner claims DOMAIN on the dashboard
#   kubehz_fake_state             prints the fake's state (JSON)

source "$LO_SRC/tests/fakes/https_fake.bash"

kubehz_fake_start() { https_fake_start KUBEHZ "$1" "$2" "$LO_SRC/tests/fake-kubehz-api/server.py" ""; }

kubehz_fake_stop() { https_fake_stop KUBEHZ; }

kubehz_fake_post() {
  curl -sS --fail --cacert "$KUBEHZ_FAKE_CA" -X POST -H 'Content-Type: application/json' -d "$2" "$KUBEHZ_FAKE_URL/_fake/$1" >/dev/null
}

kubehz_fake_fault() { kubehz_fake_post faults "$1"; }

kubehz_fake_clear() {
  curl -sS --fail --cacert "$KUBEHZ_FAKE_CA" -X DELETE "$KUBEHZ_FAKE_URL/_fake/faults" >/dev/null
}

kubehz_fake_claim() { kubehz_fake_post claim "{\"domain\": \"$1\"}"; }

kubehz_fake_state() {
  curl -sS --fail --cacert "$KUBEHZ_FAKE_CA" "$KUBEHZ_FAKE_URL/_fake/state"
}
