#!/bin/sh
# Step 6 of the VM scenario, after the power cycle scenario.sh asked for: nothing is started by
# hand. The lingering user's systemd starts the pod from the installed generation; the Vessel must
# answer with the database's rows intact.
. /mnt/work/test/vm/lib.sh
step "6. after the power cycle: the pod came back by itself"
health health-reboot.json
# The Vessel answers before its unit counts as started (Notify=healthy, after the startup check).
U="lychd-pod.service vessel.service phylactery.service harvester.service"
i=0
while [ $i -lt 150 ] && [ "$(systemctl --user is-active $U | sort -u)" != active ]; do i=$((i + 1)); sleep 2; done
systemctl --user list-units --all --type=service --no-legend --plain $U | awk '{print $1, $3, $4}' | tee "$O/units-after-reboot.txt"
vessel_image | tee "$O/vessel-image-reboot.txt"
rows reboot
cpu_by_unit
step "done"
