"""Checks run by the server (checks.py), through its endpoint.

The Jupyter-side tests need nothing else; the node tests run against the
three-node SSH testbed (testbed/testbed.sh, root and network namespaces)
and are skipped where it cannot run. Run them under the shared lock:
flock /tmp/jlt-heavy.lock python -m pytest -q jupyterlab_testbed/tests/test_checks.py
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_testbed import checks, checksession

from .sshlab import lab_config, write_lab

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTBED = os.path.join(ROOT, "testbed", "testbed.sh")
# Read before the fixtures point TMPDIR elsewhere: testbed.sh keeps its key there.
STATE = os.environ.get("TESTBED_STATE_DIR") or os.path.join(
    os.environ.get("TMPDIR", "/tmp"), "jupyterlab-testbed-ssh"
)
KEY = os.path.join(STATE, "id_ed25519")
FLOATING_IP = "10.199.0.2"


async def run_check(jp_fetch, body):
    response = await jp_fetch(
        "jupyterlab-testbed", "checks", "run", method="POST", body=json.dumps(body)
    )
    return json.loads(response.body)


async def check(jp_fetch, command, where="jupyter", timeout=10, key=None):
    body = {"key": key or str(uuid.uuid4()), "command": command, "where": where}
    body["timeout"] = timeout
    return await run_check(jp_fetch, body)


async def refusal(jp_fetch, body, status=400):
    with pytest.raises(HTTPClientError) as error:
        await run_check(jp_fetch, body)
    assert error.value.code == status
    return json.loads(error.value.response.body)["message"]


def running(marker):
    """Pids of processes whose command line holds the marker."""
    found = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    return found.stdout.split()


# On the Jupyter side


async def test_a_passing_and_a_failing_check(jp_fetch):
    passed = await check(jp_fetch, "echo ready")
    assert passed["result"] == {"result": "pass"}
    assert passed["places"][0]["output"] == "ready\n"
    failed = await check(jp_fetch, "echo 'no nginx' >&2; exit 3")
    assert failed["result"] == {"result": "fail", "exit": 3}
    assert "no nginx" in failed["places"][0]["output"]


async def test_a_check_that_never_ends_is_stopped_with_its_children(jp_fetch):
    marker = f"sleep 31{os.getpid() % 1000}.5"
    result = await check(jp_fetch, f"{marker} & {marker}; wait", timeout=1)
    assert result["result"] == {"result": "timeout"}
    assert running(marker) == []


async def test_what_a_check_left_running_goes_when_it_ends(jp_fetch):
    marker = f"sleep 33{os.getpid() % 1000}.5"
    result = await check(jp_fetch, f"{marker} >/dev/null 2>&1 & echo started")
    assert result["result"] == {"result": "pass"}
    assert running(marker) == []


async def test_megabytes_of_output_are_cut_to_the_first_lines(jp_fetch):
    result = await check(jp_fetch, "yes line | head -c 20000000; exit 1")
    output = result["places"][0]["output"]
    assert result["result"] == {"result": "fail", "exit": 1}
    assert output.endswith("\n…")
    assert output.count("\n") == checks.OUTPUT_LINES
    assert len(output) < checks.OUTPUT_BYTES


async def test_output_cannot_carry_terminal_controls(jp_fetch):
    result = await check(jp_fetch, r"printf 'a\033]0;title\007b\n'")
    assert result["places"][0]["output"] == "a]0;titleb\n"


async def test_the_same_step_never_runs_twice_at_once(jp_fetch):
    first = asyncio.ensure_future(check(jp_fetch, "sleep 1", key="nb.ipynb cell"))
    await asyncio.sleep(0.3)
    message = await refusal(
        jp_fetch, {"key": "nb.ipynb cell", "command": "true", "where": "jupyter"}, 409
    )
    assert message == "This step's check is already running."
    assert (await first)["result"] == {"result": "pass"}
    # Once it ended, the step can be checked again.
    assert (await check(jp_fetch, "true", key="nb.ipynb cell"))["result"]["result"] == "pass"


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"command": "true", "where": "jupyter"}, "“key”"),
        ({"key": "k", "command": " ", "where": "jupyter"}, "“command”"),
        ({"key": "k", "command": "true\r\nreboot", "where": "jupyter"}, "carriage return"),
        ({"key": "k", "command": "true", "where": "node1; reboot"}, "“where”"),
        ({"key": "k", "command": "true", "where": "jupyter", "timeout": 3600}, "“timeout”"),
        ({"key": "k", "command": "true", "where": "jupyter", "timeout": True}, "“timeout”"),
        ({"key": "k", "command": "echo \ud800", "where": "jupyter"}, "lone surrogate"),
    ],
)
async def test_bad_requests_are_refused(jp_fetch, body, expected):
    message = await refusal(jp_fetch, body)
    assert expected in message


async def test_nodes_outside_the_labs_config_are_refused(jp_fetch, state_dir, control_dir):
    message = await refusal(jp_fetch, {"key": "k", "command": "true", "where": "node1"}, 403)
    assert "no ssh config yet" in message
    await write_lab(jp_fetch, state_dir, control_dir, ("10.0.0.1", 22, None))
    message = await refusal(jp_fetch, {"key": "k", "command": "true", "where": "node9"}, 403)
    assert message == "node9 is not a node of the lab's ssh config (its nodes: node1)."


# On the testbed's nodes


def testbed(*args):
    env = {**os.environ, "TESTBED_STATE_DIR": STATE}
    return subprocess.run(
        ["bash", TESTBED, *args], env=env, capture_output=True, text=True, timeout=280
    )


@pytest.fixture(scope="module")
def nodes():
    """The testbed, up for this module (down again unless it was up before)."""
    if os.getuid() != 0:
        pytest.skip("the testbed needs root")
    probe = f"tb-probe-{os.getpid()}"
    if subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode != 0:
        pytest.skip("this machine cannot create network namespaces")
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    was_up = testbed("status").returncode == 0
    up = testbed("up")
    assert up.returncode == 0, up.stdout + up.stderr
    routes = testbed("check-routes", FLOATING_IP)
    assert routes.returncode == 0, routes.stdout + routes.stderr
    yield
    if not was_up:
        testbed("down")


@pytest.fixture
def control_dir():
    """Short: ssh refuses a ControlPath of 108 bytes or more."""
    path = tempfile.mkdtemp(prefix="tbchk-", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def free_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


@pytest.fixture
def lab(nodes, ssh, state_dir, control_dir):
    """The testbed's three nodes as the front end writes them, and a fourth that refuses."""
    text = lab_config(
        state_dir,
        control_dir,
        (FLOATING_IP, 22, KEY),
        ("192.168.1.12", 22, KEY),
        ("192.168.1.13", 22, KEY),
        ("127.0.0.1", free_port(), KEY),
    )
    for lan in ("192.168.1.12", "192.168.1.13"):
        text = text.replace(f"  HostName {lan}\n", f"  HostName {lan}\n  ProxyJump node1\n")
    ssh.write_config(text)
    yield
    # End the shared connections the checks opened.
    for node in ("node1", "node2", "node3"):
        subprocess.run(
            ["ssh", "-F", str(state_dir / "config"), "-O", "exit", node],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=10,
        )


