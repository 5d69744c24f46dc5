#!/usr/bin/env bash
# Set up (if needed) and open JupyterLab with the extension on the sample lab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
source .venv/bin/activate
args=(--ServerApp.root_dir=notebooks)
# Root is common in containers and throw-away VMs.
[ "$(id -u)" = 0 ] && args+=(--allow-root)
exec jupyter lab "${args[@]}" "$@"
