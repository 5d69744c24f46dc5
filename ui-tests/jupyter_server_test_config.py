"""Server configuration for the Galata UI tests.

galata's helper makes a throw-away root folder, no token and exposes the
app to the test page; tests upload the notebooks they use.
"""
import atexit
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# CI runs as root in a throw-away machine.
c.ServerApp.allow_root = True  # noqa: F821

# The lab's SSH state, per server process: the root and the hub-base-url
# servers run side by side, and neither may touch the user's ~/.ssh or the
# sockets of another server. The control directory holds ssh's sockets, so
# it stays short.
_PREFIX = "tb-galata-"
_pid = os.getpid()
_ssh_control = f"/tmp/{_PREFIX}{_pid}"
_ssh_state = tempfile.mkdtemp(prefix=f"{_PREFIX}ssh-{_pid}-")
c.TestbedSSH.state_dir = _ssh_state  # noqa: F821
c.TestbedSSH.control_dir = _ssh_control  # noqa: F821
# Each server starts an agent of its own rather than using the caller's.
os.environ.pop("SSH_AUTH_SOCK", None)


def _end_ssh(control):
    """End the shared connections and the agent of one control directory.

    Shared connections (ControlPersist) and the agent run in sessions of
    their own: they outlive the server and its terminals.
    """
    for socket in glob.glob(os.path.join(control, "*")):
        if os.path.basename(socket) == "agent.sock":
            continue
        try:
            subprocess.run(
                ["ssh", "-S", socket, "-O", "exit", "testbed"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            pass
    # The agent of a server that was killed (Playwright ends its web servers
    # with SIGKILL): the one started on this directory's socket.
    agent = f"{control}/agent.sock".encode()
    for entry in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(entry, "rb") as file:
                argv = file.read().split(b"\0")
        except OSError:
            continue
        if os.path.basename(argv[0]) == b"ssh-agent" and agent in argv:
            try:
                os.kill(int(entry.split("/")[2]), signal.SIGTERM)
            except OSError:
                pass


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_earlier_runs():
    """Remove what servers of earlier runs, now gone, left behind."""
    tmp = tempfile.gettempdir()
    for path in glob.glob(f"/tmp/{_PREFIX}*") + glob.glob(f"{tmp}/{_PREFIX}ssh-*"):
        match = re.fullmatch(rf"{_PREFIX}(?:ssh-)?(\d+)(?:-.*)?", os.path.basename(path))
        if not match or int(match.group(1)) == _pid or _alive(int(match.group(1))):
            continue
        if not os.path.basename(path).startswith(f"{_PREFIX}ssh-"):
            _end_ssh(path)
        shutil.rmtree(path, ignore_errors=True)


def _remove_ssh_state():
    _end_ssh(_ssh_control)
    shutil.rmtree(_ssh_state, ignore_errors=True)
    shutil.rmtree(_ssh_control, ignore_errors=True)


_sweep_earlier_runs()
# Runs when the server stops normally; after a SIGKILL the next run sweeps.
atexit.register(_remove_ssh_state)

# The lab's settings persist in a throw-away work folder, never in the
# machine's own /work (the default on a Chameleon-like machine).
_work = tempfile.mkdtemp(prefix=f"{_PREFIX}work-{_pid}-")
c.TestbedPersistence.work_dir = _work  # noqa: F821
atexit.register(shutil.rmtree, _work, ignore_errors=True)