async def test_checks_on_nodes(jp_fetch, lab):
    passed = await check(jp_fetch, "hostname", where="node2")
    assert passed["result"] == {"result": "pass"}
    assert passed["places"][0]["output"].strip() == "node2"
    failed = await check(jp_fetch, "echo nope; exit 3", where="node1")
    assert failed["result"] == {"result": "fail", "exit": 3}
    assert failed["places"][0]["output"] == "nope\n"


def master_up(state_dir, node):
    """Whether the node's shared connection answers."""
    config = str(state_dir / "config")
    asked = subprocess.run(
        ["ssh", "-F", config, "-O", "check", node],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=10,
    )
    return asked.returncode == 0


async def test_the_shared_connection_a_check_opened_stays_up(jp_fetch, lab, state_dir):
    # node2 is behind node1: its connection's ProxyJump process must outlive the check
    # that started it, or each later check connects anew.
    for node in ("node1", "node2"):
        assert not master_up(state_dir, node)
        assert (await check(jp_fetch, "true", where=node))["result"] == {"result": "pass"}
        assert master_up(state_dir, node)


async def test_a_check_past_its_deadline_leaves_the_shared_connection_up(
    jp_fetch, jp_serverapp, lab, state_dir
):
    # A detached process holds the check's output, writes 4 KB after 3 s and then
    # stays: the session's loop reads it and drops the rest for up to t + 4 s, past
    # the deadline (t + 6 s). The session's client goes; node2's connection, which
    # this check opened through node1, stays for the terminals and later checks.
    marker = f"sleep 33{os.getpid() % 1000}.5"
    command = f"setsid sh -c 'sleep 3; yes | head -c 5000; {marker}' & true"
    result = await check(jp_fetch, command, where="node2", timeout=1)
    assert result["result"] == {"result": "timeout"}
    assert master_up(state_dir, "node2")
    assert session_pids(jp_serverapp, "node2") == []
    subprocess.run(["pkill", "-f", marker], check=False)


