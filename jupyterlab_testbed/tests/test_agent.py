"""The ssh-agent the server finds or starts, and the keys it loads into it."""

import asyncio
import os
import socket

import pytest

from .sshlab import (
    agents_on,
    call,
    lab_config,
    refusal,
)


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

    status = await call(jp_fetch, "agent", params=[("key", keys["plain"]), ("key", keys["locked"])])
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
