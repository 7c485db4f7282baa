#!/usr/bin/env bash
# The whole test suite, in tiers so that the cheap checks fail first:
#   static (ESLint, Prettier, tsc) -> unit -> tools -> nx -> image, in this order, stopping at the
#   first tier that fails; the vm tier (one qemu boot, the longest tier) starts first, in the
#   background, in a raised session, and runs beside the others, which use one worker meanwhile.
# Prints each tier's time and counts, and ends with one line "tests: N passed, N failed, N skipped".
# TEST_TIERS="unit tools" runs only those tiers (static checks included; the vm tier only when named).
set -uo pipefail
cd "$(dirname "$0")/.."

LOGS=tmp/test-logs
rm -rf "$LOGS" && mkdir -p "$LOGS"
TIERS=${TEST_TIERS:-"unit tools nx image vm"}
SUMMARY=()
now() { date +%s; }
# Runs a command, then leaves in <file> what `times` says of it: the CPU seconds (user and system)
# it and every process under it used, its own even while other tiers run beside it.
measured() { bash -c '"$@"; s=$?; times >"$0"; exit "$s"' "$@"; }
export -f measured
# The CPU seconds in such files, summed.
cpu_in() { awk 'FNR == 2 { for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] } } END { printf "%d", s }' "$@"; }
has_tier() { [[ " $TIERS " == *" $1 "* ]]; }
say() { printf '\n== %s\n' "$*"; }

vm_pid=""
stop_vm() { [ -n "$vm_pid" ] && kill -- -"$vm_pid" 2>/dev/null; }

# Every tier's temporary files go into one folder of this run's own, removed when the run ends.
# A test file's own folders go when it ends (test/support/temp.ts); this catches what a killed
# process left behind, even a mount of a killed buildah. LYCHD_TEST_KEEP=1 keeps both.
RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lychd-test-XXXXXX")
chmod 1777 "$RUN_TMP" # as /tmp: some checks run commands as an unprivileged user
export TMPDIR=$RUN_TMP
# Nx copies its native module into /tmp/.nx (not $TMPDIR) once for every place it is installed
# at, and never removes it: 27 MB for each workspace the tests install Nx into. Loaded in place instead.
export NX_SKIP_NATIVE_FILE_CACHE=true
free_kb() { df --output=avail -k "$RUN_TMP" | tail -1 | tr -d ' '; }
gb() { awk -v k="$1" 'BEGIN { printf "%.1f GB", k / 1048576 }'; }
# The disk's free space every 5 s, its lowest in $LOGS/disk.min: the run's peak use, printed at the end.
FREE_AT_START=$(free_kb)
free_kb >"$LOGS/disk.min"
(while sleep 5; do f=$(free_kb); [ "$f" -lt "$(cat "$LOGS/disk.min")" ] && echo "$f" >"$LOGS/disk.min"; done) &
disk_pid=$!
end_run() {
  stop_vm
  kill "$disk_pid" 2>/dev/null
  if [ "${LYCHD_TEST_KEEP:-}" = 1 ]; then echo "(kept the run's temporary files: $RUN_TMP)"; return; fi
  findmnt -rn -o TARGET | grep -F "$RUN_TMP/" | sort -r | while read -r m; do
    echo "unmounting what a test left mounted: $m"
    umount -l "$m"
  done
  rm -rf "$RUN_TMP"
}
trap end_run EXIT
echo "(temporary files: $RUN_TMP; the disk has $(gb "$FREE_AT_START") free)"
NEEDED_GB=12 # a whole run used 8.7 GB at most at once
[ "$FREE_AT_START" -ge $((NEEDED_GB * 1048576)) ] ||
  echo "warning: a whole run needs about $NEEDED_GB GB of free disk, and $(df --output=target "$RUN_TMP" | tail -1) has $(gb "$FREE_AT_START"): it may stop with 'no space left on device'"

fail() {
  say "FAILED: $1"
  printf '%s\n' "${SUMMARY[@]}"
  exit 1
}

tier_cmd() { echo npx vitest run --project "$1" --reporter=default --reporter=json --outputFile.json="$LOGS/$1.json" "${@:2}"; }