async def test_a_process_left_holding_the_output_delays_a_check_by_seconds_at_most(
    jp_fetch, jp_serverapp, lab
):
    # Past the loop's t + 4 s, and within the next check.
    marker = f"sleep 6.{os.getpid() % 1000:03d}5"
    left = f"setsid sh -c '{marker}; echo stale' & true"
    result = await check(jp_fetch, left, where="node1", timeout=1)
    # The check itself ended with 0; its loop stopped waiting for the output at t + 4 s.
    assert result["result"] == {"result": "pass"}
    assert 4000 <= result["places"][0]["ms"] < 7000
    assert len(session_pids(jp_serverapp, "node1")) == 1
    # The next check in that session neither waits for the process left behind nor
    # gets what it prints a second later.
    after = await check(jp_fetch, "sleep 2; echo fresh", where="node1", timeout=5)
    assert after["places"][0]["output"] == "fresh\n"
    assert after["places"][0]["ms"] < 4000
    subprocess.run(["pkill", "-f", marker], check=False)


async def test_a_check_on_all_nodes_runs_on_each(jp_fetch, lab):
    result = await check(jp_fetch, "hostname", where="all")
    # The last line: ssh may say first that another check made the shared connection.
    names = {
        p["place"]: p["output"].strip().splitlines()[-1]
        for p in result["places"]
        if p["place"] != "node4"
    }
    assert names == {"node1": "node1", "node2": "node2", "node3": "node3"}
    # node4 refuses the connection: the check as a whole did not pass.
    assert result["result"] == {"result": "unreachable"}


async def test_a_node_that_refuses_is_unreachable(jp_fetch, lab):
    result = await check(jp_fetch, "true", where="node4")
    assert result["result"] == {"result": "unreachable"}
    assert "refused" in result["places"][0]["output"]


async def test_a_remote_check_that_never_ends_is_gone_from_the_node(jp_fetch, lab):
    marker = f"sleep 32{os.getpid() % 1000}.5"
    result = await check(jp_fetch, marker, where="node2", timeout=2)
    assert result["result"] == {"result": "timeout"}
    # The node's processes are this machine's: pgrep sees them (no ssh is left either).
    assert running(marker) == []
    assert running(f"ssh .* node2 -- timeout .*{marker}") == []


async def test_megabytes_from_a_node_are_cut(jp_fetch, lab):
    result = await check(jp_fetch, "yes line | head -c 5000000", where="node3")
    assert result["result"] == {"result": "pass"}
    assert result["places"][0]["output"].count("\n") == checks.OUTPUT_LINES


