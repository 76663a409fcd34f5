#!/usr/bin/env bats
# The command line of the five binaries (lo/cli.hpp) and shell completion
# (lo/completion.hpp): help made from the option tables, kubectl's manners,
# kubectl_complete-lo called the way kubectl calls it, and real kubectl.

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
  # The commands issues 12, 14 and 16 added are among them (diff runs kubectl-lo-deploy as kubectl-lo-diff).
  for cmd in "kubectl-lo bootstrap" "kubectl-lo addons" "kubectl-lo diff" "kubectl-lo capi" "kubectl-lo kubeone"; do
    printf '%s\n' "${cmds[@]}" | grep -qx "$cmd" || { echo "missing: $cmd"; return 1; }
  done
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

# The flags `__complete` offers for "CMD --" (CMD: "kubectl-lo spec", "lo-kind config", "kubectl-lo-build").
completed_flags() {
  local bin="${1%% *}" rest=""
  [ "$bin" != "$1" ] && rest="${1#* }"
  # shellcheck disable=SC2086
  "$LO_BIN/$bin" __complete $rest -- | grep -v '^:' | cut -f1 | grep -- '^--' | sort -u
}

@test "one table per command: the flags --help lists are the flags completion offers" {
  local cmds=() cmd n=0
  mapfile -t cmds < <(all_commands)
  for cmd in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    diff <("$LO_BIN"/$cmd --help | listed_flags | sort -u) <(completed_flags "$cmd") ||
      { echo "$cmd: --help and completion differ"; return 1; }
    n=$((n + 1))
  done
  [ "$n" -ge 25 ]
  # A choice flag's values: checked when given, offered when completed.
  [ "$("$LO_BIN/kubectl-lo" __complete tilt status -o "" | words)" = "json text " ]
  run "$LO_BIN/kubectl-lo" tilt status -o xml
  [ "$status" -eq 2 ]
  [[ "$output" == *"invalid --output 'xml'"*"allowed: text, json"* ]]
  run "$LO_BIN/kubectl-lo" tilt up --port 70000
  [ "$status" -eq 2 ]
  [[ "$output" == *"invalid --port '70000'"*"give a port from 1 to 65535"* ]]
}

@test "kubectl lo tilt: the verb, then a domain; words after -- are Tilt's" {
  [ "$(complete tilt "" | words)" = "ci down status up " ]
  [ "$(complete tilt u | words)" = "up " ]
  [ "$(complete tilt up "" | words)" = "example.com lok8s.dev " ]
  [ "$(complete tilt up lok8s.dev "" | words)" = "" ]
  [ "$(complete tilt ci --t | words)" = "--timeout " ]
  run "$LO_BIN/kubectl-lo" tilt status -- x
  [ "$status" -eq 2 ]
  [[ "$output" == *"only up and ci take Tiltfile arguments after --"* ]]
  run "$LO_BIN/kubectl-lo" tilt status lok8s.dev extra
  [ "$status" -eq 2 ]
  [[ "$output" == *"too many arguments: extra"* ]]
}

@test "kubectl lo capi and kubeone: render is the verb, then a domain" {
  for c in capi kubeone; do
    [ "$(complete $c "" | words)" = "render " ]
    [ "$(complete $c render "" | words)" = "example.com lok8s.dev " ]
    run "$LO_BIN/kubectl-lo" $c
    [ "$status" -eq 2 ]
    [[ "$output" == *"kubectl lo $c needs a verb: render"* ]]
    run "$LO_BIN/kubectl-lo" $c show lok8s.dev
    [ "$status" -eq 2 ]
    [[ "$output" == *"unknown $c verb \"show\""* ]]
    run "$LO_BIN/kubectl-lo" $c render lok8s.dev extra
    [ "$status" -eq 2 ]
    [[ "$output" == *"too many arguments: extra"* ]]
  done
}

