"""Server side of the lab's SSH terminals.

The front end opens terminals named node1, node2, ... and types
``ssh -F <configFile> node1`` into them. What it cannot do from the browser
lives here: write the OpenSSH config it generated, keep an ssh-agent holding
the student's key, forget a host key that changed, probe whether a node
answers, and tell whether a terminal is already running ssh.

The server runs as the student, so none of this grants new powers; still,
commands only ever run from argument lists (never through a shell), with
stdin closed and a timeout, and the config written passes an allow-list
(sshconfig.py) so that it cannot run commands itself. What the page may ask
is bounded by that config: the probe and Forget reach only its hosts and
ports, the agent endpoint answers only about its key files (and the
layouts' own), and everything that connects or changes state is a POST or
PUT, which jupyter_server checks for the XSRF token.
"""

import asyncio
import atexit
import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import socket
import stat
import subprocess
import tempfile
from collections import defaultdict

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from traitlets import Unicode, default
from traitlets.config import LoggingConfigurable

from .chameleon import chameleon_key, shell_agents
from .sshconfig import CONFIG_LIMIT, Context, config_problem, hosts, is_host

MAX_KEYS = 10
MAX_PATH = 4096

# The layouts' own key files (src/terminals/presets.ts): the agent endpoint
# answers about these even before a config names them.
PRESET_KEYS = ("~/.ssh/id_rsa_chameleon", "~/.ssh/kube-keys.pem")

# sun_path is 104 bytes on macOS and BSD, 108 on Linux: the smaller is safe.
SOCKET_PATH_LIMIT = 104

AGENT_START_TIMEOUT = 3
COMMAND_TIMEOUT = 10
PROBE_TIMEOUT = 3
BANNER_LIMIT = 255

PASSPHRASE_MESSAGE = (
    "The key {path} has a passphrase: type it once in the node1 terminal "
    "(ssh asks for it and keeps it in the agent)."
)


