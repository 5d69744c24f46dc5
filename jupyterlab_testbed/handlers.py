"""The extension's HTTP endpoints, all under <base_url>/jupyterlab-testbed/.

Thin on purpose: each handler checks the request's shape and calls the
module that does the work (chameleon, persistence, tree, ssh), so that the
rules live in code that can be tested without a server. docs/api/openapi.yaml
describes every route of ROUTES, and a test holds the two together.

Everything that connects, starts an agent or changes state is a POST or PUT,
which jupyter_server checks for the XSRF token (never a GET).
"""

import asyncio
import functools
import json
import os
import re

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import ensure_async, url_path_join
from jupyter_server_proxy.handlers import LocalProxyHandler
from jupyter_server_proxy.websocket import pingable_ws_connect
from tornado import httputil

from .chameleon import student_environment
from .checks import CheckRunner, read_request
from .config import check_host, check_key_paths, check_port
from .errors import RequestError
from .processes import ssh_in_terminals
from .shellmarks import is_bash, jupyter_shell
from .tree import list_folder
from .tunnels import (
    MAX_ID,
    ForwardClient,
    ForwardResolver,
    bracketed,
    https_request_options,
    https_websocket_request,
    rewrite_location,
)

PREFIX = "jupyterlab-testbed"
# A terminal's name as Jupyter's terminal routes take it.
TERMINAL_NAME = re.compile(r"\w{1,64}", re.ASCII)
# What a forwarded reply may hold in memory for a browser that reads slowly.
MAX_UNSENT = 64 * 1024 * 1024
# Headers of one hop, not passed on by the tunnels' proxy (as jupyter-server-proxy).
HOP_BY_HOP = (
    "Proxy-Connection",
    "Keep-Alive",
    "Transfer-Encoding",
    "TE",
    "Connection",
    "Trailer",
    "Upgrade",
    "Proxy-Authorization",
    "Proxy-Authenticate",
)
HOP_BY_HOP_LOWER = {name.lower() for name in HOP_BY_HOP}
# Jupyter's and the hub's own credentials, and what the hub's proxy says of
# the student's connection, never passed on to a node's service.
JUPYTER_HEADERS = (
    "Authorization",
    "X-XSRFToken",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "X-Forwarded-Port",
    "X-Real-IP",
    "Forwarded",
)
JUPYTER_COOKIE = re.compile(r"_xsrf|username-.*|jupyterhub-.*")


class EnvironmentHandler(APIHandler):
    """The student's project and user name, for the front end's defaults."""

    # Names this endpoint to a custom Authorizer, so that a deployment can
    # grant or deny it apart from the server's own resources.
    auth_resource = "jupyterlab_testbed"

    @tornado.web.authenticated
    @authorized
    def get(self):
        self.finish(json.dumps(student_environment()))


class PersistenceHandler(APIHandler):
    """What a server restart keeps, for the sidebar."""

    auth_resource = "jupyterlab_testbed"

    @tornado.web.authenticated
    @authorized
    def get(self):
        self.finish(json.dumps(self.settings["jupyterlab_testbed_persistence"].status()))


class TreeHandler(APIHandler):
    """A folder listed without following links, for "Prepare for publishing"."""

    # Listing a folder is reading contents: the same permission applies.
    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized
    def get(self):
        raw = self.request.query_arguments.get("path", [b""])[-1]
        try:
            listing = list_folder(self.contents_manager, raw)
        except RequestError as error:
            # The server's own error reply, as the contents API gives it.
            raise tornado.web.HTTPError(error.status, error.message) from None
        self.finish(json.dumps(listing))


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

    def lab_host_and_port(self):
        """The body's host and port, refused unless the lab's config names them."""
        body = self.json_body()
        port = body.get("port")
        host, port = check_host(body.get("host")), check_port(22 if port is None else port)
        self.ssh.check_lab_host(host, port)
        return host, port


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
        host, port = self.lab_host_and_port()
        self.reply({"removed": await self.ssh.forget(host, port)})


class ProbeHandler(SSHHandler):
    # POST: it opens network connections, so it takes the XSRF check that
    # jupyter_server applies to POST and never to GET.
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        host, port = self.lab_host_and_port()
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
        states = await asyncio.get_running_loop().run_in_executor(None, ssh_in_terminals, shells)
        self.reply({"terminals": states})


