# A real JupyterHub on this machine, for the hub test (scripts/hub-test.sh)
# and the hub benchmark (bench/hub.sh). Sourced, not run. Root only.
#
# The hub runs as root with PAM logins and LocalProcessSpawner, so each
# test user's server runs as that Unix user. The users' servers start the
# way Chameleon's image starts them (hub_start_script): an RSA key in PEM
# generated into the work folder at the first start and named by
# OS_KEYPAIR_PRIVATE_KEY, bash shells that start an ssh-agent and add that
# key, OS_PROJECT_NAME set, a new home at every start if the test wipes it,
# notebooks opened from the work folder.
#
# The software (a venv with jupyterhub, JupyterLab and bash_kernel, and
# configurable-http-proxy) is installed once into HUB_CACHE, world-readable
# so the test users can run it, and reused while the versions match; the
# extension's wheel is reinstalled into it at every run. Everything else
# (users, work folders, hub state) lives in HUB_RUN and is removed by
# hub_teardown.
#
# Callers set HUB_RUN (a new directory) and REPO_DIR, then call
# hub_install WHEEL, hub_users_up, hub_start, and hub_teardown from a trap.

HUB_CACHE=${JLT_HUB_CACHE:-/opt/jlt-hub}
HUB_VENV=$HUB_CACHE/venv
HUB_CHP=$HUB_CACHE/chp/node_modules/.bin/configurable-http-proxy
HUB_JUPYTERHUB_SPEC=${JLT_HUB_JUPYTERHUB:-jupyterhub>=5,<7}
HUB_CHP_SPEC=${JLT_HUB_CHP:-configurable-http-proxy@^5}
# The users' JupyterLab: Chameleon's image runs 4.4.1 (the lowest we support).
HUB_JUPYTERLAB=${JLT_HUB_JUPYTERLAB:-4.4.1}
# The system's Python: one under root's home (pyenv) is not for other users.
HUB_PYTHON=/usr/bin/python3

HUB_PORT=9700       # the proxy, where browsers go
HUB_PROXY_API=9701  # the proxy's REST API
HUB_API_PORT=9702   # the hub itself, behind the proxy
HUB_URL=http://127.0.0.1:$HUB_PORT
# Test users: names no real account has; each server on its own port.
HUB_USERS=(jltstudenta jltstudentb)
declare -A HUB_USER_PORT=([jltstudenta]=9710 [jltstudentb]=9711)
# In the GECOS field, so a run finds (and removes) the users a killed run left.
HUB_USER_TAG="jupyterlab-testbed hub test user"
HUB_PROJECT=CHI-231095
HUB_PID=

hub_say() { echo "hub: $*"; }

# Wait until "$@" succeeds, at most $1 seconds.
hub_wait() {
  local seconds=$1 i
  shift
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@"; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

hub_install() {
  local wheel=$1 lab marker
  umask 022
  install -d -m 0755 "$HUB_CACHE"
  lab=${HUB_JUPYTERLAB:-$("$REPO_DIR/.venv/bin/python" -c 'import jupyterlab; print(jupyterlab.__version__)')}
  # The wheel goes in with --no-deps below: its dependencies come here.
  marker="$HUB_PYTHON $HUB_JUPYTERHUB_SPEC jupyterlab==$lab bash_kernel jupyter-server-proxy>=4.2,<4.5"
  if [ "$(cat "$HUB_VENV/.jlt-installed" 2>/dev/null)" != "$marker" ]; then
    if ! "$HUB_PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
      hub_say "installing python3-venv"
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; } >/dev/null || return 1
    fi
    hub_say "installing $marker into $HUB_VENV"
    rm -rf "$HUB_VENV"
    "$HUB_PYTHON" -m venv "$HUB_VENV"
    "$HUB_VENV/bin/pip" install -q --disable-pip-version-check \
      "$HUB_JUPYTERHUB_SPEC" "jupyterlab==$lab" bash_kernel "jupyter-server-proxy>=4.2,<4.5" || return 1
    "$HUB_VENV/bin/python" -m bash_kernel.install --sys-prefix >/dev/null || return 1
    echo "$marker" >"$HUB_VENV/.jlt-installed"
  fi
  if [ ! -x "$HUB_CHP" ]; then
    hub_say "installing $HUB_CHP_SPEC"
    npm install -s --no-audit --no-fund --prefix "$HUB_CACHE/chp" "$HUB_CHP_SPEC" >/dev/null || return 1
  fi
  hub_say "installing $(basename "$wheel")"
  "$HUB_VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel" || return 1
  chmod -R a+rX "$HUB_CACHE"
}

