"""Running the checks an author declares on a lab's steps (issue 16).

A check is a command from the notebook that proves a step worked. It runs
only when the student clicks Check, never typed into their terminal: here,
as a process of its own, on the lab's nodes over the ssh config this server
last wrote (only its Host aliases; batch mode, so it never asks for a
password or a host key; the shared control connection when one is up), in
the node's check session (checksession.py) or with an ssh client of its own
where the node cannot keep one, or on the Jupyter side as a local process.
Every run is bounded: a timeout that stops the command on the node too (a
remote `timeout` wrapper, and the local client killed as a backstop), output
capped to its first lines, a few processes at a time, and never the same
step twice at once.
"""

import asyncio
import contextlib
import os
import re
import shlex
import signal
import subprocess
import time

from .checksession import CheckSessions, SessionBroken, SessionsBusy, Unreachable, Unsupported
from .config import ALIAS
from .errors import RequestError

DEFAULT_TIMEOUT = 30
MAX_TIMEOUT = 300
MAX_COMMAND = 2000
MAX_KEY = 200
# What a result keeps of the output: the first lines of the first bytes.
OUTPUT_BYTES = 4096
OUTPUT_LINES = 20
# Processes running checks at once, over all steps and nodes.
MAX_PARALLEL = 8
# Beyond the check's own timeout: connecting, and the remote wrapper's kill.
CONNECT_TIMEOUT = 10
GRACE = 3
# ssh's own status for a connection that failed.
SSH_ERROR = 255
# GNU timeout's statuses: timed out, and killed after the grace period.
TIMED_OUT = (124, 137)
JUPYTER = "jupyter"
ALL = "all"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def read_request(body):
    """(key, command, where, timeout) from a request body, or RequestError."""
    key, command, where = body.get("key"), body.get("command"), body.get("where")
    timeout = body.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY or CONTROL.search(key):
        raise RequestError(f"“key” must name the step in at most {MAX_KEY} characters.")
    if not isinstance(command, str) or not command.strip():
        raise RequestError("“command” must be the check's command.")
    try:
        command.encode()
    except UnicodeEncodeError:
        raise RequestError(
            "The command holds a character that is not one (a lone surrogate)."
        ) from None
    if len(command) > MAX_COMMAND or "\0" in command or "\r" in command:
        raise RequestError(
            f"The command is over {MAX_COMMAND} characters or holds a NUL or carriage return."
        )
    if not isinstance(where, str) or not ALIAS.fullmatch(where):
        raise RequestError("“where” must be a node's name, “all” or “jupyter”.")
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= MAX_TIMEOUT:
        raise RequestError(f"“timeout” must be 1 to {MAX_TIMEOUT} seconds.")
    return key, command, where, timeout


