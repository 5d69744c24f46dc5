"""The lab's forwards against the real SSH testbed (testbed/testbed.sh).

node1 and node2 serve HTTP on 8080, HTTPS with a self-signed certificate on
8443 and a WebSocket echo on 8765; node2 is reached only through node1.
Run under `flock /tmp/jlt-heavy.lock`: the testbed is shared by every test.
"""

import asyncio
import glob
import json
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import urllib.parse

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from .sshlab import HEADER, wait_for

TESTBED = os.path.join(os.path.dirname(__file__), "..", "..", "testbed", "testbed.sh")
STATE = os.environ.get("TESTBED_STATE_DIR") or os.path.join(
    os.environ.get("TMPDIR", "/tmp"), "jupyterlab-testbed-ssh"
)


def why_not_here():
    if os.getuid() != 0:
        return "the SSH testbed needs root (network namespaces)"
    if not shutil.which("ip"):
        return "iproute2 is not installed"
    return None


pytestmark = pytest.mark.skipif(why_not_here() is not None, reason=str(why_not_here()))


def testbed(*args):
    # The state path is read before the test's TMPDIR is set.
    env = {**os.environ, "TESTBED_STATE_DIR": STATE}
    return subprocess.run(
        ["bash", TESTBED, *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def testbed_up():
    """Up for this module; left up if it was already, else down afterwards."""
    was_up = testbed("status").returncode == 0
    started = testbed("up")
    assert started.returncode == 0, started.stderr
    # Connect only while the lab's addresses cannot leave this machine.
    assert testbed("check-routes").returncode == 0
    yield os.path.join(STATE, "id_ed25519")
    if not was_up:
        testbed("down")


@pytest.fixture
def jp_server_config(state_dir, control_dir):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_testbed": True, "jupyter_server_proxy": True}
        },
        "TestbedSSH": {"state_dir": str(state_dir), "control_dir": str(control_dir)},
        "TestbedTunnels": {"idle_timeout": 3, "max_forwards": 3},
    }


