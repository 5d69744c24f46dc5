#!/usr/bin/env bash
# Set up (if needed) and open JupyterLab with the extension on the sample lab.
#
#   bash scripts/lab.sh [--demo] [jupyter lab options...]
#
# --demo (root only) first builds three SSH test nodes on this machine
# (testbed/testbed.sh) and points the lab at them: node1's floating IP and
# the key are preset, so the Terminals cards connect at once. The nodes are
# taken down when JupyterLab stops.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=
if [ "${1:-}" = --demo ]; then
  demo=1
  shift
  if [ "$(id -u)" != 0 ]; then
    echo "lab: --demo needs root: it builds the test nodes in network namespaces" >&2
    exit 1
  fi
fi

bash scripts/setup.sh
# shellcheck disable=SC1091
source .venv/bin/activate
args=(--ServerApp.root_dir=notebooks)
# Root is common in containers and throw-away VMs.
[ "$(id -u)" = 0 ] && args+=(--allow-root)

if [ -z "$demo" ]; then
  exec jupyter lab "${args[@]}" "$@"
fi

state=${TESTBED_STATE_DIR:-${TMPDIR:-/tmp}/jupyterlab-testbed-ssh}
bash testbed/testbed.sh up
trap 'bash testbed/testbed.sh down' EXIT
# The demo's own settings and ssh state, so a student's are left alone.
settings=$state/demo-settings/jupyterlab-testbed
mkdir -p "$settings"
if [ ! -e "$settings/placeholders.jupyterlab-settings" ]; then
  printf '{ "values": { "floatingIp": "10.199.0.2" } }\n' \
    >"$settings/placeholders.jupyterlab-settings"
fi
if [ ! -e "$settings/terminals.jupyterlab-settings" ]; then
  printf '{ "keyFile": "%s" }\n' "$state/id_ed25519" \
    >"$settings/terminals.jupyterlab-settings"
fi
echo "lab: demo nodes are up: open the Testbed sidebar ▸ Terminals and click node1, node2 or node3"
jupyter lab "${args[@]}" \
  --LabApp.user_settings_dir="$state/demo-settings" \
  --TestbedSSH.state_dir="$state/demo-ssh" "$@"