class CheckRunner:
    """Runs checks for the handlers; one per server."""

    def __init__(self, ssh, root_dir):
        self.ssh = ssh
        self.root_dir = root_dir
        self.sessions = CheckSessions(self._ssh_args)
        self._read_version = None
        self._read_aliases = []
        self._running = set()
        self._slots = None

    def places(self, where):
        """The lab's nodes (Host aliases) a check on `where` runs on."""
        if where == JUPYTER:
            return [JUPYTER]
        aliases = self._aliases()
        if where == ALL:
            return aliases
        if where not in aliases:
            listed = ", ".join(aliases) or "none"
            raise RequestError(
                f"{where} is not a node of the lab's ssh config (its nodes: {listed}).", 403
            )
        return [where]

    def _aliases(self):
        """The lab's Host aliases, read again only when the config file changed.

        Reading it checks it whole (0.8 ms, most of it the scan for the
        student's agents), which Check All would repeat for every step.
        """
        version = self._config_version()
        if version is None or version != self._read_version:
            self._read_aliases = [block["alias"] for block in self.ssh.topology()]
            self._read_version = version
        return self._read_aliases

    async def run(self, key, command, where, timeout):
        """Run a check where it says; every node's result and the overall one."""
        places = self.places(where)
        if key in self._running:
            raise RequestError("This step's check is already running.", 409)
        if self._slots is None:
            self._slots = asyncio.Semaphore(MAX_PARALLEL)
        self._running.add(key)
        try:
            results = await asyncio.gather(
                *(self._run_on(place, command, timeout) for place in places)
            )
        finally:
            self._running.discard(key)
        return {"result": overall(results), "places": results}

    def _ssh_args(self, place):
        """The ssh client's arguments for a node, before the remote command."""
        return [
            "ssh", "-F", self.ssh.config_file, "-T",
            "-o", "BatchMode=yes",
            "-o", f"ConnectTimeout={CONNECT_TIMEOUT}",
            "-o", "LogLevel=ERROR",
            place,
        ]  # fmt: skip

    async def _run_on(self, place, command, timeout):
        if place == JUPYTER:
            args = ["timeout", "-k", str(GRACE), str(timeout), "sh", "-c", "--", command]
            deadline = timeout + 2 * GRACE
        else:
            remote = f"timeout -k {GRACE} {timeout} sh -c -- {shlex.quote(command)}"
            args = [*self._ssh_args(place), "--", remote]
            deadline = timeout + CONNECT_TIMEOUT + 2 * GRACE
        # A slot is waited for at most as long as the check itself may run.
        try:
            await asyncio.wait_for(self._slots.acquire(), deadline)
        except asyncio.TimeoutError:
            raise RequestError(
                f"{MAX_PARALLEL} checks are running already: try again when they end.", 429
            ) from None
        try:
            started = time.monotonic()
            if place != JUPYTER:
                session = await self._in_session(place, command, timeout)
                if session is not None:
                    return {"place": place, **session}
            status, output = await run_bounded(
                args, deadline, cwd=self.root_dir, local=place == JUPYTER
            )
            ms = round((time.monotonic() - started) * 1000)
        finally:
            self._slots.release()
        return {"place": place, "ms": ms, "output": output, **outcome(place, status)}

    async def _in_session(self, place, command, timeout):
        """A node check in the node's check session: output and outcome, or None.

        None when the node cannot keep a session (its login shell has no
        bash): the check then runs with an ssh client of its own.
        """
        try:
            status, output, ms = await self.sessions.run(
                place,
                self._config_version(),
                command,
                timeout,
                connect_deadline=CONNECT_TIMEOUT + GRACE,
                deadline=timeout + 2 * GRACE,
            )
        except Unsupported:
            return None
        except Unreachable as error:
            return {"ms": 0, "output": first_lines(str(error).encode()), "result": "unreachable"}
        except SessionsBusy as error:
            # It did not run: nothing to record, as when every slot is taken.
            raise RequestError(str(error), 429) from None
        except SessionBroken as error:
            # Something wrote into the session, or ended it: what ran is unknown.
            raise RequestError(str(error), 502) from None
        # In a session the status is the command's own: 255 is a failure like any other.
        return {"ms": ms, "output": first_lines(output), **outcome(JUPYTER, status)}

    def _config_version(self):
        """What names the lab's ssh config as written: sessions of another end."""
        try:
            stat = os.stat(self.ssh.config_file)
        except OSError:
            return None
        return (self.ssh.config_file, stat.st_ino, stat.st_mtime_ns, stat.st_size)

    async def close(self):
        """End the check sessions (server stop)."""
        await self.sessions.stop()


def outcome(place, status):
    """The result of one place from the process's status (None: killed at the deadline)."""
    if status is None or status in TIMED_OUT:
        return {"result": "timeout"}
    if status == 0:
        return {"result": "pass"}
    if status == SSH_ERROR and place != JUPYTER:
        return {"result": "unreachable"}
    return {"result": "fail", "exit": status}


def overall(results):
    """The worst of the places: unreachable, then timeout, then fail, else pass."""
    for result in ("unreachable", "timeout", "fail"):
        found = [r for r in results if r["result"] == result]
        if found:
            return {key: found[0][key] for key in ("result", "exit") if key in found[0]}
    return {"result": "pass"}


async def run_bounded(args, deadline, cwd=None, local=True):
    """Run args in a session of their own: (status or None at the deadline, first output lines).

    Output beyond OUTPUT_BYTES is read and dropped, so a check that prints
    megabytes neither fills memory nor blocks on a full pipe. A `local`
    check's session is killed when it ends, its children with it. An ssh
    check's command runs on the node (its remote `timeout` ends it there);
    here only the ssh client is killed, at the deadline: the rest of its
    session is the shared connection it may have started (the ControlPersist
    master's ProxyJump process), which the student's terminals and later
    checks use (killing it made every check behind a jump connect anew,
    about 200 ms instead of 15, and could drop a terminal's connection).
    """
    try:
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise RequestError(f"{args[0]} is not installed on the server.", 500) from None
    kept = bytearray()

    async def read():
        while chunk := await process.stdout.read(65536):
            if len(kept) < OUTPUT_BYTES:
                kept.extend(chunk[: OUTPUT_BYTES - len(kept)])
        return await process.wait()

    status = None
    try:
        status = await asyncio.wait_for(read(), deadline)
    except asyncio.TimeoutError:
        pass
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if local:
                # The whole group: a check's children go with it, also when it ended itself.
                os.killpg(process.pid, signal.SIGKILL)
            elif status is None:
                process.kill()
        if process.returncode is None:
            await process.wait()
    return status, first_lines(bytes(kept))


def first_lines(data):
    """The first OUTPUT_LINES lines as text, without control characters."""
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    lines = text.split("\n")
    cut = len(lines) > OUTPUT_LINES or len(data) >= OUTPUT_BYTES
    text = CONTROL.sub("", "\n".join(lines[:OUTPUT_LINES]))
    return text + ("\n…" if cut else "")
