#!/usr/bin/env bash
# A three-node lab shaped like Chameleon's, on this machine, for the tests
# and the demo: node1 answers on a "floating" address, node2 and node3 only
# on a private LAN behind it. Each node is a network namespace with its own
# sshd, host key and hostname; user cc logs in with the client key only.
#
#   testbed.sh up            build it (does nothing when it is already up);
#                            node1 and node2 also serve HTTP on 8080, HTTPS
#                            (self-signed) on 8443 and a WebSocket echo on
#                            8765 (webservers.py), for the tunnel tests
#   testbed.sh down          remove everything up made, also after a failed up
#   testbed.sh status        exit 0 only when the three sshd answer
#   testbed.sh authorize PUBKEY
#                            let cc on the nodes accept one more public key
#                            (a test user's own key) until down
#   testbed.sh check-routes [ADDR...]
#                            exit 0 only when the lab's addresses (and ADDR)
#                            cannot leave this machine: run it before connecting
#
# Root only. The state dir (TESTBED_STATE_DIR) holds the client key.
set -euo pipefail

STATE=${TESTBED_STATE_DIR:-${TMPDIR:-/tmp}/jupyterlab-testbed-ssh}
KEY=$STATE/id_ed25519
NODES=(node1 node2 node3)
NAMESPACES=(tb-node1 tb-node2 tb-node3 tb-lan)
HOST_SIDE=10.199.0.1
FLOATING_IP=10.199.0.2
LAN=192.168.1.0/24
# Marks our line in a pre-existing cc's authorized_keys so down removes only it.
KEY_TAG=jupyterlab-testbed-client
# Marks the lines authorize added, whatever comment their key file had.
EXTRA_KEY_TAG=jupyterlab-testbed-extra
SSHD=/usr/sbin/sshd
# The nodes that run webservers.py, and its ports.
WEB_NODES=(node1 node2)
WEB_PORTS=(8080 8443 8765)
WEBSERVERS=$(cd "$(dirname "$0")" && pwd)/webservers.py

say() { echo "testbed: $*"; }
die() {
  echo "testbed: $*" >&2
  exit 1
}
lan_ip() { echo "192.168.1.1${1#node}"; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    die "run as root: network namespaces and a second sshd need it"
  fi
}

