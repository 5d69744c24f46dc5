#!/usr/bin/env bash
# The two-user JupyterHub test (docs/hub-test.md): a real JupyterHub with
# PAM logins and LocalProcessSpawner, two Unix users made for the test, each
# server started as Chameleon's image starts it, driven through the hub's
# proxy in Debian's Chromium against the SSH testbed. Root only; ends with
# one line `hub: N passed, M failed`.
#
#   JLT_HUB_WHEEL=path.whl   test this wheel (default: build one)
#   JLT_HUB_JUPYTERLAB=4.6.6 the users' JupyterLab (default: 4.4.1, Chameleon's)
#   JLT_HUB_CACHE=dir        where the hub's software is kept (/opt/jlt-hub)
set -uo pipefail
cd "$(dirname "$0")/.."
REPO_DIR=$PWD

if [ "$(id -u)" != 0 ]; then
  echo "hub: skipped: needs root (it creates Unix users, checks PAM passwords, and the SSH testbed needs network namespaces)"
  exit 0
fi
# One heavy test at a time on this machine, and the testbed to ourselves; the
# servers and sshd started below must not hold the locks (-o).
if [ -z "${JLT_HUB_LOCKED:-}" ]; then
  exec env JLT_HUB_LOCKED=1 flock -w 1800 -o /tmp/jlt-heavy.lock \
    flock -w 1800 -o /tmp/jupyterlab-testbed.lock bash "$0" "$@"
fi

# shellcheck disable=SC1091
source .venv/bin/activate
# shellcheck source=scripts/hub-lib.sh
source scripts/hub-lib.sh
HUB_RUN=$(mktemp -d /tmp/jlt-hub-XXXXXX)
chmod 0755 "$HUB_RUN"
TESTBED=$REPO_DIR/testbed/testbed.sh
started=$SECONDS

# The hub's log (with the users' servers' output) and the run's own logs
# outlive the run (CI artifacts); hub_teardown removes HUB_RUN.
LOGS=$REPO_DIR/ci-logs/hub
mkdir -p "$LOGS"
finish() {
  hub_stop
  cp "$HUB_RUN"/hub/hub.log "$HUB_RUN"/*.log "$LOGS/" 2>/dev/null
  hub_teardown
  bash "$TESTBED" down >/dev/null || echo "hub: testbed.sh down failed" >&2
}
trap finish EXIT
trap 'exit 130' INT TERM

summary() {
  echo "hub: $1 passed, $2 failed"
  exit "$3"
}
fail() {
  echo "hub: $*" >&2
  if [ -s "$HUB_RUN/hub/hub.log" ]; then
    echo "hub: the hub's log ends with:" >&2
    tail -n 30 "$HUB_RUN/hub/hub.log" >&2
  fi
  summary 0 1 1
}

wheel=$(hub_wheel) || fail "no wheel to test"
hub_install "$wheel" || fail "installing the hub's software failed"
(cd ui-tests && { [ -d node_modules/@playwright/test ] || jlpm install >/dev/null; }) ||
  fail "installing the ui-tests' Playwright failed"

bash "$TESTBED" up >/dev/null || fail "testbed.sh up failed"
bash "$TESTBED" check-routes || fail "the testbed's addresses could leave this machine"
hub_users_up || fail "creating the test users failed"
hub_start || fail "the hub did not start"

hub_first_start "$TESTBED" || fail "the users' servers did not start"
hub_say "set up in $((SECONDS - started)) s"

log=$HUB_RUN/playwright.log
(
  cd ui-tests &&
    JLT_HUB_URL=$HUB_URL JLT_HUB_RUN=$HUB_RUN JLT_HUB_PROJECT=$HUB_PROJECT \
      timeout 600 npx playwright test -c playwright.hub.config.js
) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { grep -oE "[0-9]+ $1" "$log" | tail -n 1 | grep -oE '^[0-9]+' || echo 0; }
passed=$(count passed)
failed=$(count failed)
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then
  failed=1
fi
hub_say "took $((SECONDS - started)) s"
summary "$passed" "$failed" "$([ "$failed" = 0 ] && echo 0 || echo 1)"
