# The --dry-run parity check of plan.bats and bootstrap.bats: a command's
# plan (--dry-run) and then its real run on the same starting state, with
# LO_STEP_LOG collecting the steps of every lo process of the command. The
# plan's steps must be the run's steps, in order, warnings included; and
# what --dry-run prints must be that plan. Needs T (the test's folder); where
# the suite has the fakes' `changes` (lib/fake_changes), the dry run must
# change nothing there.
#
# The one value a plan cannot know is one derived from key material an
# earlier step would create (the registry containers' config label hashes
# the new dev CA): the plan shows it as <...>, which matches any one word of
# the run.

# parity NAME MIN_STEPS COMMAND...: runs COMMAND --dry-run, then COMMAND, and
# compares the step logs; at least MIN_STEPS steps (0: the plan must be empty).
parity() {
  local name=$1 min=$2
  shift 2
  LO_STEP_LOG="$T/$name.plan" "$@" --dry-run > "$T/$name.out" 2> "$T/$name.err" || {
    cat "$T/$name.err" >&2
    return 1
  }
  # the plan changed nothing (where the suite's fakes record changes)
  if declare -F changes > /dev/null; then
    [ -z "$(changes)" ] || { echo "the dry run changed: $(changes)" >&2; return 1; }
  fi
  LO_STEP_LOG="$T/$name.run" "$@" > "$T/$name.run.out" 2>&1 || {
    cat "$T/$name.run.out" >&2
    return 1
  }
  touch "$T/$name.plan" "$T/$name.run"
  python3 - "$T/$name.plan" "$T/$name.run" "$T/$name.out" "$min" <<'EOF'
import re, sys
plan = open(sys.argv[1]).read().splitlines()
run = open(sys.argv[2]).read().splitlines()
printed = open(sys.argv[3]).read().splitlines()
minimum = int(sys.argv[4])
import shlex
def word_matches(p, r):
    pattern = "".join(r"\S+" if part.startswith("<") else re.escape(part) for part in re.split(r"(<[^>\s]*>)", p))
    return re.fullmatch(pattern, r) is not None
def matches(p, r):
    if p == r:
        return True
    try:  # compare as shell words: a placeholder may sit in a quoted one
        pw, rw = shlex.split(p), shlex.split(r)
    except ValueError:
        return False
    return len(pw) == len(rw) and all(word_matches(a, b) for a, b in zip(pw, rw))
problems = []
if minimum == 0 and plan:
    problems.append("the plan should be empty")
if len(plan) < minimum:
    problems.append(f"only {len(plan)} steps planned, expected at least {minimum}")
for i in range(max(len(plan), len(run))):
    p = plan[i] if i < len(plan) else "(nothing)"
    r = run[i] if i < len(run) else "(nothing)"
    if not matches(p, r):
        problems.append(f"step {i + 1}:\n  plan: {p}\n  run:  {r}")
        break
# what --dry-run printed: the steps (comments after "  # " aside), notes and
# hints; bootstrap --dry-run prints its rendered stages after the plan, from "---"
if "---" in printed:
    printed = printed[:printed.index("---")]
shown = [l.split("  # ")[0] for l in printed if not l.startswith("# ") and not l.startswith("  hint: ")]
shown = [l for l in shown if not l.startswith("run: KUBECONFIG=") or " tilt " not in l]  # Tilt's line: not a driver step
if shown != plan:
    problems.append("--dry-run printed other lines than its steps:\n  " + "\n  ".join(l for l in shown if l not in plan))
if problems:
    print("\n".join(problems))
    sys.exit(1)
EOF
}