ensure_packages() {
  local missing=()
  [ -x "$SSHD" ] || missing+=(openssh-server)
  command -v ssh-keygen >/dev/null || missing+=(openssh-client)
  command -v ss >/dev/null || missing+=(iproute2)
  if [ ${#missing[@]} = 0 ]; then
    return 0
  fi
  say "installing ${missing[*]}"
  # The package would start and enable the host's own sshd on port 22; the
  # testbed needs only the binary. Debian's unit and init script both honour
  # sshd_not_to_be_run, and policy-rc.d stops the start during the install.
  if [[ " ${missing[*]} " == *" openssh-server "* ]]; then
    install -d /etc/ssh
    touch /etc/ssh/sshd_not_to_be_run
  fi
  local policy=/usr/sbin/policy-rc.d ours=
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\nexit 101\n' >$policy
    chmod 0755 $policy
    ours=1
  fi
  local rc=0
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null || rc=$?
  if [ -n "$ours" ]; then
    rm -f $policy
  fi
  if [[ " ${missing[*]} " == *" openssh-server "* ]] && command -v deb-systemd-helper >/dev/null; then
    deb-systemd-helper disable ssh.service ssh.socket >/dev/null 2>&1 || true
  fi
  [ $rc = 0 ] || die "apt-get install ${missing[*]} failed"
}

# A key is written under a temporary name so an interrupted up never leaves half of one.
make_key() {
  if [ -s "$1" ] && [ -s "$1.pub" ]; then
    return 0
  fi
  rm -f "$1.tmp" "$1.tmp.pub"
  ssh-keygen -q -t ed25519 -N '' -C "$2" -f "$1.tmp"
  mv "$1.tmp.pub" "$1.pub"
  mv "$1.tmp" "$1"
}

setup_user() {
  if ! id cc >/dev/null 2>&1; then
    touch "$STATE/created-user"
    useradd -m -s /bin/bash cc
  fi
  # With UsePAM no, sshd refuses even key logins to a locked account ("!").
  local hash
  hash=$(getent shadow cc | cut -d: -f2)
  if [[ $hash == '!'* ]]; then
    if [ ! -e "$STATE/created-user" ]; then
      printf '%s\n' "$hash" >"$STATE/cc-shadow"
    fi
    usermod -p '*' cc
  fi
  local home group
  home=$(getent passwd cc | cut -d: -f6)
  group=$(id -gn cc)
  install -d -m 0700 -o cc -g "$group" "$home/.ssh"
  local keys=$home/.ssh/authorized_keys
  touch "$keys"
  sed -i "/ $KEY_TAG\$/d" "$keys"
  cat "$KEY.pub" >>"$keys"
  chown cc:"$group" "$keys"
  chmod 0600 "$keys"
}

build_network() {
  if [ -n "$(ip route show "$LAN" | grep -v '^unreachable')" ]; then
    die "this machine has its own route to $LAN; the testbed would hide that network"
  fi
  local ns n
  for ns in "${NAMESPACES[@]}"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
  ip -n tb-lan link add br-lan type bridge
  ip -n tb-lan link set br-lan up
  for n in 1 2 3; do
    ip -n tb-lan link add "p$n" type veth peer name lan0 netns "tb-node$n"
    ip -n tb-lan link set "p$n" master br-lan up
    ip -n "tb-node$n" addr add "192.168.1.1$n/24" dev lan0
    ip -n "tb-node$n" link set lan0 up
  done
  ip link add tb-float type veth peer name ext0 netns tb-node1
  ip addr add "$HOST_SIDE/30" dev tb-float
  ip link set tb-float up
  ip -n tb-node1 addr add "$FLOATING_IP/30" dev ext0
  ip -n tb-node1 link set ext0 up
  # Without this the host would send 192.168.1.x to its default route, off the machine.
  ip route replace unreachable "$LAN"
}

write_node_files() {
  local node=$1 dir=$STATE/$1
  install -d -m 0700 "$dir"
  install -d "/etc/netns/tb-$node"
  echo "$node" >"/etc/netns/tb-$node/hostname"
  printf '127.0.0.1 localhost\n192.168.1.11 node1\n192.168.1.12 node2\n192.168.1.13 node3\n' \
    >"/etc/netns/tb-$node/hosts"
  make_key "$dir/ssh_host_ed25519_key" "$node"
  {
    echo "ListenAddress $(lan_ip "$node")"
    if [ "$node" = node1 ]; then
      echo "ListenAddress $FLOATING_IP"
    fi
    cat <<EOF
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
LogLevel VERBOSE
UsePAM no
PermitRootLogin no
AllowUsers cc
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes yes
AllowTcpForwarding yes
AllowAgentForwarding yes
UseDNS no
PrintMotd no
MaxStartups 64:30:128
SetEnv NODE_NAME=$node LANG=C.UTF-8
EOF
  } >"$dir/sshd_config"
  # Newer sshd would lock out the host side after the tests' refused logins.
  if "$SSHD" -t -f "$dir/sshd_config" -o PerSourcePenalties=no 2>/dev/null; then
    echo "PerSourcePenalties no" >>"$dir/sshd_config"
  fi
  "$SSHD" -t -f "$dir/sshd_config"
}

start_sshd() {
  local node=$1 dir=$STATE/$1
  # Its own UTS namespace gives the sessions the node's hostname (prompt cc@node2).
  ip netns exec "tb-$node" unshare --uts -- /bin/sh -c \
    'hostname "$1" && exec "$2" -f "$3" -E "$4"' sh "$node" "$SSHD" "$dir/sshd_config" "$dir/sshd.log"
}

# The pid of this node's sshd: the pid file names a live sshd started with
# this node's config (a reused pid would not).
our_sshd() {
  local dir=$STATE/$1 pid
  pid=$(cat "$dir/sshd.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == *"$dir/sshd_config"* ]] || return 1
  echo "$pid"
}

sshd_ready() {
  our_sshd "$1" >/dev/null && [ -n "$(ip netns exec "tb-$1" ss -Hltn 'sport = :22' 2>/dev/null)" ]
}

# Poll CHECK NODE for SECONDS; die with the message when it never passes.
wait_until() {
  local check=$1 node=$2 seconds=$3 message=$4 i
  for i in $(seq $((seconds * 10))); do
    if "$check" "$node"; then
      return 0
    fi
    sleep 0.1
  done
  die "$message"
}

wait_ready() { wait_until sshd_ready "$1" 5 "sshd of $1 did not start; see $STATE/$1/sshd.log"; }

# The node's self-signed certificate (its name and address as subject
# names) and webservers.py, inside the namespace; down kills it with the rest.
start_web() {
  local node=$1 dir=$STATE/$1
  if [ ! -s "$dir/web.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$node" \
      -addext "subjectAltName=DNS:$node,DNS:localhost,IP:$(lan_ip "$node"),IP:127.0.0.1" \
      -keyout "$dir/web.key.tmp" -out "$dir/web.crt.tmp" 2>/dev/null
    mv "$dir/web.key.tmp" "$dir/web.key"
    mv "$dir/web.crt.tmp" "$dir/web.crt"
  fi
  ip netns exec "tb-$node" setsid python3 "$WEBSERVERS" "$node" "$dir/web.crt" "$dir/web.key" \
    </dev/null >>"$dir/web.log" 2>&1 &
}

web_ready() {
  local port
  for port in "${WEB_PORTS[@]}"; do
    [ -n "$(ip netns exec "tb-$1" ss -Hltn "sport = :$port" 2>/dev/null)" ] || return 1
  done
}

# Python starts slowly on a busy machine.
wait_web() { wait_until web_ready "$1" 20 "the web servers of $1 did not start; see $STATE/$1/web.log"; }

check_routes() {
  local r ip
  r=$(ip route get "$FLOATING_IP" 2>&1) || true
  if [[ $r != *" dev tb-float "* ]]; then
    echo "testbed: $FLOATING_IP is not routed into the testbed (${r%%$'\n'*}); connect to nothing" >&2
    return 1
  fi
  for ip in 192.168.1.11 192.168.1.12 192.168.1.13; do
    if r=$(ip route get "$ip" 2>&1); then
      echo "testbed: $ip would leave this namespace (${r%%$'\n'*}); $LAN must be unreachable here" >&2
      return 1
    fi
  done
  for ip in "$@"; do
    if r=$(ip route get "$ip" 2>&1) && [[ $r != *" dev tb-float "* ]]; then
      echo "testbed: $ip would leave this machine (${r%%$'\n'*}); connect to nothing" >&2
      return 1
    fi
  done
}

healthy() {
  local node
  [ -s "$KEY" ] || return 1
  check_routes 2>/dev/null || return 1
  for node in "${NODES[@]}"; do
    sshd_ready "$node" || return 1
  done
  for node in "${WEB_NODES[@]}"; do
    web_ready "$node" || return 1
  done
  grep -q " $KEY_TAG\$" "$(getent passwd cc | cut -d: -f6)/.ssh/authorized_keys" 2>/dev/null
}

# A zombie counts as gone: PID 1 here reaps orphans only every second or so.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Sessions outlive their sshd, and ip netns del of a namespace with processes
# only drops its name, so every process inside goes first.
kill_processes() {
  local pids=() ns node pid i
  for ns in "${NAMESPACES[@]}"; do
    if [ -e "/run/netns/$ns" ]; then
      mapfile -t -O ${#pids[@]} pids < <(ip netns pids "$ns" 2>/dev/null)
    fi
  done
  for node in "${NODES[@]}"; do
    if pid=$(our_sshd "$node"); then
      pids+=("$pid")
    fi
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for i in $(seq 30); do
    local left=()
    for pid in "${pids[@]}"; do
      if alive "$pid"; then
        left+=("$pid")
      fi
    done
    [ ${#left[@]} -gt 0 ] || return 0
    sleep 0.1
  done
  kill -KILL "${left[@]}" 2>/dev/null || true
}

remove_runtime() {
  local ns i
  kill_processes
  ip link del tb-float 2>/dev/null || true
  for ns in "${NAMESPACES[@]}"; do
    ip netns del "$ns" 2>/dev/null || true
  done
  # Namespace teardown is asynchronous; the next up would find tb-float taken.
  for i in $(seq 30); do
    ip link show tb-float >/dev/null 2>&1 || break
    sleep 0.05
  done
  if [[ $(ip route show "$LAN") == unreachable* ]]; then
    ip route del unreachable "$LAN"
  fi
  rm -rf /etc/netns/tb-node1 /etc/netns/tb-node2 /etc/netns/tb-node3
  rmdir /etc/netns 2>/dev/null || true
  rm -f "$STATE"/node*/sshd.pid
}

remove_user() {
  if [ -e "$STATE/created-user" ]; then
    userdel -r cc 2>/dev/null || userdel -r -f cc 2>/dev/null || say "could not remove user cc"
    return 0
  fi
  local home
  home=$(getent passwd cc | cut -d: -f6) || return 0
  if [ -f "$home/.ssh/authorized_keys" ]; then
    sed -i "/ $KEY_TAG\$/d; / $EXTRA_KEY_TAG\$/d" "$home/.ssh/authorized_keys"
  fi
  if [ -s "$STATE/cc-shadow" ]; then
    usermod -p "$(cat "$STATE/cc-shadow")" cc
  fi
}

# With TESTBED_LOG_DIR set (scripts/test.sh sets it to ci-logs/testbed), the
# nodes' sshd logs are appended there before the state folder goes.
keep_logs() {
  local node
  [ -n "${TESTBED_LOG_DIR:-}" ] || return 0
  mkdir -p "$TESTBED_LOG_DIR" || return 0
  for node in "${NODES[@]}"; do
    if [ -s "$STATE/$node/sshd.log" ]; then
      { echo "--- testbed.sh down, $(date -u +%FT%TZ)"; cat "$STATE/$node/sshd.log"; } \
        >>"$TESTBED_LOG_DIR/$node-sshd.log"
    fi
  done
}

down() {
  need_root
  keep_logs
  remove_runtime
  remove_user
  rm -rf "$STATE"
  say "down"
}

# One more key for cc, e.g. the key a hub generated for a test user. Only
# the key's type and body are kept: options such as command= or from= in
# the file would change what a login may do, and a comment could hide a tag.
authorize() {
  need_root
  local file=${1:-}
  [ -n "$file" ] || die "usage: testbed.sh authorize PUBKEY"
  healthy || die "the testbed is not up: run testbed.sh up first"
  [ -f "$file" ] && [ ! -L "$file" ] || die "$file is not a regular file"
  [ "$(wc -l <"$file")" -le 1 ] || die "$file holds more than one line: give one public key"
  ssh-keygen -l -f "$file" >/dev/null 2>&1 || die "$file is not an OpenSSH public key"
  local type body
  read -r type body _ <"$file"
  [[ $type =~ ^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521))$ ]] || die "$file: key type $type is not accepted"
  [[ $body =~ ^[A-Za-z0-9+/]+=*$ ]] || die "$file: the key body is not base64"
  local home keys
  home=$(getent passwd cc | cut -d: -f6)
  keys=$home/.ssh/authorized_keys
  if ! grep -qxF "$type $body $EXTRA_KEY_TAG" "$keys"; then
    # As cc, not root: code run on a node as cc could have made the file a
    # link to root's own authorized_keys.
    echo "$type $body $EXTRA_KEY_TAG" | runuser -u cc -- tee -a "$keys" >/dev/null ||
      die "could not add the key to $keys as cc"
  fi
  say "cc accepts $(ssh-keygen -l -f "$file" | cut -d' ' -f2) until down"
}

summary() {
  say "node1 at $FLOATING_IP (the floating IP); node2 $(lan_ip node2) and node3 $(lan_ip node3) only through node1; user cc"
  say "client key: $KEY"
  say "node1 and node2 serve HTTP on 8080, HTTPS (self-signed) on 8443, a WebSocket echo on 8765"
}

failed_up() {
  local rc=$? node
  [ $rc != 0 ] || return 0
  for node in "${NODES[@]}"; do
    if [ -s "$STATE/$node/sshd.log" ]; then
      echo "--- $node sshd.log" >&2
      tail -n 5 "$STATE/$node/sshd.log" >&2
    fi
  done
  say "up failed; removing what it made" >&2
  keep_logs
  remove_runtime
  remove_user
  rm -rf "$STATE"
  exit $rc
}

up() {
  need_root
  ensure_packages
  if healthy; then
    say "already up"
    summary
    return 0
  fi
  trap failed_up EXIT
  trap 'exit 130' INT TERM
  remove_runtime
  install -d -m 0700 "$STATE"
  make_key "$KEY" "$KEY_TAG"
  setup_user
  install -d -m 0755 /run/sshd
  build_network
  local node
  for node in "${NODES[@]}"; do
    write_node_files "$node"
    start_sshd "$node"
  done
  for node in "${NODES[@]}"; do
    wait_ready "$node"
  done
  for node in "${WEB_NODES[@]}"; do
    start_web "$node"
  done
  for node in "${WEB_NODES[@]}"; do
    wait_web "$node"
  done
  check_routes
  trap - EXIT INT TERM
  summary
}

# The first line the sshd at $1 sends, or nothing within 2 s; the rest of
# the arguments say where to connect from.
banner() {
  local ip=$1
  shift
  timeout 2 "$@" bash -c 'exec 3<>"/dev/tcp/$0/22" && IFS= read -r line <&3 && echo "${line%$'\''\r'\''}"' "$ip" 2>/dev/null || true
}

status() {
  if ! check_routes; then
    say "down"
    return 1
  fi
  local node ip answer ok=0
  for node in "${NODES[@]}"; do
    if [ "$node" = node1 ]; then
      ip=$FLOATING_IP
      answer=$(banner "$ip")
    else
      ip=$(lan_ip "$node")
      answer=$(banner "$ip" ip netns exec tb-node1)
    fi
    if [[ $answer == SSH-* ]]; then
      say "$node ($ip): sshd answers ($answer)"
    else
      say "$node ($ip): no answer"
      ok=1
    fi
  done
  say "client key: $KEY"
  return $ok
}

case "${1:-}" in
  up | down | authorize)
    exec 9<"$0"
    flock -w 60 9 || die "another testbed.sh up/down is still running"
    "$@"
    ;;
  status) status ;;
  check-routes)
    shift
    check_routes "$@"
    ;;
  *) die "usage: testbed.sh up|down|status|authorize PUBKEY|check-routes [ADDR...]" ;;
esac
