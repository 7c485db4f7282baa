#!/bin/sh
# Step 3c of the VM scenario: covens as units. Usage: coven-switch.sh <results> <out>.
# Starts coven-<c>.target for the coven named in <results>/switch-coven.txt and records the state
# of every soulstone and coven target before, then the start's exit status, how long it took and
# the states after; the host's judge (coven-switch.ts) checks <out>/coven-switch.txt.
set -u
R=$1
O=$2
C=$(cat "$R/switch-coven.txt")
state() {
  for s in $(cat "$R/soulstones.txt"); do printf ' soulstone-%s.service=%s' "$s" "$(systemctl --user is-active "soulstone-$s.service")"; done
  for t in $(systemctl --user list-unit-files --no-legend 'coven-*.target' | awk '{print $1}'); do printf ' %s=%s' "$t" "$(systemctl --user is-active "$t")"; done
  echo
}
ls -l "$HOME/.config/systemd/user" >"$O/coven-links.txt" 2>&1
echo "before:$(state)" | tee "$O/coven-switch.txt"
t0=$(date +%s)
systemctl --user start "coven-$C.target"
rc=$?
t1=$(date +%s)
echo "start $C rc=$rc seconds=$((t1 - t0)):$(state)" | tee -a "$O/coven-switch.txt"