# While the vm tier runs, it has the CPU first: it is the longest tier, and qemu keeps most
# of the 2 cores busy. The kernel schedules by session
# (autogroup, /proc/sys/kernel/sched_autogroup_enabled), not by process: `nice` would not reach
# the sessions Nx starts for its tasks and plugins. So the vm tier runs in a session of its own,
# and as root that session's autogroup is raised (nice -10) above every other.
start=$(now)
if has_tier vm; then
  say "vm tier: started in the background (its log: $LOGS/vm.log, printed when it ends)"
  raise=()
  if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ] && [ "$(id -u)" = 0 ]; then
    raise=(bash -c 'echo -10 >/proc/self/autogroup; exec "$@"' vm-tier)
    echo "(its session: autogroup nice -10, above the host tiers and the sessions Nx starts)"
  fi
  vm_start=$(now)
  # Not a process group leader (no job control here), so setsid makes this very process the
  # session's leader: $! is the session, and its process group is what stop_vm kills.
  # The tier leaves the second it ended in vm.ended: its time is its own when the host tiers end later.
  setsid "${raise[@]}" bash -c '"$@"; s=$?; date +%s >"$0"; exit "$s"' "$LOGS/vm.ended" measured "$LOGS/vm.cpu" $(tier_cmd vm) >"$LOGS/vm.log" 2>&1 &
  vm_pid=$!
fi

say "static checks: ESLint, Prettier, tsc (side by side; each one's output follows)"
static_check() { # <name> <how to fix it, or ""> <command...>: starts it; its output goes to $LOGS/<name>.log
  measured "$LOGS/$1.cpu" "${@:3}" >"$LOGS/$1.log" 2>&1 &
  STATIC+=("$! $1|$2")
}
STATIC=()
static_check eslint "" npx eslint .
static_check prettier " (npx prettier --write . fixes it)" npx prettier --check .
static_check tsc "" npx tsc -p tsconfig.json --noEmit
static_failed=""
for entry in "${STATIC[@]}"; do
  pid=${entry%% *} rest=${entry#* }
  wait "$pid" || static_failed+="${static_failed:+, }${rest%%|*}${rest#*|}"
  cat "$LOGS/${rest%%|*}.log"
done
[ -z "$static_failed" ] || fail "the static checks: $static_failed"
SUMMARY+=("static   $(($(now) - start)) s, CPU $(cpu_in "$LOGS"/{eslint,prettier,tsc}.cpu) s")

for tier in unit tools nx image; do
  has_tier "$tier" || continue
  say "$tier tier"
  t=$(now)
  # One worker per CPU (vitest's own default is one fewer: one, on two), beside the VM too: the
  # VM's raised session takes what it needs first. But the tools tier keeps one worker while the
  # VM runs: some of its tests run Nix and the hooks synchronously, and a worker held up past 60 s
  # fails vitest's own worker call ("Timeout calling onTaskUpdate"), as it once did with two.
  workers=(--maxWorkers="$(nproc)")
  if [ "$tier" = tools ] && [ -n "$vm_pid" ] && kill -0 "$vm_pid" 2>/dev/null; then
    workers=(--maxWorkers=1 --minWorkers=1)
    echo "(the vm tier runs: this tier runs with one worker)"
  fi
  measured "$LOGS/$tier.cpu" $(tier_cmd "$tier" "${workers[@]}") || fail "the $tier tier"
  SUMMARY+=("$(printf '%-8s %s s, CPU %s s' "$tier" $(($(now) - t)) "$(cpu_in "$LOGS/$tier.cpu")")")
done

if [ -n "$vm_pid" ]; then
  say "vm tier: waiting for it"
  wait "$vm_pid"
  vm_status=$?
  vm_pid=""
  cat "$LOGS/vm.log"
  SUMMARY+=("$(printf '%-8s %s s, CPU %s s (in the background; qemu included)' vm $(($(cat "$LOGS/vm.ended" 2>/dev/null || now) - vm_start)) "$(cpu_in "$LOGS/vm.cpu")")")
  [ "$vm_status" -eq 0 ] || fail "the vm tier"
fi

say "tier times"
printf '%s\n' "${SUMMARY[@]}"
times >"$LOGS/all.cpu"
printf 'total    %s s, CPU %s s\n' $(($(now) - start)) "$(cpu_in "$LOGS/all.cpu")"
echo "disk     at most $(gb $((FREE_AT_START - $(cat "$LOGS/disk.min")))) used at once ($(gb "$FREE_AT_START") free at the start)"
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1]).filter((f) => f.endsWith(".json"))) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${f}`, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed ? 1 : 0);
' "$LOGS"
