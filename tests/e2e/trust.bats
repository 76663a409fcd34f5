#!/usr/bin/env bats
# kubectl lo trust against a trust store laid out in a scratch folder
# (--store-dir): Debian's real update-ca-certificates rebuilds the bundle,
# the real certutil (libnss3-tools) holds the NSS databases of Chrome and a
# Firefox profile. What a user would check: openssl verifies against the
# bundle, certutil lists the CA; a second run changes nothing; --uninstall
# takes it all back. And the one-line nudge of lo-registry up.

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  LO="$LO_BIN/kubectl-lo"
  T="$(mktemp -d)"
  S="$T/store"
  export CAROOT="$T/caroot" HOME="$T/home" NO_COLOR=1
  unset LOK8S_TRUST_STORE_DIR
  export PATH="$PATH:/usr/sbin:/sbin"
  command -v update-ca-certificates >/dev/null || skip "update-ca-certificates (Debian's ca-certificates) is not installed"
  command -v certutil >/dev/null || skip "certutil (libnss3-tools) is not installed"
  # Debian's layout with one distribution CA (as every system has: with
  # none, update-ca-certificates leaves the old bundle in place) and the
  # local folder.
  mkdir -p "$S/etc/ssl/certs" "$S/usr/share/ca-certificates/mozilla" "$S/usr/local/share/ca-certificates" \
    "$S/etc/ca-certificates/update.d"
  dist="$(ls /usr/share/ca-certificates/mozilla/*.crt | head -1)"
  [ -n "$dist" ] || skip "no distribution CA in /usr/share/ca-certificates/mozilla to lay out a store with"
  cp "$dist" "$S/usr/share/ca-certificates/mozilla/"
  echo "mozilla/${dist##*/}" > "$S/etc/ca-certificates.conf"
  update-ca-certificates --certsconf "$S/etc/ca-certificates.conf" --certsdir "$S/usr/share/ca-certificates" \
    --localcertsdir "$S/usr/local/share/ca-certificates" --etccertsdir "$S/etc/ssl/certs" \
    --hooksdir "$S/etc/ca-certificates/update.d" >/dev/null
  NSSDB="$S$HOME/.pki/nssdb"
  FFX="$S$HOME/.mozilla/firefox/abcd1234.default-release"
  mkdir -p "$NSSDB" "$FFX"
  certutil -N -d "sql:$NSSDB" --empty-password
  certutil -N -d "sql:$FFX" --empty-password
  BUNDLE="$S/etc/ssl/certs/ca-certificates.crt"
}

teardown() {
  rm -rf "$T"
}

# The CA verifies against the system bundle (openssl), as a client would.
bundle_trusts() {
  [ -s "$BUNDLE" ] && openssl verify -CAfile "$BUNDLE" "$CAROOT/rootCA.pem" >/dev/null 2>&1
}
nss_lists() {
  certutil -L -d "sql:$1" | grep -q "lo development CA"
}

@test "trust creates the CA when there is none and installs it in the system bundle and every NSS database" {
  run "$LO" trust --store-dir "$S"
  [ "$status" -eq 0 ]
  [ -f "$CAROOT/rootCA.pem" ]
  [ -f "$CAROOT/rootCA-key.pem" ]
  bundle_trusts
  nss_lists "$NSSDB"
  nss_lists "$FFX"
  # NSS trusts it for TLS servers (C), not just holds it.
  certutil -L -d "sql:$FFX" | grep "lo development CA" | grep -q "C,,"
  [[ "$output" == *"added"*"system store"* ]]
  [[ "$output" == *"added"*"NSS database $NSSDB"* ]]
  [[ "$output" == *"added"*"Firefox profile $FFX"* ]]
  [[ "$output" == *"3 stores changed"* ]]
  # no privileges on a store folder
  [[ "$output" != *"needing root"* ]]
}

@test "a second trust changes nothing: no bundle rebuild, every store already trusted" {
  "$LO" trust --store-dir "$S"
  before="$(stat -c '%i %Y' "$BUNDLE")"
  sleep 1
  run "$LO" trust --store-dir "$S"
  [ "$status" -eq 0 ]
  [[ "$output" == *"nothing to change"* ]]
  [ "$(grep -c 'already trusted' <<<"$output")" -eq 3 ]
  [[ "$output" != *"added"* ]]
  [ "$(stat -c '%i %Y' "$BUNDLE")" = "$before" ]
  [ "$(certutil -L -d "sql:$NSSDB" | grep -c 'lo development CA')" -eq 1 ]
}