# The wheel to install, its path on stdout: JLT_HUB_WHEEL, else the release
# (scripts/build-release.sh) when the project has that script, else one built
# here from a production build of the sources. Needs the dev venv active.
hub_wheel() {
  if [ -n "${JLT_HUB_WHEEL:-}" ]; then
    echo "$JLT_HUB_WHEEL"
  elif [ -f "$REPO_DIR/scripts/build-release.sh" ]; then
    hub_say "building the release (scripts/build-release.sh)" >&2
    (cd "$REPO_DIR" && bash scripts/build-release.sh) >"$HUB_RUN/build.log" 2>&1 ||
      { tail -n 20 "$HUB_RUN/build.log" >&2; return 1; }
    ls -t "$REPO_DIR"/dist/*.whl | head -n 1
  else
    python -m build --version >/dev/null 2>&1 || pip install -q build >&2 || return 1
    hub_say "building the wheel" >&2
    (cd "$REPO_DIR" && jlpm build:prod && python -m build --wheel --outdir "$HUB_RUN/dist") \
      >"$HUB_RUN/build.log" 2>&1 || { tail -n 20 "$HUB_RUN/build.log" >&2; return 1; }
    ls "$HUB_RUN"/dist/*.whl
  fi
}

# The processes a test user still runs (agents the shells started, ssh
# masters), by pid; the hub stops the servers themselves.
hub_user_pids() { ps -o pid= -u "$1" 2>/dev/null | tr -d ' '; }

hub_kill_user_processes() {
  local user=$1 pid
  id "$user" >/dev/null 2>&1 || return 0
  for pid in $(hub_user_pids "$user"); do
    kill -TERM "$pid" 2>/dev/null || true
  done
  hub_wait 5 test -z "$(hub_user_pids "$user")" || for pid in $(hub_user_pids "$user"); do
    kill -KILL "$pid" 2>/dev/null || true
  done
}

hub_remove_user() {
  local user=$1
  if [ "$(getent passwd "$user" | cut -d: -f5)" = "$HUB_USER_TAG" ]; then
    hub_kill_user_processes "$user"
    userdel -r "$user" >/dev/null 2>&1 || userdel -r -f "$user" >/dev/null 2>&1 || hub_say "could not remove user $user"
    rm -rf "/tmp/tb-ssh-$(id -u "$user" 2>/dev/null)"
  fi
}

hub_work_dir() { echo "$HUB_RUN/work/$1"; }
hub_password() { cat "$HUB_RUN/secrets/$1"; }

# A new, empty home, as the image gives at every start: the skeleton only.
hub_new_home() {
  local user=$1 home
  home=$(getent passwd "$user" | cut -d: -f6)
  rm -rf "$home"
  install -d -m 0750 -o "$user" -g "$user" "$home"
  cp -a /etc/skel/. "$home/"
  chown -R "$user:$user" "$home"
}

hub_users_up() {
  local user work
  install -d -m 0755 "$HUB_RUN" "$HUB_RUN/work"
  install -d -m 0700 "$HUB_RUN/secrets"
  for user in "${HUB_USERS[@]}"; do
    hub_remove_user "$user"
    if id "$user" >/dev/null 2>&1; then
      hub_say "a user $user exists that this test did not create: not touching it"
      return 1
    fi
    useradd -m -s /bin/bash -c "$HUB_USER_TAG" "$user"
    python3 -c 'import secrets; print(secrets.token_urlsafe(18))' >"$HUB_RUN/secrets/$user"
    echo "$user:$(hub_password "$user")" | chpasswd
    hub_new_home "$user"
    # The persistent work folder, outside the home; the sample lab in it.
    work=$(hub_work_dir "$user")
    install -d -m 0700 -o "$user" -g "$user" "$work"
    cp "$REPO_DIR"/notebooks/*.ipynb "$work/"
    chown -R "$user:$user" "$work"
  done
}

# What every user's server runs, as that user, before JupyterLab: the
# image's start scripts' effects, written for this test.
hub_start_script() {
  install -d -m 0755 "$HUB_RUN/bashrc.d"
  cat >"$HUB_RUN/bashrc.d/ssh_agent.sh" <<'EOF'
# Every interactive bash starts its own ssh-agent holding the hub key, as
# the image's bashrc.d does (its test names a variable nothing sets, so each
# shell gets a new agent).
eval "$(ssh-agent -s)" >/dev/null
ssh-add -q "$OS_KEYPAIR_PRIVATE_KEY" 2>/dev/null
EOF
  cat >"$HUB_RUN/start-singleuser.sh" <<EOF
#!/bin/bash
set -euo pipefail
key=\$OS_KEYPAIR_PRIVATE_KEY
# First start: an RSA key in PEM, the format python-chi installs on nodes.
if [ ! -f "\$key" ]; then
  install -d -m 0700 "\$(dirname "\$key")"
  ssh-keygen -q -t rsa -m PEM -b 4096 -N '' -C "\$USER@jupyterhub" -f "\$key"
fi
chmod 0400 "\$key"
ssh-keygen -y -f "\$key" >"\$key.pub.tmp" && mv -f "\$key.pub.tmp" "\$key.pub"
# The home may be new: the shells' start files, and a link to the work folder.
install -d "\$HOME/.bashrc.d"
cp $HUB_RUN/bashrc.d/*.sh "\$HOME/.bashrc.d/"
if ! grep -q 'bashrc.d' "\$HOME/.bashrc" 2>/dev/null; then
  echo 'for f in ~/.bashrc.d/*.sh; do . "\$f"; done' >>"\$HOME/.bashrc"
fi
ln -sfn "\$JUPYTERLAB_TESTBED_WORK_DIR" "\$HOME/work"
exec jupyterhub-singleuser "\$@"
EOF
  chmod 0755 "$HUB_RUN/start-singleuser.sh"
}

hub_config() {
  local ports=""
  local user
  for user in "${HUB_USERS[@]}"; do
    ports+="'$user': ${HUB_USER_PORT[$user]}, "
  done
  python3 -c 'import secrets; print(secrets.token_hex(32))' >"$HUB_RUN/secrets/api-token"
  cat >"$HUB_RUN/hub/jupyterhub_config.py" <<EOF
# Written by scripts/hub-lib.sh for one test run.
import os

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = $HUB_PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = $HUB_API_PORT
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:$HUB_PROXY_API"
c.ConfigurableHTTPProxy.command = ["$HUB_CHP"]
c.JupyterHub.db_url = "sqlite:///$HUB_RUN/hub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "$HUB_RUN/hub/cookie_secret"
c.JupyterHub.pid_file = "$HUB_RUN/hub/jupyterhub.pid"

# Real Unix passwords through PAM. No PAM session: it would need a login
# manager this machine does not run.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = {$(printf "'%s', " "${HUB_USERS[@]}")}

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = ["$HUB_RUN/start-singleuser.sh"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "$HUB_RUN/work/{username}"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.Spawner.args = ["--LabApp.expose_app_in_browser=True", "--ServerApp.log_level=WARN"]
PORTS = {$ports}


def user_env(spawner):
    work = "$HUB_RUN/work/" + spawner.user.name
    return {
        "PATH": "$HUB_VENV/bin:/usr/local/bin:/usr/bin:/bin",
        "JUPYTERLAB_TESTBED_WORK_DIR": work,
        "OS_KEYPAIR_PRIVATE_KEY": work + "/.ssh/id_rsa",
        "OS_PROJECT_NAME": "$HUB_PROJECT",
        "OS_REGION_NAME": "KVM@TACC",
    }


def pre_spawn(spawner):
    spawner.port = PORTS[spawner.user.name]
    spawner.environment.update(user_env(spawner))


c.Spawner.pre_spawn_hook = pre_spawn

# The test's own client: starts and stops servers through the REST API.
c.JupyterHub.services = [{"name": "jlt-test", "api_token": open("$HUB_RUN/secrets/api-token").read().strip()}]
c.JupyterHub.load_roles = [
    {"name": "jlt-test", "scopes": ["admin:servers", "admin:users", "access:servers"], "services": ["jlt-test"]}
]
EOF
}

hub_answers() { curl -sf -o /dev/null "$HUB_URL/hub/api/"; }

hub_start() {
  install -d -m 0700 "$HUB_RUN/hub"
  hub_start_script
  hub_config
  (cd "$HUB_RUN/hub" && exec setsid "$HUB_VENV/bin/jupyterhub" -f jupyterhub_config.py) \
    >"$HUB_RUN/hub/hub.log" 2>&1 9>&- &
  HUB_PID=$!
  if ! hub_wait 60 hub_answers; then
    hub_say "the hub did not answer on $HUB_URL within 60 s; its log:"
    tail -n 30 "$HUB_RUN/hub/hub.log"
    return 1
  fi
  hub_say "JupyterHub $("$HUB_VENV/bin/jupyterhub" --version) on $HUB_URL (pid $HUB_PID)"
}

hub_api() {
  local method=$1 path=$2
  curl -sf -X "$method" -H "Authorization: token $(cat "$HUB_RUN/secrets/api-token")" "$HUB_URL/hub/api/$path"
}

# A zombie counts as gone.
hub_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Each server's first start, as when a student first logs in: the start
# script generates the user's key, which the testbed's nodes then accept
# (testbed.sh authorize, the path to it in $1), as python-chi's
# update_keypair() would install it on a lab's nodes.
hub_first_start() {
  local testbed=$1 user
  for user in "${HUB_USERS[@]}"; do
    hub_api POST "users/$user/server" >/dev/null || { hub_say "the hub refused to start $user's server"; return 1; }
  done
  for user in "${HUB_USERS[@]}"; do
    if ! hub_wait 90 eval "hub_api GET users/$user | grep -q '\"ready\": *true'"; then
      hub_say "$user's server did not become ready within 90 s"
      return 1
    fi
    bash "$testbed" authorize "$(hub_work_dir "$user")/.ssh/id_rsa.pub" || return 1
  done
}

# The hub stops the users' servers and its proxy as it exits.
hub_stop() {
  [ -n "$HUB_PID" ] || return 0
  kill -TERM -- "-$HUB_PID" 2>/dev/null || true
  if ! hub_wait 30 eval '! hub_alive $HUB_PID'; then
    kill -KILL -- "-$HUB_PID" 2>/dev/null || true
  fi
  wait "$HUB_PID" 2>/dev/null || true
  HUB_PID=
}

hub_teardown() {
  local user
  hub_stop
  for user in "${HUB_USERS[@]}"; do
    hub_remove_user "$user"
  done
  [ -z "${HUB_RUN:-}" ] || rm -rf "$HUB_RUN"
}
