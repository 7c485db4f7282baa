#!/bin/sh
# Step 5 of the VM scenario: a confirmation SIGKILLed at each of its steps on the real host
# (real podman, real `systemctl --user`), then finished (--confirm again) or undone (--rollback).
# The Gate calls podman and systemctl through wrappers: the first call whose command line holds
# $KILL_AT SIGKILLs the Gate (the wrapper's caller) before it is made. Each round writes a row
# first and counts every row after. <results>/id-a.txt and id-b.txt hold the candidates' ids.
. /mnt/work/test/vm/lib.sh
K=$HOME/kill
mkdir -p "$K"
for prog in podman systemctl; do
  printf '%s\n' '#!/bin/sh' \
    'if [ -n "${KILL_AT:-}" ] && [ ! -e "$HOME/kill/done" ]; then' \
    "  case \"$prog \$*\" in *\"\$KILL_AT\"*) touch \"\$HOME/kill/done\"; kill -KILL \$PPID; exit 137 ;; esac" \
    'fi' \
    "exec /usr/bin/$prog \"\$@\"" >"$K/$prog"
  chmod +x "$K/$prog"
done
A=$(cat "$R/id-a.txt")
B=$(cat "$R/id-b.txt")
n=0
round() { # <candidate id> <kill where the command line holds this> <confirm|rollback>
  n=$((n + 1)); round_start=$(date +%s)
  put "before-kill-$n"
  forge rebirth $CODEX --image "$R/images/candidate-$([ "$1" = "$A" ] && echo a || echo b)" >"$O/kill-$n-stage.txt" 2>&1
  rm -f "$K/done"
  (LYCHD_PODMAN=$K/podman LYCHD_SYSTEMCTL=$K/systemctl KILL_AT=$2 forge rebirth --confirm "$(echo "$1" | cut -c1-12)") >"$O/kill-$n.txt" 2>&1
  rc=$?
  echo "round $n: --confirm $(echo "$1" | cut -c1-12) killed at \"$2\": rc=$rc killed=$([ -e "$K/done" ] && echo yes || echo no)" | tee -a "$O/kills.txt"
  if [ "$3" = confirm ]; then rec "kill-$n-then" forge rebirth --confirm "$(echo "$1" | cut -c1-12)"; else rec "kill-$n-then" forge rebirth --rollback; fi >/dev/null
  health "health-kill-$n.json" >/dev/null
  echo "round $n: then --$3: rc=$(cat "$O/kill-$n-then.rc") vessel=$(vessel_image) health=$(cat "$O/health-kill-$n.json" | tr -d '\n' | cut -c1-400)" | tee -a "$O/kills.txt"
  rows "kill-$n"
  echo "   (round $n: $(($(date +%s) - round_start)) s)"
}
# The host is on A. Each round kills one step of the Gate's switch (see switch.ts switchBody).
round "$B" 'localhost/lychd:previous' confirm # keeping the old body; then finished: on B
round "$A" "tag $A localhost/lychd:custom" rollback # naming the new body; then undone: on B
round "$A" 'daemon-reload' confirm # reloading systemd; then finished: on A
round "$B" '--user restart' rollback # restarting the Vessel; then undone: on A
