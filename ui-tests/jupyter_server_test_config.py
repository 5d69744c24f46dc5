"""Server configuration for the Galata UI tests.

galata's helper makes a throw-away root folder, no token and exposes the
app to the test page; tests upload the notebooks they use.
"""
from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# Windowing keeps off-screen cells out of the page: the sidebar must not
# depend on them, so the tests run with it on.
c.LabApp.collaborative = False  # noqa: F821
