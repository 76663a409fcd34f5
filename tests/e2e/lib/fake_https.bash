# What the HTTPS fakes (tests/fake-kkp-api, tests/fake-kubehz-api) share:
# a test CA with a server certificate for 127.0.0.1, and the wait for the
# port a fake chose.
#
#   fake_https_cert DIR          DIR/ca.pem (the CA lo is told to trust),
#                                DIR/server.pem and DIR/server.key
#   fake_https_port DIR WHAT     waits for DIR/port (written by the server),
#                                prints it; fails naming WHAT when it never comes

fake_https_cert() {
  local dir="$1"
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lo fake API test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
}

fake_https_port() {
  local dir="$1" what="$2" i
  for i in $(seq 100); do
    [ -s "$dir/port" ] && break
    sleep 0.05
  done
  [ -s "$dir/port" ] || { echo "$what did not start" >&2; return 1; }
  cat "$dir/port"
}