# Check sessions (checksession.py): one ssh client per node, reused


def runner(jp_serverapp):
    return jp_serverapp.web_app.settings["jupyterlab_testbed_checks"]


def session_pids(jp_serverapp, node):
    return [s.process.pid for s in runner(jp_serverapp).sessions.idle(node)]


async def gone(pid, seconds=10):
    """Whether the process ended within `seconds`."""
    for _ in range(int(seconds * 10)):
        # asyncio reaps the client: its /proc entry goes when it ended.
        if not os.path.exists(f"/proc/{pid}"):
            return True
        await asyncio.sleep(0.1)
    return False


async def test_checks_on_a_node_share_its_session(jp_fetch, jp_serverapp, lab):
    first = await check(jp_fetch, "printf 'a\\n\\n'; exit 255", where="node2")
    # In a session the status is the command's own, and the output keeps its newlines.
    assert first["result"] == {"result": "fail", "exit": 255}
    assert first["places"][0]["output"] == "a\n\n"
    pids = session_pids(jp_serverapp, "node2")
    assert len(pids) == 1
    assert (await check(jp_fetch, "hostname", where="node2"))["places"][0]["output"] == "node2\n"
    assert session_pids(jp_serverapp, "node2") == pids


def local_session():
    """A check session whose loop runs on this machine, started as on a node."""
    return checksession.CheckSession(["sh", "-c", checksession.remote_command()])


async def test_every_check_of_busy_sessions_comes_back_with_its_own_status():
    # Six loops (two sessions on each of three nodes, as Check All keeps them
    # busy) on this machine, each running checks back to back: bash 5.2 lost
    # the status of a check now and then when it ran as a process substitution
    # (`wait` said -1), and the session broke (in 2 of 3 runs of this test).
    sessions = [local_session() for _ in range(6)]

    async def checks(session, count):
        await session.start(10)
        try:
            for i in range(count):
                status, output, _ = await session.run(f"echo {i}; exit {i % 3}", 10, 10)
                assert (status, output) == (i % 3, f"{i}\n".encode())
        finally:
            session.close()
            await session.ended(5)

    await asyncio.gather(*(checks(session, 2000) for session in sessions))
    # Each loop's own folder (its output's FIFOs) went with it.
    assert os.listdir(os.environ["TMPDIR"]) == []


async def test_a_check_that_removes_the_sessions_folder_does_not_break_the_next():
    # A check's output is the loop's FIFO: the check can find the loop's folder.
    session = local_session()
    await session.start(10)
    try:
        folder = 'd=$(dirname "$(readlink /proc/$$/fd/1)"); rm -rf "$d"; echo "$d"'
        status, output, _ = await session.run(folder, 10, 10)
        assert status == 0
        assert not os.path.exists(output.decode().strip())
        assert (await session.run("echo after; exit 4", 10, 10))[:2] == (4, b"after\n")
        # Made again as the loop's own: nobody else reads the next outputs.
        assert oct(os.stat(output.decode().strip()).st_mode & 0o777) == "0o700"
        if os.geteuid() == 0:
            # A folder of that name that is another user's, even with a FIFO
            # of the right name in it: the loop ends rather than write a
            # check's output into it.
            taken = (
                'f=$(readlink /proc/$$/fd/1); d=$(dirname "$f"); rm -rf "$d"; '
                'mkdir "$d"; mkfifo "$f"; chown -R nobody "$d"'
            )
            assert (await session.run(taken, 10, 10))[0] == 0
            with pytest.raises(checksession.SessionBroken):
                await session.run("echo into-theirs", 10, 10)
            # Nor does the loop remove that folder when it ends.
            await session.ended(5)
            assert os.path.isdir(output.decode().strip())
    finally:
        session.close()
        await session.ended(5)


