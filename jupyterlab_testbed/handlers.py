"""Expose the student's project and user name to the front end.

On Chameleon's JupyterHub the single-user server starts with the student's
OpenStack project and user already in its environment, so the front end can
offer them as defaults instead of asking. The rest of that environment holds
credentials (``OS_PASSWORD``, tokens), so only these two variables are read.
"""

import json
import os

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

# Legitimate project and user names are short; anything longer is more likely
# a misconfiguration than a name worth putting into a form.
MAX_LENGTH = 200


def _read(name):
    value = os.environ.get(name)
    if not value or len(value) > MAX_LENGTH:
        return None
    return value


class EnvironmentHandler(APIHandler):
    # Names this endpoint to a custom Authorizer, so that a deployment can
    # grant or deny it apart from the server's own resources.
    auth_resource = "jupyterlab_testbed"

    @tornado.web.authenticated
    @authorized
    def get(self):
        body = {"project": _read("OS_PROJECT_NAME"), "user": _read("USER")}
        self.finish(json.dumps(body))


def setup_handlers(web_app):
    route = url_path_join(web_app.settings["base_url"], "jupyterlab-testbed", "environment")
    web_app.add_handlers(".*$", [(route, EnvironmentHandler)])
