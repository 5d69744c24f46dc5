"""Which JupyterLab this release supports, and the message for any other.

The wheel does not depend on jupyterlab: pip would then upgrade or downgrade
the JupyterLab of a hub image (and of a running server) to satisfy it. The
server says instead, at start, that the sidebar will not load.
"""

import re
from importlib.metadata import PackageNotFoundError, version

# Keep in step with SUPPORTED_JUPYTERLAB in src/core/sidebar/support.ts.
LOWEST = (4, 4)
BELOW = (5, 0)
SUPPORTED_RANGE = ">=4.4,<5"


def jupyterlab_version():
    """The installed JupyterLab's version, or None when there is none."""
    try:
        return version("jupyterlab")
    except PackageNotFoundError:
        return None


def is_supported(jupyterlab):
    """Whether a JupyterLab version string is in the supported range.

    Pre-releases count by their release number: 4.4.0a1 is a 4.4.
    """
    match = re.match(r"(\d+)\.(\d+)", jupyterlab or "")
    if not match:
        return False
    major_minor = (int(match.group(1)), int(match.group(2)))
    return LOWEST <= major_minor < BELOW


def unsupported_message(jupyterlab, extension_version):
    """The message for an unsupported JupyterLab, or None when it is supported.

    No JupyterLab at all (a plain Jupyter Server) is not a problem of ours:
    there is no page for the sidebar to load in.
    """
    if jupyterlab is None or is_supported(jupyterlab):
        return None
    return (
        f"jupyterlab-testbed {extension_version} supports JupyterLab {SUPPORTED_RANGE} "
        f"(4.4 to the newest 4.x); this server has JupyterLab {jupyterlab}, so the "
        "Testbed lab sidebar will not start. Install a JupyterLab in that range, "
        "or a jupyterlab-testbed release made for this JupyterLab."
    )
