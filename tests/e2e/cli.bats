#!/usr/bin/env bats
# The command line of the five binaries (lo/cli.hpp): help made from the
# option tables, kubectl's manners.

bats_require_minimum_version 1.5.0

setup() {
  : "${LO_BIN:?LO_BIN must point at the bin folder of the build}"
  : "${LO_FIXTURES:?LO_FIXTURES must point at tests/fixtures}"
  T="$(mktemp -d)"
  P="$T/project"
  # Two domains: lok8s.dev (targets web, api, and .hidden, which is no
  # target) and example.com (target shop).
  cp -r "$LO_FIXTURES/cli/project" "$P"
  unset DOMAIN_NAME PATH_CLUSTERS LO_COMPLETION_HOST
  export NO_COLOR=1 LC_ALL=C
  cd "$P"
}

teardown() {
  cd /
  rm -rf "$T"
}

# The commands a multi-command binary lists in its --help.
commands_of() { "$LO_BIN/$1" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF {print $1}'; }

# Every command line of the five binaries: "binary command" (or "binary" alone).
all_commands() {
  local c
  for c in $(commands_of kubectl-lo); do
    case "$c" in build | deploy | kind | registry) ;; *) echo "kubectl-lo $c" ;; esac
  done
  echo "kubectl-lo-build"
  echo "kubectl-lo-deploy"
  for c in $(commands_of lo-kind); do echo "lo-kind $c"; done
  for c in $(commands_of lo-registry); do echo "lo-registry $c"; done
}

# The long flags and shorthands a help screen lists in its Flags: section.
listed_flags() { sed -n '/^Flags:/,/^$/p' | grep -oE '^  (-[a-zA-Z], |    )--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'; }
listed_shorts() { sed -n '/^Flags:/,/^$/p' | grep -oE '^  -[a-zA-Z],' | grep -oE -- '-[a-zA-Z]'; }

# Whether a command accepts FLAG, found by using it: written last, a flag
# that takes a value says it needs one, a boolean is taken, an unknown one
# is refused; --help keeps the command from doing anything.
accepts() {
  local out
  # shellcheck disable=SC2086
  out="$("$LO_BIN"/$1 --help "$2" 2>&1)" && return 0
  [[ "$out" != *"unknown flag: $2"* && "$out" != *"unknown shorthand flag: '${2#-}'"* ]]
}

# same_in_help_and_use CMD HELP FLAG REGEX: FLAG is listed (REGEX matches a
# line of HELP) exactly when CMD accepts it.
same_in_help_and_use() {
  local listed=no used=no
  grep -qE -- "$4" <<<"$2" && listed=yes
  accepts "$1" "$3" && used=yes
  [ "$listed" = "$used" ] || { echo "$1: $3 listed in --help: $listed, accepted: $used"; return 1; }
}

@test "every command's --help lists exactly the flags it accepts (all five binaries)" {
  local cmds=() universe=() shorts=() cmd f
  mapfile -t cmds < <(all_commands)
  [ "${#cmds[@]}" -ge 25 ]
  # Every flag any command lists, and some no command has.
  for cmd in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    mapfile -t -O "${#universe[@]}" universe < <("$LO_BIN"/$cmd --help | listed_flags)
    # shellcheck disable=SC2086
    mapfile -t -O "${#shorts[@]}" shorts < <("$LO_BIN"/$cmd --help | listed_shorts)
  done
  mapfile -t universe < <(printf '%s\n' "${universe[@]}" --bogus --wait-for --outputs --dry | sort -u)
  mapfile -t shorts < <(printf '%s\n' "${shorts[@]}" -x -q | sort -u)
  [ "${#universe[@]}" -ge 25 ]
  for cmd in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    help="$("$LO_BIN"/$cmd --help)"
    [[ "$help" == *"Usage:"* ]]
    for f in "${universe[@]}"; do same_in_help_and_use "$cmd" "$help" "$f" "^  (-[a-zA-Z], |    )$f( |\$)" || return 1; done
    for f in "${shorts[@]}"; do same_in_help_and_use "$cmd" "$help" "$f" "^  $f, --" || return 1; done
  done
}

@test "kubectl's wording for flag mistakes, exit 2, and the help to read" {
  run "$LO_BIN/kubectl-lo" spec --foo
  [ "$status" -eq 2 ]
  [[ "$output" == *"kubectl lo: error: unknown flag: --foo"*"hint: see 'kubectl lo spec --help' for usage"* ]]
  run "$LO_BIN/kubectl-lo" spec -o
  [ "$status" -eq 2 ]
  [[ "$output" == *"error: flag needs an argument: 'o' in -o"* ]]
  run "$LO_BIN/kubectl-lo" spec --output
  [ "$status" -eq 2 ]
  [[ "$output" == *"error: flag needs an argument: --output"* ]]
  run "$LO_BIN/kubectl-lo-build" -x
  [ "$status" -eq 2 ]
  [[ "$output" == *"kubectl lo build: error: unknown shorthand flag: 'x' in -x"* ]]
  run "$LO_BIN/lo-registry" status -o wide
  [ "$status" -eq 2 ]
  [[ "$output" == *"invalid --output 'wide'"*"allowed: table, json"* ]]
}

@test "flags before or after the DOMAIN, both spellings, -v forms, and flags before the command word" {
  for words in "spec lok8s.dev -o json" "spec -ojson lok8s.dev" "spec --output=json lok8s.dev" "spec -o=json lok8s.dev" \
    "-v=2 spec lok8s.dev --output json" "--root $P spec -v lok8s.dev -o json" "spec --v=3 lok8s.dev -o json"; do
    # shellcheck disable=SC2086
    run --separate-stderr "$LO_BIN/kubectl-lo" $words
    [ "$status" -eq 0 ]
    python3 -c 'import json,sys; assert json.loads(sys.argv[1])["metadata"]["name"] == "local"' "$output"
  done
  # "--" ends the flags: what follows is a DOMAIN, even when it looks like a flag.
  run "$LO_BIN/kubectl-lo" spec -- -o
  [ "$status" -eq 2 ]
  [[ "$output" == *"invalid domain name"* ]]
}
