#!/bin/sh
# Step 6 of the VM scenario, after the power cycle scenario.sh asked for: nothing is started by
# hand. The lingering user's systemd starts the pod from the installed generation; the Vessel must
# answer with the database's rows intact.
. /mnt/work/test/vm/lib.sh
step "6. after the power cycle: the pod came back by itself"
health health-reboot.json
systemctl --user list-units --all --type=service --no-legend --plain 'lychd-pod.service' 'vessel.service' 'phylactery.service' 'harvester.service' | awk '{print $1, $3, $4}' | tee "$O/units-after-reboot.txt"
vessel_image | tee "$O/vessel-image-reboot.txt"
rows reboot
step "done"
