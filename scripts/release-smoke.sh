#!/usr/bin/env bash
# The released wheel, installed the three ways students meet it, on the
# lowest JupyterLab we support (4.4.1, Chameleon's image) and the newest 4.x:
#
#  - a hub operator's image: `pip install <wheel>` into a venv that has
#    JupyterLab and the bash kernel, with no Node.js on PATH (the extension
#    template's isolated-install test): both extensions listed enabled and
#    OK, `jupyter lab`'s own start check passes, JupyterLab is left as it was;
#  - a student on a running server: the same install while that server runs;
#    a page reload shows the front end, the server extension needs a restart;
#  - a Trovi artifact: a requirements.txt naming the package, installed with
#    --find-links to the built wheel into a fresh JupyterLab 4.4.1 venv;
#
# then a browser smoke (ui-tests/playwright.release.config.js) that goes
# through every capability once on each version's server, with the real
# bash kernel and the SSH testbed, and asserts that the page logs no
# shared-package version warning.
#
# Environment: RELEASE_WHEEL (use this wheel instead of building one),
# RELEASE_SMOKE_NEWEST (a JupyterLab version instead of the newest 4.x),
# RELEASE_SMOKE_PORT (first of the two ports used, default 9141),
# RELEASE_SMOKE_BENCH (rounds: also run benchmark 8, bench/sidebar-start.mjs,
# the extension's start on the two versions, on the same venvs).
# RELEASE_SMOKE_LOCK (a lock file the browser part takes with flock: the
# SSH testbed and the machine's browser tests are shared; leave it unset when
# a caller already holds that lock). Ends with one line
# `release-smoke: N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
LOWEST=4.4.1
PORT=${RELEASE_SMOKE_PORT:-9141}
started=$SECONDS

