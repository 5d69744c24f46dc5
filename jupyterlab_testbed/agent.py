"""The ssh-agent holding the student's key for the lab's terminals.

The lab uses an agent that answers: the server's own environment's, else the
one this server started, else one the user's shells started (Chameleon's
image starts one per shell, see chameleon.py). Only when none answers does
the server start ssh-agent itself, on a socket in the lab's private control
directory, and stop it at shutdown. Keys are added with ssh-add, never
copied; one with a passphrase is left for the student to type in a terminal.
"""

import asyncio
import atexit
import os
import stat
import subprocess
import tempfile

from .chameleon import shell_agents
from .errors import RequestError
from .processes import run, tidy

# sun_path is 104 bytes on macOS and BSD, 108 on Linux: the smaller is safe.
SOCKET_PATH_LIMIT = 104
AGENT_START_TIMEOUT = 3

PASSPHRASE_MESSAGE = (
    "The key {path} has a passphrase: type it once in the node1 terminal "
    "(ssh asks for it and keeps it in the agent)."
)


class LabAgent:
    """Finds the agent the lab should use, and runs one when none answers.

    socket_path and prepare_dir are callables: the control directory is a
    setting that may change while the server runs.
    """

    def __init__(self, socket_path, prepare_dir):
        self._socket_path = socket_path
        self._prepare_dir = prepare_dir
        self._process = None
        self._lock = None

    @property
    def pid(self):
        """The pid of the agent this server started, while it runs."""
        process = self._process
        return process.pid if process and process.poll() is None else None

    async def socket(self):
        """The agent the lab should use: the server's own, else ours, else one
        the user's shells started (as on Chameleon), else None."""
        candidates = (os.environ.get("SSH_AUTH_SOCK"), self._socket_path(), *shell_agents())
        for path in candidates:
            if path and await agent_answers(path):
                return path
        return None

    async def ensure(self):
        """An agent that answers, starting ours when none does.

        An agent that answers on our socket is used as it is, even when another
        server process (say, one that crashed) started it.
        """
        if self._lock is None:
            self._lock = asyncio.Lock()
        # Two requests at once must not start two agents on one socket.
        async with self._lock:
            path = await self.socket()
            if path:
                return path
            # An agent of ours that stopped answering is of no use.
            self.stop()
            await self._start()
            return self._socket_path()

    async def _start(self):
        path = self._socket_path()
        if len(path.encode()) >= SOCKET_PATH_LIMIT:
            raise RequestError(
                f"The agent socket path {path} is too long for a Unix socket: "
                "set TestbedSSH.control_dir to a shorter directory.",
                500,
            )
        self._prepare_dir()
        _remove_stale_socket(path)
        # A file, not a pipe, for stderr: nobody reads a pipe while the agent
        # runs, and a full one would block it. The agent keeps its own copy of
        # the descriptor once ours is closed.
        with tempfile.TemporaryFile() as errors:
            try:
                # Its own session, so a Ctrl-C meant for the server does not reach it.
                self._process = subprocess.Popen(
                    ["ssh-agent", "-D", "-a", path],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    start_new_session=True,
                )
            except FileNotFoundError:
                raise RequestError("ssh-agent is not installed on the server.", 500) from None
            atexit.register(self.stop)
            await self._wait_for_socket(path, errors)

    async def _wait_for_socket(self, path, errors):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + AGENT_START_TIMEOUT
        while not is_socket(path):
            returncode = self._process.poll()
            if returncode is not None:
                self.stop()
                errors.seek(0)
                detail = tidy(errors.read().decode(errors="replace"))
                raise RequestError(
                    f"ssh-agent stopped at once: {detail or f'exit status {returncode}'}", 500
                )
            if loop.time() > deadline:
                self.stop()
                raise RequestError(
                    f"ssh-agent did not create {path} within {AGENT_START_TIMEOUT} s.", 500
                )
            await asyncio.sleep(0.05)

    def stop(self):
        """Stop the agent this server started; runs at shutdown and at exit."""
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self.stop)
        if process.poll() is None:
            # ssh-agent removes its socket on SIGTERM.
            process.terminate()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    async def status(self, paths):
        agent = await self.socket()
        return {
            "agentSocket": agent,
            "running": agent is not None,
            "keys": await key_status(agent, paths),
        }

    async def load_keys(self, paths):
        """Add each existing key not yet loaded, explaining the ones that fail."""
        agent = await self.ensure()
        messages = {}
        for key in await key_status(agent, paths):
            path = key["path"]
            if not key["exists"]:
                messages[path] = f"No key file at {path}."
            elif not key["loaded"]:
                messages[path] = await _add_key(agent, path)
        keys = await key_status(agent, paths)
        for key in keys:
            if messages.get(key["path"]):
                key["message"] = messages[key["path"]]
        return {"agentSocket": agent, "running": True, "keys": keys}


async def key_status(agent, paths):
    """Whether each key file exists and is loaded into the agent."""
    loaded = await _agent_fingerprints(agent) if agent else set()
    keys = []
    for path in paths:
        local = os.path.expanduser(path)
        exists = os.path.isfile(local)
        fingerprint = await _fingerprint(local) if exists else None
        keys.append(
            {
                "path": path,
                "exists": exists,
                "fingerprint": fingerprint,
                "loaded": fingerprint in loaded,
            }
        )
    return keys


def _agent_env(agent):
    """ssh-add's environment: this agent, and no passphrase dialog to wait on."""
    env = {name: value for name, value in os.environ.items() if name != "DISPLAY"}
    env.update(SSH_AUTH_SOCK=agent, SSH_ASKPASS_REQUIRE="never")
    return env


async def agent_answers(path):
    if not is_socket(path):
        return False
    # Exit status 1 is an agent without keys; 2 is no agent at all.
    returncode, _, _ = await run(["ssh-add", "-l"], env=_agent_env(path))
    return returncode in (0, 1)


async def _agent_fingerprints(agent):
    _, output, _ = await run(["ssh-add", "-l", "-E", "sha256"], env=_agent_env(agent))
    # Lines read "256 SHA256:... comment (ED25519)"; "The agent has no identities." otherwise.
    fields = (line.split() for line in output.splitlines())
    return {words[1] for words in fields if len(words) > 1 and words[1].startswith("SHA256:")}


async def _fingerprint(local):
    """The key's SHA256 fingerprint, from the key file or else its .pub."""
    for candidate in (local, local + ".pub"):
        if os.path.isfile(candidate):
            returncode, output, _ = await run(["ssh-keygen", "-l", "-E", "sha256", "-f", candidate])
            fields = output.split()
            if returncode == 0 and len(fields) > 1 and fields[1].startswith("SHA256:"):
                return fields[1]
    return None


async def _add_key(agent, path):
    """Load one key; None when it worked, else why not."""
    try:
        returncode, _, error = await run(
            ["ssh-add", os.path.expanduser(path)], env=_agent_env(agent)
        )
    except RequestError as failure:
        return failure.message
    if returncode == 0:
        return None
    # With stdin closed and no askpass, ssh-add gives up at its passphrase prompt.
    if "passphrase" in error.lower():
        return PASSPHRASE_MESSAGE.format(path=path)
    return tidy(error) or f"ssh-add failed with exit status {returncode}."


def is_socket(path):
    try:
        return stat.S_ISSOCK(os.lstat(path).st_mode)
    except OSError:
        return False


def _remove_stale_socket(path):
    """ssh-agent refuses to bind over a socket left by an agent that died."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise RequestError(f"{path} exists and is not a socket: remove it.", 500)
    os.unlink(path)
