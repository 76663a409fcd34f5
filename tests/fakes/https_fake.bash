# Starting an HTTPS API fake of the tests (tests/fakes/https_fake.py) from a bats suite.
#
#   https_fake_start NAME DIR TOKEN SERVER.PY URL_PATH [server flags...]
#       a test CA (DIR/ca.pem) and a certificate for 127.0.0.1 signed by it, the
#       server on a free port; exports NAME_FAKE_URL (https://127.0.0.1:<port><URL_PATH>),
#       NAME_FAKE_CA, NAME_FAKE_PID, NAME_FAKE_LOG (its request log, DIR/requests.log)
#   https_fake_stop NAME

https_fake_start() {
  local name="$1" dir="$2" token="$3" server="$4" url_path="$5"
  shift 5
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lo test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
  : > "$dir/requests.log"
  rm -f "$dir/port"
  python3 "$server" --cert "$dir/server.pem" --key "$dir/server.key" \
    --token "$token" --port-file "$dir/port" --log "$dir/requests.log" "$@" 3>&- &
  local pid=$!
  local i
  for i in $(seq 100); do
    [ -s "$dir/port" ] && break
    sleep 0.05
  done
  [ -s "$dir/port" ] || { echo "the fake $server did not start" >&2; return 1; }
  export "${name}_FAKE_URL=https://127.0.0.1:$(cat "$dir/port")$url_path" "${name}_FAKE_CA=$dir/ca.pem" \
    "${name}_FAKE_PID=$pid" "${name}_FAKE_LOG=$dir/requests.log"
}

https_fake_stop() {
  local var="${1}_FAKE_PID"
  [ -n "${!var:-}" ] || return 0
  kill "${!var}" 2>/dev/null || true
  wait "${!var}" 2>/dev/null || true
  export "$var="
}
