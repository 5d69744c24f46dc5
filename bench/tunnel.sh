#!/usr/bin/env bash
# Benchmark: the 1 MB page of node2 (testbed/webservers.py) loaded through
# Open in browser's path (the server's forward over the lab's ssh config,
# served by jupyter-server-proxy at <base_url>proxy/<port>/) against `curl`
# over an `ssh -L` made by hand with the same config. Both forwards are
# open before timing; BENCH_TUNNEL_ROUNDS (default 25) rounds, interleaved,
# curl on both sides; prints the medians and their ratio (target <= 1.5).
#
# Root only (the SSH testbed). Holds the heavy-test lock for its whole run;
# brings the testbed up and leaves it as it found it. Standalone: it starts
# its own Jupyter server on BENCH_TUNNEL_PORT (default 9310).
#
# Usage: bash bench/tunnel.sh
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
TITLE="tunnel: 1 MB from node2 through the proxy vs ssh -L by hand"
ROUNDS=${BENCH_TUNNEL_ROUNDS:-25}
PORT=${BENCH_TUNNEL_PORT:-9310}
TOKEN=bench-tunnel

if [[ "$(id -u)" != 0 ]]; then
  echo "== $TITLE =="
  echo "skipped: the SSH testbed needs root"
  echo "SUMMARY tunnel ratio: skipped (needs root)"
  exit 0
fi
if [[ -z "${JLT_TUNNEL_LOCKED:-}" ]]; then
  exec env JLT_TUNNEL_LOCKED=1 flock -w 1800 /tmp/jlt-heavy.lock bash "$0" "$@"
fi

cd "$REPO_DIR"
# shellcheck disable=SC1091
source .venv/bin/activate
work=$(mktemp -d /tmp/jlt-tunnel-bench-XXXXXX)
control=$(mktemp -d /tmp/tbb-XXXXXX)
server_pid='' hand_pid='' was_up=0
if bash testbed/testbed.sh status >/dev/null 2>&1; then
  was_up=1
fi
cleanup() {
  [ -z "$hand_pid" ] || kill "$hand_pid" 2>/dev/null || true
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  for socket in "$control"/*; do
    [ -S "$socket" ] && ssh -S "$socket" -O exit x >/dev/null 2>&1 || true
  done
  rm -rf "$work" "$control"
  if [ "$was_up" = 0 ]; then
    bash testbed/testbed.sh down >/dev/null
  fi
}
trap cleanup EXIT

echo "== $TITLE =="
bash testbed/testbed.sh up >/dev/null
bash testbed/testbed.sh check-routes
state=${TESTBED_STATE_DIR:-${TMPDIR:-/tmp}/jupyterlab-testbed-ssh}
install -m 0600 "$state/id_ed25519" "$work/key"
mkdir -m 0700 "$work/ssh"

python -m jupyter_server --port="$PORT" --ip=127.0.0.1 --no-browser --allow-root \
  --IdentityProvider.token="$TOKEN" --ServerApp.root_dir="$work" \
  --TestbedSSH.state_dir="$work/ssh" --TestbedSSH.control_dir="$control" \
  --TestbedTunnels.idle_timeout=600 >"$work/server.log" 2>&1 &
server_pid=$!
api() { # method path [json]
  curl -sf -X "$1" -H "Authorization: token $TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "http://127.0.0.1:$PORT/$2"
}
for _ in $(seq 120); do
  api GET api/status >/dev/null 2>&1 && break
  sleep 0.5
done
api GET api/status >/dev/null || {
  tail "$work/server.log" >&2
  exit 1
}

# The lab's config as the front end writes it: node1 at the floating IP, node2 behind it.
block() { # alias hostname [jump]
  printf 'Host %s\n  HostName %s\n' "$1" "$2"
  [ -z "${3:-}" ] || printf '  ProxyJump %s\n' "$3"
  printf '  User cc\n  IdentityFile %s\n  IdentitiesOnly yes\n' "$work/key"
  printf '  StrictHostKeyChecking accept-new\n  UserKnownHostsFile %s\n' "$work/ssh/known_hosts"
  printf '  ControlMaster auto\n  ControlPath %s/%%C\n  ControlPersist 10m\n\n' "$control"
}
config=$({ block node1 10.199.0.2 && block node2 192.168.1.12 node1; })
api PUT jupyterlab-testbed/ssh/config "$(python -c 'import json,sys; print(json.dumps({"text": sys.argv[1]}))' "$config")" >/dev/null

opened=$(api POST jupyterlab-testbed/tunnels '{"node":"node2","host":"127.0.0.1","port":8080}')
proxy_url="http://127.0.0.1:$PORT$(python -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$opened")big.html"
hand_port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ssh -F "$work/ssh/config" -N -o BatchMode=yes -o ExitOnForwardFailure=yes \
  -L "127.0.0.1:$hand_port:127.0.0.1:8080" node2 &
hand_pid=$!
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$hand_port/" && break
  sleep 0.1
done
hand_url="http://127.0.0.1:$hand_port/big.html"

fetch() { # url -> seconds; fails unless the whole 1 MB arrived
  local out
  out=$(curl -sf -H "Authorization: token $TOKEN" -o /dev/null -w '%{size_download} %{time_total}' "$1")
  [ "${out% *}" = 1048576 ] || {
    echo "bench: $1 gave ${out% *} bytes" >&2
    return 1
  }
  echo "${out#* }"
}
fetch "$proxy_url" >/dev/null
fetch "$hand_url" >/dev/null
proxy_times=() hand_times=()
for round in $(seq "$ROUNDS"); do
  if ((round % 2)); then
    proxy_times+=("$(fetch "$proxy_url")")
    hand_times+=("$(fetch "$hand_url")")
  else
    hand_times+=("$(fetch "$hand_url")")
    proxy_times+=("$(fetch "$proxy_url")")
  fi
done
python - "${proxy_times[*]}" "${hand_times[*]}" <<'PY'
import statistics, sys
proxy = [float(t) * 1000 for t in sys.argv[1].split()]
hand = [float(t) * 1000 for t in sys.argv[2].split()]
ratio = statistics.median(proxy) / statistics.median(hand)
print("rounds:", len(proxy))
print("proxy ms:", " ".join(f"{t:.1f}" for t in proxy))
print("ssh -L ms:", " ".join(f"{t:.1f}" for t in hand))
print(f"median proxy {statistics.median(proxy):.1f} ms, ssh -L {statistics.median(hand):.1f} ms")
print(f"SUMMARY tunnel ratio: {ratio:.2f} (target <= 1.5)")
sys.exit(0 if ratio <= 1.5 else 1)
PY
