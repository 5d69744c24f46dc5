import asyncio
import contextlib
import json
import os
import shutil
import socket
import stat
import subprocess

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_testbed.ssh import _process_children, host_key_state

ENDPOINT = ("jupyterlab-testbed", "ssh")

HEADER = "# Written by jupyterlab-testbed for this lab; changes here are overwritten.\n"


def lab_config(state_dir, control_dir, *nodes):
    """A config like the one the front end writes; nodes are (host, port, key file)."""
    blocks = [HEADER]
    for number, (host, port, key) in enumerate(nodes, start=1):
        lines = [f"Host node{number}", f"  HostName {host}", "  User cc"]
        if port != 22:
            lines.append(f"  Port {port}")
        if key:
            lines += [f"  IdentityFile {key}", "  IdentitiesOnly yes"]
        lines += [
            "  StrictHostKeyChecking accept-new",
            f"  UserKnownHostsFile {state_dir}/known_hosts",
            "  ServerAliveInterval 15",
            "  ServerAliveCountMax 4",
            "  ControlMaster auto",
            f"  ControlPath {control_dir}/%C",
            "\tControlPersist 10m",
        ]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


async def write_lab(jp_fetch, state_dir, control_dir, *nodes):
    text = lab_config(state_dir, control_dir, *nodes)
    await call(jp_fetch, "config", method="PUT", body={"text": text})
    return text


@pytest.fixture
def state_dir(tmp_path):
    # Two levels that do not exist yet, like ~/.ssh/jupyterlab-testbed.
    return tmp_path / "student" / "ssh" / "testbed"


@pytest.fixture
def control_dir(tmp_path):
    return tmp_path / "control"


@pytest.fixture
def jp_server_config(state_dir, control_dir):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_testbed": True, "jupyter_server_terminals": True}
        },
        "TestbedSSH": {"state_dir": str(state_dir), "control_dir": str(control_dir)},
    }


@pytest.fixture(autouse=True)
def no_runner_agent(monkeypatch):
    """The server must start its own agent, whatever agent the runner has."""
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)


@pytest.fixture
def ssh(jp_serverapp):
    return jp_serverapp.web_app.settings["jupyterlab_testbed_ssh"]


async def call(jp_fetch, *path, method="GET", body=None, params=None):
    response = await jp_fetch(
        *ENDPOINT,
        *path,
        method=method,
        body=None if body is None else json.dumps(body),
        params=params,
    )
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


async def refusal(jp_fetch, *path, status=400, **kwargs):
    """The message of a request that must fail with this status."""
    with pytest.raises(HTTPClientError) as error:
        await call(jp_fetch, *path, **kwargs)
    assert error.value.code == status
    return json.loads(error.value.response.body)["message"]


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def keygen(path, passphrase=""):
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "", "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return path


def fingerprint(path):
    output = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output.split()[1]


def public_key(path):
    """The "type base64" part of a public key, as known_hosts holds it."""
    return " ".join(path.with_suffix(".pub").read_text().split()[:2])


def agents_on(socket_path):
    """Pids of ssh-agent processes serving this socket."""
    pids = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as file:
                argv = file.read().split(b"\0")
        except OSError:
            continue
        if os.path.basename(argv[0]) == b"ssh-agent" and str(socket_path).encode() in argv:
            pids.append(int(entry))
    return pids


