#!/usr/bin/env bash
# Installs the tools the Forge runs beyond npm packages into <workspace>/.tools:
#   uv (pinned, from PyPI, in a private venv), the podman quadlet generator
#   (from Debian trixie, extracted without installing podman), and checks that
#   systemd-analyze, buildah, skopeo, mmdebstrap, bwrap and apt-ftparchive are present (installed via apt when root),
#   and the Nix evaluator: Debian trixie's nix-bin in a trixie root (mmdebstrap),
#   run through the wrapper .tools/bin/nix (root only; bookworm's nix is too old).
# Idempotent: steps whose tool already has the wanted version are skipped.
set -euo pipefail

UV_VERSION=0.13.9
QUADLET_SERIES=5.4.           # trixie's podman; the notes' facts are verified on 5.4.2
QUADLET_SUITE=trixie
NIX_SERIES=2.26.              # trixie's nix-bin; nixpkgs needs nix >= 2.18
NIX_SUITE=trixie

# `lychd-forge setup` runs this from the installed package, for the workspace it was run in.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${LYCHD_WORKSPACE_ROOT:-$(pwd)}
TOOLS=${LYCHD_TOOLS_DIR:-$ROOT/.tools}
BIN=$TOOLS/bin
export DEBIAN_FRONTEND=noninteractive

say() { printf 'lychd-forge setup: %s\n' "$*"; }
die() { printf 'lychd-forge setup: error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

mkdir -p "$BIN"

# ---------------------------------------------------------------- uv
install_uv() {
  local have=""
  [ -x "$BIN/uv" ] && have=$("$BIN/uv" --version 2>/dev/null | awk '{print $2}') || true
  if [ "$have" = "$UV_VERSION" ]; then
    say "uv $UV_VERSION already installed"
    return
  fi
  local py=${PYTHON:-python3}
  command -v "$py" >/dev/null || die "python3 not found (apt-get install python3 python3-venv)"
  if [ ! -x "$TOOLS/venv/bin/pip" ]; then
    say "creating venv $TOOLS/venv"
    rm -rf "$TOOLS/venv"
    if ! "$py" -m venv "$TOOLS/venv" >/dev/null 2>&1; then
      # Debian splits venv/ensurepip into python3-venv.
      is_root || die "python3 -m venv failed; install python3-venv (apt-get install python3-venv)"
      say "installing python3-venv"
      apt_install python3-venv
      rm -rf "$TOOLS/venv"
      "$py" -m venv "$TOOLS/venv"
    fi
  fi
  say "installing uv==$UV_VERSION from PyPI"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  ln -sfn ../venv/bin/uv "$BIN/uv"
  have=$("$BIN/uv" --version | awk '{print $2}')
  [ "$have" = "$UV_VERSION" ] || die "uv reports $have, expected $UV_VERSION"
  say "uv $have installed"
}

# ---------------------------------------------------------------- apt helpers
SYSTEM_APT_UPDATED=""
apt_install() {
  # A fresh image may have no package lists; refresh them once, only if needed.
  if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    if [ -z "$SYSTEM_APT_UPDATED" ]; then
      say "apt-get update (system lists are missing or stale)"
      apt-get update -qq >/dev/null
      SYSTEM_APT_UPDATED=1
    fi
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

# shellcheck source=debian-archive.sh
. "$HERE/debian-archive.sh"

# ---------------------------------------------------------------- quadlet
install_quadlet() {
  local have=""
  [ -x "$BIN/quadlet" ] && have=$("$BIN/quadlet" -version 2>/dev/null | head -n1) || true
  if [[ "$have" == "$QUADLET_SERIES"* ]]; then
    say "quadlet $have already installed"
    return
  fi
  command -v apt-get >/dev/null || die "apt-get not found: the quadlet generator is taken from Debian's podman package"
  command -v dpkg >/dev/null || die "dpkg not found"
  local uri
  uri=$(debian_archive_uri) || die "no Debian archive found in /etc/apt/sources.list{,.d}; set LYCHD_DEBIAN_MIRROR"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"

  local t=$TOOLS/$QUADLET_SUITE
  mkdir -p "$t/lists/partial" "$t/cache/archives/partial" "$t/debs"
  printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$uri" "$QUADLET_SUITE" >"$t/sources.list"
  # Private sources, lists and cache: the system's apt state is left untouched.
  local o=(-o "Dir::Etc::sourcelist=$t/sources.list" -o "Dir::Etc::sourceparts=-"
           -o "Dir::State::Lists=$t/lists" -o "Dir::Cache=$t/cache"
           -o "APT::Sandbox::User=$(id -un)")
  say "apt-get update ($QUADLET_SUITE, private list)"
  apt-get "${o[@]}" update -qq >/dev/null
  local cand
  cand=$(apt-cache "${o[@]}" policy podman | awk '/Candidate:/ {print $2}')
  [ -n "$cand" ] && [ "$cand" != "(none)" ] || die "no podman package in $QUADLET_SUITE"
  case "$cand" in "$QUADLET_SERIES"*) ;; *) die "$QUADLET_SUITE offers podman $cand, expected ${QUADLET_SERIES}x";; esac
  say "downloading podman $cand ($QUADLET_SUITE)"
  rm -f "$t"/debs/podman_*.deb
  (cd "$t/debs" && apt-get "${o[@]}" download -qq "podman=$cand" >/dev/null)
  local deb
  deb=$(ls "$t"/debs/podman_*.deb | head -n1)
  rm -rf "$t/root"
  dpkg -x "$deb" "$t/root"
  rm -f "$deb"
  local gen=$t/root/usr/libexec/podman/quadlet
  [ -x "$gen" ] || die "quadlet generator not found in $deb"
  ln -sfn "../$QUADLET_SUITE/root/usr/libexec/podman/quadlet" "$BIN/quadlet"
  have=$("$BIN/quadlet" -version | head -n1)
  [[ "$have" == "$QUADLET_SERIES"* ]] || die "quadlet reports '$have', expected ${QUADLET_SERIES}x"
  say "quadlet $have installed"
}

