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

from .chameleon import student_environment
from .checks import CheckRunner, read_request
from .config import check_host, check_key_paths, check_port
from .errors import RequestError
from .processes import ssh_in_terminals
from .tree import list_folder

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
    ("checks/run", CheckHandler),
]


def setup_handlers(web_app):
    base = url_path_join(web_app.settings["base_url"], PREFIX)
    web_app.add_handlers(".*$", [(url_path_join(base, path), handler) for path, handler in ROUTES])