work=$(mktemp -d "${TMPDIR:-/tmp}/jlt-release-smoke.XXXXXX")
servers=()
cleanup() {
  local pid
  for pid in "${servers[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  # The servers', installs' and testbed's logs outlive the run (CI artifacts).
  mkdir -p "$repo/ci-logs/release-smoke" &&
    cp "$work"/*.log "$repo/ci-logs/release-smoke/" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
pass() {
  passed=$((passed + 1))
  echo "release-smoke: ok: $*"
}
fail() {
  failed=$((failed + 1))
  echo "release-smoke: FAILED: $*" >&2
}
waited=0
finish() {
  echo "release-smoke: took $((SECONDS - started - waited)) s (and $waited s waiting for the lock)"
  echo "release-smoke: $passed passed, $failed failed"
  [ "$failed" = 0 ]
  exit
}
plain() { sed 's/\x1b\[[0-9;]*m//g'; }

# shellcheck disable=SC1091
[ -x .venv/bin/python ] && source .venv/bin/activate

# --- The newest 4.x, from the package index ---------------------------------
newest=${RELEASE_SMOKE_NEWEST:-}
if [ -z "$newest" ]; then
  listing=$(python -m pip index versions jupyterlab 2>/dev/null | grep -m1 '^Available versions:')
  newest=$(echo "${listing#*: }" | tr -d ' ' | tr ',' '\n' | grep -m1 -E '^4\.[0-9]+\.[0-9]+$')
fi
if [ -z "$newest" ]; then
  fail "no JupyterLab 4.x found with pip index versions jupyterlab"
  finish
fi
echo "release-smoke: JupyterLab $LOWEST and $newest"

# --- The wheel ---------------------------------------------------------------
dist=$work/dist
mkdir -p "$dist"
if [ -n "${RELEASE_WHEEL:-}" ]; then
  cp "$RELEASE_WHEEL" "$dist/"
elif [ -f scripts/build-release.sh ]; then
  bash scripts/build-release.sh >"$work/build.log" 2>&1 && cp dist/jupyterlab_testbed-*.whl "$dist/"
else
  # A copy of the work tree, so the development build stays in place; the
  # copy shares node_modules. The wheel's hook runs the production build.
  python -m pip install --quiet build
  mkdir -p "$work/src"
  git ls-files -co --exclude-standard -z | grep -zv '^ui-tests/' |
    tar --null -T - -cf - | tar -xf - -C "$work/src"
  ln -s "$repo/node_modules" "$work/src/node_modules"
  # The wheel's hook runs `jlpm install` first: node-pty compiles against
  # Node's headers, as in scripts/setup.sh.
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  [ ! -f "$node_prefix/include/node/node.h" ] || export npm_config_nodedir=$node_prefix
  python -m build --wheel --outdir "$dist" "$work/src" >"$work/build.log" 2>&1
fi
wheel=$(ls "$dist"/jupyterlab_testbed-*.whl 2>/dev/null | head -n 1)
if [ -z "$wheel" ]; then
  tail -n 30 "$work/build.log" >&2
  fail "building the wheel"
  finish
fi
pass "built $(basename "$wheel")"

# --- A PATH without Node.js ----------------------------------------------------
nonode=$work/nonode-bin
mkdir -p "$nonode"
for dir in /usr/local/bin /usr/bin /bin; do
  for tool in "$dir"/*; do
    name=$(basename "$tool")
    case $name in node | nodejs | npm | npx | corepack | yarn | yarnpkg | jlpm) continue ;; esac
    [ -e "$nonode/$name" ] || ln -s "$tool" "$nonode/$name"
  done
done
no_node() { env PATH="$1/bin:$nonode" "${@:2}"; }

# --- Fresh venvs, outside the repository, made side by side -------------------
make_venv() { # dir version
  python3 -m venv "$1" &&
    "$1/bin/python" -m pip install --quiet "jupyterlab==$2" "bash_kernel>=0.10" &&
    "$1/bin/python" -m bash_kernel.install --sys-prefix >/dev/null
}
make_venv "$work/venv-$LOWEST" "$LOWEST" >"$work/venv-lowest.log" 2>&1 &
lowest_job=$!
make_venv "$work/venv-$newest" "$newest" >"$work/venv-newest.log" 2>&1 &
newest_job=$!
# The wheel's one dependency that JupyterLab does not bring, installed from the
# registry now: the artifact's install below is --no-index.
python3 -m venv "$work/venv-trovi" &&
  "$work/venv-trovi/bin/python" -m pip install --quiet "jupyterlab==$LOWEST" "jupyter-server-proxy>=4.2,<4.5" \
    >"$work/venv-trovi.log" 2>&1
trovi_ok=$?
wait $lowest_job && wait $newest_job || {
  cat "$work"/venv-*.log >&2
  fail "creating the venvs"
  finish
}

if no_node "$work/venv-$LOWEST" sh -c 'command -v node' >/dev/null; then
  fail "Node.js is still on the smoke's PATH"
fi

# --- A student on a running server, then the operator's checks ---------------
# GET of the lab page: its page config lists the federated extensions.
# Captured before matching: `curl | grep -q` fails under pipefail when grep
# stops reading early.
lab_lists_extension() { # port
  local page
  page=$(curl -sf "http://127.0.0.1:$1/lab")
  [[ $page =~ \"name\":\ *\"jupyterlab-testbed\" ]]
}
endpoint_status() { # port
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/jupyterlab-testbed/environment"
}
wait_for_server() { # port
  local i
  for i in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/api/status" && return 0
    sleep 0.5
  done
  return 1
}
start_server() { # venv port log
  # Not through no_node: $! must be the server itself, for stop_server.
  env PATH="$1/bin:$nonode" "$1/bin/jupyter" lab --no-browser --allow-root --IdentityProvider.token= \
    --ServerApp.port="$2" --ServerApp.port_retries=0 --ServerApp.root_dir="$work" \
    --LabApp.user_settings_dir="$work/student-settings" >"$3" 2>&1 &
  servers+=($!)
}
stop_server() {
  local pid=${servers[-1]}
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  unset 'servers[-1]'
}

port=$PORT
for version in "$LOWEST" "$newest"; do
  venv=$work/venv-$version
  start_server "$venv" "$port" "$work/student-$version.log"
  if ! wait_for_server "$port"; then
    tail -n 20 "$work/student-$version.log" >&2
    fail "$version: jupyter lab did not start"
    stop_server
    continue
  fi
  lab_lists_extension "$port" && fail "$version: the extension is listed before its install"
  no_node "$venv" python -m pip install --quiet "$wheel" >"$work/install-$version.log" 2>&1 ||
    fail "$version: pip install of the wheel"
  jupyterlab_after=$("$venv/bin/python" -c 'import jupyterlab; print(jupyterlab.__version__)')
  if [ "$jupyterlab_after" = "$version" ]; then
    pass "$version: pip install of the wheel left JupyterLab $version in place"
  else
    fail "$version: pip install of the wheel changed JupyterLab to $jupyterlab_after"
  fi
  # Into the running server's venv: a reload of the page loads the front
  # end; the server extension's endpoints wait for a restart.
  if lab_lists_extension "$port"; then
    pass "$version: student install: a page reload loads the front end"
  else
    fail "$version: student install: the reloaded page does not list the extension"
  fi
  status=$(endpoint_status "$port")
  if [ "$status" = 404 ]; then
    pass "$version: student install: the server extension waits for a restart (404 before)"
  else
    fail "$version: student install: the server extension answered $status before a restart"
  fi
  stop_server
  start_server "$venv" "$port" "$work/student-$version-restarted.log"
  wait_for_server "$port"
  status=$(endpoint_status "$port")
  if [ "$status" = 200 ]; then
    pass "$version: student install: the server extension answers after a restart"
  else
    tail -n 20 "$work/student-$version-restarted.log" >&2
    fail "$version: student install: the server extension answered $status after a restart"
  fi
  stop_server

  # The operator's checks, in the isolated install.
  listing=$(cd "$work" && no_node "$venv" jupyter labextension list 2>&1 | plain)
  if [[ $listing =~ jupyterlab-testbed\ v[^$'\n']*enabled\ OK ]] &&
    [[ ! $listing =~ incompatible|conflicting ]]; then
    pass "$version: jupyter labextension list: jupyterlab-testbed enabled OK"
  else
    echo "$listing" >&2
    fail "$version: jupyter labextension list"
  fi
  listing=$(cd "$work" && no_node "$venv" jupyter server extension list 2>&1 | plain)
  if [[ $listing =~ (^|$'\n')\ *jupyterlab_testbed\ enabled ]] &&
    [[ $listing =~ (^|$'\n')\ *jupyterlab_testbed\ [^$'\n']*OK ]]; then
    pass "$version: jupyter server extension list: jupyterlab_testbed enabled OK"
  else
    echo "$listing" >&2
    fail "$version: jupyter server extension list"
  fi
  # Its browser part installs Playwright with npm: the smoke below is that.
  if (cd "$work" && no_node "$venv" python -m jupyterlab.browser_check --no-browser-test \
    --ServerApp.port="$port" --allow-root >"$work/browser-check-$version.log" 2>&1); then
    pass "$version: python -m jupyterlab.browser_check"
  else
    tail -n 20 "$work/browser-check-$version.log" >&2
    fail "$version: python -m jupyterlab.browser_check"
  fi
  port=$((port + 1))
done

# --- A Trovi artifact's requirements.txt ---------------------------------------
if [ $trovi_ok = 0 ]; then
  mkdir -p "$work/artifact"
  echo "jupyterlab_testbed" >"$work/artifact/requirements.txt"
  # --no-index: the package installed must be the wheel just built.
  no_node "$work/venv-trovi" python -m pip install --quiet --no-index --find-links "$dist" \
    -r "$work/artifact/requirements.txt" >"$work/install-trovi.log" 2>&1
  listing=$(cd "$work" && no_node "$work/venv-trovi" jupyter labextension list 2>&1 | plain)
  if [[ $listing =~ jupyterlab-testbed\ v[^$'\n']*enabled\ OK ]]; then
    pass "Trovi requirements.txt on JupyterLab $LOWEST: the extension appears, enabled OK"
  else
    cat "$work/install-trovi.log" >&2
    fail "Trovi requirements.txt on JupyterLab $LOWEST"
  fi
else
  fail "creating the Trovi venv"
fi

# --- The browser smoke against the SSH testbed -----------------------------------
if [ -n "${RELEASE_SMOKE_LOCK:-}" ]; then
  exec 9>>"$RELEASE_SMOKE_LOCK"
  echo "release-smoke: waiting for $RELEASE_SMOKE_LOCK"
  waiting_from=$SECONDS
  flock -w 1800 9 || {
    fail "the lock $RELEASE_SMOKE_LOCK stayed taken for 30 minutes"
    finish
  }
  waited=$((SECONDS - waiting_from))
fi
testbed_state=${TESTBED_STATE_DIR:-${TMPDIR:-/tmp}/jupyterlab-testbed-ssh}
# The testbed's sshd and the servers must not keep the lock's descriptor.
if ! bash testbed/testbed.sh up >"$work/testbed.log" 2>&1 9>&-; then
  cat "$work/testbed.log" >&2
  fail "testbed.sh up"
  finish
fi
mkdir -p "$work/lab-root"
json='['
port=$PORT
for version in "$LOWEST" "$newest"; do
  root=$work/root-$version
  state=$work/state-$version
  mkdir -p "$root" "$state/settings/jupyterlab-testbed"
  cp -r notebooks "$root/lab"
  python3 - "$root/nodes.ipynb" <<'EOF'
import json, sys
cells = [
    "## On node1\n\n```bash\n# run on node1\necho \"ran-on-$(hostname)\"\n```",
]
json.dump({
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "bash", "display_name": "Bash", "language": "bash"}},
    "cells": [{"id": f"cell-{i}", "cell_type": "markdown", "metadata": {}, "source": s}
              for i, s in enumerate(cells)],
}, open(sys.argv[1], "w"))
EOF
  printf '{"checkBeforeRun": "off", "values": {"floatingIp": "10.199.0.2"}}\n' \
    >"$state/settings/jupyterlab-testbed/placeholders.jupyterlab-settings"
  printf '{"keyFile": "%s"}\n' "$testbed_state/id_ed25519" \
    >"$state/settings/jupyterlab-testbed/terminals.jupyterlab-settings"
  [ "$json" = '[' ] || json+=','
  json+="{\"name\": \"jupyterlab-$version\", \"port\": $port, \"bin\": \"$work/venv-$version/bin\","
  json+=" \"root\": \"$root\", \"state\": \"$state\", \"control\": \"/tmp/tb-rs-$$-$port\"}"
  port=$((port + 1))
done
json+=']'
ui_log=$work/playwright.log
(
  cd ui-tests &&
    RELEASE_SMOKE_SERVERS=$json RELEASE_SMOKE_PATH=$nonode \
      RELEASE_SMOKE_RESULTS=${RELEASE_SMOKE_RESULTS:-$work/results} \
      jlpm playwright test --config playwright.release.config.js
) 2>&1 9>&- | tee "$ui_log"
ui_status=${PIPESTATUS[0]}
bash testbed/testbed.sh down >>"$work/testbed.log" 2>&1 9>&-
flock -u 9 2>/dev/null
rm -rf /tmp/tb-rs-$$-*
grep -E '^release-smoke console:' "$ui_log" | sed 's/^release-smoke console: /release-smoke: console warnings: /'
ui_passed=$(grep -oE '[0-9]+ passed' "$ui_log" | tail -n 1 | grep -oE '^[0-9]+' || echo 0)
ui_failed=$(grep -oE '[0-9]+ failed' "$ui_log" | tail -n 1 | grep -oE '^[0-9]+' || echo 0)
passed=$((passed + ui_passed))
failed=$((failed + ui_failed))
if [ "$ui_status" != 0 ] && [ "$ui_failed" = 0 ]; then
  fail "the browser smoke did not run"
fi

# --- Benchmark 8: extension start, lowest vs newest (RELEASE_SMOKE_BENCH=rounds)
if [ -n "${RELEASE_SMOKE_BENCH:-}" ]; then
  port=$PORT
  for version in "$LOWEST" "$newest"; do
    # No nodes: the terminals section must not probe any address.
    mkdir -p "$work/bench-$version/jupyterlab-testbed"
    echo '{"preset": "custom", "nodes": []}' \
      >"$work/bench-$version/jupyterlab-testbed/terminals.jupyterlab-settings"
    env PATH="$work/venv-$version/bin:$nonode" "$work/venv-$version/bin/jupyter" lab \
      --no-browser --allow-root --IdentityProvider.token= --ServerApp.port="$port" \
      --ServerApp.port_retries=0 --ServerApp.root_dir="$work/root-$version" \
      --LabApp.user_settings_dir="$work/bench-$version" --LabApp.expose_app_in_browser=True \
      --TestbedSSH.state_dir="$work/bench-$version/ssh" --TestbedSSH.control_dir="/tmp/tb-rs-$$-$port" \
      >"$work/bench-$version.log" 2>&1 &
    servers+=($!)
    wait_for_server "$port" || fail "$version: the benchmark's server did not start"
    port=$((port + 1))
  done
  echo "release-smoke: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  node bench/sidebar-start.mjs --lowest-port "$PORT" --newest-port "$((PORT + 1))" \
    --rounds "$RELEASE_SMOKE_BENCH" || fail "benchmark 8 (sidebar start)"
  stop_server
  stop_server
  rm -rf /tmp/tb-rs-$$-*
fi
finish
