"""Check sessions: a long-lived ssh session per node that runs checks one by one.

An ssh client per check cost more than the check itself: starting the
client, a new channel of the shared connection and the node's login shell,
about 8 ms on a node behind a jump, for a command that often takes 1. A
session starts the client once and keeps a small bash loop on the node
(RUNNER, fixed text of this server) that reads a request, runs it as a check
runs (`timeout -k` on the node, stdin from /dev/null, output and errors
together, its first OUTPUT_BYTES kept and the rest read and dropped), and
writes a reply; the next check reuses it.

The framing cannot be steered by what a check prints: a request is its id,
timeout and command length in a line, then the command's bytes (bash reads
exactly that many); a reply is `R <id> <status> <length>` and the output's
bytes, read by length. Ids are random, so a check that writes into the
session cannot answer for another; a reply that is not the one awaited ends
the session, and the request is refused (nothing is recorded). What a check
may do is what it could before: its author's command runs as the node's
user. A process of that user (the student's) can still read the loop's
requests and answer them, as it could always fake a result: a result is
what the node reported (docs/threat-model-server.md).

A node that cannot start the loop (no bash 4.1, or startup files that print
more than HELLO_LINES first) gets the per-check ssh client as before.
Sessions end when idle, when the lab's ssh config changes, at a deadline
(the client alone is killed, as for a check: the shared connection it may
have started stays), and at server stop (their stdin closes, the loop ends).
"""

import asyncio
import contextlib
import secrets
import shlex
import time

# The loop on the node. LC_ALL=C: lengths and `read -N` count bytes. The
# check runs as a background job that writes into a FIFO of the loop's own
# folder, which bash reads itself: its first OUTPUT_BYTES, and `cat` drops
# the rest only when there is more (no helper process per check besides
# `timeout` and the check's `sh`). Not a process substitution: bash 5.2's
# `wait` now and then lost its status (-1) when checks ran back to back. A
# process the check left holding its output keeps the loop at most t + 4 s
# more (`read -t`, `timeout cat`), so the loop ends even when it never does;
# its FIFO is then dropped, or that process would write into the next
# check's output. The folder is checked to be the loop's own before each
# check: one a check removed is made again, one of that name that is
# someone else's ends the loop (and is left as it is). `read -N` needs bash 4.1; an older bash
# says so and exits.
RUNNER = r"""
export LC_ALL=C
((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 401)) || exit 3
d=$(mktemp -d) || exit 3
trap '[ -O "$d" ] && rm -rf "$d"' EXIT
k=0
printf 'jlt-checks 1\n'
while read -r id t n; do
  IFS= read -r -N "$n" c || exit 0
  f=$d/$k
  { [ -O "$d" ] || mkdir -m 700 "$d"; } && { [ -p "$f" ] || mkfifo -m 600 "$f"; } || exit 3
  timeout -k 3 "$t" sh -c -- "$c" </dev/null >"$f" 2>&1 &
  p=$!
  exec 3<"$f"
  o=
  IFS= read -r -t "$((t + 4))" -N 4096 -u 3 o
  e=$?
  ((${#o} < 4096)) || timeout "$((t + 4))" cat <&3 >/dev/null || e=255
  exec 3<&-
  ((e > 128)) && { rm -f "$f"; k=$((k + 1)); }
  wait "$p"
  s=$?
  printf 'R %s %s %s\n%s' "$id" "$s" "${#o}" "$o"
done
"""
HELLO = b"jlt-checks 1\n"
# Sessions a node may have at once (checks of one node beyond that wait).
PER_NODE = 3
# A session unused this long is ended.
IDLE_SECONDS = 60
# What an ssh client says on stderr before it gives up, kept for the reply.
STDERR_BYTES = 4096
# Lines the node's startup files may print before the loop's hello.
HELLO_LINES = 100
# The output the loop keeps (`read -N 4096` in RUNNER), and ssh's status when it
# could not connect.
OUTPUT_BYTES = 4096
SSH_ERROR = 255


class SessionBroken(Exception):
    """The session ended or answered out of turn: the check did not run to its end."""


class Unreachable(SessionBroken):
    """ssh could not connect to the node, or it did not answer: its words."""


