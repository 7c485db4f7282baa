#!/usr/bin/env bash
# Builds the disk of the test VM once and prints the folder that holds it:
#   <cache>/disk.raw     raw ext4 root file system (made with mkfs.ext4 -d: no loop mount)
#   <cache>/vmlinuz      the guest kernel, taken from the disk's /boot
#   <cache>/initrd.img   its initramfs
#   <cache>/packages.txt every installed package and version
#   <cache>/base.tar     a Debian trixie minbase root file system with python3, PostgreSQL 17 +
#                        pgvector and Prometheus: the one base layer of the images the test
#                        builds (the stand-ins, the Phylactery, the Harvester; no registry is
#                        reachable), so the VM loads it once
# The guest: Debian trixie, systemd, rootless podman (crun, passt, uidmap, catatonit),
# nodejs from Debian, a user `lychd` (uid 1000) with /etc/subuid+subgid and lingering,
# a stand-in CDI spec for nvidia.com/gpu=all (no GPU exists in a VM), the two 9p shares
# and one boot-time unit that runs <results>/entry.sh as the user, then powers off.
#
# The cache folder is ${LYCHD_VM_CACHE:-${XDG_CACHE_HOME:-~/.cache}/lychd-forge/vm}/<key>,
# where <key> is the sha256 of this script: it defines everything the disk contains.
# Runs as root (mmdebstrap in root mode keeps ownership and file capabilities).
set -euo pipefail

SUITE=trixie
DISK_SIZE=6G
GUEST_USER=lychd
GUEST_UID=1000
PACKAGES=(
  systemd systemd-sysv udev kmod dbus dbus-user-session libpam-systemd
  linux-image-amd64 initramfs-tools
  podman crun conmon uidmap passt catatonit netavark aardvark-dns
  nodejs iproute2 procps util-linux
)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf 'vm-disk: %s\n' "$*" >&2; }
die() { printf 'vm-disk: error: %s\n' "$*" >&2; exit 1; }

KEY=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
CACHE=${LYCHD_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lychd-forge/vm}
OUT=$CACHE/$KEY
if [ -f "$OUT/disk.raw" ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] && [ -f "$OUT/base.tar" ]; then
  printf '%s\n' "$OUT"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "building the VM disk needs root (mmdebstrap --mode=root)"
for t in mmdebstrap mkfs.ext4; do command -v "$t" >/dev/null || die "$t missing: bash scripts/setup-tools.sh"; done
# shellcheck source=../tools/setup/debian-archive.sh
. "$ROOT/tools/setup/debian-archive.sh"
MIRROR=$(debian_archive_uri) || die "no Debian archive in the apt sources; set LYCHD_DEBIAN_MIRROR"

