# Starting and steering the fake KKP API (server.py) from a bats suite.
#
#   kkp_fake_start DIR TOKEN [server flags...]   a test CA and a server certificate for
#                                                127.0.0.1 in DIR, the server on a free port;
#                                                sets KKP_FAKE_URL, KKP_FAKE_CA, KKP_FAKE_PID,
#                                                KKP_FAKE_LOG (its request log)
#   kkp_fake_stop                                stops the server this suite started
#   kkp_fake_fault JSON                          arms a fault (see server.py)
#   kkp_fake_state                               prints the fake's state (JSON)

kkp_fake_start() {
  local dir="$1" token="$2"
  shift 2
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=fake KKP test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
  KKP_FAKE_LOG="$dir/requests.log"
  : > "$KKP_FAKE_LOG"
  python3 "$LO_SRC/tests/fake-kkp-api/server.py" --cert "$dir/server.pem" --key "$dir/server.key" \
    --token "$token" --port-file "$dir/port" --log "$KKP_FAKE_LOG" "$@" 3>&- &
  KKP_FAKE_PID=$!
  local i
  for i in $(seq 100); do
    [ -s "$dir/port" ] && break
    sleep 0.05
  done
  [ -s "$dir/port" ] || { echo "the fake KKP API did not start" >&2; return 1; }
  KKP_FAKE_URL="https://127.0.0.1:$(cat "$dir/port")"
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
