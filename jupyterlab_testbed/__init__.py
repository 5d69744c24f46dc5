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

from .handlers import setup_handlers


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-testbed"}]


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_testbed"}]


def _load_jupyter_server_extension(server_app):
    setup_handlers(server_app.web_app)
    server_app.log.info("Registered jupyterlab_testbed server extension")