async def wait_for(predicate, seconds=5):
    """Poll, bounded: the state being waited for comes from another process."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_paths_come_from_config(jp_fetch, state_dir, control_dir):
    body = await call(jp_fetch)
    assert body["configFile"] == str(state_dir / "config")
    assert body["knownHostsFile"] == str(state_dir / "known_hosts")
    assert body["controlDir"] == str(control_dir)
    assert body["agentSocket"] is None
    assert body["sshVersion"].startswith("OpenSSH_")
    # Reading the paths creates nothing.
    assert not state_dir.parent.parent.exists()
    assert not control_dir.exists()


async def test_config_is_written_private_and_whole(jp_fetch, state_dir, control_dir):
    text = lab_config(state_dir, control_dir, ("129.114.25.134", 22, "~/.ssh/id_rsa_chameleon"))
    body = await call(jp_fetch, "config", method="PUT", body={"text": text})
    assert body == await call(jp_fetch)
    config = state_dir / "config"
    assert config.read_text() == text
    assert mode(config) == 0o600
    for directory in (state_dir, state_dir.parent, control_dir):
        assert mode(directory) == 0o700
    # A replaced file, not one rewritten in place that ssh could read half of.
    inode = config.stat().st_ino
    await call(jp_fetch, "config", method="PUT", body={"text": "Host node2\n  User cc\n"})
    assert config.read_text() == "Host node2\n  User cc\n"
    assert config.stat().st_ino != inode
    assert os.listdir(state_dir) == ["config"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Host node1\n  ProxyCommand nc %h %p\n",
            'Line 2 ("ProxyCommand nc %h %p"): ProxyCommand',
        ),
        ("Include /etc/passwd\n", 'Line 1 ("Include /etc/passwd"): Include is not allowed'),
        ("Host a\n\n  proxycommand x\n", 'Line 3 ("proxycommand x"): proxycommand is not allowed'),
        ("Match exec true\n", 'Line 1 ("Match exec true"): Match is not allowed'),
        ("Host a\n  LocalCommand id\n", 'Line 2 ("LocalCommand id"): LocalCommand is not allowed'),
        ("Host a\n  StrictHostKeyChecking no\n", 'Line 2 ("StrictHostKeyChecking no")'),
        (
            'Host a\n  StrictHostKeyChecking "OFF"\n',
            'Line 2 ("StrictHostKeyChecking \\"OFF\\""): '
            "StrictHostKeyChecking cannot contain “\"”",
        ),
        (
            "Host a\n  ProxyCommand=nc %h\n",
            'Line 2 ("ProxyCommand=nc %h"): the “Keyword=value” form is not allowed',
        ),
        ("Host a\n  User: cc\n", 'Line 2 ("User: cc"): it is not a'),
        ("Host a\n= ProxyCommand x\n", 'Line 2 ("= ProxyCommand x"): it is not a'),
        ('Host a\n  "User" cc\n', 'Line 2 ("\\"User\\" cc"): it is not a'),
        ("Host a\n  User\n", 'Line 2 ("User"): it is not a'),
        ("Host a\r\n  User cc\r\n", 'Line 1 ("Host a"): it contains a carriage return'),
        ("Host a\n  User c\0c\n", 'Line 2 ("User c?c"): it contains a NUL character'),
    ],
)
async def test_config_that_could_run_commands_is_refused(jp_fetch, state_dir, text, expected):
    message = await refusal(jp_fetch, "config", method="PUT", body={"text": text})
    assert message.startswith(expected), message
    assert not (state_dir / "config").exists()


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"text": "# " + "x" * 64 * 1024}, "The config is longer than 64 KiB."),
        ({"text": ["Host a"]}, "The config text must be a string."),
        ({}, "The request body needs the config as “text”."),
        (["Host a\n"], "The request body must be a JSON object."),
    ],
)
async def test_config_request_must_be_text(jp_fetch, state_dir, body, expected):
    assert await refusal(jp_fetch, "config", method="PUT", body=body) == expected
    assert not state_dir.exists()


async def test_shared_control_dir_is_refused(jp_fetch, state_dir, control_dir):
    CONFIG = lab_config(state_dir, control_dir, ("10.0.0.1", 22, None))
    control_dir.mkdir(mode=0o777)
    control_dir.chmod(0o777)
    message = await refusal(jp_fetch, "config", method="PUT", body={"text": CONFIG}, status=500)
    assert message.startswith(f"{control_dir} is writable by other users.")
    if os.getuid() == 0:
        control_dir.chmod(0o700)
        os.chown(control_dir, 12345, -1)
        message = await refusal(
            jp_fetch, "config", method="PUT", body={"text": CONFIG}, status=500
        )
        assert message.startswith(f"{control_dir} belongs to another user (uid 12345).")
    assert not (state_dir / "config").exists()


@pytest.fixture
def keys(tmp_path, monkeypatch, ssh, state_dir, control_dir):
    """Paths as the front end sends them: under ~ (here tmp_path) or absolute.

    The lab's config names them, so the agent endpoint answers about them.
    """
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".ssh").mkdir()
    keygen(tmp_path / ".ssh" / "plain")
    keygen(tmp_path / ".ssh" / "locked", passphrase="correct horse")
    text = lab_config(
        state_dir,
        control_dir,
        ("10.0.0.1", 22, "~/.ssh/plain"),
        ("10.0.0.2", 22, str(tmp_path / ".ssh" / "locked")),
        ("10.0.0.3", 22, "~/.ssh/missing"),
    )
    ssh.write_config(text)
    return {
        "plain": "~/.ssh/plain",
        "locked": str(tmp_path / ".ssh" / "locked"),
        "missing": "~/.ssh/missing",
        "fingerprint": fingerprint(tmp_path / ".ssh" / "plain"),
    }


async def test_agent_loads_keys_and_stops_with_server(
    jp_fetch, jp_serverapp, ssh, keys, control_dir
):
    paths = [keys["plain"], keys["locked"], keys["missing"]]
    body = await call(jp_fetch, "agent", method="POST", body={"keys": paths})
    socket_path = str(control_dir / "agent.sock")
    assert body["agentSocket"] == socket_path
    assert body["running"] is True
    plain, locked, missing = body["keys"]
    assert plain == {
        "path": keys["plain"],
        "exists": True,
        "fingerprint": keys["fingerprint"],
        "loaded": True,
    }
    assert locked["exists"] is True
    assert locked["fingerprint"].startswith("SHA256:")
    assert locked["loaded"] is False
    assert locked["message"] == (
        f"The key {keys['locked']} has a passphrase: type it once in the node1 terminal "
        "(ssh asks for it and keeps it in the agent)."
    )
    assert missing == {
        "path": keys["missing"],
        "exists": False,
        "fingerprint": None,
        "loaded": False,
        "message": "No key file at ~/.ssh/missing.",
    }

    status = await call(
        jp_fetch, "agent", params=[("key", keys["plain"]), ("key", keys["locked"])]
    )
    assert status["agentSocket"] == socket_path
    assert [key["loaded"] for key in status["keys"]] == [True, False]
    assert status["keys"][0]["fingerprint"] == keys["fingerprint"]
    assert (await call(jp_fetch))["agentSocket"] == socket_path

    # The agent is reused, and shut down with the server.
    pid = ssh.agent_pid
    assert agents_on(socket_path) == [pid]
    await call(jp_fetch, "agent", method="POST", body={"keys": [keys["plain"]]})
    assert agents_on(socket_path) == [pid]
    await jp_serverapp.cleanup_extensions()
    assert ssh.agent_pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not os.path.exists(socket_path)


async def test_one_agent_for_simultaneous_requests(jp_fetch, keys, control_dir):
    # A socket left by an agent that died must not stop a new one.
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(control_dir / "agent.sock"))
    stale.close()
    bodies = await asyncio.gather(
        *(call(jp_fetch, "agent", method="POST", body={"keys": [keys["plain"]]}) for _ in range(3))
    )
    assert all(body["keys"][0]["loaded"] for body in bodies)
    assert len(agents_on(control_dir / "agent.sock")) == 1


async def test_agent_socket_that_cannot_be_made(jp_fetch, ssh, keys, state_dir, control_dir):
    # A file where the socket goes is not removed: only a dead agent's socket is.
    (control_dir / "agent.sock").write_text("notes")
    body = {"keys": [keys["plain"]]}
    message = await refusal(jp_fetch, "agent", method="POST", body=body, status=500)
    assert message == f"{control_dir / 'agent.sock'} exists and is not a socket: remove it."
    ssh.control_dir = str(control_dir / ("d" * 100))
    ssh.write_config(lab_config(state_dir, ssh.control_path, ("10.0.0.1", 22, keys["plain"])))
    message = await refusal(jp_fetch, "agent", method="POST", body=body, status=500)
    assert message.startswith(f"The agent socket path {ssh.agent_socket_path} is too long")
    assert ssh.agent_pid is None


async def test_agent_status_without_agent(jp_fetch, keys, control_dir):
    body = await call(jp_fetch, "agent", params={"key": keys["plain"]})
    assert body == {
        "agentSocket": None,
        "running": False,
        "keys": [
            {
                "path": keys["plain"],
                "exists": True,
                "fingerprint": keys["fingerprint"],
                "loaded": False,
            }
        ],
    }
    assert not (control_dir / "agent.sock").exists()


@pytest.mark.parametrize(
    "keys, expected",
    [
        (["id_rsa"], 'The key path "id_rsa" must be absolute or start with ~/.'),
        (
            ["~root/.ssh/id_rsa"],
            'The key path "~root/.ssh/id_rsa" must be absolute or start with ~/.',
        ),
        (["-D/x"], 'The key path "-D/x" must be absolute or start with ~/.'),
        (["/k\n"], "A key path contains a NUL character or a line break."),
        (["/" + "k" * 4096], "A key path is longer than 4096 characters."),
        ([f"/k{n}" for n in range(11)], "At most 10 keys can be given at once, not 11."),
        ([""], "Each key path must be a non-empty string."),
        ("~/.ssh/id_rsa", "“keys” must be a list of key file paths."),
    ],
)
async def test_bad_key_paths_are_refused(jp_fetch, control_dir, keys, expected):
    message = await refusal(jp_fetch, "agent", method="POST", body={"keys": keys})
    assert message == expected
    assert not (control_dir / "agent.sock").exists()


@pytest.fixture
def known_hosts(ssh, state_dir, control_dir, tmp_path):
    """A lab of two hosts, one on port 22 and one on 2222, and their known_hosts."""
    ssh.write_config(
        lab_config(state_dir, control_dir, ("10.0.0.1", 22, None), ("10.0.0.2", 2222, None))
    )
    path = state_dir / "known_hosts"
    first = keygen(tmp_path / "host1")
    second = keygen(tmp_path / "host2")
    path.write_text(f"10.0.0.1 {public_key(first)}\n[10.0.0.2]:2222 {public_key(second)}\n")
    return path


async def test_forget_removes_only_that_host(jp_fetch, known_hosts):
    body = {"host": "10.0.0.2", "port": 2222}
    assert await call(jp_fetch, "forget", method="POST", body=body) == {"removed": True}
    lines = known_hosts.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("10.0.0.1 ssh-ed25519 ")
    # Reversible: ssh-keygen keeps the previous file.
    assert "[10.0.0.2]:2222" in (known_hosts.parent / "known_hosts.old").read_text()
    assert await call(jp_fetch, "forget", method="POST", body=body) == {"removed": False}
    assert await call(
        jp_fetch, "forget", method="POST", body={"host": "10.0.0.1", "port": 22}
    ) == {"removed": True}


async def test_forget_without_known_hosts(jp_fetch, state_dir, control_dir):
    await write_lab(jp_fetch, state_dir, control_dir, ("node1.example.org", 22, None))
    body = {"host": "node1.example.org", "port": 22}
    assert await call(jp_fetch, "forget", method="POST", body=body) == {"removed": False}
    assert os.listdir(state_dir) == ["config"]


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            {"host": "-oProxyCommand=x", "port": 22},
            '"-oProxyCommand=x" is not a host name or IP address.',
        ),
        ({"host": "a b", "port": 22}, '"a b" is not a host name or IP address.'),
        ({"host": "fe80::1%eth0", "port": 22}, '"fe80::1%eth0" is not a host name or IP address.'),
        ({"port": 22}, "The request needs a “host”."),
        ({"host": "10.0.0.1", "port": 0}, "The port must be a whole number from 1 to 65535."),
        ({"host": "10.0.0.1", "port": 65536}, "The port must be a whole number from 1 to 65535."),
        ({"host": "10.0.0.1", "port": True}, "The port must be a whole number from 1 to 65535."),
        (
            {"host": "10.0.0.1", "port": "22; id"},
            "The port must be a whole number from 1 to 65535.",
        ),
    ],
)
async def test_forget_refuses_bad_hosts(jp_fetch, known_hosts, body, expected):
    before = known_hosts.read_text()
    assert await refusal(jp_fetch, "forget", method="POST", body=body) == expected
    assert known_hosts.read_text() == before


@contextlib.asynccontextmanager
async def fake_sshd():
    """A loopback server that sends an SSH banner, then hangs up; yields its port."""

    async def greet(reader, writer):
        writer.write(b"SSH-2.0-Test\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(greet, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def probe(jp_fetch, host, port):
    return await call(jp_fetch, "probe", method="POST", body={"host": host, "port": port})


async def test_probe_reads_the_banner(jp_fetch, state_dir, control_dir):
    async with fake_sshd() as port:
        await write_lab(jp_fetch, state_dir, control_dir, ("127.0.0.1", port, None))
        body = await probe(jp_fetch, "127.0.0.1", port)
    assert body == {
        "reachable": True,
        "banner": "SSH-2.0-Test",
        "error": None,
        "hostKey": "unknown",
    }


async def test_probe_with_known_host_that_shows_no_key(
    jp_fetch, state_dir, control_dir, tmp_path
):
    # The fake server gives ssh-keyscan no key to compare: no verdict.
    key = public_key(keygen(tmp_path / "host"))
    async with fake_sshd() as port:
        await write_lab(jp_fetch, state_dir, control_dir, ("127.0.0.1", port, None))
        (state_dir / "known_hosts").write_text(f"[127.0.0.1]:{port} {key}\n")
        body = await probe(jp_fetch, "127.0.0.1", port)
    assert body == {"reachable": True, "banner": "SSH-2.0-Test", "error": None, "hostKey": None}


async def test_probe_closed_port(jp_fetch, state_dir, control_dir):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    await write_lab(jp_fetch, state_dir, control_dir, ("127.0.0.1", port, None))
    body = await probe(jp_fetch, "127.0.0.1", port)
    assert body == {
        "reachable": False,
        "banner": None,
        "error": "connection refused",
        "hostKey": None,
    }


async def test_probe_refuses_option_as_host(jp_fetch):
    body = {"host": "-oProxyCommand=x", "port": 22}
    message = await refusal(jp_fetch, "probe", method="POST", body=body)
    assert message == '"-oProxyCommand=x" is not a host name or IP address.'


def test_host_key_state(tmp_path):
    current = public_key(keygen(tmp_path / "current"))
    other = public_key(keygen(tmp_path / "other"))
    found = "# Host 10.0.0.1 found: line 1\n"
    scanned = f"10.0.0.1 {current}\n"
    assert host_key_state("", scanned) == "unknown"
    assert host_key_state(f"{found}10.0.0.1 {current}\n", scanned) == "known"
    assert host_key_state(f"{found}|1|salt=|hash= {current}\n", scanned) == "known"
    assert host_key_state(f"{found}10.0.0.1 {other}\n", scanned) == "changed"
    assert host_key_state(f"{found}@revoked 10.0.0.1 {current}\n", scanned) == "unknown"
    assert host_key_state(f"{found}10.0.0.1 {current}\n", "") is None


async def test_terminal_running_ssh_is_reported(jp_fetch, jp_serverapp, tmp_path):
    # A program whose argv[0] is named ssh, like `ssh node1` typed by the front end.
    fake_ssh = tmp_path / "ssh"
    fake_ssh.symlink_to(shutil.which("sleep"))
    response = await jp_fetch("api", "terminals", method="POST", body="{}")
    name = json.loads(response.body)["name"]
    terminal = jp_serverapp.web_app.settings["terminal_manager"].terminals[name]
    shell = terminal.ptyproc.pid
    try:
        assert (await call(jp_fetch, "terminals"))["terminals"] == {name: {"ssh": False}}
        terminal.ptyproc.write(f"{fake_ssh} 30\n")

        async def ssh_reported():
            return (await call(jp_fetch, "terminals"))["terminals"][name]["ssh"]

        await wait_for(ssh_reported)
    finally:
        # The fake ssh would outlive its shell by up to 30 s.
        for pid in _process_children().get(shell, []):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)
        await jp_fetch("api", "terminals", name, method="DELETE")
    assert (await call(jp_fetch, "terminals"))["terminals"] == {}


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {
                "jpserver_extensions": {
                    "jupyterlab_testbed": True,
                    "jupyter_server_terminals": False,
                }
            }
        }
    ],
)
async def test_no_terminals_without_terminal_manager(jp_fetch):
    assert await call(jp_fetch, "terminals") == {"terminals": {}}


async def test_unauthenticated_request_is_refused(jp_fetch, state_dir):
    # An empty header replaces the token jp_fetch would otherwise send.
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            *ENDPOINT,
            "config",
            method="PUT",
            body=json.dumps({"text": "Host node1\n"}),
            headers={"Authorization": ""},
        )
    assert error.value.code == 403
    assert not state_dir.exists()


LAB_ONLY = "the server only reaches the lab's own nodes."


async def test_probe_refuses_hosts_outside_the_lab(jp_fetch, state_dir, control_dir):
    message = await refusal(jp_fetch, "probe", method="POST", status=403, body={"host": "10.0.0.1"})
    assert message == (
        "The lab has no ssh config yet: open its nodes in the Terminals section first."
    )
    async with fake_sshd() as port:
        await write_lab(jp_fetch, state_dir, control_dir, ("127.0.0.1", port, None))
        body = {"host": "10.0.0.9", "port": 22}
        message = await refusal(jp_fetch, "probe", method="POST", status=403, body=body)
    assert message == f"10.0.0.9 is not a host of the lab's ssh config: {LAB_ONLY}"


async def test_probe_cannot_scan_ports(jp_fetch, jp_http_port, state_dir, control_dir):
    """Other ports of a lab host are refused before any connection is made."""
    connections = []

    async def count(reader, writer):
        connections.append(1)
        writer.close()

    other = await asyncio.start_server(count, "127.0.0.1", 0)
    other_port = other.sockets[0].getsockname()[1]
    try:
        async with fake_sshd() as port:
            await write_lab(jp_fetch, state_dir, control_dir, ("127.0.0.1", port, None))
            for scanned in (22, 80, jp_http_port, other_port):
                body = {"host": "127.0.0.1", "port": scanned}
                message = await refusal(jp_fetch, "probe", method="POST", status=403, body=body)
                assert message == (
                    f"127.0.0.1 is in the lab's ssh config with port {port}, not {scanned}: "
                    + LAB_ONLY
                )
    finally:
        other.close()
        await other.wait_closed()
    assert connections == []


async def test_probe_refuses_a_config_changed_behind_the_server(jp_fetch, state_dir, control_dir):
    text = await write_lab(jp_fetch, state_dir, control_dir, ("10.0.0.1", 22, None))
    (state_dir / "config").write_text(text.replace("10.0.0.1", "10.0.0.66"))
    body = {"host": "10.0.0.66", "port": 22}
    message = await refusal(jp_fetch, "probe", method="POST", status=403, body=body)
    assert message.startswith(f"{state_dir / 'config'} changed since this server wrote it")


async def test_config_on_disk_counts_after_a_restart(jp_fetch, ssh, state_dir, control_dir):
    # A config left by an earlier server process is the lab's when it passes the checks.
    state_dir.mkdir(parents=True)
    (state_dir / "config").write_text(lab_config(state_dir, control_dir, ("10.0.0.1", 22, None)))
    assert [block["host"] for block in ssh.topology()] == ["10.0.0.1"]
    (state_dir / "config").write_text("Host node1\n  ProxyCommand nc %h %p\n")
    body = {"host": "10.0.0.1", "port": 22}
    message = await refusal(jp_fetch, "probe", method="POST", status=403, body=body)
    assert message.startswith(f"{state_dir / 'config'} is not a config this server would write.")


async def test_forget_refuses_hosts_outside_the_lab(jp_fetch, known_hosts):
    before = known_hosts.read_text()
    for body in ({"host": "10.0.0.3", "port": 22}, {"host": "10.0.0.1", "port": 2222}):
        await refusal(jp_fetch, "forget", method="POST", status=403, body=body)
    assert known_hosts.read_text() == before


@pytest.mark.parametrize("path", ["/etc/shadow", "~/.ssh/somethingelse", "~/.ssh/plain/../x"])
async def test_agent_answers_only_about_the_labs_keys(jp_fetch, keys, control_dir, path):
    expected = (
        f"{path} is not a key file of the lab: the server answers only about the "
        "IdentityFile paths of the lab's ssh config and the layouts' keys."
    )
    assert await refusal(jp_fetch, "agent", status=403, params={"key": path}) == expected
    body = {"keys": [keys["plain"], path]}
    assert await refusal(jp_fetch, "agent", method="POST", status=403, body=body) == expected
    assert not (control_dir / "agent.sock").exists()


async def test_agent_answers_about_the_layouts_keys_before_any_config(jp_fetch, tmp_path):
    body = await call(jp_fetch, "agent", params={"key": "~/.ssh/id_rsa_chameleon"})
    assert body["keys"][0]["path"] == "~/.ssh/id_rsa_chameleon"
    await refusal(jp_fetch, "agent", status=403, params={"key": "~/.ssh/id_rsa"})


async def login_cookie(jp_fetch):
    """The session cookie a browser holds after logging in with the token."""
    response = await jp_fetch("api", "status")
    cookies = [value.split(";")[0] for value in response.headers.get_list("Set-Cookie")]
    session = [cookie for cookie in cookies if cookie.startswith("username-")]
    assert session, cookies
    return session[0]


async def test_post_with_only_a_session_cookie_is_refused(jp_fetch, state_dir, control_dir):
    """A page on another site can make the browser send the cookie, never the XSRF token."""
    cookie = await login_cookie(jp_fetch)
    # The cookie alone does authenticate: a GET goes through.
    await jp_fetch(*ENDPOINT, headers={"Authorization": "", "Cookie": cookie})
    for path, method, body in (
        ("probe", "POST", {"host": "127.0.0.1", "port": 22}),
        ("forget", "POST", {"host": "127.0.0.1", "port": 22}),
        ("agent", "POST", {"keys": ["~/.ssh/id_rsa_chameleon"]}),
        ("config", "PUT", {"text": "Host node1\n"}),
    ):
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch(
                *ENDPOINT,
                path,
                method=method,
                body=json.dumps(body),
                headers={"Authorization": "", "Cookie": cookie},
            )
        assert error.value.code == 403
        assert b"_xsrf" in error.value.response.body
    assert not control_dir.exists()
    assert not state_dir.exists()


async def test_probe_as_get_is_gone(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*ENDPOINT, "probe", params={"host": "127.0.0.1", "port": 22})
    assert error.value.code == 405