@pytest.fixture
def control_dir():
    # A socket path holds 108 bytes: pytest's folders are too deep for ssh's.
    path = tempfile.mkdtemp(prefix="tbt-", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def jp_base_url():
    # A hub's single-user server: everything under /user/<name>/.
    return "/user/student/"


def lab_text(state_dir, control_dir, key):
    """node1 at the floating IP, node2 behind it, as the front end writes them."""
    common = [
        "  User cc",
        f"  IdentityFile {key}",
        "  IdentitiesOnly yes",
        "  StrictHostKeyChecking accept-new",
        f"  UserKnownHostsFile {state_dir}/known_hosts",
        "  ControlMaster auto",
        f"  ControlPath {control_dir}/%C",
        "  ControlPersist 1m",
    ]
    node1 = ["Host node1", "  HostName 10.199.0.2", *common]
    node2 = ["Host node2", "  HostName 192.168.1.12", "  ProxyJump node1", *common]
    return HEADER + "\n" + "\n".join(node1) + "\n\n" + "\n".join(node2) + "\n"


@pytest.fixture
def lab(ssh, testbed_up, state_dir, control_dir, tmp_path):
    """The lab's config, as the page's PUT writes it."""
    key = tmp_path / "id_ed25519"
    shutil.copyfile(testbed_up, key)
    key.chmod(0o600)
    ssh.write_config(lab_text(state_dir, control_dir, key))
    yield
    # No master or forward outlives the test.
    for socket_name in os.listdir(control_dir) if os.path.isdir(control_dir) else []:
        if socket_name != "agent.sock":
            subprocess.run(
                ["ssh", "-S", os.path.join(control_dir, socket_name), "-O", "exit", "x"],
                capture_output=True,
                timeout=10,
            )


async def tunnels(jp_fetch, *path, method="POST", body=None):
    response = await jp_fetch(
        "jupyterlab-testbed",
        "tunnels",
        *path,
        method=method,
        body=None if body is None else json.dumps(body),
    )
    return json.loads(response.body)


async def tunnel_refusal(jp_fetch, body, status):
    with pytest.raises(HTTPClientError) as error:
        await tunnels(jp_fetch, body=body)
    assert error.value.code == status
    return json.loads(error.value.response.body)["message"]


async def fetch_page(jp_fetch, url, path=""):
    """GET a proxied page by the URL the server gave (under the base URL)."""
    parts = urllib.parse.urlparse(url).path.strip("/").split("/")[2:]  # drop user/student
    response = await jp_fetch(*parts, path or "/", method="GET")
    return response.body.decode()


def socket_path(control_dir, forward_id):
    """The forward's socket: in this server's own folder of the control directory's tunnels/."""
    found = glob.glob(os.path.join(control_dir, "tunnels", "*", f"{forward_id}.sock"))
    return found[0] if found else os.path.join(control_dir, "tunnels", "gone", "gone.sock")


def listening(control_dir, forward):
    """Whether the forward's socket is there and something accepts on it."""
    path = socket_path(control_dir, forward["id"])
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
    return True


def tcp_listeners():
    with subprocess.Popen(["ss", "-Hltn"], stdout=subprocess.PIPE, text=True) as ss:
        return {line.split()[3] for line in ss.stdout.read().splitlines() if line.strip()}


async def test_http_through_the_proxy_under_the_base_url(jp_fetch, lab, control_dir):
    before = tcp_listeners()
    forward = await tunnels(
        jp_fetch, body={"node": "node2", "host": "127.0.0.1", "port": 8080, "scheme": "http"}
    )
    number = forward["id"]
    assert forward["url"] == f"/user/student/jupyterlab-testbed/tunnels/{number}/"
    assert "Dashboard on node2" in await fetch_page(jp_fetch, forward["url"])
    big = await fetch_page(jp_fetch, forward["url"], "big.html")
    assert len(big) == 1 << 20
    # No TCP port: another user of the machine could reach one around the
    # proxy. The socket is the owner's only, in the owner's 0700 directory.
    assert tcp_listeners() <= before
    path = socket_path(control_dir, number)
    assert stat.S_ISSOCK(os.stat(path).st_mode)
    assert os.stat(path).st_mode & 0o077 == 0
    assert os.stat(os.path.dirname(path)).st_mode & 0o077 == 0
    # Asking again reuses the open forward.
    again = await tunnels(
        jp_fetch, body={"node": "node2", "host": "127.0.0.1", "port": 8080, "scheme": "http"}
    )
    assert again["id"] == number


async def test_redirects_stay_under_the_route(jp_fetch, lab):
    forward = await tunnels(jp_fetch, body={"node": "node1", "host": "127.0.0.1", "port": 8080})
    parts = urllib.parse.urlparse(forward["url"]).path.strip("/").split("/")[2:]
    for page in ("redirect", "redirect-absolute"):
        response = await jp_fetch(*parts, page, follow_redirects=False, raise_error=False)
        assert response.code == 302
        assert response.headers["Location"] == forward["url"]


async def test_https_with_a_self_signed_certificate(jp_fetch, lab):
    forward = await tunnels(
        jp_fetch, body={"node": "node1", "host": "127.0.0.1", "port": 8443, "scheme": "https"}
    )
    assert forward["url"] == f"/user/student/jupyterlab-testbed/tunnels/{forward['id']}/"
    assert "Dashboard on node1" in await fetch_page(jp_fetch, forward["url"])
    # A missing page keeps the node's status.
    with pytest.raises(HTTPClientError) as error:
        await fetch_page(jp_fetch, forward["url"], "missing.html")
    assert error.value.code == 404
    # The route reaches only open forwards.
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyterlab-testbed", "tunnels", "9", "/", method="GET")
    assert error.value.code == 404


async def test_websocket_echo(jp_fetch, jp_ws_fetch, lab):
    # ws to node2's own address, and wss to node1's self-signed HTTPS port.
    for node, host, port, scheme in [
        ("node2", "192.168.1.12", 8765, "http"),
        ("node1", "127.0.0.1", 8443, "https"),
    ]:
        body = {"node": node, "host": host, "port": port, "scheme": scheme}
        forward = await tunnels(jp_fetch, body=body)
        socket = await jp_ws_fetch("jupyterlab-testbed", "tunnels", str(forward["id"]), "echo")
        message = f"hello {node} over {scheme}"
        await socket.write_message(message)
        assert await asyncio.wait_for(socket.read_message(), 10) == message
        socket.close()


async def test_two_servers_of_one_user_keep_their_own_sockets(ssh, lab, control_dir):
    from jupyterlab_testbed.tunnels import TestbedTunnels

    # A second server of the same user: the same control directory.
    first, second = TestbedTunnels(ssh), TestbedTunnels(ssh)
    try:
        opened = [
            await tunnels.open("node1", "127.0.0.1", 8080, "http", "/")
            for tunnels in (first, second)
        ]
        paths = [socket_path(control_dir, forward["id"]) for forward in opened]
        assert os.path.dirname(paths[0]) != os.path.dirname(paths[1])
        await second.close_all()
        # The first server's forward is untouched by the second's going.
        assert listening(control_dir, opened[0])
        assert not os.path.exists(paths[1])
    finally:
        await first.close_all()
        await second.close_all()


async def test_nothing_listening_gets_a_message_and_no_forward(jp_fetch, lab):
    message = await tunnel_refusal(
        jp_fetch, {"node": "node1", "host": "127.0.0.1", "port": 9, "scheme": "http"}, 502
    )
    assert message.startswith("Nothing answers at 127.0.0.1:9 as seen from node1")
    assert (await tunnels(jp_fetch, method="GET"))["forwards"] == []


async def test_closes_without_keep_alive(jp_fetch, lab, control_dir):
    body = {"node": "node1", "host": "127.0.0.1", "port": 8080, "scheme": "http"}
    forward = await tunnels(jp_fetch, body=body)
    # Keep-alives hold it open past the idle timeout (3 s here).
    for _ in range(5):
        await asyncio.sleep(1)
        await tunnels(jp_fetch, "keepalive", body={"id": forward["id"]})
    assert listening(control_dir, forward)

    async def closed():
        listed = (await tunnels(jp_fetch, method="GET"))["forwards"]
        return not listed and not listening(control_dir, forward)

    await wait_for(closed, seconds=10)
    with pytest.raises(HTTPClientError) as error:
        await tunnels(jp_fetch, "keepalive", body={"id": forward["id"]})
    assert error.value.code == 404
    for crafted in ("1", -1, 2**40, None, True):
        with pytest.raises(HTTPClientError) as error:
            await tunnels(jp_fetch, "keepalive", body={"id": crafted})
        assert error.value.code == 400


async def test_closes_when_the_server_stops(jp_fetch, jp_serverapp, lab, control_dir):
    forward = await tunnels(
        jp_fetch, body={"node": "node2", "host": "127.0.0.1", "port": 8080, "scheme": "http"}
    )
    assert listening(control_dir, forward)
    extension = jp_serverapp.extension_manager.extension_apps["jupyterlab_testbed"]
    for app in extension:
        await app.stop_extension()
    assert not listening(control_dir, forward)
    # This server's folder of sockets goes with it; the shared tunnels/ stays.
    assert os.listdir(os.path.join(control_dir, "tunnels")) == []


async def test_refused_inputs_connect_nothing(jp_fetch, lab):
    cases = [
        ({"node": "node9", "host": "127.0.0.1", "port": 80}, 403, "is not a node of the lab's"),
        ({"node": "node1", "host": "127.0.0.1", "port": 0}, 400, "The port must be"),
        ({"node": "node1", "host": "127.0.0.1", "port": 70000}, 400, "The port must be"),
        ({"node": "node1", "host": "-oProxyCommand=x", "port": 80}, 400, "is not a host name"),
        ({"node": "node1", "host": "a b", "port": 80}, 400, "is not a host name"),
        ({"node": "node1", "host": "0.0.0.0", "port": 80}, 400, "is not a host a forward"),
        ({"node": "node1", "host": "127.0.0.1", "port": 80, "scheme": "ftp"}, 400, "scheme"),
        # A crafted lab's page from elsewhere would open on Jupyter's origin.
        ({"node": "node1", "host": "elsewhere.example", "port": 443}, 403, "nor a node of the"),
    ]
    for body, status, words in cases:
        assert words in await tunnel_refusal(jp_fetch, body, status)
    assert (await tunnels(jp_fetch, method="GET"))["forwards"] == []


async def test_too_many_forwards(jp_fetch, lab):
    for port in (8080, 8765):
        await tunnels(jp_fetch, body={"node": "node1", "host": "127.0.0.1", "port": port})
    await tunnels(jp_fetch, body={"node": "node2", "host": "127.0.0.1", "port": 8080})
    message = await tunnel_refusal(
        jp_fetch, {"node": "node2", "host": "127.0.0.1", "port": 8765}, 429
    )
    assert "3 forwards are open already" in message


async def test_only_the_owner_reaches_it(jp_fetch, jp_base_url, jp_http_port, lab):
    forward = await tunnels(jp_fetch, body={"node": "node1", "host": "127.0.0.1", "port": 8080})
    client = AsyncHTTPClient()
    root = f"http://127.0.0.1:{jp_http_port}{jp_base_url}"
    for method, path, body in [
        ("GET", forward["url"].removeprefix(jp_base_url), None),
        ("POST", "jupyterlab-testbed/tunnels", json.dumps({"node": "node1"})),
    ]:
        response = await client.fetch(
            root + path, method=method, body=body, raise_error=False, follow_redirects=False
        )
        # No token: a login redirect or 403, never the node's page.
        assert response.code in (302, 403)
        assert b"Dashboard" not in (response.body or b"")


async def test_the_node_gets_no_jupyter_credentials(jp_fetch, lab):
    forward = await tunnels(jp_fetch, body={"node": "node1", "host": "127.0.0.1", "port": 8080})
    parts = urllib.parse.urlparse(forward["url"]).path.strip("/").split("/")[2:]
    # jp_fetch sends the server's token as Authorization, as the page sends its own.
    response = await jp_fetch(
        *parts,
        "headers",
        headers={
            "Cookie": "_xsrf=abc; username-127-0-0-1-8888=t; "
            "jupyterhub-user-student=h; node_session=1",
            "X-XSRFToken": "abc",
        },
    )
    seen = json.loads(response.body)
    assert "authorization" not in seen["headers"]
    assert "x-xsrftoken" not in seen["headers"]
    assert seen["cookies"] == ["node_session"]
    # The node may set its own cookies, not Jupyter's (Jupyter sets its own login cookie).
    set_cookies = response.headers.get_list("Set-Cookie")
    assert any(c.startswith("node_session=") for c in set_cookies)
    assert not any("from-the-node" in c for c in set_cookies)


async def test_the_servers_authorizer_decides(jp_fetch, jp_serverapp, lab):
    forward = await tunnels(jp_fetch, body={"node": "node1", "host": "127.0.0.1", "port": 8080})

    class NoTerminals(Authorizer):
        def is_authorized(self, handler, user, action, resource):
            return resource != "terminals"

    jp_serverapp.web_app.settings["authorizer"] = NoTerminals(
        identity_provider=jp_serverapp.identity_provider
    )
    with pytest.raises(HTTPClientError) as refused:
        await fetch_page(jp_fetch, forward["url"])
    assert refused.value.code == 403


async def test_no_config_no_forward(jp_fetch, testbed_up):
    body = {"node": "node1", "host": "127.0.0.1", "port": 8080}
    assert "no ssh config yet" in await tunnel_refusal(jp_fetch, body, 403)