class SessionsBusy(SessionBroken):
    """Every session of the node stayed busy until the check's deadline."""


class Unsupported(Exception):
    """The node's login shell could not start the loop: use one ssh per check."""


class CheckSession:
    """One ssh client with the loop running on the node."""

    def __init__(self, args):
        self._args = args
        self.version = None
        self.process = None
        self._killed = False
        self.idle_since = time.monotonic()
        self._stderr = bytearray()
        self._stderr_task = None

    async def start(self, deadline):
        """Start the client and wait for the loop's hello, at most `deadline` seconds.

        What the node's startup files print first is skipped. Raises
        SessionBroken with ssh's own words when it could not connect (status
        255), Unsupported when the node could not run the loop.
        """
        self.process = await asyncio.create_subprocess_exec(
            *self._args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        self._stderr_task = asyncio.ensure_future(self._read_stderr())
        started = time.monotonic()
        try:
            await asyncio.wait_for(self._hello(), deadline)
            return
        except asyncio.TimeoutError:
            self.kill()
            raise Unreachable("The node did not answer in time.") from None
        except (EOFError, ValueError):
            # No hello: the client ended, or the node's startup files printed
            # more than the hello's lines (or one too long), the loop waiting.
            pass
        try:
            left = max(0, deadline - (time.monotonic() - started))
            status = await asyncio.wait_for(self.process.wait(), min(left, 1))
        except asyncio.TimeoutError:
            self.kill()
            raise Unsupported() from None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._stderr_task, 1)
        if status == SSH_ERROR:
            raise Unreachable(self.stderr_text() or "ssh could not connect.")
        raise Unsupported()

    async def run(self, command, timeout, deadline):
        """(status or None at the deadline, output bytes, ms) of one check.

        Raises SessionBroken when the session ended or answered out of turn.
        """
        started = time.monotonic()
        request_id = secrets.token_hex(8)
        data = command.encode()
        try:
            self.process.stdin.write(f"{request_id} {timeout} {len(data)}\n".encode() + data)
            await self.process.stdin.drain()
            status, output = await asyncio.wait_for(self._reply(request_id), deadline)
        except asyncio.TimeoutError:
            self.kill()
            status, output = None, b""
        except (ConnectionError, EOFError, ValueError):
            self.kill()
            said = self.stderr_text()
            raise SessionBroken(
                "The node's check session broke" + (f" ({said})" if said else "") + ": check again."
            ) from None
        finally:
            self.idle_since = time.monotonic()
        return status, output, round((self.idle_since - started) * 1000)

    @property
    def alive(self):
        return not self._killed and self.process is not None and self.process.returncode is None

    def close(self):
        """End the session: its loop ends when its stdin does."""
        if self.alive:
            with contextlib.suppress(Exception):
                self.process.stdin.close()

    async def ended(self, seconds):
        """Wait for the client to end, at most `seconds`, then kill it."""
        if self.process is None:
            return
        try:
            await asyncio.wait_for(self.process.wait(), seconds)
        except asyncio.TimeoutError:
            self.kill()
            await self.process.wait()

    def kill(self):
        """Kill the client (not its group: a shared connection it started stays)."""
        if self.alive:
            self._killed = True
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    def stderr_text(self):
        return self._stderr.decode("utf-8", errors="replace").strip()

    async def _hello(self):
        for _ in range(HELLO_LINES):
            line = await self.process.stdout.readline()
            if line == HELLO:
                return
            if not line:
                break
        raise EOFError()

    async def _reply(self, request_id):
        head = await self.process.stdout.readline()
        fields = head.decode("ascii", errors="replace").split()
        if (
            len(fields) != 4
            or fields[:2] != ["R", request_id]
            or not (fields[2].isdigit() and fields[3].isdigit())
            or int(fields[3]) > OUTPUT_BYTES
        ):
            raise EOFError() if not head else ValueError()
        output = await self.process.stdout.readexactly(int(fields[3]))
        return int(fields[2]), output

    async def _read_stderr(self):
        while chunk := await self.process.stderr.read(4096):
            if len(self._stderr) < STDERR_BYTES:
                self._stderr.extend(chunk[: STDERR_BYTES - len(self._stderr)])


