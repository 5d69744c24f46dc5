"""What the ssh endpoints' tests share: a lab's config as the front end writes
it, requests that must succeed or fail, keys, and a fake sshd on loopback."""

import asyncio
import contextlib
import json
import os
import stat
import subprocess

import pytest
from tornado.httpclient import HTTPClientError

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
