import pytest

from jupyterlab_testbed import chameleon

from .sshlab import fingerprint, keygen, lab_config, public_key

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(state_dir, control_dir):
    """The extension with terminals, its ssh state in the test's own folders."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_testbed": True, "jupyter_server_terminals": True}
        },
        "TestbedSSH": {"state_dir": str(state_dir), "control_dir": str(control_dir)},
    }


@pytest.fixture(autouse=True)
def machine_left_alone(monkeypatch, tmp_path_factory):
    """Tests never keep state in the machine's /work, nor use the runner's agents.

    The server must find or start its own agent, whatever agent the runner has.
    """
    monkeypatch.setenv("JUPYTERLAB_TESTBED_WORK_DIR", "")
    monkeypatch.setenv("TMPDIR", str(tmp_path_factory.mktemp("tmpdir")))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.setattr(chameleon, "AGENT_TMP", str(tmp_path_factory.mktemp("agents")))


@pytest.fixture
def state_dir(tmp_path):
    # Two levels that do not exist yet, like ~/.ssh/jupyterlab-testbed.
    return tmp_path / "student" / "ssh" / "testbed"


@pytest.fixture
def control_dir(tmp_path):
    return tmp_path / "control"


@pytest.fixture
def ssh(jp_serverapp):
    return jp_serverapp.web_app.settings["jupyterlab_testbed_ssh"]


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