mkdir -p "$CACHE"
WORK=$(mktemp -d "$CACHE/.build-$KEY-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FS=$WORK/root

say "mmdebstrap $SUITE minbase + python3, postgresql-17, pgvector, prometheus (the images' base), beside the guest's root"
# It runs in the background, beside the guest's root: two downloads and two installs overlap.
# The LLVM JIT (pgvector's package pulls it in) and promtool are a third of the tree and unused:
# removed, so the VM loads less; so are the full Perl (postgresql-common's wrappers: the images run
# the server's own binaries), the web UI's JavaScript and the locale sources (initdb uses C.UTF-8),
# a quarter of the files the guest pulls and copies for the pod's user mapping. postgres is created
# first (minbase has no useradd) with the uid of the official postgres image (999), which the
# package then adopts: the Phylactery's files are owned as that image's would be.
(SOURCE_DATE_EPOCH=0 mmdebstrap --mode=root --variant=minbase \
  --include=python3,postgresql-17,postgresql-17-pgvector,prometheus \
  --aptopt='APT::Install-Recommends "false"' \
  --essential-hook='echo "postgres:x:999:" >>"$1/etc/group"' \
  --essential-hook='echo "postgres:x:999:999:PostgreSQL administrator:/var/lib/postgresql:/bin/sh" >>"$1/etc/passwd"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --customize-hook='rm -f "$1"/etc/resolv.conf "$1"/etc/hostname' \
  --customize-hook='rm -rf "$1"/etc/postgresql/17 "$1"/var/lib/postgresql/17' \
  --customize-hook='rm -rf "$1"/usr/lib/postgresql/17/lib/llvmjit* "$1"/usr/lib/postgresql/17/lib/bitcode \
    "$1"/usr/lib/x86_64-linux-gnu/libLLVM.so.* "$1"/usr/lib/x86_64-linux-gnu/libz3.so.* "$1"/usr/bin/promtool' \
  --customize-hook='rm -rf "$1"/usr/share/perl "$1"/usr/lib/x86_64-linux-gnu/perl "$1"/usr/lib/x86_64-linux-gnu/libperl.so.* \
    "$1"/usr/share/javascript "$1"/usr/share/nodejs "$1"/usr/share/i18n' \
  "$SUITE" "$WORK/base.tar" "deb $MIRROR $SUITE main" 2>&1 | sed 's/^/[base] /' >&2) &
BASE_PID=$!
trap 'kill "$BASE_PID" 2>/dev/null; wait "$BASE_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

say "mmdebstrap $SUITE from $MIRROR into $FS (several minutes)"
IFS=,
mmdebstrap --mode=root --variant=apt --include="${PACKAGES[*]}" \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  "$SUITE" "$FS" "deb $MIRROR $SUITE main" >&2
unset IFS

say "configuring the guest"
echo lychd-vm >"$FS/etc/hostname"
cat >"$FS/etc/fstab" <<'EOF'
/dev/vda    /             ext4  rw,noatime                                  0 1
workspace   /mnt/work     9p    ro,trans=virtio,version=9p2000.L,msize=524288,nofail  0 0
results     /mnt/results  9p    rw,trans=virtio,version=9p2000.L,msize=524288,nofail  0 0
EOF
mkdir -p "$FS/mnt/work" "$FS/mnt/results"
# A NIC with a default route (qemu user networking, restricted: no way out) so that
# rootless podman's pasta finds an interface; the guest reaches nothing beyond it.
mkdir -p "$FS/etc/systemd/network"
cat >"$FS/etc/systemd/network/20-wired.network" <<'EOF'
[Match]
Name=en* eth*

[Network]
DHCP=ipv4
EOF
chroot "$FS" systemctl enable systemd-networkd.service >&2
chroot "$FS" passwd -l root >&2
chroot "$FS" useradd -m -u "$GUEST_UID" -s /bin/bash "$GUEST_USER"
printf '%s:100000:65536\n' "$GUEST_USER" >"$FS/etc/subuid"
printf '%s:100000:65536\n' "$GUEST_USER" >"$FS/etc/subgid"
mkdir -p "$FS/var/lib/systemd/linger"
: >"$FS/var/lib/systemd/linger/$GUEST_USER"
# The example soulstones mount /srv/models read-only.
mkdir -p "$FS/srv/models"
chroot "$FS" chown "$GUEST_USER:$GUEST_USER" /srv/models

# Stand-in CDI spec: the quadlets ask for nvidia.com/gpu=all; a VM has no GPU, so this
# spec declares the name with no device node, only an environment variable.
mkdir -p "$FS/etc/cdi"
cat >"$FS/etc/cdi/nvidia-standin.yaml" <<'EOF'
# STAND-IN: declares nvidia.com/gpu=all without any real device (test VM only).
cdiVersion: "0.5.0"
kind: nvidia.com/gpu
devices:
  - name: all
    containerEdits:
      env:
        - LYCHD_GPU_STANDIN=1
EOF

cat >"$FS/usr/local/sbin/lychd-vm-run" <<EOF
#!/bin/sh
# Runs the scenario the host left in the results share, as $GUEST_USER, then powers off.
R=/mnt/results
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
if [ -f \$R/entry.sh ]; then
  echo "lychd-vm: running the scenario as $GUEST_USER" >/dev/console
  ( cd /home/$GUEST_USER && runuser -u $GUEST_USER -- env HOME=/home/$GUEST_USER \\
      XDG_RUNTIME_DIR=/run/user/$GUEST_UID DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$GUEST_UID/bus \\
      sh \$R/entry.sh; echo \$? >/run/lychd-vm-rc ) 2>&1 | tee \$R/scenario.log >/dev/console
  rc=\$(cat /run/lychd-vm-rc 2>/dev/null || echo 1)
else
  rc=2
  echo "lychd-vm: no entry.sh in the results share" >/dev/console
fi
journalctl -b --no-pager -o short-monotonic >\$R/journal.log 2>&1
echo "\$rc" >\$R/exit-code
sync
echo "lychd-vm: scenario exit code \$rc; powering off" >/dev/console
systemctl --no-block poweroff
EOF
chmod 0755 "$FS/usr/local/sbin/lychd-vm-run"
cat >"$FS/etc/systemd/system/lychd-vm-run.service" <<EOF
[Unit]
Description=Run the LychD VM scenario
Requires=user@$GUEST_UID.service mnt-work.mount mnt-results.mount
# Quadlet's user units wait for the system's network-online.target
# (podman-user-wait-network-online.service), which only becomes active when something wants it,
# as on a real host; without this every container start waits out that unit's 90 s timeout.
Wants=network-online.target
After=user@$GUEST_UID.service mnt-work.mount mnt-results.mount network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/lychd-vm-run
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
EOF
chroot "$FS" systemctl enable lychd-vm-run.service >&2
# No login prompt on the console: its output is the progress log.
chroot "$FS" systemctl mask serial-getty@ttyS0.service getty@tty1.service >&2

chroot "$FS" dpkg-query -W -f '${Package} ${Version}\n' >"$WORK/packages.txt"
cp -L "$FS/vmlinuz" "$WORK/vmlinuz" 2>/dev/null || cp "$(ls "$FS"/boot/vmlinuz-* | tail -n1)" "$WORK/vmlinuz"
cp -L "$FS/initrd.img" "$WORK/initrd.img" 2>/dev/null || cp "$(ls "$FS"/boot/initrd.img-* | tail -n1)" "$WORK/initrd.img"

wait "$BASE_PID" || die "the images' base (mmdebstrap into base.tar) failed: its lines above start with [base]"
say "mkfs.ext4 -d (no loop mount)"
mkfs.ext4 -q -F -L lychd-vm -d "$FS" "$WORK/disk.raw" "$DISK_SIZE" >&2
rm -rf "$FS"
mv "$WORK" "$OUT.tmp" && mv "$OUT.tmp" "$OUT" || die "could not publish $OUT"
trap - EXIT
say "disk ready: $OUT ($(grep -E '^(systemd|podman|nodejs|linux-image-amd64) ' "$OUT/packages.txt" | tr '\n' ' '))"
printf '%s\n' "$OUT"
