"""A real Jupyter server in a subprocess, with a home and a work folder of the test's.

The in-process server of pytest-jupyter moves the data paths that hold the
extension's schemas, so tests of what JupyterLab's settings API stores start
the server the way a hub's spawner does.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

PORTS = range(9200, 9300)
TOKEN = "testbed-persistence"
START_TIMEOUT = 60


def free_port():
    for port in PORTS:
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", port))
            return port
    raise RuntimeError("no free port from 9200 to 9299")


class LabServer:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}/"

    def request(self, method, path, body=None):
        """(status, parsed JSON or None) of one request."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        return status, (json.loads(text) if text.strip() else None)

    def save_settings(self, plugin, values):
        """PUT through JupyterLab's settings API, as the Settings editor does."""
        status, _ = self.request(
            "PUT", f"lab/api/settings/jupyterlab-testbed:{plugin}", {"raw": json.dumps(values)}
        )
        return status

    def settings(self, plugin):
        status, body = self.request("GET", f"lab/api/settings/jupyterlab-testbed:{plugin}")
        assert status == 200, body
        return body["settings"]


@contextlib.contextmanager
def lab_server(home, root, env=None):
    """Run `jupyter server` as a hub would: HOME set, the notebook folder as root."""
    port = free_port()
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "SSH_AUTH_SOCK"))
    }
    environ.update(HOME=str(home), **(env or {}))
    with open(os.path.join(home, "..", f"server-{port}.log"), "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                f"--port={port}",
                "--ip=127.0.0.1",
                "--no-browser",
                "--allow-root",
                f"--IdentityProvider.token={TOKEN}",
                f"--ServerApp.root_dir={root}",
            ],
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = LabServer(port)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                assert process.poll() is None, "the server stopped; see its log next to HOME"
                with contextlib.suppress(OSError):
                    if server.request("GET", "api/status")[0] == 200:
                        break
                assert time.monotonic() < deadline, f"no answer within {START_TIMEOUT} s"
                time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
