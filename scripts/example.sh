#!/usr/bin/env bash
# The main job on the shipped example, through Nx: validate the Codex, render every Quadlet and
# bind the generation into a demo Binding Site, synthesize the Synthesis Manifest, render flake.nix
# and build the image.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-tools.sh
# A demo Binding Site inside the workspace, so the example never touches your real
# ~/.config/containers/systemd; set LYCHD_BINDING_SITE yourself to bind elsewhere.
export LYCHD_BINDING_SITE="${LYCHD_BINDING_SITE:-$PWD/tmp/binding-site/containers/systemd}"
export NX_TUI=false
npx nx run-many -t validate bind synthesize flake --output-style=static
# The image, from the committed Synthesis Manifest: the base (mmdebstrap, cached), the rendered
# forge/Containerfile and the buildah build (minutes the first time, seconds when cached).
npx nx run forge:image --output-style=static
echo
echo "Quadlets rendered in quadlets/generation/ and bound into $LYCHD_BINDING_SITE/lychd"
echo "Synthesis Manifest: forge/synthesis.lock.json; the Sovereign path's flake: flake.nix"
echo "Image: dist/forge/image/oci (ref lychd), summary dist/forge/image/image.json"
