#!/usr/bin/env bash
# The jupyterlab-testbed benchmarks, each against a baseline measured in the
# same run:
#   1. run-all of a 500-cell bash notebook, extension enabled vs disabled;
#   2. sidebar update per execution record on a 2,000-cell notebook;
#   3. metadata bytes per executed cell in the saved notebook;
#   4. placeholders: filling a 2,000-cell notebook vs bare setSource, and
#      the refill after a value changes in the sidebar form.
#   5. terminals on the SSH testbed (root only): click-to-prompt on node1 vs
#      ssh typed by hand, and node2 over node1's master vs a fresh jump.
#   6. the class overview of 300 submissions of a 60-cell lab vs fetching the
#      same files through the contents API (the I/O floor).
#   7. Prepare for Publishing of a used lab folder (15 students' hand-ins and
#      a 2,000-cell notebook) vs copying the same folder through the same
#      APIs (the I/O floor).
#   8. extension start (page load to the sidebar's tab) on JupyterLab 4.4.1
#      vs the newest 4.x, both from the released wheel: not run here, as it
#      needs the fresh venvs of the release smoke;
#      `RELEASE_SMOKE_BENCH=9 bash scripts/release-smoke.sh` runs it
#      (bench/sidebar-start.mjs).
#  11. hidden means idle: part 1's run-all with the Testbed sidebar closed
#      on the enabled side (the file browser shown on both), beside a third
#      server without the extension whose ratio to the disabled side is the
#      machine's noise floor.
#  12. opening a 2,000-cell notebook and the largest real lab notebook (when
#      the real fixtures are beside the repository), enabled vs disabled, to
#      first paint and to ready (with the sidebar listing the steps).
#  10. on demand (BENCH_PARTS=10): a CPU profile of one run-all per side,
#      self time by origin (this extension, JupyterLab, the browser).
#  13. inferring the nodes of a 2,000-cell published-style lab from its
#      text (bench/topology.mjs; p95 against 20 ms).
#  14. Open in browser: 1 MB from node2 through the server's proxy vs curl
#      over `ssh -L` by hand (bench/tunnel.sh; root only, the SSH testbed).
#  15. the exit-status shell integration: 500 blocks to bash with it vs
#      without (bench/exitstatus.mjs).
#  16. memory over a long session (10 run-alls of a 500-cell notebook, a
#      lab notebook opened and closed 50 times, 200 blocks sent to a
#      terminal), enabled vs disabled, after half and all of it; and what
#      closed notebooks leave behind (bench/memory.mjs).
#  17. checks (issue 16): Check All on node2 vs ssh by hand, and three nodes
#      in parallel vs one after the other (bench/checks.sh; root only).
#   9. the JavaScript downloaded at page load and on first use, gzipped,
#      against bench/budget.json, beside jupyterlab-execute-time and
#      jupyterlab-git (their labextensions from their published wheels),
#      and what author mode and grading download more on their first use.
#
# It starts two private JupyterLab servers, identical but for a page config
# that disables the extension on one (and, for part 11, a third without it),
# in throw-away directories, and removes everything on exit. Nothing outside
# the temporary directory is written.
#
# Usage: bash bench/run.sh
#   BENCH_QUICK=1         every part small (fewer cells, students and rounds),
#                         to check a change in under 5 minutes; its figures
#                         are not the ones to report
#   BENCH_RUNS=5          run-alls per side (default 3; the median is reported)
#   BENCH_KERNEL=stock    use the installed bash_kernel as is (about 1 minute
#                         per run-all; see fast_bash_kernel.py)
#   BENCH_TERMINAL_ROUNDS=9  counted rounds per kind in part 5 (at least 7)
#   BENCH_PARTS="4 6"     run only these parts (default: all)
#   BENCH_PUBLISH_ROUNDS=9  counted rounds in part 7 (default 7, at least 3)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
QUICK="${BENCH_QUICK:-0}"
# quick_or QUICK FULL: the size for this mode.
quick_or() { if [[ "$QUICK" == 1 ]]; then echo "$1"; else echo "$2"; fi; }
RUNS="${BENCH_RUNS:-$(quick_or 2 3)}"
RUN_CELLS="$(quick_or 100 500)"
BIG_CELLS="$(quick_or 500 2000)"
# Part 16: a tenth of the session in quick mode (10 run-alls of 50 cells).
MEMORY_CELLS="$(quick_or 50 500)"
KERNEL="${BENCH_KERNEL:-fast}"
PARTS=" ${BENCH_PARTS:-1 2 3 4 5 6 7 9 11 12 13 14 15 16 17} "
wanted() { [[ "$PARTS" == *" $1 "* ]]; }

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

