"""Server side of the lab's SSH terminals: where their state lives, and what
the page may reach.

The front end opens terminals named node1, node2, ... and types
``ssh -F <configFile> node1`` into them. What it cannot do from the browser
happens on the server: write the OpenSSH config it generated (config.py
checks it against an allow-list, so that it cannot run commands itself),
keep an ssh-agent holding the student's key (agent.py), forget a host key
that changed, probe whether a node answers (processes.py), and tell whether
a terminal is already running ssh.

The server runs as the student, so none of this grants new powers; still,
what the page may ask is bounded by the config this server last wrote: the
probe and Forget reach only its hosts and ports, and the agent endpoint
answers only about its key files (and the layouts' own). TestbedSSH holds
that boundary; the handlers only parse requests and call it.
"""

import contextlib
import hashlib
import os
import stat

from traitlets import Unicode, default
from traitlets.config import LoggingConfigurable

from . import processes
from .agent import LabAgent
from .chameleon import chameleon_key, shell_agents
from .config import (
    CONFIG_LIMIT,
    Context,
    config_problem,
    hosts,
    local_path,
    make_private_dirs,
    write_private_file,
)
from .errors import RequestError
from .shellmarks import RC, terminals_config

# The layouts' own key files (src/core/terminals/presets.ts): the agent endpoint
# answers about these even before a config names them.
PRESET_KEYS = ("~/.ssh/id_rsa_chameleon", "~/.ssh/kube-keys.pem")


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
        self.agent = LabAgent(lambda: self.agent_socket_path, self.ensure_control_dir)
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
    def terminals_config_file(self):
        """The config the node terminals connect with: the lab's, and the marks' bash."""
        return os.path.join(self.state_path, "terminals")

    @property
    def shell_rc_file(self):
        """The rc of the lab's Jupyter terminals (shellmarks.RC)."""
        return os.path.join(self.state_path, "bashrc")

    @property
    def known_hosts_file(self):
        return os.path.join(self.state_path, "known_hosts")

    @property
    def agent_socket_path(self):
        return os.path.join(self.control_path, "agent.sock")

    @property
    def agent_pid(self):
        """The pid of the agent this server started, while it runs."""
        return self.agent.pid

    def stop_agent(self):
        self.agent.stop()

    async def describe(self):
        """Paths the front end puts into the config and terminal commands."""
        if self._ssh_version is None:
            self._ssh_version = await processes.ssh_version()
        return {
            "configFile": self.config_file,
            "terminalsConfigFile": self.terminals_config_file,
            "knownHostsFile": self.known_hosts_file,
            "controlDir": self.control_path,
            "agentSocket": await self.agent.socket(),
            "sshVersion": self._ssh_version,
            "chameleonKey": chameleon_key(),
        }

    def check_context(self):
        """What only this server can say is the lab's, for checking a config."""
        sockets = [self.agent_socket_path]
        if os.environ.get("SSH_AUTH_SOCK"):
            sockets.append(os.path.normpath(os.environ["SSH_AUTH_SOCK"]))
        # The agents the user's own shells started (Chameleon's image), which
        # the agent reports to the page: shell_agents() admits only the
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
        write_or_refuse(self.config_file, text)
        write_or_refuse(self.terminals_config_file, terminals_config(self.config_file))
        self._written = hashlib.sha256(text.encode()).hexdigest()

    def write_shell_rc(self):
        """Write the Jupyter terminals' rc; its path."""
        write_or_refuse(self.shell_rc_file, RC)
        return self.shell_rc_file

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
        allowed = {local_path(path) for path in self.lab_key_paths()}
        for path in paths:
            if local_path(path) not in allowed:
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
            make_private_dirs(path)
            info = os.lstat(path)
        except OSError as error:
            raise RequestError(f"Could not create {path}: {error.strerror}.", 500) from None
        advice = "Remove it, or set TestbedSSH.control_dir to another directory."
        if not stat.S_ISDIR(info.st_mode):
            raise RequestError(f"{path} is not a directory. {advice}", 500)
        if info.st_uid != os.getuid():
            raise RequestError(f"{path} belongs to another user (uid {info.st_uid}). {advice}", 500)
        if info.st_mode & 0o022:
            raise RequestError(f"{path} is writable by other users. {advice}", 500)

    async def agent_status(self, paths):
        return await self.agent.status(paths)

    async def load_keys(self, paths):
        return await self.agent.load_keys(paths)

    async def forget(self, host, port):
        return await processes.forget(host, port, self.known_hosts_file)

    async def probe(self, host, port):
        return await processes.probe(host, port, self.known_hosts_file)


def write_or_refuse(path, text):
    """Write a private file of the server's; a failure is the request's error, with its path."""
    try:
        write_private_file(path, text)
    except OSError as error:
        raise RequestError(f"Could not write {path}: {error.strerror}.", 500) from None