class ShellHandler(SSHHandler):
    """A lab's Jupyter terminal, started with the marks' bash (shellmarks.py).

    The page then connects to it by name, as to any terminal. A server
    whose terminals are not bash starts it as any other ({"marks": false}):
    its blocks are then recorded as sent.
    """

    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        body = self.json_body()
        name, cwd = body.get("name"), body.get("cwd", "")
        if not isinstance(name, str) or not TERMINAL_NAME.fullmatch(name):
            raise RequestError("“name” must be a terminal name: 1 to 64 word characters.")
        if not isinstance(cwd, str):
            raise RequestError("“cwd” must be a folder of the server, as a path.")
        manager = self.settings.get("terminal_manager")
        if manager is None:
            raise RequestError("This server has no terminals.", 404)
        if name in manager.terminals:
            # Never a second terminal under a used name: the first would be orphaned.
            self.reply({"name": name, "created": False})
            return
        shell = list(manager.shell_command or [])
        options = {"name": name, "cwd": self._folder(cwd)}
        marks = is_bash(shell)
        if marks:
            options["shell_command"] = jupyter_shell(shell, self.ssh.write_shell_rc())
        manager.create(**options)
        self.reply({"name": name, "created": True, "marks": marks})

    def _folder(self, cwd):
        """A folder below the server's root, as the terminals API reads `cwd`; else the root."""
        root = os.path.realpath(os.path.expanduser(self.settings.get("server_root_dir") or "."))
        folder = os.path.realpath(os.path.join(root, cwd.lstrip("/")))
        inside = folder == root or folder.startswith(root + os.sep)
        return folder if inside and os.path.isdir(folder) else root


class CheckHandler(SSHHandler):
    # POST: it runs a command from the notebook, on the student's click only.
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        request = read_request(self.json_body())
        if "jupyterlab_testbed_checks" not in self.settings:
            root = self.settings.get("server_root_dir") or None
            self.settings["jupyterlab_testbed_checks"] = CheckRunner(self.ssh, root)
        self.reply(await self.settings["jupyterlab_testbed_checks"].run(*request))


class TunnelHandler(SSHHandler):
    @property
    def tunnels(self):
        return self.settings["jupyterlab_testbed_tunnels"]

    def forward_id(self):
        value = self.json_body().get("id")
        if type(value) is not int or not 0 < value <= MAX_ID:
            raise RequestError("“id” must be the number of an open forward.")
        return value


