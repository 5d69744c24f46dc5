#!/usr/bin/env bash
# Set up (if needed) and run every test: style checks, pytest for the server
# extension, jest unit tests, then the Galata UI
# tests against real JupyterLab servers (root and JupyterHub-style base URL)
# in Debian's Chromium. Ends with one summary line per runner.
#
# The console shows each runner's progress (a line per test; jest a line per
# suite) and, when a runner fails, which log to read and how it ends. The full
# outputs and the servers' logs go to ci-logs/ (kept by .ci/run as the run's
# artifacts): setup.log, lint.log, pytest.log, jest.log, galata.log and
# galata-server-*.log, build-release.log, release-smoke.log,
# release-server-*.log and release-smoke/, hub.log and hub/, and testbed/
# (the SSH nodes' sshd logs).
set -uo pipefail
cd "$(dirname "$0")/.."

LOGS=$PWD/ci-logs
rm -rf "$LOGS"
mkdir -p "$LOGS"
export TESTBED_LOG_DIR=$LOGS/testbed
# A runner failed: the log to read, and how it ends. The lines are shown
# without colours and with other control characters as "?": a test's output
# (the adversarial notebooks hold ESC, OSC and C1 controls) must not drive
# the reader's terminal.
show_log() { # runner log [lines]
  echo "$1: FAILED: read ${2#"$PWD"/}; it ends with:"
  tail -n "${3:-20}" "$2" |
    LC_ALL=C sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g; s/[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]/?/g; s/^/  | /'
}

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test: installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test: the UI tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
echo "test: setting up (ci-logs/setup.log)"
if ! bash scripts/setup.sh >"$LOGS/setup.log" 2>&1; then
  show_log setup "$LOGS/setup.log"
  exit 1
fi
# shellcheck disable=SC1091
source .venv/bin/activate

status=0
lint=ok
echo "== lint (ci-logs/lint.log)"
if ! jlpm lint:check >"$LOGS/lint.log" 2>&1; then
  status=1
  lint=failed
  show_log lint "$LOGS/lint.log"
fi

# A line per test; the tracebacks and captured server logs stay in the log.
echo "== pytest (ci-logs/pytest.log)"
pytest_log=$LOGS/pytest.log
python -m pytest -v 2>&1 | tee "$pytest_log" |
  awk '/^=+ (FAILURES|ERRORS) =+$/ { skip = 1 } /^=+ short test summary info =+$/ { skip = 0 } !skip { print; fflush() }'
if [ "${PIPESTATUS[0]}" != 0 ]; then
  status=1
  show_log pytest "$pytest_log"
fi

# A line per suite and each failing test's name; the details stay in the log.
echo "== jest (ci-logs/jest.log)"
jest_log=$LOGS/jest.log
jlpm jest 2>&1 | tee "$jest_log" | grep --line-buffered -E '^(PASS|FAIL) |^  ● |^(Tests|Test Suites):'
if [ "${PIPESTATUS[0]}" != 0 ]; then
  status=1
  show_log jest "$jest_log" 40
fi

echo "== galata (ci-logs/galata.log; the servers: ci-logs/galata-server-*.log)"
ui_log=$LOGS/galata.log
(
  cd ui-tests &&
    jlpm install >"$LOGS/ui-tests-install.log" &&
    jlpm playwright test
) 2>&1 | tee "$ui_log"
if [ "${PIPESTATUS[0]}" != 0 ]; then
  status=1
  show_log galata "$ui_log" 30
  for server_log in "$LOGS"/galata-server-*.log; do
    [ ! -s "$server_log" ] || show_log "galata's server" "$server_log" 10
  done
  echo "galata: the failed tests' traces: ui-tests/test-results/ (npx playwright show-trace)"
fi

# The released artifacts, built once (this replaces the development build:
# the UI tests above are done with it), then installed the ways students
# meet them on JupyterLab 4.4.1 and the newest 4.x (docs/install.md).
echo "== release (ci-logs/build-release.log, ci-logs/release-smoke.log and release-smoke/)"
release_log=$LOGS/release-smoke.log
wheel=
if bash scripts/build-release.sh >"$LOGS/build-release.log" 2>&1; then
  wheel=$(ls "$PWD"/dist/jupyterlab_testbed-*.whl)
  RELEASE_WHEEL=$wheel RELEASE_SMOKE_RESULTS=$LOGS/release-smoke/test-results \
    bash scripts/release-smoke.sh 2>&1 | tee "$release_log"
  if [ "${PIPESTATUS[0]}" != 0 ]; then
    status=1
    show_log release-smoke "$release_log" 30
  fi
else
  status=1
  show_log build-release "$LOGS/build-release.log"
  echo "release-smoke: 0 passed, 1 failed" | tee "$release_log"
fi

# The two-user JupyterHub test (docs/hub-test.md): root only, skips otherwise.
# It takes /tmp/jlt-heavy.lock itself; a caller already holding it sets
# JLT_HUB_LOCKED=1.
echo "== hub (ci-logs/hub.log; the hub's and its users' servers' log: ci-logs/hub/hub.log)"
hub_log=$LOGS/hub.log
JLT_HUB_WHEEL=$wheel bash scripts/hub-test.sh 2>&1 | tee "$hub_log"
if [ "${PIPESTATUS[0]}" != 0 ]; then
  status=1
  show_log hub "$hub_log" 30
  [ ! -s "$LOGS/hub/hub.log" ] || show_log "the hub's server" "$LOGS/hub/hub.log" 15
fi

count() { grep -oE "[0-9]+ $2" "$1" | tail -n 1 | grep -oE '^[0-9]+' || echo 0; }
jest_summary=$(grep -E '^Tests:' "$jest_log" | tail -n 1)
# A suite that fails to compile adds no test to "Tests:", only to "Test Suites:".
# "Test Suites: N failed" also counts suites with a failing test, so count
# Jest's own "Test suite failed to run" headings instead.
# Jest's summary repeats failures, so count each suite once.
jest_broken=$(awk '/^FAIL /{f=$2} /Test suite failed to run/{print f}' "$jest_log" | sort -u | grep -c . || true)
pytest_summary=$(grep -E '^=* *[0-9]+ (passed|failed|error)' "$pytest_log" | tail -n 1)
echo
echo "lint: $lint"
echo "pytest: $(echo "$pytest_summary" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0) passed, $(echo "$pytest_summary" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0) failed"
echo "jest: $(echo "$jest_summary" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0) passed, $(echo "$jest_summary" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0) failed, $jest_broken suites failed to run"
echo "galata: $(count "$ui_log" 'passed') passed, $(count "$ui_log" 'failed') failed"
grep -E '^release-smoke: [0-9]+ passed' "$release_log" | tail -n 1
grep -E '^hub: ([0-9]+ passed|skipped)' "$hub_log" | tail -n 1
exit $status
