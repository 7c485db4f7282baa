#!/usr/bin/env bash
# The tools beyond npm packages, into this workspace's .tools: what `npx lychd-forge setup` does
# in any workspace (tools/setup/setup-tools.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec node tools/bin/lychd-forge.js setup "$@"
