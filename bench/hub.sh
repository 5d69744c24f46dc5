#!/usr/bin/env bash
# Benchmark: terminals through a real JupyterHub. As a student logged in
# through the hub's proxy (scripts/hub-lib.sh: PAM, LocalProcessSpawner, the
# server started as Chameleon's image starts it), the click on node1's card
# to its `cc@node1:~$` prompt against `ssh` typed by hand into a hub
# terminal, up to the same prompt: part a of bench/terminals.mjs, medians of
# BENCH_TERMINAL_ROUNDS (default 9) rounds of each, interleaved, in one run.
# Both sides go through the same proxy and the same shells (which start an
# ssh-agent and add the hub key, as the image's bashrc does).
#
# Root only (Unix users, PAM, the SSH testbed). Holds the heavy-test and
# testbed locks for its whole run; removes the users, the hub and the testbed
# at the end. JLT_HUB_WHEEL, JLT_HUB_JUPYTERLAB, JLT_HUB_CACHE as for
# scripts/hub-test.sh.
#
# Usage: bash bench/hub.sh
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
TITLE="hub: click-to-prompt through JupyterHub"

if [[ "$(id -u)" != 0 ]]; then
  echo "== $TITLE =="
  echo "skipped: the hub's Unix users, PAM and the SSH testbed need root"
  echo "SUMMARY hub click-to-prompt: skipped (needs root)"
  exit 0
fi
if [[ -z "${JLT_HUB_LOCKED:-}" ]]; then
  exec env JLT_HUB_LOCKED=1 flock -w 1800 -o /tmp/jlt-heavy.lock \
    flock -w 1800 -o /tmp/jupyterlab-testbed.lock bash "$0" "$@"
fi

cd "$REPO_DIR"
# shellcheck disable=SC1091
source .venv/bin/activate
# shellcheck source=../scripts/hub-lib.sh
source scripts/hub-lib.sh
HUB_RUN=$(mktemp -d /tmp/jlt-hub-bench-XXXXXX)
chmod 0755 "$HUB_RUN"
TESTBED=$REPO_DIR/testbed/testbed.sh
STUDENT=${HUB_USERS[0]}

finish() {
  hub_teardown
  bash "$TESTBED" down >/dev/null || echo "$TITLE: testbed.sh down failed" >&2
}
trap finish EXIT
trap 'exit 130' INT TERM

wheel=$(hub_wheel)
hub_install "$wheel"
# The page is driven with the ui-tests' Playwright (bench/lib.mjs).
(cd ui-tests && { [ -d node_modules/playwright ] || jlpm install >/dev/null; })
bash "$TESTBED" up >/dev/null
# Nothing may connect unless the lab's addresses stay on this machine.
bash "$TESTBED" check-routes
hub_users_up
# The student's floating IP, as typed once in the sidebar: kept in the work
# folder, where the server extension finds it at the first start.
work=$(hub_work_dir "$STUDENT")
install -d -m 0700 -o "$STUDENT" -g "$STUDENT" "$work/.jupyterlab-testbed" "$work/.jupyterlab-testbed/settings"
printf '{ "values": { "floatingIp": "10.199.0.2" } }\n' \
  >"$work/.jupyterlab-testbed/settings/placeholders.jupyterlab-settings"
chown "$STUDENT:$STUDENT" "$work/.jupyterlab-testbed/settings/placeholders.jupyterlab-settings"
hub_start
hub_first_start "$TESTBED"

echo
echo "== $TITLE =="
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 900 node "$BENCH_DIR/terminals.mjs" \
  --hub "$HUB_URL" --user "$STUDENT" \
  --password-file "$HUB_RUN/secrets/$STUDENT" --token-file "$HUB_RUN/secrets/api-token" \
  --key "$work/.ssh/id_rsa" --rounds "${BENCH_TERMINAL_ROUNDS:-9}" \
  --lab 2_docker_kubernetes.ipynb --parts a \
  2> >(grep -v 'unexpected operator' >&2) |
  sed 's/^SUMMARY click-to-prompt:/SUMMARY hub click-to-prompt:/'