@test "provision, up, destroy and down take a checked --timeout; status does not take one" {
  for c in provision up destroy down; do
    [ "$(complete $c --ti | words)" = "--timeout " ]
    run "$LO_BIN/kubectl-lo" $c --timeout soon lok8s.dev
    [ "$status" -eq 2 ]
    [[ "$output" == *"invalid --timeout 'soon'"* ]]
    run "$LO_BIN/kubectl-lo" $c --timeout 0s lok8s.dev
    [ "$status" -eq 2 ]
  done
  run "$LO_BIN/kubectl-lo" status --timeout 5m lok8s.dev
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown flag: --timeout"* ]]
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

# complete WORDS...: what kubectl_complete-lo answers, called the way kubectl
# (>= 1.26) calls it: the words after "lo", the one being typed last.
complete() { "$LO_BIN/kubectl_complete-lo" "$@"; }
words() { grep -v '^:' | cut -f1 | sort | tr '\n' ' '; }

@test "kubectl_complete-lo completes commands, flags, domains, targets and -o values" {
  run complete ""
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = ":4" ]
  [[ "$output" == *$'spec\tPrint a domain\'s effective spec (defaults filled in)'* ]]
  for c in use spec lint up down provision destroy status kubeconfig kind registry version completion; do
    grep -q "^$c"$'\t' <<<"$output"
  done
  [ "$(complete sp | words)" = "spec " ]
  # Flags from the option table, long and short; one given already is not offered again.
  [ "$(complete spec --o | words)" = "--output " ]
  [ "$(complete spec - | words)" = "--domain --help --log-format --output --root --v -h -o -v " ]
  [ "$(complete spec -o json - | words)" = "--domain --help --log-format --root --v -h -v " ]
  # Values of -o, in every spelling.
  [ "$(complete spec -o "" | words)" = "json yaml " ]
  [ "$(complete spec --output=j | words)" = "json " ]
  [ "$(complete version -o "" | words)" = "json text " ]
  # Domains: folders under clusters/ with a spec; the active one says so.
  [ "$(complete spec "" | words)" = "example.com lok8s.dev " ]
  [[ "$(complete spec "")" == *$'lok8s.dev\tdomain (active)'* ]]
  [ "$(complete spec --domain ex | words)" = "example.com " ]
  [ "$(complete spec lok8s.dev "" | words)" = "" ]
  [ "$(complete --root "$P" lint example.com "" | words)" = "lok8s.dev " ]
  # --root takes a folder: the shell lists folders (directive 16).
  [ "$(complete spec --root "")" = ":16" ]
  [ "$(complete completion "" | words)" = "bash fish zsh " ]
  [ "$(complete bogus "")" = ":4" ]
}

@test "targets of the chosen domain, through build and deploy (kubectl_complete-lo-build, -deploy)" {
  # kubectl lo build <TAB>: the domains, and the targets of the active domain.
  [ "$(complete build "" | words)" = "api example.com lok8s.dev web " ]
  [ "$("$LO_BIN/kubectl_complete-lo-build" "" | words)" = "api example.com lok8s.dev web " ]
  [ "$("$LO_BIN/kubectl_complete-lo-build" example.com "" | words)" = "shop " ]
  [ "$("$LO_BIN/kubectl_complete-lo-deploy" lok8s.dev web "" | words)" = "api " ]
  [ "$("$LO_BIN/kubectl_complete-lo-deploy" --domain example.com "" | words)" = "shop " ]
  [[ "$("$LO_BIN/kubectl_complete-lo-deploy" web "")" == *$'api\ttarget of lok8s.dev'* ]]
  [ "$("$LO_BIN/kubectl_complete-lo-deploy" --filt | words)" = "--filter " ]
  # A repeatable flag is offered again.
  [ "$("$LO_BIN/kubectl_complete-lo-deploy" --filter a=b --filt | words)" = "--filter " ]
  [ "$("$LO_BIN/kubectl_complete-lo-deploy" -o "" | words)" = "json yaml " ]
  [ "$("$LO_BIN/kubectl_complete-lo-build" --split-file "")" = ":0" ]
  # The active domain decides whose targets come first.
  echo example.com > clusters/.active
  [ "$(complete deploy "" | words)" = "example.com lok8s.dev shop " ]
  # lo-kind and lo-registry answer for kubectl lo kind / registry.
  [ "$(complete kind c | words)" = "certs-d config create " ]
  [ "$(complete registry status --s | words)" = "--shared " ]
  [ "$(complete registry up "" | words)" = "example.com lok8s.dev " ]
}

