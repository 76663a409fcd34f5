# Starting and steering the fake KKP API (server.py) from a bats suite.
#
#   kkp_fake_start DIR TOKEN [server flags...]   a test CA and a server certificate for
#                                                127.0.0.1 in DIR, the server on a free port;
#                                                sets KKP_FAKE_URL, KKP_FAKE_CA, KKP_FAKE_PID,
#                                                KKP_FAKE_LOG (its request log)
#   kkp_fake_stop                                stops the server this suite started
#   kkp_fake_fault JSON                          arms a fault (see server.py)
#   kkp_fake_state                               prints the fake's state (JSON)

source "$LO_SRC/tests/fakes/https_fake.bash"

kkp_fake_start() { https_fake_start KKP "$1" "$2" "$LO_SRC/tests/fake-kkp-api/server.py" "" "${@:3}"; }

kkp_fake_stop() { https_fake_stop KKP; }

kkp_fake_fault() {
  curl -sS --fail --cacert "$KKP_FAKE_CA" -X POST -H 'Content-Type: application/json' -d "$1" "$KKP_FAKE_URL/_fake/faults" >/dev/null
}

kkp_fake_state() {
  curl -sS --fail --cacert "$KKP_FAKE_CA" "$KKP_FAKE_URL/_fake/state"
}
