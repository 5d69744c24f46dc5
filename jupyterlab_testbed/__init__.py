"""JupyterLab extension for hands-on testbed labs."""

try:
    from ._version import __version__
except ImportError:
    # Fallback when using the package in dev mode without installing
    # in editable mode with pip. It is highly recommended to install
    # the package from a stable release or in editable mode.
    import warnings

    warnings.warn("Importing 'jupyterlab_testbed' outside a proper installation.", stacklevel=2)
    __version__ = "dev"

from jupyter_server.extension.application import ExtensionApp

from .compat import jupyterlab_version, unsupported_message
from .handlers import setup_handlers
from .persistence import TestbedPersistence, user_settings_dirs
from .ssh import TestbedSSH
from .tunnels import TestbedTunnels


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-testbed"}]


class TestbedExtension(ExtensionApp):
    """The server extension, as an ExtensionApp for its stop hook.

    Plain module extensions get no call at server shutdown; this one has to
    stop the ssh-agent it may have started, close the lab's forwards and end
    the checks' sessions.
    """

    name = "jupyterlab_testbed"
    # Stay None when loading failed; the stop hook runs all the same.
    ssh = None
    tunnels = None

    def initialize_settings(self):
        problem = unsupported_message(jupyterlab_version(), __version__)
        if problem:
            # The operator reads the server log; the page says it too.
            self.log.error(problem)
        config = self.serverapp.config
        persistence = TestbedPersistence(config=config, log=self.log)
        # Before the first request, so every settings read sees the work folder's.
        persistence.start(user_settings_dirs(self.serverapp))
        self.settings["jupyterlab_testbed_persistence"] = persistence
        self.ssh = TestbedSSH(config=config, log=self.log, persisted_state_dir=persistence.ssh_dir)
        self.settings["jupyterlab_testbed_ssh"] = self.ssh
        self.tunnels = TestbedTunnels(self.ssh, config=config, log=self.log)
        self.settings["jupyterlab_testbed_tunnels"] = self.tunnels

    def initialize_handlers(self):
        setup_handlers(self.serverapp.web_app)
        self.log.info("Registered jupyterlab_testbed server extension")

    async def stop_extension(self):
        checks = self.serverapp.web_app.settings.get("jupyterlab_testbed_checks")
        if checks:
            await checks.close()
        if self.tunnels:
            await self.tunnels.close_all()
        if self.ssh:
            self.ssh.stop_agent()


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_testbed", "app": TestbedExtension}]
