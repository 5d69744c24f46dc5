"""TestbedSSH: where the lab's ssh state lives, and that the endpoints reach only
the lab's config."""

import asyncio
import os

import pytest

from .sshlab import (
    call,
    fake_sshd,
    lab_config,
    mode,
    refusal,
    write_lab,
)


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
    # The terminals' config, beside it, includes it (no temporary file is left).
    assert sorted(os.listdir(state_dir)) == ["config", "terminals"]
    assert mode(state_dir / "terminals") == 0o600
    assert f'Include "{config}"' in (state_dir / "terminals").read_text()


async def test_shared_control_dir_is_refused(jp_fetch, state_dir, control_dir):
    CONFIG = lab_config(state_dir, control_dir, ("10.0.0.1", 22, None))
    control_dir.mkdir(mode=0o777)
    control_dir.chmod(0o777)
    message = await refusal(jp_fetch, "config", method="PUT", body={"text": CONFIG}, status=500)
    assert message.startswith(f"{control_dir} is writable by other users.")
    if os.getuid() == 0:
        control_dir.chmod(0o700)
        os.chown(control_dir, 12345, -1)
        message = await refusal(jp_fetch, "config", method="PUT", body={"text": CONFIG}, status=500)
        assert message.startswith(f"{control_dir} belongs to another user (uid 12345).")
    assert not (state_dir / "config").exists()


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
