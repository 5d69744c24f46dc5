#!/usr/bin/env bash
# Checks on the SSH testbed (issue 16), each against a baseline measured in
# the same round, through the server's check endpoint as Check All calls it
# (POST requests of the page, over kept-alive connections):
#   1. 30 checks on node2 one after the other vs the same 30 commands typed
#      by hand as `ssh -F <lab config> node2 '<cmd>'` over a live master
#      (target: ratio <= 1.2);
#   2. 30 checks across node1..node3 as one batch of `par` checks (Check All
#      sends a batch's requests at once; a browser opens at most 6
#      connections to a server) vs the same checks one after the other
#      (target <= 0.5).
# BENCH_CHECKS_ROUNDS rounds (default 5, 2 with BENCH_QUICK=1), the two sides
# of each figure in turns; prints every round's times, then the medians. A
# round that fails (a check that did not pass, a server that did not answer)
# is reported with its reason and left out; the script then exits 1, as it
# does when a figure misses its target.
#
# Root only (network namespaces). Holds the heavy-test lock for its whole
# run (as bench/tunnel.sh): `bash bench/checks.sh`, or part 17 of run.sh.
# It starts a private Jupyter server on BENCH_CHECKS_PORT (default 9550) in a
# throw-away directory, brings the testbed up (and down again if it was
# down), and removes everything on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
TITLE="checks: Check All vs ssh by hand, and three nodes in parallel"
PORT=${BENCH_CHECKS_PORT:-9550}
ROUNDS=${BENCH_CHECKS_ROUNDS:-5}
[ "${BENCH_QUICK:-0}" = 1 ] && ROUNDS=2
if [ "$(id -u)" = 0 ] && [ -z "${JLT_CHECKS_LOCKED:-}" ]; then
  exec env JLT_CHECKS_LOCKED=1 flock -w 1800 /tmp/jlt-heavy.lock bash "$0" "$@"
fi
echo "== $TITLE =="
if [ "$(id -u)" != 0 ]; then
  echo "skipped: the SSH testbed needs root"
  echo "SUMMARY checks on node2 vs ssh by hand: skipped (needs root)"
  echo "SUMMARY checks on three nodes, parallel vs sequential: skipped (needs root)"
  exit 0
fi
if [ -f .venv/bin/activate ]; then
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
WORK=$(mktemp -d /tmp/tbbench-XXXXXX)
CONTROL=$(mktemp -d /tmp/tbbc-XXXXXX)
TOKEN=bench-$$
STATE=${TESTBED_STATE_DIR:-${TMPDIR:-/tmp}/jupyterlab-testbed-ssh}
KEY=$STATE/id_ed25519
SERVER=
WAS_UP=1
bash testbed/testbed.sh status >/dev/null 2>&1 || WAS_UP=0

cleanup() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  for node in node1 node2 node3; do
    ssh -F "$WORK/state/config" -O exit "$node" >/dev/null 2>&1 || true
  done
  [ "$WAS_UP" = 1 ] || bash testbed/testbed.sh down >/dev/null 2>&1 || true
  rm -rf "$WORK" "$CONTROL"
}
trap cleanup EXIT

bash testbed/testbed.sh up >/dev/null
bash testbed/testbed.sh check-routes 10.199.0.2 >/dev/null

jupyter server --no-browser --port "$PORT" --ServerApp.ip=127.0.0.1 \
  --ServerApp.token="$TOKEN" --ServerApp.root_dir="$WORK" --allow-root \
  --TestbedSSH.state_dir="$WORK/state" --TestbedSSH.control_dir="$CONTROL" \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
BASE=http://127.0.0.1:$PORT/jupyterlab-testbed
for _ in $(seq 60); do
  curl -sf -H "Authorization: token $TOKEN" "$BASE/environment" >/dev/null && break
  sleep 0.5
done

config() {
  local n=0
  echo "# Written by jupyterlab-testbed for this lab; changes here are overwritten."
  for host in 10.199.0.2 192.168.1.12 192.168.1.13; do
    n=$((n + 1))
    printf '\nHost node%s\n  HostName %s\n  User cc\n' "$n" "$host"
    [ "$n" = 1 ] || printf '  ProxyJump node1\n'
    printf '  IdentityFile %s\n  IdentitiesOnly yes\n' "$KEY"
    printf '  StrictHostKeyChecking accept-new\n  UserKnownHostsFile %s/state/known_hosts\n' "$WORK"
    printf '  ControlMaster auto\n  ControlPath %s/%%C\n  ControlPersist 10m\n' "$CONTROL"
  done
}
python3 -c 'import json,sys; print(json.dumps({"text": sys.stdin.read()}))' <<<"$(config)" |
  curl -sf -X PUT -H "Authorization: token $TOKEN" --data-binary @- "$BASE/ssh/config" >/dev/null || {
  echo "the server did not take the lab's ssh config; its log:" >&2
  tail "$WORK/server.log" >&2
  exit 1
}

python3 - "$BASE" "$TOKEN" "$WORK/state/config" "$ROUNDS" <<'PY'
import concurrent.futures
import http.client
import json
import queue
import statistics
import subprocess
import sys
import time
import urllib.parse

BASE, TOKEN, CONFIG, ROUNDS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
STEPS = 30
# A browser's connections to one server (HTTP/1.1), which Check All's batch shares.
BROWSER_CONNECTIONS = 6
NODES = ("node1", "node2", "node3")
url = urllib.parse.urlsplit(BASE)


