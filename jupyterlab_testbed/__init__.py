"""JupyterLab extension for hands-on testbed labs."""

try:
    from ._version import __version__
except ImportError:
    # Fallback when using the package in dev mode without installing
    # in editable mode with pip. It is highly recommended to install
    # the package from a stable release or in editable mode.
    import warnings

    warnings.warn("Importing 'jupyterlab_testbed' outside a proper installation.")
    __version__ = "dev"

from jupyter_server.extension.application import ExtensionApp

from .handlers import setup_handlers
from .persistence import TestbedPersistence, setup_persistence_handlers, user_settings_dirs
from .ssh import TestbedSSH, setup_ssh_handlers
from .tree import setup_tree_handlers


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-testbed"}]


class TestbedExtension(ExtensionApp):
    """The server extension, as an ExtensionApp for its stop hook.

    Plain module extensions get no call at server shutdown; this one has to
    stop the ssh-agent it may have started.
    """

    name = "jupyterlab_testbed"
    # Stays None when loading failed; the stop hook runs all the same.
    ssh = None

    def initialize_settings(self):
        config = self.serverapp.config
        persistence = TestbedPersistence(config=config, log=self.log)
        # Before the first request, so every settings read sees the work folder's.
        persistence.start(user_settings_dirs(self.serverapp))
        self.settings["jupyterlab_testbed_persistence"] = persistence
        self.ssh = TestbedSSH(config=config, log=self.log, persisted_state_dir=persistence.ssh_dir)
        self.settings["jupyterlab_testbed_ssh"] = self.ssh

    def initialize_handlers(self):
        web_app = self.serverapp.web_app
        setup_handlers(web_app)
        setup_ssh_handlers(web_app)
        setup_persistence_handlers(web_app)
        setup_tree_handlers(web_app)
        self.log.info("Registered jupyterlab_testbed server extension")

    async def stop_extension(self):
        if self.ssh:
            self.ssh.stop_agent()


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_testbed", "app": TestbedExtension}]
