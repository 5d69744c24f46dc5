import json
import os
import re
import secrets
import subprocess
import tempfile
from pathlib import Path

import pytest

from jupyterlab_testbed import chameleon
from jupyterlab_testbed.chameleon import chameleon_key, shell_agents
from jupyterlab_testbed.errors import RequestError

ENDPOINT = ("jupyterlab-testbed", "ssh")
PEM = "-----BEGIN RSA PRIVATE KEY-----\n"


@pytest.fixture
def key_file(tmp_path):
    """A generated PEM RSA key, as Chameleon's image writes it."""
    path = tmp_path / "work" / ".ssh" / "id_rsa"
    path.parent.mkdir(parents=True)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-m", "pem", "-N", "", "-f", str(path)],
        check=True,
    )
    return path


@pytest.fixture
def shell_agent():
    """A real agent where `eval $(ssh-agent)` in the image's shells puts one.

    ssh-agent always picks /tmp itself; the test names the same layout in its
    own folder, so agents of other users of this machine stay out of it.
    """
    folder = os.path.join(chameleon.AGENT_TMP, f"ssh-{secrets.token_hex(5)}")
    os.mkdir(folder, 0o700)
    output = subprocess.run(
        ["ssh-agent", "-s", "-a", os.path.join(folder, f"agent.{os.getpid()}")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    socket = re.search(r"SSH_AUTH_SOCK=([^;]+);", output).group(1)
    pid = int(re.search(r"SSH_AGENT_PID=([0-9]+);", output).group(1))
    yield socket
    os.kill(pid, 15)


# The key


def test_the_key_chameleon_names_is_the_presets(key_file):
    key = chameleon_key({"OS_KEYPAIR_PRIVATE_KEY": str(key_file)})
    assert key == {
        "path": str(key_file),
        "source": "environment",
        "variable": "OS_KEYPAIR_PRIVATE_KEY",
        "problem": None,
    }


def test_without_the_variable_the_documented_key_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    key = chameleon_key({})
    assert (key["path"], key["source"]) == ("~/.ssh/id_rsa_chameleon", "documented")
    assert key["problem"].startswith("No key at ~/.ssh/id_rsa_chameleon.")


def test_a_missing_named_key_says_where_and_what_to_do(tmp_path):
    missing = tmp_path / "work" / ".ssh" / "id_rsa"
    key = chameleon_key({"OS_KEYPAIR_PRIVATE_KEY": str(missing)})
    assert key["source"] == "environment" and key["path"] == str(missing)
    assert key["problem"].startswith(
        f"$OS_KEYPAIR_PRIVATE_KEY names {missing}, but there is no file there."
    )
    assert "start it again" in key["problem"]


def test_an_unreadable_named_key_says_how_to_fix_it(key_file):
    # Root reads every file: ask as an unprivileged user, from a folder it may enter.
    folder = tempfile.mkdtemp(dir="/tmp", prefix="tb-key-")
    try:
        os.chmod(folder, 0o755)
        unreadable = os.path.join(folder, "id_rsa")
        os.rename(key_file, unreadable)
        os.chmod(unreadable, 0o600)
        if os.getuid() != 0:
            pytest.skip("only root can ask as another user")
        # The module needs only the standard library; nobody may not enter the checkout.
        script = Path(chameleon.__file__).read_text() + (
            "\nimport json, sys\n"
            "print(json.dumps(chameleon_key({'OS_KEYPAIR_PRIVATE_KEY': sys.argv[1]})))\n"
        )
        result = subprocess.run(
            ["/usr/bin/python3", "-", unreadable],
            input=script,
            capture_output=True,
            text=True,
            user=65534,
            cwd="/",
            env={},
        )
        key = json.loads(result.stdout)
        assert key["problem"] == (
            f"The key {unreadable} cannot be read (Permission denied). Make it yours "
            f"and private: chmod 600 {unreadable}."
        )
    finally:
        subprocess.run(["rm", "-rf", folder], check=False)


@pytest.mark.parametrize(
    "value",
    ["id_rsa", "/work/.ssh/id_rsa\nProxyCommand touch /tmp/owned", "/work/\x1bkey"],
)
def test_a_variable_that_is_no_path_falls_back_to_the_documented_key(value):
    key = chameleon_key({"OS_KEYPAIR_PRIVATE_KEY": value})
    assert key["path"] == "~/.ssh/id_rsa_chameleon" and key["source"] == "documented"
    assert key["problem"].startswith("$OS_KEYPAIR_PRIVATE_KEY is set, but its value")


async def test_the_paths_reply_names_the_key_and_why(jp_fetch, monkeypatch, key_file):
    monkeypatch.setenv("OS_KEYPAIR_PRIVATE_KEY", str(key_file))
    response = await jp_fetch(*ENDPOINT)
    key = json.loads(response.body)["chameleonKey"]
    assert key["path"] == str(key_file) and key["source"] == "environment"


# The agent


def test_shell_agents_finds_what_ssh_agent_made(shell_agent):
    assert shell_agents() == [shell_agent]


def test_shell_agents_skips_folders_others_could_reach(shell_agent):
    os.chmod(os.path.dirname(shell_agent), 0o755)
    assert shell_agents() == []


def test_shell_agents_skips_a_link_to_an_agent_folder(shell_agent, tmp_path, monkeypatch):
    other = tmp_path / "other-tmp"
    other.mkdir()
    (other / "ssh-AbCdEf1234").symlink_to(os.path.dirname(shell_agent))
    monkeypatch.setattr(chameleon, "AGENT_TMP", str(other))
    assert shell_agents() == []


def test_shell_agents_skips_another_users_socket(shell_agent):
    assert shell_agents(uid=os.getuid() + 4242) == []


async def test_the_server_uses_the_agent_a_shell_started(
    jp_fetch, ssh, shell_agent, key_file, monkeypatch
):
    # The agent endpoint answers only about the lab's keys: this one is Chameleon's.
    monkeypatch.setenv("OS_KEYPAIR_PRIVATE_KEY", str(key_file))
    response = await jp_fetch(
        *ENDPOINT, "agent", method="POST", body=json.dumps({"keys": [str(key_file)]})
    )
    status = json.loads(response.body)
    assert status["agentSocket"] == shell_agent
    assert status["keys"][0]["loaded"]
    # No second agent.
    assert ssh.agent_pid is None


async def test_without_a_shell_agent_the_server_starts_its_own(
    jp_fetch, ssh, key_file, tmp_path, monkeypatch
):
    # The agent endpoint answers only about the lab's keys: this one is Chameleon's.
    monkeypatch.setenv("OS_KEYPAIR_PRIVATE_KEY", str(key_file))
    response = await jp_fetch(
        *ENDPOINT, "agent", method="POST", body=json.dumps({"keys": [str(key_file)]})
    )
    status = json.loads(response.body)
    assert status["agentSocket"] == str(tmp_path / "control" / "agent.sock")
    assert ssh.agent_pid is not None


def _config_naming(ssh, agent):
    return (
        "Host node1\n"
        "  HostName 10.199.0.2\n"
        "  User cc\n"
        f"  IdentityAgent {agent}\n"
        f"  ForwardAgent {agent}\n"
        f"  UserKnownHostsFile {ssh.known_hosts_file}\n"
    )


def test_a_config_naming_the_shells_agent_is_written(ssh, shell_agent):
    # The page names the agent the server reported: on Chameleon, a shell's.
    ssh.write_config(_config_naming(ssh, shell_agent))
    with open(ssh.config_file) as written:
        assert shell_agent in written.read()


def test_a_config_naming_another_agent_is_refused(ssh, shell_agent, tmp_path):
    stranger = tmp_path / "ssh-Zz9Yy8Xx7W" / "agent.1"
    with pytest.raises(RequestError, match="lab's agent"):
        ssh.write_config(_config_naming(ssh, stranger))
