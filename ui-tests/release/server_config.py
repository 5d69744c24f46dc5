"""Server configuration for the released-wheel smoke (scripts/release-smoke.sh).

Each server runs from a fresh venv that has only JupyterLab, the bash kernel
and the built wheel, with its own settings, workspaces, SSH state and work
folder under the smoke's temporary directory (RELEASE_SMOKE_STATE): nothing
of the user's ~/.jupyter or ~/.ssh is read or written. Unlike the Galata
configuration this imports nothing from jupyterlab.galata, whose helpers
differ between the JupyterLab versions under test.
"""
import os

state = os.environ["RELEASE_SMOKE_STATE"]

c.ServerApp.allow_root = True  # noqa: F821  (CI runs as root)
c.ServerApp.open_browser = False  # noqa: F821
c.IdentityProvider.token = ""  # noqa: F821
c.ServerApp.password = ""  # noqa: F821
c.LabApp.expose_app_in_browser = True  # noqa: F821
c.LabApp.user_settings_dir = os.path.join(state, "settings")  # noqa: F821
c.LabApp.workspaces_dir = os.path.join(state, "workspaces")  # noqa: F821
c.TestbedSSH.state_dir = os.path.join(state, "ssh")  # noqa: F821
# ssh's sockets live here: a short path.
c.TestbedSSH.control_dir = os.environ["RELEASE_SMOKE_CONTROL"]  # noqa: F821
# The server starts an agent of its own rather than using the caller's.
os.environ.pop("SSH_AUTH_SOCK", None)
