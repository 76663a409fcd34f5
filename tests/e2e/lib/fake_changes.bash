# What a command changed in the behavioural docker and kind fakes
# (tests/fakes). Load with `load lib/fake_changes`.

# changes: the calls that changed the fake world since the last reset_calls,
# as "tool argv..." lines (queries left out).
changes() {
  [ -f "$LO_FAKE_STATE/calls.jsonl" ] || return 0
  python3 - "$LO_FAKE_STATE/calls.jsonl" <<'EOF'
import json, sys
readonly = {("docker", "inspect"), ("docker", "ps"), ("docker", "info"), ("docker", "version"), ("kind", "get"),
            ("docker", "network", "inspect"), ("docker", "network", "ls"), ("docker", "volume", "ls"),
            ("docker", "volume", "inspect"), ("docker", "images"), ("kind", "version"),
            ("docker", "container", "inspect"), ("docker", "logs")}
for line in open(sys.argv[1]):
    c = json.loads(line)
    words = [c["tool"]] + [a for a in c["argv"] if not a.startswith("-")][:2]
    if tuple(words[:2]) in readonly or tuple(words[:3]) in readonly:
        continue
    print(" ".join([c["tool"]] + c["argv"]))
EOF
}

reset_calls() { rm -f "$LO_FAKE_STATE/calls.jsonl"; }
