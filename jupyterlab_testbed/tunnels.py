"""Tunnels without a laptop: a lab's `ssh -L` forward, opened by the server.

Labs tell students to run `ssh -L 8443:127.0.0.1:8443 cc@A.B.C.D` on their
own computer and browse https://127.0.0.1:8443. On a hub the key is not on
the laptop, so the server opens the same forward over the lab's SSH
configuration (the config this server last wrote: only its nodes, BatchMode)
and the browser reaches it through jupyter-server-proxy's handler under the
student's base URL, at `<base_url>jupyterlab-testbed/tunnels/<port>/`: a
route of ours (handlers.TunnelProxyHandler) that reaches only these
forwards, streams replies, and speaks TLS to an https forward without
checking the node's (self-signed) certificate: the SSH connection, whose
host key is checked, is what authenticates the node.

The local side is never the lab's own local port (a privileged or used one
would fail for no reason the student can fix) nor any TCP port: it is a
Unix socket in the server's private socket directory (its own folder in
`tunnels/` of the control directory, 0700; the socket 0600 as ssh binds
it), so another user
of a shared machine cannot reach the node's service around the proxy's
login and authorizer, as they could a loopback port. With a ControlMaster running for the node, the
forward rides it (`ssh -O forward`); otherwise a dedicated `ssh -N -L` runs.

Forwards are bounded in number and live while the page that opened them
sends keep-alives: one with none for `idle_timeout` seconds is closed, and
all are closed when the server stops.
"""

import asyncio
import contextlib
import ipaddress
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from jupyter_server.utils import url_path_join
from tornado import httpclient, netutil, simple_httpclient
from tornado.ioloop import PeriodicCallback
from traitlets import Integer, validate
from traitlets.config import LoggingConfigurable

from .config import check_host, check_port, make_private_dirs
from .errors import RequestError
from .processes import run, tidy

SCHEMES = ("http", "https")
# Forward numbers: what the route's (\d{1,10}) can name.
MAX_ID = 2**31 - 1
# A dot as a browser reads a URL's path.
DOT = re.compile("%2e", re.IGNORECASE)
# How long a dedicated ssh may take to listen, and the probe to answer.
OPEN_TIMEOUT = 20
# The most a node's reply is read at once (tornado's default is 64 KiB).
READ_SIZE = 1024 * 1024
PROBE_TIMEOUT = 10


@dataclass
class Forward:
    node: str
    host: str
    port: int
    scheme: str
    # What names it in the page's URLs, and its socket's path.
    id: int
    socket: str
    # The dedicated `ssh -N -L`, or None when the forward rides the master.
    process: object = None
    last_seen: float = field(default_factory=time.monotonic)

    @property
    def spec(self):
        return f"{self.socket}:{bracketed(self.host)}:{self.port}"

    def describe(self, base_url):
        path = url_path_join(base_url, "jupyterlab-testbed", "tunnels")
        return {
            "node": self.node,
            "host": self.host,
            "port": self.port,
            "scheme": self.scheme,
            "id": self.id,
            "url": url_path_join(path, str(self.id)) + "/",
        }


def check_node(node, blocks):
    """The node's Host block of the lab's config, or a refusal naming the nodes."""
    if not isinstance(node, str) or not node:
        raise RequestError("The request needs a “node”.")
    for block in blocks:
        if block["alias"] == node:
            return block
    names = ", ".join(block["alias"] for block in blocks) or "none"
    shown = json.dumps(node)[:40]
    raise RequestError(f"{shown} is not a node of the lab's ssh config (its nodes: {names}).", 403)


def check_forward_host(host):
    """A plain host as the node sees it: a name or address, not a pattern or option."""
    host = check_host(host)
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).is_unspecified:
            raise RequestError(f"{host} is not a host a forward can reach.")
    return host


# The node itself, as its own services see it.
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def check_lab_target(host, blocks):
    """A forward reaches the node itself or another node of the lab, nothing else.

    Its page opens on Jupyter's own origin: a host a crafted lab names
    (``-L 8443:elsewhere.example:443``) must not serve it.
    """
    if host.lower() in LOOPBACK_NAMES or host in {block["host"] for block in blocks}:
        return
    raise RequestError(
        f"{host} is neither the node itself (127.0.0.1) nor a node of the lab: "
        "Open in browser reaches only those.",
        403,
    )


def bracketed(host):
    """A host as a URL or an ssh forward writes it: an IPv6 address in []."""
    return f"[{host}]" if ":" in host else host


async def connect(forward, ssl_context=None):
    """A connection to the forward's socket (TLS without a certificate check when asked)."""
    return await asyncio.open_unix_connection(
        forward.socket,
        ssl=ssl_context,
        server_hostname=forward.host if ssl_context else None,
    )


class ForwardResolver(netutil.Resolver):
    """Tornado's way to a forward's Unix socket: every host resolves to it."""

    def initialize(self, path):
        self.path = path

    async def resolve(self, host, port, family=socket.AF_UNSPEC):
        return [(socket.AF_UNIX, self.path)]


