#!/usr/bin/env bash
# Checks on the SSH testbed (issue 16), each against a baseline measured in
# the same run, through the server's check endpoint as Check All calls it:
#   1. 30 checks on node2 one after the other vs the same 30 commands typed
#      by hand as `ssh -F <lab config> node2 '<cmd>'` over a live master
#      (target: ratio <= 1.2);
#   2. 30 checks across node1..node3, the `par` checks of a section three at
#      a time (as Check All runs them) vs one after the other (target <= 0.5).
#
# Root only (network namespaces); run it under the heavy lock:
#   flock /tmp/jlt-heavy.lock bash bench/checks.sh
# It starts a private Jupyter server on port 9550 in a throw-away directory,
# brings the testbed up (and down again if it was down), and removes
# everything on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${BENCH_CHECKS_PORT:-9550}
STEPS=30
WORK=$(mktemp -d /tmp/tbbench-XXXXXX)
CONTROL=$(mktemp -d /tmp/tbbc-XXXXXX)
TOKEN=bench-$$
STATE=${TESTBED_STATE_DIR:-${TMPDIR:-/tmp}/jupyterlab-testbed-ssh}
KEY=$STATE/id_ed25519
SERVER=
WAS_UP=1
bash testbed/testbed.sh status >/dev/null 2>&1 || WAS_UP=0

cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
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
  curl -sf -X PUT -H "Authorization: token $TOKEN" --data-binary @- "$BASE/ssh/config" >/dev/null

check() { # key where command
  curl -sf -X POST -H "Authorization: token $TOKEN" \
    --data "{\"key\":\"$1\",\"command\":\"$3\",\"where\":\"$2\",\"timeout\":30}" \
    "$BASE/checks/run" | grep -q '"result": {"result": "pass"}' || {
    echo "check $1 on $2 did not pass" >&2
    exit 1
  }
}
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

# Live masters for all three nodes before anything is timed.
for node in node1 node2 node3; do check warm-$node $node true; done

start=$(now)
for i in $(seq $STEPS); do check "seq-$i" node2 "test -d /tmp && echo $i"; done
checks=$(ms "$start" "$(now)")
start=$(now)
for i in $(seq $STEPS); do
  ssh -F "$WORK/state/config" -o BatchMode=yes node2 "test -d /tmp && echo $i" >/dev/null
done
by_hand=$(ms "$start" "$(now)")

start=$(now)
for i in $(seq $STEPS); do check "one-$i" "node$(((i - 1) % 3 + 1))" "test -d /tmp"; done
sequential=$(ms "$start" "$(now)")
start=$(now)
for i in $(seq 1 3 $STEPS); do
  check "par-$i" node1 "test -d /tmp" &
  check "par-$((i + 1))" node2 "test -d /tmp" &
  check "par-$((i + 2))" node3 "test -d /tmp" &
  wait
done
parallel=$(ms "$start" "$(now)")

python3 - "$checks" "$by_hand" "$parallel" "$sequential" <<'PY'
import sys
checks, by_hand, parallel, sequential = map(int, sys.argv[1:])
print(f"checks on node2: {checks} ms for 30 vs ssh by hand {by_hand} ms: ratio {checks / by_hand:.2f} (target <= 1.2)")
print(f"three nodes: parallel {parallel} ms vs sequential {sequential} ms: ratio {parallel / sequential:.2f} (target <= 0.5)")
PY
