#!/usr/bin/env bash
# Set up (if needed) and run every test: style checks, pytest for the server
# extension, jest unit tests, then the Galata UI
# tests against real JupyterLab servers (root and JupyterHub-style base URL)
# in Debian's Chromium. Ends with one summary line per runner.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test: installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test: the UI tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
bash scripts/setup.sh || exit 1
# shellcheck disable=SC1091
source .venv/bin/activate

status=0
lint=ok
jlpm lint:check || { status=1; lint=failed; }
pytest_log=$(mktemp)
python -m pytest -q 2>&1 | tee "$pytest_log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
jest_log=$(mktemp)
jlpm jest 2>&1 | tee "$jest_log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

ui_log=$(mktemp)
(
  cd ui-tests &&
    jlpm install >/dev/null &&
    jlpm playwright test
) 2>&1 | tee "$ui_log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

# The released artifacts, built once (this replaces the development build:
# the UI tests above are done with it), then installed the ways students
# meet them on JupyterLab 4.4.1 and the newest 4.x (docs/install.md).
release_log=$(mktemp)
wheel=
if bash scripts/build-release.sh 2>&1 | tee "$release_log"; then
  wheel=$(ls "$PWD"/dist/jupyterlab_testbed-*.whl)
  RELEASE_WHEEL=$wheel bash scripts/release-smoke.sh 2>&1 | tee -a "$release_log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
else
  status=1
  echo "release-smoke: 0 passed, 1 failed" | tee -a "$release_log"
fi

# The two-user JupyterHub test (docs/hub-test.md): root only, skips otherwise.
# It takes /tmp/jlt-heavy.lock itself; a caller already holding it sets
# JLT_HUB_LOCKED=1.
hub_log=$(mktemp)
JLT_HUB_WHEEL=$wheel bash scripts/hub-test.sh 2>&1 | tee "$hub_log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

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
rm -f "$pytest_log" "$jest_log" "$ui_log" "$release_log" "$hub_log"
exit $status
