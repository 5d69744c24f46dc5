"""The ssh tools the server runs: probe, host keys, forget, and ssh in terminals."""

import contextlib
import json
import os
import shutil
import socket

import pytest

from jupyterlab_testbed.processes import host_key_state, process_children

from .sshlab import (
    call,
    fake_sshd,
    keygen,
    probe,
    public_key,
    wait_for,
    write_lab,
)


async def test_forget_removes_only_that_host(jp_fetch, known_hosts):
    body = {"host": "10.0.0.2", "port": 2222}
    assert await call(jp_fetch, "forget", method="POST", body=body) == {"removed": True}
    lines = known_hosts.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("10.0.0.1 ssh-ed25519 ")
    # Reversible: ssh-keygen keeps the previous file.
    assert "[10.0.0.2]:2222" in (known_hosts.parent / "known_hosts.old").read_text()
    assert await call(jp_fetch, "forget", method="POST", body=body) == {"removed": False}
    assert await call(jp_fetch, "forget", method="POST", body={"host": "10.0.0.1", "port": 22}) == {
        "removed": True
    }


async def test_forget_without_known_hosts(jp_fetch, state_dir, control_dir):
    await write_lab(jp_fetch, state_dir, control_dir, ("node1.example.org", 22, None))
    body = {"host": "node1.example.org", "port": 22}
    assert await call(jp_fetch, "forget", method="POST", body=body) == {"removed": False}
    # No known_hosts was made: only the lab's config and the terminals' one.
    assert sorted(os.listdir(state_dir)) == ["config", "terminals"]


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


async def test_probe_with_known_host_that_shows_no_key(jp_fetch, state_dir, control_dir, tmp_path):
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
        for pid in process_children().get(shell, []):
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
