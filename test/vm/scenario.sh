#!/bin/sh
# The Rebirth Gate scenario, run inside the test VM as the user (lingering, rootless podman).
# /mnt/work is the workspace (read-only), /mnt/results the host's results folder; the host
# test (rebirth-gate.test.ts) asserts on what this script leaves in /mnt/results/out.
# Every step records its output and exit status; the script itself stops only on a missing file.
. /mnt/work/test/vm/lib.sh

step "images: load the test's OCI layout (stand-ins, the Phylactery, the Harvester) and tag every name the units use"
# Each image once, with every name it stands for in one tag (six names share the stand-in): under
# emulation each podman command costs seconds of CPU.
from_host images/services/index.json "the services' images"
for ref in $(cut -d' ' -f1 "$R/image-names.txt" | sort -u); do
  podman pull -q "oci:$R/images/services:$ref" >"$HOME/image-$ref" || exit 1
  podman tag "$(cat "$HOME/image-$ref")" $(awk -v r="$ref" '$1 == r {print $2}' "$R/image-names.txt")
done
step "secrets the units mount"
while read -r s; do printf 'vm-test-secret' | podman secret create "$s" - >/dev/null; done <"$R/secret-names.txt"
podman images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
podman info --format 'podman {{.Version.Version}}, storage {{.Store.GraphDriverName}}, runtime {{.Host.OCIRuntime.Name}}'

step "1. bind the example generation, stage and confirm the example image (without its system packages: prepare.ts)"
rec bind forge bind --codex "$W/codex" --extensions "$W/extensions"
needed bind
candidate a
rec stage-a forge rebirth $CODEX --image "$R/images/candidate-a"
ID_A=$(sed -n 's/^To apply it: lychd-forge rebirth --confirm //p' "$O/stage-a.txt")
rec confirm-a forge rebirth --confirm "$ID_A"
needed confirm-a

step "2. the pod, the core services and the default coven"
systemctl --user start lychd-pod.service
health health-a.json
systemctl --user list-units --all --type=service --no-legend --plain 'lychd-pod.service' 'vessel.service' 'phylactery.service' 'oculus.service' 'harvester.service' 'scribe.service' 'soulstone-*.service' | awk '{print $1, $3, $4}' | tee "$O/units-after-start.txt"
vessel_image | tee "$O/vessel-image-a.txt"
podman top lychd-vessel huser user | tee "$O/vessel-user.txt"
podman exec lychd-vessel cat /run/secrets/lychd-phylactery-password >"$O/vessel-secret.txt" 2>&1
ss -Htln | awk '{print $4}' | sort -u | tee "$O/listeners.txt"

step "2b. the Phylactery: PostgreSQL with pgvector under the pod's user mapping; the Harvester scrapes the pod"
psql -c 'SELECT version()' | tee "$O/pg-version.txt"
psql -c "CREATE TABLE lychd_rows (id serial PRIMARY KEY, label text NOT NULL, embedding vector(3))" >/dev/null
put first
rows started
podman exec lychd-phylactery stat -c '%u:%g %a' /var/lib/postgresql/data | tee "$O/pgdata-owner.txt"
stat -c '%u:%g' "$(podman volume inspect lychd-phylactery --format '{{.Mountpoint}}')" | tee -a "$O/pgdata-owner.txt"
# Prometheus's own view of its targets, once each has been scraped (15 s interval).
targets() { podman exec lychd-vessel /app/.venv/bin/python -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9090/api/v1/targets").read().decode())'; }
i=0
while [ $i -lt 60 ]; do targets >"$O/targets.json" 2>&1 && ! grep -q '"health":"unknown"' "$O/targets.json" && break; i=$((i + 1)); sleep 2; done
cat "$O/targets.json"; echo

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
# Steps 4 to 6 need only the pod's core services: the coven 3c left running is stopped. Each
# running soulstone's health check starts podman every 10 s, about 3 s of CPU under TCG, which
# the Gate's steps would otherwise wait behind.
systemctl --user stop 'soulstone-*.service'
readlink "$HOME/.config/containers/systemd/lychd" >"$O/generation-a.txt"
put before-b
candidate b
rec stage-b forge rebirth $CODEX --image "$R/images/candidate-b"
ID_B=$(sed -n 's/^To apply it: lychd-forge rebirth --confirm //p' "$O/stage-b.txt")
vessel_image >"$O/vessel-image-after-review.txt"
health health-after-review.json
rec confirm-wrong forge rebirth --confirm 000000000000
vessel_image >"$O/vessel-image-after-wrong.txt"
rec confirm-b forge rebirth --confirm "$ID_B"
vessel_image | tee "$O/vessel-image-b.txt"
health health-b.json
rows confirm-b
put before-rollback
rec rollback forge rebirth --rollback
vessel_image | tee "$O/vessel-image-rollback.txt"
health health-rollback.json
readlink "$HOME/.config/containers/systemd/lychd" >"$O/generation-rollback.txt"
rows rollback
podman images --format '{{.Repository}}:{{.Tag}} {{.ID}}' | grep lychd | tee "$O/lychd-images.txt"

step "5. a confirmation SIGKILLed at each of its steps (real podman and systemctl), then finished or rolled back"
sh "$W/test/vm/kills.sh" "$R" "$O"

step "6. power cycle: the pod must come back by itself with every row"
cpu_by_unit
rm -f "$R/entry.sh" && echo 'exec sh /mnt/work/test/vm/after-reboot.sh' >"$R/entry.sh" && touch "$R/reboot"
step "powering off to boot again"