@test "trust reuses an existing CA (mkcert's layout) and never replaces it" {
  "$LO" trust --store-dir "$S" --dry-run >/dev/null  # creates nothing
  [ ! -e "$CAROOT/rootCA.pem" ]
  "$LO" trust --store-dir "$S"
  sum="$(sha256sum "$CAROOT/rootCA.pem")"
  run "$LO" trust --store-dir "$S"
  [ "$(sha256sum "$CAROOT/rootCA.pem")" = "$sum" ]
}

@test "--uninstall removes the CA from the bundle and every NSS database; a second one changes nothing" {
  "$LO" trust --store-dir "$S"
  bundle_trusts
  run "$LO" trust --uninstall --store-dir "$S"
  [ "$status" -eq 0 ]
  ! bundle_trusts
  ! nss_lists "$NSSDB"
  ! nss_lists "$FFX"
  [ -z "$(ls "$S/usr/local/share/ca-certificates")" ]
  # no dangling link left in the certs folder (update-ca-certificates --fresh)
  [ -z "$(find "$S/etc/ssl/certs" -xtype l)" ]
  [[ "$output" == *"removed"*"system store"* ]]
  [[ "$output" == *"3 stores changed"* ]]
  run "$LO" trust --uninstall --store-dir "$S"
  [ "$status" -eq 0 ]
  [ "$(grep -c 'not there' <<<"$output")" -eq 3 ]
  [[ "$output" == *"nothing to change"* ]]
}

@test "--dry-run lists the changes and makes none" {
  "$LO" trust --store-dir "$S" >/dev/null
  "$LO" trust --uninstall --store-dir "$S" >/dev/null
  run "$LO" trust --dry-run --store-dir "$S"
  [ "$status" -eq 0 ]
  [[ "$output" == *"write: $S/usr/local/share/ca-certificates/lo-development-ca.crt"* ]]
  [[ "$output" == *"run: update-ca-certificates"* || "$output" == *"run: /usr/sbin/update-ca-certificates"* ]]
  [[ "$output" == *"run: certutil -A -d 'sql:$NSSDB'"* || "$output" == *"run: certutil -A -d sql:$NSSDB"* ]]
  [[ "$output" == *"would add"* ]]
  ! bundle_trusts
  ! nss_lists "$NSSDB"
}

@test "a CA replaced since the last trust is trusted anew (the old one goes from NSS)" {
  "$LO" trust --store-dir "$S"
  old="$(certutil -L -d "sql:$NSSDB" -n 'lo development CA' -a)"
  rm -rf "$CAROOT"
  run "$LO" trust --store-dir "$S"
  [ "$status" -eq 0 ]
  bundle_trusts
  new="$(certutil -L -d "sql:$NSSDB" -n 'lo development CA' -a)"
  [ "$old" != "$new" ]
  [ "$(certutil -L -d "sql:$NSSDB" | grep -c 'lo development CA')" -eq 1 ]
}

@test "a Firefox profile without certutil is skipped with the package to install, never silently" {
  mkdir -p "$T/bin"
  for t in update-ca-certificates openssl sed find readlink ln rm mv chmod mktemp wc cat run-parts basename sort; do
    p="$(command -v "$t")" && ln -s "$p" "$T/bin/$t"
  done
  run env PATH="$T/bin" "$LO" trust --store-dir "$S"
  [ "$status" -eq 0 ]
  [[ "$output" == *"skipped"*"Firefox profile $FFX: certutil is not installed (Debian, Ubuntu: libnss3-tools"* ]]
  bundle_trusts
}

@test "trust takes no positional arguments (exit 2)" {
  run "$LO" trust lok8s.dev
  [ "$status" -eq 2 ]
  [[ "$output" == *"trust takes no arguments"* ]]
}

@test "lo-registry up nudges once when registry TLS is on and the system store does not trust the CA" {
  : "${LO_SRC:?LO_SRC must point at the source tree}"
  P="$T/project"
  mkdir -p "$P/clusters/lok8s.dev"
  cp "$LO_SRC/clusters/lok8s.dev/cluster.lok8s.yaml" "$P/clusters/lok8s.dev/"
  # the behavioural docker fake (tests/fakes), not the shared engine
  export LO_FAKE_STATE="$T/fake" PATH="$LO_SRC/tests/fakes/bin:$PATH" LOK8S_TRUST_STORE_DIR="$S"
  "$LO" trust --store-dir "$S" --uninstall >/dev/null
  run "$LO_BIN/lo-registry" up lok8s.dev --dry-run --root "$P"
  [ "$status" -eq 0 ]
  [ "$(grep -c "run 'kubectl lo trust'" <<<"$output")" -eq 1 ]
  "$LO" trust --store-dir "$S" >/dev/null
  run "$LO_BIN/lo-registry" up lok8s.dev --dry-run --root "$P"
  [ "$status" -eq 0 ]
  [[ "$output" != *"kubectl lo trust"* ]]
}