class RequestError(Exception):
    """A failure whose message is meant for the student, sent as JSON."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


class TestbedSSH(LoggingConfigurable):
    """Where the lab's SSH state lives, and the ssh-agent the server runs."""

    state_dir = Unicode(
        help="""Directory for the generated OpenSSH config and the lab's known_hosts.

        Default: ssh/ in the work folder's store when TestbedPersistence keeps
        one, else ~/.ssh/jupyterlab-testbed.""",
    ).tag(config=True)

    # Set by the extension from TestbedPersistence; an explicit state_dir wins.
    persisted_state_dir = Unicode("")

    @default("state_dir")
    def _default_state_dir(self):
        return self.persisted_state_dir or "~/.ssh/jupyterlab-testbed"

    control_dir = Unicode(
        help="""Directory for ssh ControlMaster sockets and the agent socket.

        Keep it short: a Unix socket path holds at most 104 characters, and ssh
        adds up to 58 to this directory's name.""",
    ).tag(config=True)

    @default("control_dir")
    def _default_control_dir(self):
        return f"/tmp/tb-ssh-{os.getuid()}"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._agent = None
        self._agent_lock = None
        self._ssh_version = None
        # The SHA-256 of the config text this process last wrote.
        self._written = None

    @property
    def state_path(self):
        return os.path.abspath(os.path.expanduser(self.state_dir))

    @property
    def control_path(self):
        return os.path.abspath(os.path.expanduser(self.control_dir))

    @property
    def config_file(self):
        return os.path.join(self.state_path, "config")

    @property
    def known_hosts_file(self):
        return os.path.join(self.state_path, "known_hosts")

    @property
    def agent_socket_path(self):
        return os.path.join(self.control_path, "agent.sock")

    @property
    def agent_pid(self):
        """The pid of the agent this server started, while it runs."""
        return self._agent.pid if self._agent and self._agent.poll() is None else None

    async def describe(self):
        """Paths the front end puts into the config and terminal commands."""
        return {
            "configFile": self.config_file,
            "knownHostsFile": self.known_hosts_file,
            "controlDir": self.control_path,
            "agentSocket": await self.agent_socket(),
            "sshVersion": await self.ssh_version(),
            "chameleonKey": chameleon_key(),
        }

    async def ssh_version(self):
        if self._ssh_version is None:
            with contextlib.suppress(RequestError):
                returncode, _, error = await _run(["ssh", "-V"])
                if returncode == 0 and error.strip():
                    self._ssh_version = error.strip().splitlines()[0]
        return self._ssh_version

    def check_context(self):
        """What only this server can say is the lab's, for checking a config."""
        sockets = [self.agent_socket_path]
        if os.environ.get("SSH_AUTH_SOCK"):
            sockets.append(os.path.normpath(os.environ["SSH_AUTH_SOCK"]))
        # The agents the user's own shells started (Chameleon's image), which
        # agent_socket() reports to the page: shell_agents() admits only the
        # user's own 0700 folders and sockets.
        sockets.extend(os.path.normpath(path) for path in shell_agents())
        return Context(
            known_hosts_file=self.known_hosts_file,
            control_dir=self.control_path,
            agent_sockets=tuple(sockets),
        )

    def write_config(self, text):
        problem = config_problem(text, self.check_context())
        if problem:
            raise RequestError(problem)
        self.ensure_control_dir()
        try:
            _write_private_file(self.config_file, text)
        except OSError as error:
            raise RequestError(
                f"Could not write {self.config_file}: {error.strerror}.", 500
            ) from None
        self._written = hashlib.sha256(text.encode()).hexdigest()

    def topology(self):
        """The Host blocks of the config this server wrote, as it wrote them.

        Probing, forgetting and key questions are limited to these, so the
        endpoints cannot reach hosts, ports or files the lab does not use.
        After a restart the config on disk counts when it passes the checks.
        """
        path = self.config_file
        try:
            with open(path, "rb") as file:
                data = file.read(CONFIG_LIMIT + 1)
        except OSError:
            raise RequestError(
                "The lab has no ssh config yet: open its nodes in the Terminals section first.",
                403,
            ) from None
        if self._written and hashlib.sha256(data).hexdigest() != self._written:
            raise RequestError(
                f"{path} changed since this server wrote it: open a terminal of the lab "
                "again, so the server writes it anew.",
                403,
            )
        text = data.decode("utf-8", errors="replace")
        problem = config_problem(text, self.check_context())
        if problem:
            raise RequestError(f"{path} is not a config this server would write. {problem}", 403)
        return hosts(text)

    def check_lab_host(self, host, port):
        """Refuse a host and port that are not a HostName and Port of the lab's config."""
        blocks = self.topology()
        ports = {block["port"] for block in blocks if block["host"] == host}
        if not ports:
            raise RequestError(
                f"{host} is not a host of the lab's ssh config: the server only reaches "
                "the lab's own nodes.",
                403,
            )
        if port not in ports:
            listed = ", ".join(str(p) for p in sorted(ports))
            raise RequestError(
                f"{host} is in the lab's ssh config with port {listed}, not {port}: "
                "the server only reaches the lab's own nodes.",
                403,
            )

    def check_lab_keys(self, paths):
        """Refuse key paths that are neither the config's IdentityFiles nor a layout's key."""
        allowed = {_local_path(path) for path in self.lab_key_paths()}
        for path in paths:
            if _local_path(path) not in allowed:
                raise RequestError(
                    f"{path} is not a key file of the lab: the server answers only about "
                    "the IdentityFile paths of the lab's ssh config and the layouts' keys.",
                    403,
                )

    def lab_key_paths(self):
        # The chameleon preset's key as the page is told it, checked the same way.
        paths = [*PRESET_KEYS, chameleon_key()["path"]]
        with contextlib.suppress(RequestError):
            for block in self.topology():
                paths.extend(block["keys"])
        return paths

    def ensure_control_dir(self):
        """Create the socket directory, refusing one someone else could reach.

        Under a shared /tmp another user may have made the directory first, to
        read or replace the sockets ssh keeps there.
        """
        path = self.control_path
        try:
            _make_private_dirs(path)
            info = os.lstat(path)
        except OSError as error:
            raise RequestError(f"Could not create {path}: {error.strerror}.", 500) from None
        advice = "Remove it, or set TestbedSSH.control_dir to another directory."
        if not stat.S_ISDIR(info.st_mode):
            raise RequestError(f"{path} is not a directory. {advice}", 500)
        if info.st_uid != os.getuid():
            raise RequestError(
                f"{path} belongs to another user (uid {info.st_uid}). {advice}", 500
            )
        if info.st_mode & 0o022:
            raise RequestError(f"{path} is writable by other users. {advice}", 500)

    async def agent_socket(self):
        """The agent the lab should use: the server's own, else ours, else one
        the user's shells started (as on Chameleon), else None."""
        for path in (os.environ.get("SSH_AUTH_SOCK"), self.agent_socket_path, *shell_agents()):
            if path and await _agent_answers(path):
                return path
        return None

    async def ensure_agent(self):
        """An agent that answers, starting ours when none does.

        An agent that answers on our socket is used as it is, even when another
        server process (say, one that crashed) started it.
        """
        if self._agent_lock is None:
            self._agent_lock = asyncio.Lock()
        # Two requests at once must not start two agents on one socket.
        async with self._agent_lock:
            path = await self.agent_socket()
            if path:
                return path
            # An agent of ours that stopped answering is of no use.
            self.stop_agent()
            await self._start_agent()
            return self.agent_socket_path

    async def _start_agent(self):
        path = self.agent_socket_path
        if len(path.encode()) >= SOCKET_PATH_LIMIT:
            raise RequestError(
                f"The agent socket path {path} is too long for a Unix socket: "
                "set TestbedSSH.control_dir to a shorter directory.",
                500,
            )
        self.ensure_control_dir()
        _remove_stale_socket(path)
        # A file, not a pipe, for stderr: nobody reads a pipe while the agent
        # runs, and a full one would block it. The agent keeps its own copy of
        # the descriptor once ours is closed.
        with tempfile.TemporaryFile() as errors:
            try:
                # Its own session, so a Ctrl-C meant for the server does not reach it.
                self._agent = subprocess.Popen(
                    ["ssh-agent", "-D", "-a", path],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    start_new_session=True,
                )
            except FileNotFoundError:
                raise RequestError("ssh-agent is not installed on the server.", 500) from None
            atexit.register(self.stop_agent)
            await self._wait_for_socket(path, errors)

    async def _wait_for_socket(self, path, errors):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + AGENT_START_TIMEOUT
        while not _is_socket(path):
            returncode = self._agent.poll()
            if returncode is not None:
                self.stop_agent()
                errors.seek(0)
                detail = _tidy(errors.read().decode(errors="replace"))
                raise RequestError(
                    f"ssh-agent stopped at once: {detail or f'exit status {returncode}'}", 500
                )
            if loop.time() > deadline:
                self.stop_agent()
                raise RequestError(
                    f"ssh-agent did not create {path} within {AGENT_START_TIMEOUT} s.", 500
                )
            await asyncio.sleep(0.05)

    def stop_agent(self):
        """Stop the agent this server started; runs at shutdown and at exit."""
        process, self._agent = self._agent, None
        if process is None:
            return
        atexit.unregister(self.stop_agent)
        if process.poll() is None:
            # ssh-agent removes its socket on SIGTERM.
            process.terminate()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    async def key_status(self, agent, paths):
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

    async def agent_status(self, paths):
        agent = await self.agent_socket()
        return {
            "agentSocket": agent,
            "running": agent is not None,
            "keys": await self.key_status(agent, paths),
        }

    async def load_keys(self, paths):
        """Add each existing key not yet loaded, explaining the ones that fail."""
        agent = await self.ensure_agent()
        messages = {}
        for key in await self.key_status(agent, paths):
            path = key["path"]
            if not key["exists"]:
                messages[path] = f"No key file at {path}."
            elif not key["loaded"]:
                messages[path] = await _add_key(agent, path)
        keys = await self.key_status(agent, paths)
        for key in keys:
            if messages.get(key["path"]):
                key["message"] = messages[key["path"]]
        return {"agentSocket": agent, "running": True, "keys": keys}

    async def forget(self, host, port):
        """Remove the host's known_hosts entries; ssh-keygen keeps a .old copy."""
        path = self.known_hosts_file
        if not os.path.isfile(path):
            return False
        name = _known_hosts_name(host, port)
        returncode, output, error = await _run(["ssh-keygen", "-R", name, "-f", path])
        if returncode != 0:
            raise RequestError(f"ssh-keygen could not update {path}: {_tidy(error)}", 500)
        # Found entries are listed as "# Host <name> found: line N".
        return "# Host " in output

    async def probe(self, host, port):
        """Whether an SSH server answers, and whether its key is the known one."""
        result = {"reachable": False, "banner": None, "error": None, "hostKey": None}
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), PROBE_TIMEOUT
            )
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
                result["hostKey"] = await self._host_key(host, port)
        return result

    async def _host_key(self, host, port):
        path = self.known_hosts_file
        if not os.path.isfile(path):
            return "unknown"
        name = _known_hosts_name(host, port)
        _, known, _ = await _run(["ssh-keygen", "-F", name, "-f", path])
        if not _host_keys(known):
            # No need to scan: with no entry, ssh takes whatever key it is shown.
            return "unknown"
        _, scanned, _ = await _run(
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


def check_host(host):
    """Refuse anything but an IP address or DNS name: it becomes a command argument."""
    if host is None or host == "":
        raise RequestError("The request needs a “host”.")
    if not is_host(host):
        shown = json.dumps(host)[:80] if isinstance(host, str) else "The host"
        raise RequestError(f"{shown} is not a host name or IP address.")
    return host


def check_port(port):
    if isinstance(port, str) and re.fullmatch(r"[0-9]{1,5}", port):
        port = int(port)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise RequestError("The port must be a whole number from 1 to 65535.")
    return port


def check_key_paths(paths):
    if not isinstance(paths, list):
        raise RequestError("“keys” must be a list of key file paths.")
    if len(paths) > MAX_KEYS:
        raise RequestError(f"At most {MAX_KEYS} keys can be given at once, not {len(paths)}.")
    for path in paths:
        if not isinstance(path, str) or not path:
            raise RequestError("Each key path must be a non-empty string.")
        if len(path) > MAX_PATH:
            raise RequestError(f"A key path is longer than {MAX_PATH} characters.")
        if re.search(r"[\0\r\n]", path):
            raise RequestError("A key path contains a NUL character or a line break.")
        if not path.startswith(("/", "~/")):
            raise RequestError(
                f"The key path {json.dumps(path)} must be absolute or start with ~/."
            )
    return paths


def _local_path(path):
    return os.path.normpath(os.path.expanduser(path))


def _known_hosts_name(host, port):
    return host if port == 22 else f"[{host}]:{port}"


async def _run(args, env=None, timeout=COMMAND_TIMEOUT):
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


def _agent_env(agent):
    """ssh-add's environment: this agent, and no passphrase dialog to wait on."""
    env = {name: value for name, value in os.environ.items() if name != "DISPLAY"}
    env.update(SSH_AUTH_SOCK=agent, SSH_ASKPASS_REQUIRE="never")
    return env


async def _agent_answers(path):
    if not _is_socket(path):
        return False
    # Exit status 1 is an agent without keys; 2 is no agent at all.
    returncode, _, _ = await _run(["ssh-add", "-l"], env=_agent_env(path))
    return returncode in (0, 1)


async def _agent_fingerprints(agent):
    _, output, _ = await _run(["ssh-add", "-l", "-E", "sha256"], env=_agent_env(agent))
    # Lines read "256 SHA256:... comment (ED25519)"; "The agent has no identities." otherwise.
    fields = (line.split() for line in output.splitlines())
    return {words[1] for words in fields if len(words) > 1 and words[1].startswith("SHA256:")}


async def _fingerprint(local):
    """The key's SHA256 fingerprint, from the key file or else its .pub."""
    for candidate in (local, local + ".pub"):
        if os.path.isfile(candidate):
            returncode, output, _ = await _run(
                ["ssh-keygen", "-l", "-E", "sha256", "-f", candidate]
            )
            fields = output.split()
            if returncode == 0 and len(fields) > 1 and fields[1].startswith("SHA256:"):
                return fields[1]
    return None


async def _add_key(agent, path):
    """Load one key; None when it worked, else why not."""
    try:
        returncode, _, error = await _run(
            ["ssh-add", os.path.expanduser(path)], env=_agent_env(agent)
        )
    except RequestError as failure:
        return failure.message
    if returncode == 0:
        return None
    # With stdin closed and no askpass, ssh-add gives up at its passphrase prompt.
    if "passphrase" in error.lower():
        return PASSPHRASE_MESSAGE.format(path=path)
    return _tidy(error) or f"ssh-add failed with exit status {returncode}."


def _tidy(text):
    """ssh's stderr on one line, without the @@@ frame around its warnings."""
    lines = (line.strip(" @") for line in text.splitlines())
    return " ".join(line for line in lines if line)[:500]


def _is_socket(path):
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


def _make_private_dirs(path):
    """Create the directory and missing parents, each 0700.

    os.makedirs gives new parents (such as ~/.ssh) the default mode instead.
    """
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        path = os.path.dirname(path)
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(directory, 0o700)


def _write_private_file(path, text):
    """Write 0600 through a temporary file, so ssh never reads half a config."""
    directory = os.path.dirname(path)
    _make_private_dirs(directory)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".config.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


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


def _process_children():
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


def _ssh_in_terminals(shells):
    children = _process_children()
    return {name: {"ssh": _runs_ssh(pid, children)} for name, pid in shells.items()}


def _replies_to_errors(method):
    """Send RequestError as {"message": ...} with its status."""

    @functools.wraps(method)
    async def wrapper(self, *args, **kwargs):
        try:
            await method(self, *args, **kwargs)
        except RequestError as error:
            if error.status >= 500:
                self.log.warning("jupyterlab_testbed ssh: %s", error.message)
            self.set_status(error.status)
            self.finish(json.dumps({"message": error.message}))

    return wrapper


class SSHHandler(APIHandler):
    # These endpoints run ssh tools for the lab's terminals: a deployment's
    # Authorizer should grant them with the terminals.
    auth_resource = "terminals"

    @property
    def ssh(self):
        return self.settings["jupyterlab_testbed_ssh"]

    def json_body(self):
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError:
            raise RequestError("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise RequestError("The request body must be a JSON object.")
        return body

    def reply(self, body):
        self.finish(json.dumps(body))

    def host_and_port(self, host, port):
        return check_host(host), check_port(22 if port is None else port)


class PathsHandler(SSHHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def get(self):
        self.reply(await self.ssh.describe())


class ConfigHandler(SSHHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def put(self):
        body = self.json_body()
        if "text" not in body:
            raise RequestError("The request body needs the config as “text”.")
        self.ssh.write_config(body["text"])
        self.reply(await self.ssh.describe())


class AgentHandler(SSHHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def get(self):
        paths = check_key_paths(self.get_arguments("key", strip=False))
        self.ssh.check_lab_keys(paths)
        self.reply(await self.ssh.agent_status(paths))

    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        paths = check_key_paths(self.json_body().get("keys", []))
        self.ssh.check_lab_keys(paths)
        self.reply(await self.ssh.load_keys(paths))


class ForgetHandler(SSHHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        body = self.json_body()
        host, port = self.host_and_port(body.get("host"), body.get("port"))
        self.ssh.check_lab_host(host, port)
        self.reply({"removed": await self.ssh.forget(host, port)})


class ProbeHandler(SSHHandler):
    # POST: it opens network connections, so it takes the XSRF check that
    # jupyter_server applies to POST and never to GET.
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        body = self.json_body()
        host, port = self.host_and_port(body.get("host"), body.get("port"))
        self.ssh.check_lab_host(host, port)
        self.reply(await self.ssh.probe(host, port))


class TerminalsHandler(SSHHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def get(self):
        manager = self.settings.get("terminal_manager")
        terminals = dict(manager.terminals) if manager else {}
        shells = {name: terminal.ptyproc.pid for name, terminal in terminals.items()}
        # Reading /proc takes a moment with many processes: not on the event loop.
        states = await asyncio.get_running_loop().run_in_executor(None, _ssh_in_terminals, shells)
        self.reply({"terminals": states})


def setup_ssh_handlers(web_app):
    base = url_path_join(web_app.settings["base_url"], "jupyterlab-testbed", "ssh")
    routes = [
        ("", PathsHandler),
        ("/config", ConfigHandler),
        ("/agent", AgentHandler),
        ("/forget", ForgetHandler),
        ("/probe", ProbeHandler),
        ("/terminals", TerminalsHandler),
    ]
    web_app.add_handlers(".*$", [(base + suffix, handler) for suffix, handler in routes])
