"""Server configuration for the Galata UI tests.

galata's helper makes a throw-away root folder, no token and exposes the
app to the test page; tests upload the notebooks they use.
"""
from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# CI runs as root in a throw-away machine.
c.ServerApp.allow_root = True  # noqa: F821