class _LargeReadsConnection(simple_httpclient._HTTPConnection):
    def _create_connection(self, stream):
        connection = super()._create_connection(stream)
        stream.read_chunk_size = READ_SIZE
        connection.params.chunk_size = READ_SIZE
        return connection


class ForwardClient(simple_httpclient.SimpleAsyncHTTPClient):
    """Tornado's HTTP client to a forward's socket, reading as much as has arrived.

    With tornado's 64 KiB reads, a 1 MB page took 16 turns of the event
    loop, each a write and flush to the browser: about a fifth of the time
    Open in browser added to `ssh -L` (docs/benchmarks.md, part 14). The
    hooks are tornado's own (private) ones; a test fails if they change.
    """

    def initialize(self, path, **kwargs):
        super().initialize(resolver=ForwardResolver(path=path), **kwargs)

    def _connection_class(self):
        return _LargeReadsConnection


class TestbedTunnels(LoggingConfigurable):
    """The forwards this server opened for the page, and their lifetimes."""

    idle_timeout = Integer(
        60,
        help="""Seconds a forward stays open without a keep-alive from its page (1 to 3600).""",
    ).tag(config=True)

    max_forwards = Integer(8, help="""How many forwards may be open at once (1 to 32).""").tag(
        config=True
    )

    @validate("idle_timeout")
    def _check_idle(self, proposal):
        return min(max(proposal["value"], 1), 3600)

    @validate("max_forwards")
    def _check_max(self, proposal):
        return min(max(proposal["value"], 1), 32)

    def __init__(self, ssh, **kwargs):
        super().__init__(**kwargs)
        self.ssh = ssh
        self.forwards = {}
        # This server's own folder of forward sockets, made at the first forward.
        self._folder = None
        self._lock = asyncio.Lock()
        self._reaper = None

    def ssh_args(self, node, *extra):
        return ["ssh", "-F", self.ssh.config_file, "-o", "BatchMode=yes", *extra, node]

    def listed(self, base_url):
        return [forward.describe(base_url) for forward in self.forwards.values()]

    async def open(self, node, host, port, scheme, base_url):
        """Open (or reuse) the forward and check that something answers through it."""
        if scheme not in SCHEMES:
            raise RequestError("“scheme” must be http or https.")
        host, port = check_forward_host(host), check_port(port)
        blocks = self.ssh.topology()
        check_node(node, blocks)
        check_lab_target(host, blocks)
        async with self._lock:
            for forward in self.forwards.values():
                if (forward.node, forward.host, forward.port) == (node, host, port):
                    if await self._answers(forward):
                        forward.scheme = scheme
                        forward.last_seen = time.monotonic()
                        return forward.describe(base_url)
                    await self._close(forward)
                    break
            if len(self.forwards) >= self.max_forwards:
                raise RequestError(
                    f"{len(self.forwards)} forwards are open already, the most this server "
                    f"keeps: close a tab opened with Open in browser (its forward closes "
                    f"{self.idle_timeout} s later) and try again.",
                    429,
                )
            forward = self._new_forward(node, host, port, scheme)
            await self._start(forward)
            self.forwards[forward.id] = forward
            if not await self._answers(forward):
                await self._close(forward)
                raise RequestError(
                    f"Nothing answers at {host}:{port} as seen from {node}: start the "
                    "service on the node first (or check the lab's port), then open it again.",
                    502,
                )
            self._start_reaper()
            return forward.describe(base_url)

    def _new_forward(self, node, host, port, scheme):
        if self._folder is None or not os.path.isdir(self._folder):
            self.ssh.ensure_control_dir()
            # Apart from the control sockets (what walks those never meets a
            # forward), and one folder per server: two servers of one user
            # share the control directory, and neither may bind or remove
            # the other's sockets.
            shared = os.path.join(self.ssh.control_path, "tunnels")
            make_private_dirs(shared)
            self._folder = tempfile.mkdtemp(dir=shared)
        # Not a count from 1: a tab left open across a restart must not reach
        # the new server's forward of the same number.
        number = secrets.randbelow(MAX_ID) + 1
        while number in self.forwards:
            number = secrets.randbelow(MAX_ID) + 1
        return Forward(
            node, host, port, scheme, number, os.path.join(self._folder, f"{number}.sock")
        )

    async def _start(self, forward):
        returncode, _, _ = await run(self.ssh_args(forward.node, "-O", "check"))
        if returncode == 0:
            returncode, _, error = await run(
                self.ssh_args(forward.node, "-O", "forward", "-L", forward.spec)
            )
            if returncode != 0:
                raise RequestError(
                    f"ssh could not open the forward over {forward.node}'s connection: "
                    f"{tidy(error)}",
                    502,
                )
            return
        forward.process = await asyncio.create_subprocess_exec(
            *self.ssh_args(
                forward.node,
                "-N",
                "-T",
                "-o",
                "ExitOnForwardFailure=yes",
                "-o",
                "ControlPath=none",
                "-L",
                forward.spec,
            ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + OPEN_TIMEOUT
        while forward.process.returncode is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                _, writer = await connect(forward)
                writer.close()
                return
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(forward.process.wait(), 0.1)
        error = ""
        if forward.process.returncode is not None:
            error = (await forward.process.stderr.read(4000)).decode(errors="replace")
        await self._stop_process(forward)
        raise RequestError(
            f"ssh could not open the forward to {forward.node}: "
            f"{tidy(error) or f'no answer within {OPEN_TIMEOUT} s'}",
            502,
        )

    async def _answers(self, forward):
        """Whether the service answers through the forward (ssh accepts locally either way)."""
        context = None
        if forward.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            reader, writer = await asyncio.wait_for(connect(forward, context), PROBE_TIMEOUT)
        except (OSError, asyncio.TimeoutError, ssl.SSLError):
            return False
        try:
            writer.write(f"HEAD / HTTP/1.0\r\nHost: {forward.host}\r\n\r\n".encode())
            return bool(await asyncio.wait_for(reader.read(1), PROBE_TIMEOUT))
        except (OSError, asyncio.TimeoutError, ssl.SSLError):
            return False
        finally:
            writer.close()

    def keep_alive(self, forward_id, base_url):
        forward = self.forwards.get(forward_id)
        if forward is None:
            raise RequestError(
                f"No forward {forward_id} is open: it closed after "
                f"{self.idle_timeout} s without its page; open it again.",
                404,
            )
        forward.last_seen = time.monotonic()
        return forward.describe(base_url)

    async def close(self, forward_id):
        async with self._lock:
            forward = self.forwards.get(forward_id)
            if forward:
                await self._close(forward)
            return forward is not None

    async def close_all(self):
        if self._reaper:
            self._reaper.stop()
            self._reaper = None
        async with self._lock:
            for forward in list(self.forwards.values()):
                await self._close(forward)
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None

    async def _close(self, forward):
        self.forwards.pop(forward.id, None)
        if forward.process is None:
            with contextlib.suppress(RequestError):
                await run(self.ssh_args(forward.node, "-O", "cancel", "-L", forward.spec))
        else:
            await self._stop_process(forward)
        # ssh leaves the socket file behind.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(forward.socket)

    async def _stop_process(self, forward):
        process = forward.process
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()

    def _start_reaper(self):
        if self._reaper is None:
            interval = min(self.idle_timeout / 3, 10) * 1000
            self._reaper = PeriodicCallback(self._reap, interval)
            self._reaper.start()

    async def _reap(self):
        now = time.monotonic()
        async with self._lock:
            for forward in list(self.forwards.values()):
                gone = forward.process is not None and forward.process.returncode is not None
                if gone or now - forward.last_seen > self.idle_timeout:
                    self.log.info(
                        "jupyterlab_testbed: closing the forward to %s:%s on %s (%s)",
                        forward.host,
                        forward.port,
                        forward.node,
                        "ssh ended" if gone else "no keep-alive",
                    )
                    await self._close(forward)


def rewrite_location(value, forward, context_path, proxied_path="", request_host=""):
    """A node's redirect, pointed under the forward's route.

    A service behind the forward thinks it is at the root of its site:
    `/login`, `../login`, or a URL of the host it was asked as (the page's
    own, passed on as jupyter-server-proxy does, or the forward's
    `127.0.0.1:8443`) would leave the route. Each is resolved as the service
    sees its site, from the page it answered (`proxied_path`), dot segments
    clamped at its root as browsers read them (`%2e` too), then put under
    the route. One to another site is left as it is (the page could go
    there anyway); one with a backslash (which browsers read as a slash)
    goes to the route's root.
    """
    root = url_path_join(context_path, "/")
    if "\\" in value:
        return root
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        ours = {f"{bracketed(forward.host)}:{forward.port}".lower(), request_host.lower()}
        if forward.port == {"http": 80, "https": 443}.get(forward.scheme):
            ours.add(bracketed(forward.host).lower())
        if parts.scheme not in SCHEMES or parts.netloc.lower() not in ours - {""}:
            return value
        # A URL's own path, from its site's root.
        page, path = "/", DOT.sub(".", parts.path) or "/"
    else:
        page, path = "/" + proxied_path.lstrip("/"), DOT.sub(".", parts.path)
    resolved = urlsplit(urljoin("http://node" + page, path)).path or "/"
    return urlunsplit(("", "", url_path_join(context_path, resolved), parts.query, parts.fragment))


def https_request_options(options):
    """The proxy's request options for a node's self-signed certificate."""
    return {**options, "validate_cert": False}


def https_websocket_request(url, headers):
    return httpclient.HTTPRequest(url=url, headers=headers, validate_cert=False)
