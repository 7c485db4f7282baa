#!/bin/sh
# What every script of the VM scenario shares (sourced): the shares, the command line, and how
# each records its steps. /mnt/work is the workspace (read-only), /mnt/results the host's
# results folder; the host test asserts on what the scripts leave in /mnt/results/out.
set -u
R=/mnt/results
W=/mnt/work
O=$R/out
mkdir -p "$O"
export LYCHD_QUADLET=/usr/libexec/podman/quadlet
# The candidates are built without the extensions' system packages (prepare.ts), so they are
# staged with the Synthesis Manifest they were built from, which the host publishes beside them.
CODEX="--codex $W/codex --extensions $W/extensions --synthesis $R/synthesis.lock.json"
# The Forge as packed and installed (test/vm/prepare.ts), unpacked once onto the guest's disk and
# run from the workspace as a user would. --jitless: under the VM's emulation, translating the code
# V8 compiles costs more than it saves in a command of seconds (measured in the guest: a refused
# --confirm took 4.2 CPU seconds instead of 6.1, a validate 7.6 instead of 9.6); the Forge uses no
# WebAssembly, which --jitless turns off (--no-expose-wasm says so, without V8's warning).
[ -d "$HOME/forge" ] || tar -xf "$R/forge.tar" -C "$HOME" || exit 1
forge() { (cd "$W" && node --jitless --no-expose-wasm "$HOME/forge/node_modules/@lychd/forge/bin/lychd-forge.js" "$@"); }
# A step's heading, with how busy the guest's CPUs were since the previous heading (any script's),
# and the CPU seconds spent since then by the scenario (its shell, the Forge) and under the user's
# systemd (rootless podman moves every podman command there: pulls, health checks, the
# containers): under emulation that shows where time goes to waiting and where to work, and whose
# work it is. The counts start again at each boot (XDG_RUNTIME_DIR).
# The user's systemd (uid 1000, the disk's user), under which rootless podman runs everything.
USER_CG=user.slice/user-1000.slice/user@1000.service
cg() { awk '/^usage_usec/ {printf "%d", $2 / 1000000}' "/sys/fs/cgroup/$1/cpu.stat" 2>/dev/null || echo 0; }
step() {
  cur="$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat) $(cg system.slice/lychd-vm-run.service) $(cg $USER_CG)"
  prev=$(cat "$XDG_RUNTIME_DIR/.step-cpu" 2>/dev/null || echo "$cur")
  echo "$cur" >"$XDG_RUNTIME_DIR/.step-cpu"
  busy=$(echo "$prev $cur" | awk '{b = $5 - $1; i = $6 - $2; if (b + i > 0) { o = b / 100 - ($7 - $3) - ($8 - $4); printf "%d%%; CPU seconds: scenario %d, podman and containers %d, other %d", 100 * b / (b + i), $7 - $3, $8 - $4, (o > 0 ? o : 0) } else printf "-"}')
  echo "== $(date +%T) $* (CPU busy before: $busy)"
}
# The CPU seconds each of the user's units has spent since it last started (its cgroup), the most
# first, and what the user's systemd spent besides (podman commands, health checks, units gone):
# which service the guest's CPUs worked for.
cpu_by_unit() {
  A=/sys/fs/cgroup/$USER_CG/app.slice
  total=$(cg $USER_CG)
  units=$(for d in "$A"/*.service; do [ -e "$d/cpu.stat" ] && echo "$(cg "${d#/sys/fs/cgroup/}") ${d##*/}"; done | sort -rn)
  echo "   (CPU seconds by unit, since each last started: $(echo "$units" | awk '$1 > 0 {printf "%s%s %d", sep, $2, $1; sep = ", "}'); the user's systemd in all $total)"
}
# The host builds the services' images and the Vessel's candidates while the VM boots
# (prepare.ts), each published whole; <results>/host-failed appears if a build failed.
from_host() { # $1: the file that appears once it is complete; $2: what it is
  wait_start=$(date +%s)
  while [ ! -e "$R/$1" ]; do
    if [ -e "$R/host-failed" ]; then
      echo "== scenario stopped: the host could not build $2:"; cat "$R/host-failed"; exit 1
    fi
    sleep 2
  done
  echo "   ($2: waited $(($(date +%s) - wait_start)) s for the host's build)"
}
candidate() { from_host "id-$1.txt" "candidate $1"; } # $1: a or b
# Runs a command, keeping its output and exit status under $1, and says how long it took.
rec() {
  name=$1; shift; rec_start=$(date +%s)
  { "$@" 2>&1; echo $? >"$O/$name.rc"; } | tee "$O/$name.txt"
  echo "   ($name: exit $(cat "$O/$name.rc"), $(($(date +%s) - rec_start)) s)"
}
# A step everything after it depends on: when it failed, keep the user's journal and stop the
# scenario, so that a failed first start is reported in minutes, with its cause, rather than after
# every later step has waited out its own timeout.
needed() { # $1: the name `rec` recorded the step under
  rc=$(cat "$O/$1.rc" 2>/dev/null || echo none)
  [ "$rc" = 0 ] && return 0
  echo "== scenario stopped: $1 failed (exit $rc); the user's journal is in out/user-journal.txt, its end follows"
  journalctl --user --no-pager -b >"$O/user-journal.txt" 2>&1
  tail -n 80 "$O/user-journal.txt"
  exit 1
}
vessel_image() { podman inspect lychd-vessel --format '{{.Image}}' 2>&1; }
health() { # $1: file; waits up to 300 s for the Vessel's answer on 127.0.0.1
  i=0
  while [ $i -lt 150 ]; do
    if bash "$W/test/vm/http-get.sh" 8000 /health >"$O/$1" 2>/dev/null; then cat "$O/$1"; echo; return 0; fi
    i=$((i + 1)); sleep 2
  done
  echo "no health answer" >"$O/$1"; return 1
}

psql() { podman exec lychd-phylactery psql -U postgres -v ON_ERROR_STOP=1 -tA "$@"; }
put() { psql -c "INSERT INTO lychd_rows (label, embedding) VALUES ('$1', '[1,2,3]')" >/dev/null; }
rows() { # $1: the moment; appends "<moment>: <count> <labels in order>" to rows.txt (one podman exec)
  echo "$1: $(psql -c "SELECT count(*) || ' ' || coalesce(string_agg(label, ',' ORDER BY id), '') FROM lychd_rows")" | tee -a "$O/rows.txt"
}

