#!/usr/bin/env bash
# The whole test suite, in tiers so that the cheap checks fail first:
#   static (ESLint, Prettier, tsc) -> unit -> tools -> nx -> image, in this order, stopping at the
#   first tier that fails; the vm tier (one qemu boot, the longest: the run's critical path) starts
#   first, in the background, and runs beside the others, which then use one worker so the machine
#   carries two jobs at a time; a tier that starts after the vm tier ended has the whole machine.
# Prints each tier's time and counts, and ends with one line "tests: N passed, N failed, N skipped".
# TEST_TIERS="unit tools" runs only those tiers (static checks included; the vm tier only when named).
set -uo pipefail
cd "$(dirname "$0")/.."

LOGS=tmp/test-logs
rm -rf "$LOGS" && mkdir -p "$LOGS"
TIERS=${TEST_TIERS:-"unit tools nx image vm"}
SUMMARY=()
now() { date +%s; }
has_tier() { [[ " $TIERS " == *" $1 "* ]]; }
say() { printf '\n== %s\n' "$*"; }

vm_pid=""
stop_vm() { [ -n "$vm_pid" ] && kill -- -"$vm_pid" 2>/dev/null; }
trap stop_vm EXIT

fail() {
  say "FAILED: $1"
  printf '%s\n' "${SUMMARY[@]}"
  exit 1
}

tier_cmd() { echo npx vitest run --project "$1" --reporter=default --reporter=json --outputFile.json="$LOGS/$1.json" "${@:2}"; }

start=$(now)
if has_tier vm; then
  say "vm tier: started in the background (its log: $LOGS/vm.log, printed when it ends)"
  vm_start=$(now)
  set -m
  $(tier_cmd vm) >"$LOGS/vm.log" 2>&1 &
  vm_pid=$!
  set +m
fi

# While the vm tier runs, everything else yields the CPU to it: it is the run's critical path and
# uses at most about 1.5 of the 2 cores, so the host tiers fill the rest with one worker; a tier
# that starts after it ended takes the machine back: no nice, one worker per CPU.
vm_running() { [ -n "$vm_pid" ] && kill -0 "$vm_pid" 2>/dev/null; }
low() {
  if vm_running; then nice -n 10 "$@"; else "$@"; fi
}
# Nx starts each task in a session of its own, and with the kernel's autogroup scheduling
# (/proc/sys/kernel/sched_autogroup_enabled) each session shares the CPU as one process would,
# whatever its nice value: `nice` reaches only within this run's session. As root, the session
# (qemu's, and the tiers' own processes below it) is raised above those instead.
if vm_running && [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" = 1 ] && [ "$(id -u)" = 0 ]; then
  echo -10 >"/proc/$$/autogroup" 2>/dev/null && say "this run's session: autogroup nice -10 (Nx's tasks run in sessions of their own)"
fi

say "static checks: ESLint, Prettier, tsc"
low npx eslint . || fail "ESLint"
low npx prettier --check . || fail "Prettier (npx prettier --write . fixes it)"
low npx tsc -p tsconfig.json --noEmit || fail "the type check"
SUMMARY+=("static   $(($(now) - start)) s")

for tier in unit tools nx image; do
  has_tier "$tier" || continue
  say "$tier tier"
  t=$(now)
  workers=()
  if vm_running; then
    workers=(--maxWorkers=1 --minWorkers=1)
  elif [ -n "$vm_pid" ]; then
    # vitest's own default is one worker fewer than the CPUs: one, on two.
    workers=(--maxWorkers="$(nproc)")
    echo "(the vm tier has ended: this tier runs with $(nproc) workers, without nice)"
  fi
  low $(tier_cmd "$tier" "${workers[@]}") || fail "the $tier tier"
  SUMMARY+=("$(printf '%-8s %s s' "$tier" $(($(now) - t)))")
done

if [ -n "$vm_pid" ]; then
  say "vm tier: waiting for it"
  wait "$vm_pid"
  vm_status=$?
  vm_pid=""
  cat "$LOGS/vm.log"
  SUMMARY+=("$(printf '%-8s %s s (in the background)' vm $(($(now) - vm_start)))")
  [ "$vm_status" -eq 0 ] || fail "the vm tier"
fi

say "tier times"
printf '%s\n' "${SUMMARY[@]}"
printf 'total    %s s\n' $(($(now) - start))
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