async def test_a_reply_out_of_turn_ends_the_session(jp_fetch, jp_serverapp, lab):
    await check(jp_fetch, "true", where="node1")
    [pid] = session_pids(jp_serverapp, "node1")
    # The check writes a reply of its own into the session's output: the loop
    # is its `timeout`'s parent.
    forged = "loop=$(ps -o ppid= -p $PPID | tr -d ' '); printf 'R 0 0 0\\n' > /proc/$loop/fd/1"
    # What ran is not known: nothing is recorded, the student is told to check again.
    body = {"key": "k-forged", "command": forged, "where": "node1", "timeout": 10}
    assert "check session broke" in await refusal(jp_fetch, body, 502)
    assert await gone(pid)
    # The next check gets a session of its own.
    assert (await check(jp_fetch, "hostname", where="node1"))["result"] == {"result": "pass"}
    assert session_pids(jp_serverapp, "node1") not in ([], [pid])


async def test_a_new_config_ends_the_sessions(jp_fetch, jp_serverapp, lab, ssh, state_dir):
    await check(jp_fetch, "true", where="node3")
    [pid] = session_pids(jp_serverapp, "node3")
    ssh.write_config((state_dir / "config").read_text())
    await check(jp_fetch, "true", where="node3")
    assert await gone(pid)
    assert session_pids(jp_serverapp, "node3") not in ([], [pid])


async def test_an_idle_session_ends(jp_fetch, jp_serverapp, lab, monkeypatch):
    monkeypatch.setattr(checksession, "IDLE_SECONDS", 0.5)
    await check(jp_fetch, "true", where="node1")
    [pid] = session_pids(jp_serverapp, "node1")
    assert await gone(pid, seconds=5)
    assert session_pids(jp_serverapp, "node1") == []


async def test_a_node_that_cannot_keep_a_session_gets_a_client_per_check(
    jp_fetch, jp_serverapp, lab, monkeypatch
):
    # As a node without bash 4.1: the loop exits before its hello.
    monkeypatch.setattr(checksession, "RUNNER", "exit 3")
    result = await check(jp_fetch, "hostname", where="node2")
    assert result["result"] == {"result": "pass"}
    assert result["places"][0]["output"].strip().splitlines()[-1] == "node2"
    assert session_pids(jp_serverapp, "node2") == []


async def test_a_check_waits_for_a_busy_node_no_longer_than_its_deadline(
    jp_fetch, jp_serverapp, lab, monkeypatch
):
    monkeypatch.setattr(checksession, "PER_NODE", 1)
    long = asyncio.ensure_future(check(jp_fetch, "sleep 9", where="node1", timeout=10))
    await asyncio.sleep(1)
    # Its deadline (1 s + 6 s) passes while the node's only session is busy.
    body = {"key": "k-busy", "command": "true", "where": "node1", "timeout": 1}
    # It did not run: nothing to record, as when every slot is taken.
    assert "stayed busy" in await refusal(jp_fetch, body, 429)
    assert (await long)["result"] == {"result": "pass"}
    # Once free, the session takes the next check.
    assert (await check(jp_fetch, "true", where="node1"))["result"] == {"result": "pass"}


async def test_a_node_whose_startup_files_print_a_lot_gets_a_client_per_check(
    jp_fetch, jp_serverapp, lab, monkeypatch
):
    # More lines than a hello is looked for in, the loop then waiting: no session, no hang.
    monkeypatch.setattr(checksession, "RUNNER", "seq 150; " + checksession.RUNNER)
    result = await check(jp_fetch, "echo ok", where="node3", timeout=5)
    assert result["result"] == {"result": "pass"}
    assert result["places"][0]["output"].strip().splitlines()[-1] == "ok"
    assert session_pids(jp_serverapp, "node3") == []
    assert running("seq 150") == []


async def test_a_command_that_starts_with_a_dash_is_a_command(jp_fetch, lab):
    for where in ("jupyter", "node1"):
        result = await check(jp_fetch, "-x 2>/dev/null || echo not-an-option", where=where)
        assert "not-an-option" in result["places"][0]["output"]
