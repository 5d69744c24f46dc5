#!/usr/bin/env bash
# The jupyterlab-testbed benchmarks, each against a baseline measured in the
# same run:
#   1. run-all of a 500-cell bash notebook, extension enabled vs disabled;
#   2. sidebar update per execution record on a 2,000-cell notebook;
#   3. metadata bytes per executed cell in the saved notebook;
#   4. placeholders: filling a 2,000-cell notebook vs bare setSource, and
#      the refill after a value changes in the sidebar form.
#
# It starts two private JupyterLab servers, identical but for a page config
# that disables the extension on one, in throw-away directories, and removes
# everything on exit. Nothing outside the temporary directory is written.
#
# Usage: bash bench/run.sh
#   BENCH_RUNS=5          run-alls per side (default 3; the median is reported)
#   BENCH_KERNEL=stock    use the installed bash_kernel as is (about 1 minute
#                         per run-all; see fast_bash_kernel.py)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
RUNS="${BENCH_RUNS:-3}"
KERNEL="${BENCH_KERNEL:-fast}"

if [[ -f "$REPO_DIR/.venv/bin/activate" ]]; then
  # shellcheck disable=SC1091
  source "$REPO_DIR/.venv/bin/activate"
fi

WORK="$(mktemp -d -t jupyterlab-testbed-bench.XXXXXX)"
SERVER_PIDS=()

cleanup() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    # Each server leads its own process group (setsid), with its kernels in it.
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${SERVER_PIDS[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The first port from $1 up that nothing listens on.
free_port() {
  python - "$1" <<'EOF'
import socket, sys
port = int(sys.argv[1])
while True:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            port += 1
            continue
    print(port)
    break
EOF
}

# Kernel "bash" for both servers, from a private JUPYTER_PATH.
if [[ "$KERNEL" == "fast" ]]; then
  mkdir -p "$WORK/share/kernels/bash"
  python - "$WORK/share/kernels/bash/kernel.json" "$BENCH_DIR/fast_bash_kernel.py" <<'EOF'
import json, sys
spec = {
    "argv": [sys.executable, sys.argv[2], "-f", "{connection_file}"],
    "display_name": "Bash",
    "language": "bash",
    "codemirror_mode": "shell",
    "env": {"PS1": "$"},
}
with open(sys.argv[1], "w") as out:
    json.dump(spec, out)
EOF
  export JUPYTER_PATH="$WORK/share"
fi

# start_server NAME PORT: a server whose config, data (the notebook trust
# database), settings, workspaces and runtime files all live under
# $WORK/NAME, so the two sides share nothing
# and the user's own JupyterLab configuration plays no part.
start_server() {
  local name="$1" port="$2" dir="$WORK/$1"
  mkdir -p "$dir/config/labconfig" "$dir/workspaces" "$dir/runtime" \
    "$dir/settings/@jupyterlab/docmanager-extension"
  # An autosave landing inside a timed run-all would slow one side only;
  # the benchmark saves when it measures bytes.
  echo '{"autosave": false}' >"$dir/settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
  mkdir -p "$dir/settings/jupyterlab-testbed"
  echo '{"values": {"netID": "ff524", "project": "CHI-231095", "floatingIp": "129.114.25.134", "sharednetIp": "10.56.2.117"}}' \
    >"$dir/settings/jupyterlab-testbed/placeholders.jupyterlab-settings"
  JUPYTER_CONFIG_DIR="$dir/config" \
    JUPYTERLAB_SETTINGS_DIR="$dir/settings" \
    JUPYTERLAB_WORKSPACES_DIR="$dir/workspaces" \
    JUPYTER_RUNTIME_DIR="$dir/runtime" \
    JUPYTER_DATA_DIR="$dir/data" \
    setsid jupyter lab --no-browser --allow-root \
    --ServerApp.ip=127.0.0.1 --ServerApp.port="$port" --ServerApp.port_retries=0 \
    --ServerApp.root_dir="$dir/root" \
    --IdentityProvider.token= --ServerApp.password= \
    --LabApp.expose_app_in_browser=True \
    >"$dir/server.log" 2>&1 &
  SERVER_PIDS+=("$!")
}

wait_for_server() {
  local name="$1" port="$2" pid="$3"
  for _ in $(seq 180); do
    if curl -sf "http://127.0.0.1:$port/api/status" >/dev/null; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
  echo "the $name server did not start on port $port; its log:" >&2
  tail -n 30 "$WORK/$name/server.log" >&2
  return 1
}

for side in enabled disabled; do
  mkdir -p "$WORK/$side/root"
  python "$BENCH_DIR/make_notebook.py" 500 "$WORK/$side/root/run-all-500.ipynb"
done
python "$BENCH_DIR/make_notebook.py" 2000 "$WORK/enabled/root/sidebar-2000.ipynb"
python "$BENCH_DIR/make_notebook.py" 2000 "$WORK/enabled/root/fill-2000.ipynb"
cp "$REPO_DIR/notebooks/1_provision_cli.ipynb" "$WORK/enabled/root/"
# The supported way to disable a prebuilt extension, as
# `jupyter labextension disable` would write it, but in this server's own
# config directory only.
mkdir -p "$WORK/disabled/config/labconfig"
echo '{"disabledExtensions": {"jupyterlab-testbed": true}}' \
  >"$WORK/disabled/config/labconfig/page_config.json"

ENABLED_PORT="$(free_port 8941)"
DISABLED_PORT="$(free_port $((ENABLED_PORT + 1)))"
start_server enabled "$ENABLED_PORT"
start_server disabled "$DISABLED_PORT"
wait_for_server enabled "$ENABLED_PORT" "${SERVER_PIDS[0]}"
wait_for_server disabled "$DISABLED_PORT" "${SERVER_PIDS[1]}"

echo "servers: enabled on $ENABLED_PORT, disabled on $DISABLED_PORT; kernel: $KERNEL bash_kernel;" \
  "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

RESULTS="$WORK/results.log"
FAILED=0
# run_bench TITLE SECONDS SCRIPT ARGS...: output shown and kept for the
# summary; the Debian Chromium launcher's harmless shell warning is dropped.
run_bench() {
  local title="$1" seconds="$2" script="$3"
  shift 3
  echo
  echo "== $title =="
  if ! timeout "$seconds" node "$BENCH_DIR/$script" "$@" \
    2> >(grep -v 'unexpected operator' >&2) | tee -a "$RESULTS"; then
    echo "$title: FAILED (exit status above)" >&2
    FAILED=1
  fi
}

run_bench "1 + 3. run-all overhead and metadata bytes" 600 run-all.mjs \
  --enabled-port "$ENABLED_PORT" --enabled-root "$WORK/enabled/root" \
  --disabled-port "$DISABLED_PORT" --disabled-root "$WORK/disabled/root" \
  --notebook run-all-500.ipynb --runs "$RUNS"
run_bench "2. sidebar update per execution event" 300 sidebar-update.mjs \
  --port "$ENABLED_PORT" --notebook sidebar-2000.ipynb --events 200
run_bench "4. placeholders: fill and refill" 600 fill.mjs \
  --port "$ENABLED_PORT" --notebook fill-2000.ipynb --lab 1_provision_cli.ipynb

summary_line() {
  grep -m1 "^SUMMARY $1" "$RESULTS" | sed 's/^SUMMARY //' || echo "$1: FAILED"
}
echo
echo "== jupyterlab-testbed benchmarks =="
summary_line "run-all"
summary_line "sidebar update"
summary_line "metadata per executed cell"
summary_line "fill"
summary_line "refill"
exit "$FAILED"