@test "real kubectl completes kubectl lo with the build's bin folder on PATH" {
  command -v kubectl >/dev/null || skip "kubectl not installed"
  export PATH="$LO_BIN:$PATH"
  run --separate-stderr kubectl __complete lo ""
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = ":4" ]
  # build and deploy are kubectl plugins of their own: kubectl lists them once.
  [ "$(grep -c '^build'$'\t' <<<"$output")" -eq 1 ]
  [ "$(grep -c '^deploy'$'\t' <<<"$output")" -eq 1 ]
  grep -q '^lint'$'\t''Check specs' <<<"$output"
  run --separate-stderr kubectl __complete lo spec -o ""
  [ "$output" = $'yaml\njson\n:4' ]
  run --separate-stderr kubectl __complete lo build ""
  [[ "$output" == *$'web\ttarget of lok8s.dev'* ]]
  run --separate-stderr kubectl __complete lo deploy --dry-run ""
  [ "$output" = $'server\nnone\n:4' ]
  run --separate-stderr kubectl __complete lo registry plan -o ""
  [ "$output" = $'table\njson\nyaml\n:4' ]
}

@test "kubectl lo completion bash completes kubectl-lo in bash" {
  run "$LO_BIN/kubectl-lo" completion bash
  [ "$status" -eq 0 ]
  script="$output"
  # COMP_* as bash sets them for the line typed so far.
  check() {
    local line="$1"
    PATH="$LO_BIN:$PATH" bash -c '
      eval "$1"
      COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}
      read -r -a COMP_WORDS <<<"$COMP_LINE"
      [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      compopt() { :; }
      _kubectl_lo
      printf "%s\n" "${COMPREPLY[@]}"' _ "$script" "$line" | sort | tr '\n' ' '
  }
  [ "$(check 'kubectl-lo sp')" = "spec " ]
  [ "$(check 'kubectl-lo spec -o ')" = "json yaml " ]
  [ "$(check 'kubectl-lo build ')" = "api example.com lok8s.dev web " ]
  [ "$(check 'kubectl-lo spec --output=y')" = "--output=yaml " ]
  run "$LO_BIN/kubectl-lo" completion tcsh
  [ "$status" -eq 2 ]
  run "$LO_BIN/kubectl-lo" completion
  [ "$status" -eq 2 ]
}

@test "kubectl lo completion zsh and fish are valid scripts for their shells" {
  for sh in zsh fish; do
    command -v "$sh" >/dev/null || skip "$sh is not installed"
    "$LO_BIN/kubectl-lo" completion "$sh" > "$T/script.$sh"
    "$sh" -n "$T/script.$sh"
  done
  # fish completes by itself, without a terminal.
  run env PATH="$LO_BIN:$PATH" fish -c "source $T/script.fish; complete -C 'kubectl-lo spec -o '"
  [ "$(printf '%s\n' "$output" | cut -f1 | sort | tr '\n' ' ')" = "json yaml " ]
  run env PATH="$LO_BIN:$PATH" fish -c "cd $P; source $T/script.fish; complete -C 'kubectl-lo build '"
  [ "$(printf '%s\n' "$output" | cut -f1 | sort | tr '\n' ' ')" = "api example.com lok8s.dev web " ]
}
