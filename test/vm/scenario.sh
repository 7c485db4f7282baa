#!/bin/sh
# The Rebirth Gate scenario, run inside the test VM as the user (lingering, rootless podman).
# /mnt/work is the workspace (read-only), /mnt/results the host's results folder; the host
# test (rebirth-gate.test.ts) asserts on what this script leaves in /mnt/results/out.
# Every step records its output and exit status; the script itself stops only on a missing file.
set -u
R=/mnt/results
W=/mnt/work
O=$R/out
mkdir -p "$O"
export LYCHD_QUADLET=/usr/libexec/podman/quadlet
CODEX="--codex $W/codex --extensions $W/extensions --synthesis $W/forge/synthesis.lock.json"
forge() { (cd "$W" && node tools/bin/lychd-forge.js "$@"); }
step() { echo "== $(date +%T) $*"; }
rec() { name=$1; shift; { "$@" 2>&1; echo $? >"$O/$name.rc"; } | tee "$O/$name.txt"; }
vessel_image() { podman inspect lychd-vessel --format '{{.Image}}' 2>&1; }
health() { # $1: file; waits up to 300 s for the Vessel's answer on 127.0.0.1
  i=0
  while [ $i -lt 150 ]; do
    if node -e 'fetch("http://127.0.0.1:8000/health").then(r=>r.text()).then(t=>{process.stdout.write(t);process.exit(0)},()=>process.exit(1))' >"$O/$1" 2>/dev/null; then cat "$O/$1"; echo; return 0; fi
    i=$((i + 1)); sleep 2
  done
  echo "no health answer" >"$O/$1"; return 1
}

step "stand-in images: load the OCI layout and tag it with every name the units use"
SID=$(podman pull -q "oci:$R/images/standins:standin") || exit 1
while read -r name; do podman tag "$SID" "$name"; done <"$R/standin-names.txt"
step "secrets the units mount"
while read -r s; do printf 'vm-test-secret' | podman secret create "$s" - >/dev/null; done <"$R/secret-names.txt"
podman images --format '{{.Repository}}:{{.Tag}} {{.ID}}'

step "1. bind the example generation, stage and confirm the example image"
rec bind forge bind --codex "$W/codex" --extensions "$W/extensions"
rec stage-a forge rebirth $CODEX --image "$R/images/candidate-a"
ID_A=$(sed -n 's/^To apply it: lychd-forge rebirth --confirm //p' "$O/stage-a.txt")
rec confirm-a forge rebirth --confirm "$ID_A"

step "2. the pod, the core services and the default coven"
systemctl --user start lychd-pod.service
health health-a.json
systemctl --user list-units --all --type=service --no-legend --plain 'lychd-pod.service' 'vessel.service' 'phylactery.service' 'oculus.service' 'harvester.service' 'scribe.service' 'soulstone-*.service' | awk '{print $1, $3, $4}' | tee "$O/units-after-start.txt"
vessel_image | tee "$O/vessel-image-a.txt"
podman top lychd-vessel huser user | tee "$O/vessel-user.txt"
podman exec lychd-vessel cat /run/secrets/lychd-phylactery-password >"$O/vessel-secret.txt" 2>&1
ss -Htln | awk '{print $4}' | sort -u | tee "$O/listeners.txt"

step "3. every pair of soulstones: start them in the planned order, noting every state each time"
snapshot() { for s in $(cat "$R/soulstones.txt"); do printf ' %s=%s' "$s" "$(systemctl --user is-active "soulstone-$s.service")"; done; echo; }
echo "initial:$(snapshot)" | tee "$O/starts.txt"
while read -r s; do
  systemctl --user start "soulstone-$s.service"
  echo "start $s:$(snapshot)" | tee -a "$O/starts.txt"
done <"$R/starts.txt"
journalctl --user --no-pager -b >"$O/user-journal.txt" 2>&1

step "3b. readiness: a soulstone counts as started once healthy; one that stops answering is restarted"
read -r RS RP <"$R/readiness.txt"
C=/srv/models/.standin
mkdir -p "$C"
restarts() { systemctl --user show -p NRestarts --value "soulstone-$RS.service"; }
systemctl --user stop "soulstone-$RS.service"
echo 20 >"$C/$RP.slow"
t0=$(date +%s)
systemctl --user start "soulstone-$RS.service"
rc=$?
t1=$(date +%s)
echo "rc=$rc seconds=$((t1 - t0)) health=$(podman inspect "lychd-soulstone-$RS" --format '{{.State.Health.Status}}' 2>&1)" | tee "$O/readiness-start.txt"
rm -f "$C/$RP.slow"
n0=$(restarts)
touch "$C/$RP.sick"
i=0
while [ $i -lt 150 ] && [ "$(restarts)" = "$n0" ]; do i=$((i + 1)); sleep 2; done
rm -f "$C/$RP.sick"
i=0
while [ $i -lt 150 ] && [ "$(systemctl --user is-active "soulstone-$RS.service")" != active ]; do i=$((i + 1)); sleep 2; done
echo "restarts=$n0->$(restarts) state=$(systemctl --user is-active "soulstone-$RS.service") health=$(podman inspect "lychd-soulstone-$RS" --format '{{.State.Health.Status}}' 2>&1)" | tee "$O/readiness-restart.txt"

step "3c. covens as units: each coven-<name>.target in turn (coven-switch.sh)"
sh "$W/test/vm/coven-switch.sh" "$R" "$O"

step "4. edit an extension: a new candidate, reviewed, refused, confirmed, rolled back"
readlink "$HOME/.config/containers/systemd/lychd" >"$O/generation-a.txt"
rec stage-b forge rebirth $CODEX --image "$R/images/candidate-b"
ID_B=$(sed -n 's/^To apply it: lychd-forge rebirth --confirm //p' "$O/stage-b.txt")
vessel_image >"$O/vessel-image-after-review.txt"
health health-after-review.json
rec confirm-wrong forge rebirth --confirm 000000000000
vessel_image >"$O/vessel-image-after-wrong.txt"
rec confirm-b forge rebirth --confirm "$ID_B"
vessel_image | tee "$O/vessel-image-b.txt"
health health-b.json
rec rollback forge rebirth --rollback
vessel_image | tee "$O/vessel-image-rollback.txt"
health health-rollback.json
readlink "$HOME/.config/containers/systemd/lychd" >"$O/generation-rollback.txt"
podman images --format '{{.Repository}}:{{.Tag}} {{.ID}}' | grep lychd | tee "$O/lychd-images.txt"
step "done"