# ---------------------------------------------------------------- system tools
ensure_system_tool() {
  local cmd=$1 pkg=$2
  if command -v "$cmd" >/dev/null; then
    say "$cmd present ($(command -v "$cmd"))"
    return
  fi
  if is_root && command -v apt-get >/dev/null; then
    say "installing $pkg (apt)"
    apt_install "$pkg"
    command -v "$cmd" >/dev/null || die "$cmd still missing after installing $pkg"
    say "$cmd installed"
  else
    say "MISSING: $cmd; install it as root: apt-get install $pkg"
  fi
}

# ---------------------------------------------------------------- nix
# trixie's nix-bin needs trixie's libraries, so it lives in its own trixie root
# and runs there through a wrapper that shows it the caller's working directory
# and /tmp at the same paths (a private mount namespace; nothing leaks out).
install_nix() {
  local have=""
  [ -x "$BIN/nix" ] && have=$("$BIN/nix" --version 2>/dev/null | awk '{print $NF}') || true
  if [[ "$have" == "$NIX_SERIES"* ]]; then
    say "nix $have already installed"
    return
  fi
  if ! is_root; then
    say "MISSING: nix; run this script as root to install Debian $NIX_SUITE's nix-bin into .tools"
    return
  fi
  command -v mmdebstrap >/dev/null || apt_install mmdebstrap
  command -v unshare >/dev/null || apt_install util-linux
  local uri
  uri=$(debian_archive_uri) || die "no Debian archive found in /etc/apt/sources.list{,.d}; set LYCHD_DEBIAN_MIRROR"
  local t=$TOOLS/nix-$NIX_SUITE
  rm -rf "$t"
  mkdir -p "$t"
  say "building a $NIX_SUITE root with nix-bin (mmdebstrap, a few minutes)"
  mmdebstrap --quiet --mode=root --variant=minbase --include=nix-bin,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    "$NIX_SUITE" "$t/root" "$uri" >/dev/null
  mkdir -p "$t/root/etc/nix"
  printf 'experimental-features = nix-command flakes\nsandbox = false\nbuild-users-group =\n' >"$t/root/etc/nix/nix.conf"
  cat >"$t/enter" <<'ENTER'
#!/bin/sh
# Runs inside a private mount namespace: mounts what nix needs into the root,
# then runs nix there in the caller's directory.
set -eu
root=$1; cwd=$2; shift 2
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /tmp "$root/tmp"
case "$cwd" in /tmp|/tmp/*) ;; *) mkdir -p "$root$cwd"; mount --rbind "$cwd" "$root$cwd" ;; esac
exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin USER=root \
  /bin/sh -c 'cd "$1" && shift && exec /usr/bin/nix "$@"' nix "$cwd" "$@"
ENTER
  cat >"$BIN/nix" <<'WRAP'
#!/bin/sh
# Debian trixie's nix, run in its own root (see above).
t=$(cd "$(dirname "$(readlink -f "$0")")/../nix-trixie" && pwd)
exec unshare --mount --propagation private -- /bin/sh "$t/enter" "$t/root" "$(pwd -P)" "$@"
WRAP
  chmod +x "$BIN/nix" "$t/enter"
  have=$("$BIN/nix" --version | awk '{print $NF}')
  [[ "$have" == "$NIX_SERIES"* ]] || die "nix reports '$have', expected ${NIX_SERIES}x"
  # One evaluation creates the store's database now, not in the first of several parallel tests.
  "$BIN/nix" eval --offline --expr 1 >/dev/null || die "nix cannot evaluate in $t/root"
  say "nix $have installed (in $t/root)"
}

install_uv
install_quadlet
install_nix
ensure_system_tool systemd-analyze systemd
ensure_system_tool buildah buildah
ensure_system_tool skopeo skopeo
# The extensions' register hooks run in a bubblewrap sandbox (tools/src/federation/sandbox.ts).
ensure_system_tool bwrap bubblewrap
# The Debian base of the image (forge:base) and the VM test's disk (test/vm) are built with mmdebstrap.
ensure_system_tool mmdebstrap mmdebstrap
# The Debian lock's tests publish a Debian archive of their own (apt-ftparchive).
ensure_system_tool apt-ftparchive apt-utils
# The VM test: the disk image is made with mkfs.ext4 -d and booted by qemu.
ensure_system_tool mkfs.ext4 e2fsprogs
ensure_system_tool qemu-system-x86_64 qemu-system-x86
ensure_system_tool qemu-img qemu-utils
# The Harvester's generated configuration is checked by Prometheus's own promtool.
ensure_system_tool promtool prometheus

say "versions: uv $("$BIN/uv" --version | awk '{print $2}'), quadlet $("$BIN/quadlet" -version | head -n1)$(
  command -v systemd-analyze >/dev/null && printf ', systemd %s' "$(systemd-analyze --version | head -n1 | awk '{print $2}')")$(
  command -v buildah >/dev/null && printf ', buildah %s' "$(buildah --version | awk '{print $3}')")$(
  [ -x "$BIN/nix" ] && printf ', nix %s' "$("$BIN/nix" --version | awk '{print $NF}')")"