class Page:
    """One kept-alive connection to the server, as a page's fetch uses."""

    def __init__(self):
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def check(self, key, where, command):
        body = json.dumps({"key": key, "command": command, "where": where, "timeout": 30})
        headers = {"Authorization": f"token {TOKEN}", "Content-Type": "application/json"}
        self.connection.request("POST", f"{url.path}/checks/run", body, headers)
        response = self.connection.getresponse()
        reply = response.read()
        if response.status != 200:
            raise RuntimeError(f"check {key} on {where}: HTTP {response.status} {reply[:200]!r}")
        result = json.loads(reply)["result"]
        if result != {"result": "pass"}:
            raise RuntimeError(f"check {key} on {where} did not pass: {result}")

    def close(self):
        self.connection.close()


def timed(work):
    started = time.monotonic()
    work()
    return (time.monotonic() - started) * 1000


def by_hand(commands):
    for where, command in commands:
        done = subprocess.run(
            ["ssh", "-F", CONFIG, "-o", "BatchMode=yes", where, command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=60,
        )
        if done.returncode:
            raise RuntimeError(f"ssh {where} '{command}': exit {done.returncode} {done.stderr[-200:]!r}")


def sequential(page, prefix, commands):
    for i, (where, command) in enumerate(commands):
        page.check(f"{prefix}-{i}", where, command)


def batch(pages, prefix, commands):
    """Every request at once; each of the pages' connections takes the next waiting one."""
    waiting = queue.SimpleQueue()
    for i, (where, command) in enumerate(commands):
        waiting.put((i, where, command))

    def serve(page):
        while True:
            try:
                i, where, command = waiting.get_nowait()
            except queue.Empty:
                return
            page.check(f"{prefix}-{i}", where, command)

    with concurrent.futures.ThreadPoolExecutor(len(pages)) as pool:
        for done in [pool.submit(serve, page) for page in pages]:
            done.result()


def master_up(node):
    asked = subprocess.run(["ssh", "-F", CONFIG, "-O", "check", node], capture_output=True)
    return asked.returncode == 0


node2 = [("node2", f"test -d /tmp && echo {i}") for i in range(STEPS)]
spread = [(NODES[i % 3], f"test -d /tmp && echo {i}") for i in range(STEPS)]
pages = [Page() for _ in range(BROWSER_CONNECTIONS)]
rows, failed = [], []
try:
    # Live masters for all three nodes before anything is timed, started by checks.
    sequential(pages[0], "warm", [(node, "true") for node in NODES])
    down = [node for node in NODES if not master_up(node)]
    if down:
        print(f"no live master after the first checks for: {', '.join(down)}")
    for round_ in range(1, ROUNDS + 1):
        row = {}
        sides = [
            ("checks", lambda: sequential(pages[0], f"r{round_}-node2", node2)),
            ("by_hand", lambda: by_hand(node2)),
        ]
        spreads = [
            ("sequential", lambda: sequential(pages[0], f"r{round_}-one", spread)),
            ("parallel", lambda: batch(pages, f"r{round_}-par", spread)),
        ]
        # The sides in turns, so that neither is always first after the other's work.
        if round_ % 2 == 0:
            sides.reverse()
            spreads.reverse()
        try:
            for name, work in sides + spreads:
                row[name] = timed(work)
        except Exception as error:  # noqa: BLE001 - any failure is the round's, reported
            failed.append(f"round {round_}: FAILED ({error})")
            print(failed[-1])
            # A connection left mid-request cannot serve the next round.
            for page in pages:
                page.close()
            pages = [Page() for _ in range(BROWSER_CONNECTIONS)]
            continue
        rows.append(row)
        print(
            f"round {round_}: node2 checks {row['checks']:.0f} ms, ssh by hand {row['by_hand']:.0f} ms"
            f" (ratio {row['checks'] / row['by_hand']:.2f}); three nodes parallel"
            f" {row['parallel']:.0f} ms, sequential {row['sequential']:.0f} ms"
            f" (ratio {row['parallel'] / row['sequential']:.2f})"
        )
    down = [node for node in NODES if not master_up(node)]
    if down:
        print(f"no live master after the rounds for: {', '.join(down)}")
finally:
    for page in pages:
        page.close()

if not rows:
    print("SUMMARY checks on node2 vs ssh by hand: FAILED (no round finished)")
    print("SUMMARY checks on three nodes, parallel vs sequential: FAILED (no round finished)")
    sys.exit(1)
of = f"medians of {len(rows)} of {ROUNDS} rounds"
if failed:
    of += "; " + "; ".join(failed)


def median(name):
    return statistics.median(row[name] for row in rows)


missed = False
for title, mine, theirs, target in (
    ("checks on node2 vs ssh by hand", "checks", "by_hand", 1.2),
    ("checks on three nodes, parallel vs sequential", "parallel", "sequential", 0.5),
):
    ratio = median(mine) / median(theirs)
    missed |= ratio > target
    print(
        f"SUMMARY {title}: {ratio:.2f} ({median(mine):.0f} ms vs {median(theirs):.0f} ms,"
        f" {of}) (target <= {target})"
    )
sys.exit(1 if missed or failed else 0)
PY