class CheckSessions:
    """The sessions of the lab's nodes, PER_NODE at most a node, for one config.

    `version` names the config the sessions connect with: a session of
    another version is ended instead of reused.
    """

    def __init__(self, ssh_args):
        # ssh_args(place): the client's arguments before the remote command.
        self._ssh_args = ssh_args
        self._version = None
        self._idle = {}
        self._counts = {}
        self._freed = {}
        self._unsupported = set()
        self._reaper = None
        # Sessions told to end, for stop() to wait for.
        self._ending = []

    async def run(self, place, version, command, timeout, connect_deadline, deadline):
        """(status or None, output, ms) of a check on `place`.

        Raises Unsupported (no session on this node), Unreachable, SessionsBusy
        or SessionBroken.
        """
        if version != self._version:
            self.close_all()
            self._version = version
        if place in self._unsupported:
            raise Unsupported()
        session = await self._take(place, connect_deadline, deadline)
        try:
            return await session.run(command, timeout, deadline)
        finally:
            self._give_back(place, session)

    def close_all(self):
        """End the idle sessions; those in use end when their check does."""
        for sessions in self._idle.values():
            for session in sessions:
                session.close()
        # Kept for stop() until they ended: a server that runs for days forgets them.
        self._ending = [s for s in self._ending if s.process.returncode is None]
        self._ending.extend(session for sessions in self._idle.values() for session in sessions)
        self._idle.clear()
        self._counts.clear()
        self._unsupported.clear()
        self._version = object()

    async def stop(self):
        """End every idle session and wait for them (server stop), killing a slow one."""
        self.close_all()
        ending, self._ending = self._ending, []
        for session in ending:
            await session.ended(1)
        if self._reaper is not None:
            self._reaper.cancel()
            self._reaper = None

    def idle(self, place):
        """The idle sessions of a place (for the tests)."""
        return list(self._idle.get(place, []))

    async def _take(self, place, connect_deadline, deadline):
        """An idle session of the place, or a new one; waiting at most `deadline`."""
        give_up = time.monotonic() + deadline
        while True:
            idle = self._idle.setdefault(place, [])
            while idle:
                session = idle.pop()
                if session.alive:
                    return session
                self._drop(place)
            if self._counts.get(place, 0) < PER_NODE:
                break
            freed = self._freed.setdefault(place, asyncio.Event())
            freed.clear()
            try:
                await asyncio.wait_for(freed.wait(), max(0, give_up - time.monotonic()))
            except asyncio.TimeoutError:
                raise SessionsBusy(
                    f"The node's {PER_NODE} check sessions stayed busy: check again when "
                    "its other checks end."
                ) from None
        self._counts[place] = self._counts.get(place, 0) + 1
        session = CheckSession([*self._ssh_args(place), "--", remote_command()])
        session.version = self._version
        try:
            await session.start(connect_deadline)
        except BaseException as error:
            if session.version is self._version:
                self._drop(place)
            if isinstance(error, Unsupported):
                self._unsupported.add(place)
            else:
                session.kill()
            raise
        return session

    def _give_back(self, place, session):
        if session.version is not self._version:
            session.close()
            self._ending.append(session)
        elif session.alive:
            self._idle.setdefault(place, []).append(session)
        else:
            self._drop(place)
        if place in self._freed:
            self._freed[place].set()
        if self._reaper is None and any(self._idle.values()):
            self._reaper = asyncio.get_running_loop().call_later(IDLE_SECONDS, self._reap)

    def _drop(self, place):
        """A session of the place ended."""
        self._counts[place] = max(0, self._counts.get(place, 0) - 1)

    def _reap(self):
        self._reaper = None
        now = time.monotonic()
        for place, idle in self._idle.items():
            for session in [s for s in idle if now - s.idle_since >= IDLE_SECONDS]:
                idle.remove(session)
                self._drop(place)
                session.close()
                self._ending.append(session)
        if any(self._idle.values()):
            self._reaper = asyncio.get_running_loop().call_later(IDLE_SECONDS, self._reap)


def remote_command():
    """The node-side command: the loop in bash, else a status that says so."""
    return f"exec bash --noprofile --norc -c {shlex.quote(RUNNER)}"