class TunnelsHandler(TunnelHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def get(self):
        self.reply({"forwards": self.tunnels.listed(self.base_url)})

    # POST: it opens a connection over the lab's ssh, so it takes the XSRF check.
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        body = self.json_body()
        self.reply(
            await self.tunnels.open(
                body.get("node"),
                body.get("host"),
                body.get("port"),
                body.get("scheme", "http"),
                self.base_url,
            )
        )


class TunnelKeepAliveHandler(TunnelHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        self.reply(self.tunnels.keep_alive(self.forward_id(), self.base_url))


class TunnelCloseHandler(TunnelHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        self.reply({"closed": await self.tunnels.close(self.forward_id())})


class TunnelProxyHandler(LocalProxyHandler):
    """jupyter-server-proxy's handler for the forwards this server opened.

    Only their sockets are reached (not any local port). An https
    forward is spoken to in TLS without checking the node's self-signed
    certificate: the forward is an SSH channel whose host key was checked.
    Replies are streamed as they arrive (jupyter-server-proxy buffers a whole
    reply first, which doubles the time of a large page).
    """

    auth_resource = "terminals"
    # The route's groups as docs/api/openapi.yaml names them.
    path_parameters = ("{id}", "{path}")

    async def prepare(self, *args, **kwargs):
        await super().prepare(*args, **kwargs)
        if self._finished:
            return
        # jupyter-server-proxy checks the login only; a forward is a terminal's
        # reach, so the server's authorizer has the last word (as @authorized).
        action = "read" if self.request.method in ("GET", "HEAD", "OPTIONS") else "write"
        allowed = self.authorizer.is_authorized(self, self.current_user, action, self.auth_resource)
        if not await ensure_async(allowed):
            raise tornado.web.HTTPError(403)

    def proxy_request_headers(self):
        # The node's service gets the page's request, not the student's
        # Jupyter token, XSRF token, login cookies or address.
        headers = super().proxy_request_headers()
        for name in JUPYTER_HEADERS:
            headers.pop(name, None)
        cookies = [
            part.strip()
            for part in headers.pop("Cookie", "").split(";")
            if part.strip() and not JUPYTER_COOKIE.fullmatch(part.split("=", 1)[0].strip())
        ]
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        return headers

    def _forward(self, forward_id):
        forward = self.settings["jupyterlab_testbed_tunnels"].forwards.get(int(forward_id))
        if forward is None:
            raise tornado.web.HTTPError(404, f"No forward {forward_id} is open.")
        # Redirects of the node's pages are rewritten under this route.
        self.proxy_base = f"{PREFIX}/tunnels/{forward_id}"
        self.context_path = url_path_join(self.base_url, self.proxy_base)
        self._secure = forward.scheme == "https"
        return forward

    def get_client_uri(self, protocol, host, port, proxied_path):
        if self._secure:
            protocol = {"http": "https", "ws": "wss"}[protocol]
        return super().get_client_uri(protocol, host, port, proxied_path)

    def proxy_request_options(self):
        return https_request_options(super().proxy_request_options())

    async def proxy(self, forward_id, proxied_path):
        forward = self._forward(forward_id)
        for name in HOP_BY_HOP:
            self.request.headers.pop(name, None)
        body = self.request.body or (b"" if self.request.method in ("POST", "PUT") else None)
        reply = StreamedReply(self, forward, proxied_path)
        # The URL the lab's own `ssh -L` reaches (the page's Host header is
        # passed on, as jupyter-server-proxy does), through the forward's socket.
        request = self._build_proxy_request(
            bracketed(forward.host),
            forward.port,
            proxied_path,
            body,
            header_callback=reply.header_line,
            streaming_callback=reply.chunk,
        )
        client = ForwardClient(force_instance=True, path=forward.socket)
        try:
            response = await client.fetch(request, raise_error=False)
        finally:
            client.close()
        if response.code == 599:
            if not reply.started:
                raise tornado.web.HTTPError(502, f"The forward did not answer: {response.error}")
            # Broken off mid-reply: the browser must not take the part for the whole.
            self.request.connection.close()
            return
        reply.start()
        self.finish()

    async def open(self, forward_id, proxied_path):
        # As jupyter-server-proxy's proxy_open, with the certificate option
        # its WebSocket request lacks, through the forward's socket.
        forward = self._forward(forward_id)
        url = self.get_client_uri("ws", bracketed(forward.host), forward.port, proxied_path)

        def message_cb(message):
            if message is None:
                self.close()
            else:
                self.write_message(message, binary=isinstance(message, bytes))

        self.ws = await pingable_ws_connect(
            request=https_websocket_request(url, self.proxy_request_headers()),
            on_message_callback=message_cb,
            on_ping_callback=self.ping,
            subprotocols=self._requested_subprotocols,
            resolver=ForwardResolver(path=forward.socket),
        )


class StreamedReply:
    """A node's reply passed on as it arrives: its status and headers, then each chunk."""

    def __init__(self, handler, forward, proxied_path):
        self.handler, self.forward, self.path = handler, forward, proxied_path
        self.lines = []
        self.started = False
        # Bytes handed to the browser's connection and not yet written to it.
        self.unsent = 0

    def header_line(self, line):
        if line.startswith("HTTP/"):
            # A new status line (after a 100 Continue): only the last reply counts.
            self.lines = []
        self.lines.append(line.rstrip("\r\n"))

    def start(self):
        if self.started:
            return
        handler = self.handler
        status = self.lines[0].split(" ", 2) if self.lines else []
        if len(status) < 2 or not status[1].isdigit():
            raise tornado.web.HTTPError(502, "The node's reply has no status line.")
        handler.clear()
        handler._headers = httputil.HTTPHeaders()
        handler.set_status(int(status[1]), status[2] if len(status) > 2 else "Unknown")
        for line in self.lines[1:]:
            name, colon, value = line.partition(":")
            name, value = name.strip(), value.strip()
            if not colon or not name or name.lower() in HOP_BY_HOP_LOWER:
                continue
            # A node's page may set its own cookies, not Jupyter's.
            if name.lower() == "set-cookie" and JUPYTER_COOKIE.fullmatch(
                value.split("=", 1)[0].strip()
            ):
                continue
            if name.lower() == "location":
                value = rewrite_location(
                    value, self.forward, handler.context_path, self.path, handler.request.host
                )
            handler.add_header(name, value)
        # Only a reply whose status and headers were taken has started.
        self.started = True

    def chunk(self, data):
        self.start()
        if self.unsent + len(data) > MAX_UNSENT:
            # A node streams faster than the browser reads: not held in memory.
            self.handler.request.connection.close()
            raise tornado.web.HTTPError(502, "The browser does not keep up with the node's reply.")
        self.unsent += len(data)
        self.handler.write(data)
        # Tornado's own flush: jupyter-server-proxy's instance wrapper drops its Future.
        written = tornado.web.RequestHandler.flush(self.handler)
        written.add_done_callback(lambda _: self.sent(len(data)))

    def sent(self, size):
        self.unsent -= size


# Each route below <base_url>/jupyterlab-testbed/.
ROUTES = [
    ("environment", EnvironmentHandler),
    ("persistence", PersistenceHandler),
    ("tree", TreeHandler),
    ("ssh", PathsHandler),
    ("ssh/config", ConfigHandler),
    ("ssh/agent", AgentHandler),
    ("ssh/forget", ForgetHandler),
    ("ssh/probe", ProbeHandler),
    ("ssh/terminals", TerminalsHandler),
    ("ssh/shell", ShellHandler),
    ("checks/run", CheckHandler),
    ("tunnels", TunnelsHandler),
    ("tunnels/keepalive", TunnelKeepAliveHandler),
    ("tunnels/close", TunnelCloseHandler),
    (r"tunnels/(\d{1,10})/(.*)", TunnelProxyHandler),
]


def setup_handlers(web_app):
    base = url_path_join(web_app.settings["base_url"], PREFIX)
    web_app.add_handlers(".*$", [(url_path_join(base, path), handler) for path, handler in ROUTES])
