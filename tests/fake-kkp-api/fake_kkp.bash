# Starting and steering the fake KKP API (server.py) from a bats suite.
#
#   kkp_fake_start DIR TOKEN [server flags...]   a test CA and a server certificate for
#                                                127.0.0.1 in DIR, the server on a free port;
#                                                sets KKP_FAKE_URL, KKP_FAKE_CA, KKP_FAKE_PID,
#                                                KKP_FAKE_LOG (its request log)
#   kkp_fake_stop                                stops the server this suite started
#   kkp_fake_fault JSON                          arms a fault (see server.py)
#   kkp_fake_state                               prints the fake's state (JSON)

# shellcheck source=../e2e/lib/fake_https.bash
source "${LO_SRC:?LO_SRC must point at the source tree}/tests/e2e/lib/fake_https.bash"

kkp_fake_start() {
  local dir="$1" token="$2"
  shift 2
  fake_https_cert "$dir"
  KKP_FAKE_LOG="$dir/requests.log"
  : > "$KKP_FAKE_LOG"
  python3 "$LO_SRC/tests/fake-kkp-api/server.py" --cert "$dir/server.pem" --key "$dir/server.key" \
    --token "$token" --port-file "$dir/port" --log "$KKP_FAKE_LOG" "$@" 3>&- &
  KKP_FAKE_PID=$!
  local port
  port=$(fake_https_port "$dir" "the fake KKP API") || return 1
  KKP_FAKE_URL="https://127.0.0.1:$port"
  KKP_FAKE_CA="$dir/ca.pem"
  export KKP_FAKE_URL KKP_FAKE_CA KKP_FAKE_PID KKP_FAKE_LOG
}

kkp_fake_stop() {
  [ -n "${KKP_FAKE_PID:-}" ] || return 0
  kill "$KKP_FAKE_PID" 2>/dev/null || true
  wait "$KKP_FAKE_PID" 2>/dev/null || true
  KKP_FAKE_PID=
}

kkp_fake_fault() {
  curl -sS --fail --cacert "$KKP_FAKE_CA" -X POST -H 'Content-Type: application/json' -d "$1" "$KKP_FAKE_URL/_fake/faults" >/dev/null
}

kkp_fake_state() {
  curl -sS --fail --cacert "$KKP_FAKE_CA" "$KKP_FAKE_URL/_fake/state"
}
