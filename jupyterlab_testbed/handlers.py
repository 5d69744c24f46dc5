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

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from jupyter_server_proxy.handlers import LocalProxyHandler
from jupyter_server_proxy.websocket import pingable_ws_connect

from .chameleon import student_environment
from .config import check_host, check_key_paths, check_port
from .errors import RequestError
from .processes import ssh_in_terminals
from .tree import list_folder
from .tunnels import https_request_options, https_websocket_request

PREFIX = "jupyterlab-testbed"


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


class TunnelHandler(SSHHandler):
    @property
    def tunnels(self):
        return self.settings["jupyterlab_testbed_tunnels"]

    def local_port(self):
        port = self.json_body().get("localPort")
        if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
            raise RequestError("“localPort” must be the forward's port, a whole number.")
        return port


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
        self.reply(self.tunnels.keep_alive(self.local_port(), self.base_url))


class TunnelCloseHandler(TunnelHandler):
    @tornado.web.authenticated
    @authorized
    @_replies_to_errors
    async def post(self):
        self.reply({"closed": await self.tunnels.close(self.local_port())})


class TunnelHTTPSProxyHandler(LocalProxyHandler):
    """jupyter-server-proxy's handler, speaking TLS to an open HTTPS forward.

    Only ports of forwards this server opened as https are reached (not any
    local port), and the node's self-signed certificate is not checked: the
    forward is an SSH channel whose host key was checked.
    """

    auth_resource = "terminals"
    # The route's groups as docs/api/openapi.yaml names them.
    path_parameters = ("{port}", "{path}")

    def _forward_port(self, port):
        forward = self.settings["jupyterlab_testbed_tunnels"].forwards.get(int(port))
        if forward is None or forward.scheme != "https":
            raise tornado.web.HTTPError(404, f"No HTTPS forward is open on port {port}.")
        # Redirects of the node's pages are rewritten under this route.
        self.proxy_base = f"{PREFIX}/tunnels/https/{port}"
        return port

    def get_client_uri(self, protocol, host, port, proxied_path):
        secure = {"http": "https", "ws": "wss"}[protocol]
        return super().get_client_uri(secure, host, port, proxied_path)

    def proxy_request_options(self):
        return https_request_options(super().proxy_request_options())

    def proxy(self, port, proxied_path):
        return super().proxy(self._forward_port(port), proxied_path)

    async def open(self, port, proxied_path):
        # As jupyter-server-proxy's proxy_open, with the certificate option
        # its WebSocket request lacks.
        port = self._forward_port(port)
        url = self.get_client_uri("ws", "localhost", port, proxied_path)

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
        )


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
    ("tunnels", TunnelsHandler),
    ("tunnels/keepalive", TunnelKeepAliveHandler),
    ("tunnels/close", TunnelCloseHandler),
    (r"tunnels/https/(\d+)/(.*)", TunnelHTTPSProxyHandler),
]


def setup_handlers(web_app):
    base = url_path_join(web_app.settings["base_url"], PREFIX)
    web_app.add_handlers(".*$", [(url_path_join(base, path), handler) for path, handler in ROUTES])