# lab_server DIR PORT [ARGS...]: JupyterLab on 127.0.0.1:PORT, its config,
# settings, workspaces, runtime files and log under DIR, without a token.
# The caller puts it in the background; it becomes the server's own process
# (exec, setsid), so its pid leads a process group with the kernels in it.
lab_server() {
  local dir="$1" port="$2"
  shift 2
  JUPYTER_CONFIG_DIR="$dir/config" \
    JUPYTERLAB_WORKSPACES_DIR="$dir/workspaces" \
    JUPYTER_RUNTIME_DIR="$dir/runtime" \
    JUPYTER_DATA_DIR="$dir/data" \
    JUPYTERLAB_TESTBED_WORK_DIR="$dir/work" \
    exec setsid jupyter lab --no-browser --allow-root \
    --ServerApp.ip=127.0.0.1 --ServerApp.port="$port" --ServerApp.port_retries=0 \
    --ServerApp.root_dir="$dir/root" \
    --IdentityProvider.token= --ServerApp.password= \
    --LabApp.expose_app_in_browser=True \
    --LabApp.user_settings_dir="$dir/settings" \
    "$@" >"$dir/server.log" 2>&1
}

# start_server NAME PORT: a server whose config, data (the notebook trust
# database), settings, workspaces and runtime files all live under
# $WORK/NAME, so the two sides share nothing
# and the user's own JupyterLab configuration plays no part.
start_server() {
  local name="$1" port="$2" dir="$WORK/$1"
  mkdir -p "$dir/config/labconfig" "$dir/workspaces" "$dir/runtime" "$dir/work" \
    "$dir/settings/@jupyterlab/docmanager-extension"
  # An autosave landing inside a timed run-all would slow one side only;
  # the benchmark saves when it measures bytes.
  echo '{"autosave": false}' >"$dir/settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings"
  mkdir -p "$dir/settings/jupyterlab-testbed"
  echo '{"values": {"netID": "ff524", "project": "CHI-231095", "floatingIp": "129.114.25.134", "sharednetIp": "10.56.2.117"}}' \
    >"$dir/settings/jupyterlab-testbed/placeholders.jupyterlab-settings"
  # No nodes: the terminals must not probe that (public) floating IP.
  echo '{"preset": "custom", "nodes": []}' \
    >"$dir/settings/jupyterlab-testbed/terminals.jupyterlab-settings"
  lab_server "$dir" "$port" &
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

# Part 12 opens the largest real lab notebook, when the fixtures are there.
REAL_LARGEST="$(ls -S "$REPO_DIR/../shared/fixtures/real/"*.ipynb 2>/dev/null | head -n 1 || true)"
for side in enabled disabled; do
  mkdir -p "$WORK/$side/root"
  python "$BENCH_DIR/make_notebook.py" "$RUN_CELLS" "$WORK/$side/root/run-all-$RUN_CELLS.ipynb"
  if wanted 12; then
    python "$BENCH_DIR/make_notebook.py" "$BIG_CELLS" "$WORK/$side/root/open-$BIG_CELLS.ipynb"
    [[ -z "$REAL_LARGEST" ]] || cp "$REAL_LARGEST" "$WORK/$side/root/real-largest.ipynb"
  fi
  # Part 16's session: its own run notebook (part 1's gets records) and the
  # lab notebook it opens and closes.
  if wanted 16; then
    python "$BENCH_DIR/make_notebook.py" "$MEMORY_CELLS" "$WORK/$side/root/memory-run-$MEMORY_CELLS.ipynb"
    cp "$REPO_DIR/notebooks/1_provision_cli.ipynb" "$WORK/$side/root/memory-open.ipynb"
  fi
done
python "$BENCH_DIR/make_notebook.py" "$BIG_CELLS" "$WORK/enabled/root/sidebar-$BIG_CELLS.ipynb"
python "$BENCH_DIR/make_notebook.py" "$BIG_CELLS" "$WORK/enabled/root/fill-$BIG_CELLS.ipynb"
cp "$REPO_DIR/notebooks/1_provision_cli.ipynb" "$WORK/enabled/root/"
# Part 6's class: what the CLI's --sample writes (honest, tampered and
# unreadable submissions in nbgrader's layout).
CLASS_SIZE="$(quick_or 30 300)"
node "$REPO_DIR/lib-cli/node/cli/grade.js" --sample "$WORK/enabled/root/class-$CLASS_SIZE" \
  --students "$CLASS_SIZE" --cells 60 --layout nbgrader >/dev/null
# Part 7's lab folder: a used lab as a class hands it in, one folder per
# student (runs, fills, ticks, logs and outputs by the extension's own
# writers), and a long notebook beside them.
if wanted 7; then
  node "$REPO_DIR/lib-cli/node/cli/grade.js" --sample "$WORK/enabled/root/lab-15" \
    --students 15 --layout per-student >/dev/null
  python "$BENCH_DIR/make_notebook.py" "$BIG_CELLS" "$WORK/enabled/root/lab-15/long-$BIG_CELLS.ipynb"
fi
# The supported way to disable a prebuilt extension, as
# `jupyter labextension disable` would write it, but in this server's own
# config directory only.
# Part 11's control is a second server without the extension.
CONTROLLED=(disabled)
if wanted 11; then
  CONTROLLED+=(control)
  mkdir -p "$WORK/control/root"
  python "$BENCH_DIR/make_notebook.py" "$RUN_CELLS" "$WORK/control/root/run-all-$RUN_CELLS.ipynb"
fi
for side in "${CONTROLLED[@]}"; do
  mkdir -p "$WORK/$side/config/labconfig"
  echo '{"disabledExtensions": {"jupyterlab-testbed": true}}' \
    >"$WORK/$side/config/labconfig/page_config.json"
done

ENABLED_PORT="$(free_port 8941)"
DISABLED_PORT="$(free_port $((ENABLED_PORT + 1)))"
start_server enabled "$ENABLED_PORT"
start_server disabled "$DISABLED_PORT"
wait_for_server enabled "$ENABLED_PORT" "${SERVER_PIDS[0]}"
wait_for_server disabled "$DISABLED_PORT" "${SERVER_PIDS[1]}"
CONTROL_PORT=""
if wanted 11; then
  control_port="$(free_port $((DISABLED_PORT + 1)))"
  start_server control "$control_port"
  # Only part 11 needs it: a control that does not start fails that part alone.
  if wait_for_server control "$control_port" "${SERVER_PIDS[2]}"; then
    CONTROL_PORT="$control_port"
  fi
fi

echo "servers: enabled on $ENABLED_PORT, disabled on $DISABLED_PORT${CONTROL_PORT:+, control on $CONTROL_PORT};" \
  "kernel: $KERNEL bash_kernel;" \
  "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)$(quick_or '; QUICK mode' '')"
# For parts written as shell scripts (see run_bench).
export BENCH_QUICK="$QUICK" BENCH_WORK="$WORK" BENCH_ENABLED_PORT="$ENABLED_PORT" \
  BENCH_DISABLED_PORT="$DISABLED_PORT"

SUMMARY="$WORK/summary.log"
FAILED=0
# run_bench NUMBER TITLE SECONDS SCRIPT ARGS...: one part, a Node script
# (.mjs) or a shell script (.sh) in bench/, given at most SECONDS. Its output
# is shown and kept; its `SUMMARY ...` lines go to the summary at the end,
# and a part that fails says so there, with the reason (its last error
# line, or the time limit), without stopping the parts after it. The Debian
# Chromium launcher's harmless shell warning is dropped from its errors.
#
# To add a part (e.g. a script another change brings): one line in the list
# below, `if wanted 9; then run_bench 9 "9. what it measures" 300 name.mjs
# --port "$ENABLED_PORT" ...; fi`, with the script printing a `SUMMARY`
# line per figure and reading BENCH_QUICK (exported, with BENCH_WORK and the
# two ports) to shrink itself in quick mode.
run_bench() {
  local number="$1" title="$2" seconds="$3" script="$4" runner=node status=0
  shift 4
  [[ "$script" == *.sh ]] && runner=bash
  local out="$WORK/part-$number.out" err="$WORK/part-$number.err"
  echo
  echo "== $title =="
  local started="$SECONDS"
  # Its errors are shown once it ends, so that its reason is complete here.
  timeout "$seconds" "$runner" "$BENCH_DIR/$script" "$@" 2>"$err" | tee "$out" || status=$?
  grep -v 'unexpected operator' "$err" >&2 || true
  sed -n 's/^SUMMARY //p' "$out" >>"$SUMMARY"
  echo "($title: $((SECONDS - started)) s)"
  if [[ "$status" != 0 ]]; then
    local reason
    if [[ "$status" == 124 ]]; then
      reason="stopped after its limit of $seconds s"
    else
      reason="$(grep -v 'unexpected operator' "$err" | grep -E 'Error|error|FAILED' | tail -n 1 | cut -c1-300 || true)"
      reason="exit status $status${reason:+: $reason}"
    fi
    echo "$title: FAILED ($reason)" | tee -a "$SUMMARY" >&2
    FAILED=1
  fi
}

# A run-all part's limit grows with its rounds (a slow machine takes 20 s a
# run-all, two per round); the part stops starting rounds in time to report
# those done.
RUN_ALL_LIMIT=$((RUNS * 60 > 480 ? 120 + RUNS * 60 : 600))
if wanted 1 || wanted 3; then
  run_bench 1 "1 + 3. run-all overhead and metadata bytes" "$RUN_ALL_LIMIT" run-all.mjs \
    --enabled-port "$ENABLED_PORT" --enabled-root "$WORK/enabled/root" \
    --disabled-port "$DISABLED_PORT" --disabled-root "$WORK/disabled/root" \
    --notebook "run-all-$RUN_CELLS.ipynb" --runs "$RUNS" --budget "$RUN_ALL_LIMIT"
fi
if wanted 11 && [[ -z "$CONTROL_PORT" ]]; then
  echo "11. hidden means idle: FAILED (its control server did not start)" | tee -a "$SUMMARY" >&2
  FAILED=1
elif wanted 11; then
  # Three run-alls a round: half as long again.
  run_bench 11 "11. hidden means idle: run-all with the sidebar closed" "$((RUN_ALL_LIMIT * 3 / 2))" run-all.mjs \
    --enabled-port "$ENABLED_PORT" --enabled-root "$WORK/enabled/root" \
    --disabled-port "$DISABLED_PORT" --disabled-root "$WORK/disabled/root" \
    --control-port "$CONTROL_PORT" --control-root "$WORK/control/root" \
    --notebook "run-all-$RUN_CELLS.ipynb" --runs "$RUNS" --hidden --budget "$((RUN_ALL_LIMIT * 3 / 2))"
fi
if wanted 12; then
  run_bench 12 "12. opening a large notebook" 1800 opening.mjs \
    --enabled-port "$ENABLED_PORT" --disabled-port "$DISABLED_PORT" \
    --notebook "open-$BIG_CELLS.ipynb" ${REAL_LARGEST:+--notebook real-largest.ipynb} \
    --rounds "$(quick_or 2 15)"
fi
if wanted 13; then
  run_bench 13 "13. topology inference of a published-style lab" 120 topology.mjs \
    --cells "$BIG_CELLS" --rounds "$(quick_or 10 50)"
fi
if wanted 14; then
  BENCH_TUNNEL_ROUNDS="$(quick_or 5 25)" run_bench 14 "14. Open in browser vs ssh -L by hand" 600 tunnel.sh
fi
if wanted 15; then
  run_bench 15 "15. exit-status shell integration" 300 exitstatus.mjs \
    --blocks "$(quick_or 100 500)" --rounds "$(quick_or 3 7)"
fi
if wanted 16; then
  run_bench 16 "16. memory over a long session" "$(quick_or 600 2400)" memory.mjs \
    --enabled-port "$ENABLED_PORT" --disabled-port "$DISABLED_PORT" \
    --run-notebook "memory-run-$MEMORY_CELLS.ipynb" --open-notebook memory-open.ipynb \
    --run-alls 10 --opens "$(quick_or 6 50)" --sends "$(quick_or 20 200)"
fi
if wanted 17; then
  run_bench 17 "17. checks" 600 checks.sh
fi
# 10, on demand only: a CPU profile of one run-all per side.
if wanted 10; then
  run_bench 10 "10. where a run-all's time goes (CPU profile)" 600 profile.mjs \
    --enabled-port "$ENABLED_PORT" --disabled-port "$DISABLED_PORT" \
    --notebook "run-all-$RUN_CELLS.ipynb"
fi
if wanted 2; then
  run_bench 2 "2. sidebar update per execution event" 300 sidebar-update.mjs \
    --port "$ENABLED_PORT" --notebook "sidebar-$BIG_CELLS.ipynb" --events "$(quick_or 60 200)"
fi
if wanted 4; then
  run_bench 4 "4. placeholders: fill and refill" 600 fill.mjs \
    --port "$ENABLED_PORT" --notebook "fill-$BIG_CELLS.ipynb" --lab 1_provision_cli.ipynb \
    --rounds "$(quick_or 1 5)" --changes "$(quick_or 5 20)"
fi
if wanted 6; then
  run_bench 6 "6. class overview of $CLASS_SIZE submissions" 600 grading.mjs \
    --port "$ENABLED_PORT" --folder "class-$CLASS_SIZE/submitted" --rounds "$(quick_or 3 5)"
fi
if wanted 7; then
  # What the server logged meanwhile (warnings and errors, by kind) is shown
  # after the figures: every request of the command goes through it.
  log_from="$(wc -l <"$WORK/enabled/server.log")"
  run_bench 7 "7. prepare for publishing vs copying the folder" 300 publish.mjs \
    --port "$ENABLED_PORT" --folder lab-15 --rounds "${BENCH_PUBLISH_ROUNDS:-$(quick_or 3 7)}"
  # Requests by their access-log line (the handler's own line for a 404
  # would count them twice), the rounds' copy names as one.
  echo "server log during part 7 (warnings and errors, by kind):"
  tail -n "+$((log_from + 1))" "$WORK/enabled/server.log" |
    grep -E '^\[[EC] |^\[W .* [0-9.]+ms( |$)' |
    sed -E 's/^\[([WEC]) [^]]*\] /\1 /; s/ [0-9.]+ms.*$//; s/[?(].*$//; s/-r[0-9]+/-r<n>/g' |
    sort | uniq -c | sort -rn | head -n 10 || true
fi

# 9. The bundle: a server of its own with the labextensions of two other
# extensions beside this one, unpacked from their published wheels (pinned,
# so that the comparison stays the same; a wheel that cannot be downloaded
# leaves its extension out, said in the output).
if wanted 9; then
  dir="$WORK/bundle"
  mkdir -p "$dir/root" "$dir/data/labextensions" "$WORK/wheels"
  others=()
  for wheel in jupyterlab-execute-time==3.3.0 jupyterlab-git==0.51.4; do
    name="${wheel%%==*}"
    if ! pip download --quiet --no-deps --dest "$WORK/wheels/$name" "$wheel" >/dev/null 2>&1; then
      echo "part 9: $wheel could not be downloaded; it is left out of the comparison"
      continue
    fi
    python -m zipfile -e "$WORK/wheels/$name"/*.whl "$WORK/wheels/$name/unpacked"
    # The labextension's directory: share/jupyter/labextensions/<name>, scoped or not.
    package="$(find "$WORK/wheels/$name/unpacked" -path '*/share/jupyter/labextensions/*/package.json' | head -n 1)"
    if [[ -z "$package" ]]; then
      echo "part 9: $wheel holds no labextension; it is left out of the comparison"
      continue
    fi
    id="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["name"])' "$package")"
    mkdir -p "$(dirname "$dir/data/labextensions/$id")"
    cp -r "$(dirname "$package")" "$dir/data/labextensions/$id"
    others+=(--other "$id=$dir/data/labextensions/$id")
  done
  python "$BENCH_DIR/make_notebook.py" 20 "$dir/root/first-use.ipynb"
  BUNDLE_PORT="$(free_port $((DISABLED_PORT + 2)))"
  start_server bundle "$BUNDLE_PORT"
  if wait_for_server bundle "$BUNDLE_PORT" "${SERVER_PIDS[-1]}"; then
    run_bench 9 "9. bundle: JavaScript downloaded, gzipped" 300 bundle.mjs \
      --port "$BUNDLE_PORT" --notebook first-use.ipynb \
      --ours "$REPO_DIR/jupyterlab_testbed/labextension" "${others[@]}"
  else
    echo "9. bundle: FAILED (its server did not start)" >>"$SUMMARY"
    FAILED=1
  fi
fi

# 5. Terminals, on the SSH testbed (testbed/testbed.sh: three sshd in network
# namespaces, so root only): click-to-prompt on node1 against ssh typed by
# hand, and node2 over node1's master connection against a fresh jump. The
# testbed is shared with other engineers' tests: this part holds
# /tmp/jupyterlab-testbed.lock from its `up` to its `down` (so do not run
# run.sh itself under that lock). Its own server has the testbed's floating
# IP and key in its settings, and its ssh state under $WORK and a short
# control directory for the master sockets, both removed at the end.
TERMINALS_TITLE="5. terminals: click-to-prompt and master reuse"
TESTBED_LOCK=/tmp/jupyterlab-testbed.lock
terminals_part() (
  set -e
  testbed="$REPO_DIR/testbed/testbed.sh"
  key="${TESTBED_STATE_DIR:-${TMPDIR:-/tmp}/jupyterlab-testbed-ssh}/id_ed25519"
  dir="$WORK/terminals"
  control="/tmp/tb-bench-$$"
  server=
  locked=
  finish() {
    if [[ -f "$dir/ssh/config" ]]; then
      for node in node1 node2 node3; do
        timeout 5 ssh -F "$dir/ssh/config" -O exit "$node" 2>/dev/null || true
      done
    fi
    if [[ -n "$server" ]]; then
      kill -TERM -- "-$server" 2>/dev/null || true
      for _ in $(seq 50); do
        kill -0 "$server" 2>/dev/null || break
        sleep 0.2
      done
      kill -KILL -- "-$server" 2>/dev/null || true
    fi
    # The server stops its ssh-agent (in a session of its own) as it exits;
    # should it not have, the agent is found by its socket.
    if [[ -S "$control/agent.sock" ]]; then
      agent="$(ss -xlpn 2>/dev/null | grep -F "$control/agent.sock" | grep -o 'pid=[0-9]*' | head -n1 || true)"
      [[ -z "$agent" ]] || kill "${agent#pid=}" 2>/dev/null || true
    fi
    if [[ -n "$locked" ]]; then
      bash "$testbed" down || echo "$TERMINALS_TITLE: testbed.sh down failed" >&2
      # Unlocks for every process that inherited the descriptor, too.
      flock -u 9
    fi
    rm -rf "$control"
  }
  trap finish EXIT
  trap 'exit 130' INT TERM

  exec 9>>"$TESTBED_LOCK"
  if ! flock -n 9; then
    echo "waiting for $TESTBED_LOCK (another engineer's tests are using the testbed)"
    flock -w 1800 9 || { echo "$TERMINALS_TITLE: the testbed lock stayed taken for 30 minutes" >&2; exit 1; }
  fi
  locked=1
  # The sshd and the server must not keep the lock's descriptor.
  bash "$testbed" up 9>&- || exit 1
  # Nothing may connect unless the lab's addresses stay on this machine.
  bash "$testbed" check-routes || exit 1

  mkdir -p "$dir/config" "$dir/workspaces" "$dir/runtime" "$dir/root" \
    "$dir/settings/jupyterlab-testbed"
  printf '{ "values": { "floatingIp": "10.199.0.2" } }\n' \
    >"$dir/settings/jupyterlab-testbed/placeholders.jupyterlab-settings"
  printf '{ "keyFile": "%s" }\n' "$key" \
    >"$dir/settings/jupyterlab-testbed/terminals.jupyterlab-settings"
  cp "$REPO_DIR/notebooks/2_docker_kubernetes.ipynb" "$dir/root/"
  port="$(free_port $((DISABLED_PORT + 1)))"
  # No SSH_AUTH_SOCK: the server starts its own agent, and the hand-typed
  # ssh in the terminals offers only the key it is given.
  (
    unset SSH_AUTH_SOCK
    lab_server "$dir" "$port" \
      --TestbedSSH.state_dir="$dir/ssh" --TestbedSSH.control_dir="$control"
  ) 9>&- &
  server=$!
  wait_for_server terminals "$port" "$server" || exit 1
  echo "terminals server on $port; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  FAILED=0
  run_bench 5 "$TERMINALS_TITLE" 900 terminals.mjs \
    --port "$port" --key "$key" --rounds "${BENCH_TERMINAL_ROUNDS:-$(quick_or 1 9)}" \
    --lab 2_docker_kubernetes.ipynb
  exit "$FAILED"
)

if ! wanted 5; then
  :
elif [[ "$(id -u)" != 0 ]]; then
  echo
  echo "== $TERMINALS_TITLE =="
  echo "skipped: the SSH testbed (testbed/testbed.sh) needs root for its network namespaces"
  echo "$TERMINALS_TITLE: skipped (the SSH testbed needs root)" >>"$SUMMARY"
else
  # Not `if ! terminals_part`: set -e would not apply inside it there.
  set +e
  terminals_part
  status=$?
  set -e
  # The subshell's run_bench wrote its summary lines; a failure before it
  # (the testbed, the server) is told here.
  if [[ "$status" != 0 ]]; then
    grep -q "^$TERMINALS_TITLE: FAILED" "$SUMMARY" 2>/dev/null ||
      echo "$TERMINALS_TITLE: FAILED (exit status $status before or after its rounds; output above)" >>"$SUMMARY"
    FAILED=1
  fi
fi

echo
echo "== jupyterlab-testbed benchmarks$(quick_or ' (QUICK mode: small sizes, not figures to report)' '') =="
cat "$SUMMARY" 2>/dev/null || echo "no part ran"
exit "$FAILED"
