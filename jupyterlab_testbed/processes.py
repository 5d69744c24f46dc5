"""The ssh tools the server runs, and what it reads of other processes.

Commands only ever run from argument lists (never through a shell), with
stdin closed and a timeout; their hosts and ports passed the checks of
config.py, and the caller (TestbedSSH) limits them to the lab's own config.
Here: running a command, probing whether a node answers with an SSH banner,
comparing its host key with the lab's known_hosts, forgetting a changed
key, and telling from /proc whether a terminal is running ssh.
"""

import asyncio
import contextlib
import errno
import os
import socket
import subprocess
from collections import defaultdict

from .errors import RequestError

COMMAND_TIMEOUT = 10
PROBE_TIMEOUT = 3
BANNER_LIMIT = 255


async def run(args, env=None, timeout=COMMAND_TIMEOUT):
    """Run a command without a shell; return (returncode, stdout, stderr)."""
    try:
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
    except FileNotFoundError:
        raise RequestError(
            f"{args[0]} is not installed on the server (it comes with OpenSSH).", 500
        ) from None
    try:
        output, error = await asyncio.wait_for(process.communicate(), timeout)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        raise RequestError(f"{args[0]} did not finish within {timeout} s.", 500) from None
    return process.returncode, output.decode(errors="replace"), error.decode(errors="replace")


def tidy(text):
    """ssh's stderr on one line, without the @@@ frame around its warnings."""
    lines = (line.strip(" @") for line in text.splitlines())
    return " ".join(line for line in lines if line)[:500]


async def ssh_version():
    """The first line of `ssh -V`, or None when ssh does not answer."""
    with contextlib.suppress(RequestError):
        returncode, _, error = await run(["ssh", "-V"])
        if returncode == 0 and error.strip():
            return error.strip().splitlines()[0]
    return None


# Probing a node


async def probe(host, port, known_hosts_file):
    """Whether an SSH server answers, and whether its key is the known one."""
    result = {"reachable": False, "banner": None, "error": None, "hostKey": None}
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), PROBE_TIMEOUT)
    except (OSError, asyncio.TimeoutError) as error:
        result["error"] = _connect_error(error)
        return result
    result["reachable"] = True
    try:
        result["banner"], result["error"] = await _read_banner(reader)
    finally:
        writer.close()
        with contextlib.suppress(OSError, asyncio.TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), 1)
    if result["banner"]:
        # A host key that could not be checked is no reason to fail the probe.
        with contextlib.suppress(RequestError):
            result["hostKey"] = await _host_key(host, port, known_hosts_file)
    return result


def _connect_error(error):
    if isinstance(error, (asyncio.TimeoutError, TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "unknown host name"
    known = {errno.EHOSTUNREACH: "no route to host", errno.ENETUNREACH: "network unreachable"}
    return known.get(error.errno) or (error.strerror or str(error) or type(error).__name__)[:120]


async def _read_banner(reader):
    """The server's first line if it is an SSH banner: (banner, error)."""
    received = bytearray()

    async def read():
        while b"\n" not in received and len(received) < BANNER_LIMIT:
            chunk = await reader.read(BANNER_LIMIT - len(received))
            if not chunk:
                return
            received.extend(chunk)

    with contextlib.suppress(OSError, asyncio.TimeoutError):
        await asyncio.wait_for(read(), PROBE_TIMEOUT)
    line = bytes(received).split(b"\n")[0].rstrip(b"\r").decode("ascii", "replace")
    if line.startswith("SSH-"):
        return line, None
    if not received:
        return None, "no SSH banner"
    return None, "not an SSH server"


# Host keys


async def _host_key(host, port, known_hosts_file):
    if not os.path.isfile(known_hosts_file):
        return "unknown"
    name = known_hosts_name(host, port)
    _, known, _ = await run(["ssh-keygen", "-F", name, "-f", known_hosts_file])
    if not _host_keys(known):
        # No need to scan: with no entry, ssh takes whatever key it is shown.
        return "unknown"
    _, scanned, _ = await run(
        ["ssh-keyscan", "-T", str(PROBE_TIMEOUT), "-p", str(port), host],
        timeout=COMMAND_TIMEOUT + PROBE_TIMEOUT,
    )
    return host_key_state(known, scanned)


def host_key_state(known, scanned):
    """Compare `ssh-keygen -F` output with `ssh-keyscan` output.

    "unknown" when known_hosts has no entry, "known" when a scanned key is
    among the entries, "changed" when none is, None when nothing was scanned.
    """
    known_keys = _host_keys(known)
    if not known_keys:
        return "unknown"
    scanned_keys = _host_keys(scanned)
    if not scanned_keys:
        return None
    return "known" if known_keys & scanned_keys else "changed"


def _host_keys(text):
    """(type, key) pairs from known_hosts lines, skipping comments and markers.

    @cert-authority and @revoked lines do not make a key known.
    """
    keys = set()
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3 and not fields[0].startswith(("#", "@")):
            keys.add((fields[1], fields[2]))
    return keys


def known_hosts_name(host, port):
    return host if port == 22 else f"[{host}]:{port}"


async def forget(host, port, known_hosts_file):
    """Remove the host's known_hosts entries; ssh-keygen keeps a .old copy."""
    if not os.path.isfile(known_hosts_file):
        return False
    name = known_hosts_name(host, port)
    returncode, output, error = await run(["ssh-keygen", "-R", name, "-f", known_hosts_file])
    if returncode != 0:
        raise RequestError(f"ssh-keygen could not update {known_hosts_file}: {tidy(error)}", 500)
    # Found entries are listed as "# Host <name> found: line N".
    return "# Host " in output


# Terminals running ssh


def process_children():
    """Map each pid to its children's pids, from /proc (empty without /proc)."""
    children = defaultdict(list)
    try:
        entries = os.listdir("/proc")
    except OSError:
        return children
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                data = file.read()
        except OSError:
            continue  # the process ended meanwhile
        # The command name in parentheses may hold spaces: fields follow the last ")".
        fields = data.rpartition(b")")[2].split()
        if len(fields) > 1:
            children[int(fields[1])].append(int(entry))
    return children


def _is_ssh(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            argv0 = file.read().split(b"\0")[0]
    except OSError:
        return False
    return os.path.basename(argv0) == b"ssh"


def _runs_ssh(shell, children):
    """Whether the shell, or any process under it, is ssh."""
    pending, seen = [shell], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        if _is_ssh(pid):
            return True
        pending.extend(children.get(pid, ()))
    return False


def ssh_in_terminals(shells):
    """For each terminal name (shell pid), whether ssh runs in it."""
    children = process_children()
    return {name: {"ssh": _runs_ssh(pid, children)} for name, pid in shells.items()}
