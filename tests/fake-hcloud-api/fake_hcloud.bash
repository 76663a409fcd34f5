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

hcloud_fake_start() {
  local dir="$1" token="$2"
  shift 2
  mkdir -p "$dir"
  # One self-signed CA, and a leaf for 127.0.0.1 issued by it in one go (OpenSSL 3).
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=fake Hetzner Cloud API test CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -addext "subjectAltName=IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=serverAuth" \
    -keyout "$dir/server.key" -out "$dir/server.pem" 2>/dev/null
  HCLOUD_FAKE_LOG="$dir/requests.log"
  : > "$HCLOUD_FAKE_LOG"
  rm -f "$dir/port"
  python3 "$LO_SRC/tests/fake-hcloud-api/server.py" --cert "$dir/server.pem" --key "$dir/server.key" \
    --token "$token" --port-file "$dir/port" --log "$HCLOUD_FAKE_LOG" "$@" 3>&- &
  HCLOUD_FAKE_PID=$!
  local i
  for i in $(seq 100); do
    [ -s "$dir/port" ] && break
    sleep 0.05
  done
  [ -s "$dir/port" ] || { echo "the fake Hetzner Cloud API did not start" >&2; return 1; }
  HCLOUD_FAKE_URL="https://127.0.0.1:$(cat "$dir/port")/v1"
  HCLOUD_FAKE_CA="$dir/ca.pem"
  export HCLOUD_FAKE_URL HCLOUD_FAKE_CA HCLOUD_FAKE_PID HCLOUD_FAKE_LOG
}

hcloud_fake_stop() {
  [ -n "${HCLOUD_FAKE_PID:-}" ] || return 0
  kill "$HCLOUD_FAKE_PID" 2>/dev/null || true
  wait "$HCLOUD_FAKE_PID" 2>/dev/null || true
  HCLOUD_FAKE_PID=
}

hcloud_fake_fault() {
  curl -sS --fail --cacert "$HCLOUD_FAKE_CA" -X POST -H 'Content-Type: application/json' -d "$1" \
    "${HCLOUD_FAKE_URL%/v1}/_fake/faults" >/dev/null
}

hcloud_fake_state() {
  curl -sS --fail --cacert "$HCLOUD_FAKE_CA" "${HCLOUD_FAKE_URL%/v1}/_fake/state"
}
