"""The bash that reports how each command ended, in the lab's terminals.

A lab's Jupyter terminal (`ssh/shell`) and a node's terminal (the
terminals' ssh config, against the real SSH testbed) write OSC 133 marks:
`C` as a command line starts, `D;<status>` before the next prompt. A shell
that is not bash gets none, and works as before.
"""

import json
import os
import pty
import re
import select
import subprocess
import time

import pytest

from jupyterlab_testbed.shellmarks import remote_command, terminals_config

from .test_tunnels import control_dir, lab, testbed_up, why_not_here  # noqa: F401

START = "\x1b]133;C\x07"
END = re.compile(r"\x1b\]133;D;(\d+)\x07")


class Pty:
    """A command in a pseudo-terminal, its output kept; every wait is bounded."""

    def __init__(self, argv, env=None, cwd=None):
        self.fd, child = pty.openpty()
        self.process = subprocess.Popen(
            argv, stdin=child, stdout=child, stderr=child, env=env, cwd=cwd, start_new_session=True
        )
        os.close(child)
        self.output = ""

    def until(self, condition, seconds=20):
        deadline = time.monotonic() + seconds
        while not condition(self.output):
            left = deadline - time.monotonic()
            assert left > 0, f"timed out; output: {self.output[-400:]!r}"
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if ready:
                try:
                    self.output += os.read(self.fd, 65536).decode(errors="replace")
                except OSError:
                    assert condition(self.output), f"ended; output: {self.output[-400:]!r}"
        return self.output

    def send(self, text):
        os.write(self.fd, text.encode())

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        os.close(self.fd)


def ends(output):
    return [int(status) for status in END.findall(output)]


@pytest.fixture
def home(tmp_path):
    """A student's home whose login files set the prompt and a PROMPT_COMMAND of their own."""
    (tmp_path / ".profile").write_text(
        'PS1="student\\$ "\nPROMPT_COMMAND="__seen=\\$?"\nalias greet="echo hello-from-profile"\n'
    )
    return tmp_path


@pytest.fixture
def plain_home(tmp_path):
    """A student's home whose prompt shows the last status, with no PROMPT_COMMAND, and set -u."""
    (tmp_path / ".profile").write_text("unset PROMPT_COMMAND\nset -u\nPS1='[$?]student> '\n")
    return tmp_path


def login_shell(shell, home):
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "TERM": "xterm", "SHELL": shell}
    # As sshd runs a RemoteCommand: the login shell's -c.
    return Pty([shell, "-c", remote_command()], env=env)


def test_the_node_command_gives_bash_with_the_marks_after_the_login_files(home):
    shell = login_shell("/bin/bash", home)
    try:
        shell.until(lambda out: out.endswith("student$ "))
        shell.send("false\r")
        shell.until(lambda out: ends(out)[-1:] == [1])
        shell.send("greet; (exit 7)\r")
        output = shell.until(lambda out: ends(out)[-1:] == [7])
        # The student's alias and PROMPT_COMMAND still work; each line starts with C.
        assert "hello-from-profile" in output
        assert output.count(START) == 2
        shell.send("echo $? seen-$__seen\r")
        # The marks keep $? for what runs after them: the next line and the
        # student's own prompt command.
        assert f"{START}7 seen-7\r\n" in shell.until(lambda out: len(ends(out)) >= 4)
        shell.send("exit\r")
        shell.process.wait(10)
    finally:
        shell.close()


def test_without_a_prompt_command_the_prompt_and_next_line_still_get_the_status(plain_home):
    shell = login_shell("/bin/bash", plain_home)
    try:
        shell.until(lambda out: out.endswith("[0]student> "))
        shell.send("(exit 7)\r")
        # The prompt shows the command's status, not the mark's.
        shell.until(lambda out: ends(out)[-1:] == [7] and out.endswith("[7]student> "))
        shell.send("echo got-$?\r")
        assert f"{START}got-7\r\n" in shell.until(lambda out: len(ends(out)) >= 3)
    finally:
        shell.close()


def test_a_login_shell_that_is_not_bash_gets_itself_without_marks(home):
    shell = login_shell("/bin/sh", home)
    try:
        shell.until(lambda out: out.endswith("student$ "))
        shell.send("echo done-$((6*7))\r")
        output = shell.until(lambda out: "done-42" in out)
        assert ends(output) == [] and START not in output
    finally:
        shell.close()


def test_the_terminals_config_includes_the_labs_and_has_no_ssh_tokens(tmp_path):
    text = terminals_config(str(tmp_path / "config"))
    assert f'Include "{tmp_path}/config"' in text
    # ssh would expand a % token in RemoteCommand.
    command = text.split("RemoteCommand ", 1)[1]
    assert "%" not in command and command.endswith("\n") and command.count("\n") == 1


@pytest.fixture
def jp_server_config(state_dir, control_dir):  # noqa: F811
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_testbed": True, "jupyter_server_terminals": True},
            "terminado_settings": {"shell_command": ["/bin/bash"]},
        },
        "TestbedSSH": {"state_dir": str(state_dir), "control_dir": str(control_dir)},
    }


async def start_shell(jp_fetch, body):
    reply = await jp_fetch(
        "jupyterlab-testbed", "ssh", "shell", method="POST", body=json.dumps(body)
    )
    return json.loads(reply.body)


async def read_terminal(socket, condition, seconds=20):
    output = ""
    deadline = time.monotonic() + seconds
    while not condition(output):
        assert time.monotonic() < deadline, f"timed out; output: {output[-400:]!r}"
        message = json.loads(await socket.read_message())
        if message[0] == "stdout":
            output += message[1]
    return output


async def test_a_labs_jupyter_terminal_reports_how_each_command_ended(
    jp_fetch, jp_ws_fetch, jp_serverapp, jp_root_dir
):
    (jp_root_dir / "lab1").mkdir()
    started = await start_shell(jp_fetch, {"name": "lab1_jupyter", "cwd": "lab1"})
    assert started == {"name": "lab1_jupyter", "created": True, "marks": True}
    socket = await jp_ws_fetch("terminals", "websocket", "lab1_jupyter")
    try:
        socket.write_message(json.dumps(["stdin", "pwd; false\r"]))
        output = await read_terminal(socket, lambda out: 1 in ends(out))
        assert f"{jp_root_dir}/lab1" in output
    finally:
        socket.close()
    # A used name is left as it is: the terminal is not replaced.
    assert await start_shell(jp_fetch, {"name": "lab1_jupyter"}) == {
        "name": "lab1_jupyter",
        "created": False,
    }
    manager = jp_serverapp.web_app.settings["terminal_manager"]
    assert list(manager.terminals) == ["lab1_jupyter"]
    await manager.terminate("lab1_jupyter", force=True)


@pytest.mark.parametrize(
    "body", [{"name": "../x"}, {"name": "a b"}, {"name": "x" * 65}, {"name": 3}, {"cwd": "x"}]
)
async def test_a_shell_name_must_be_a_terminal_name(jp_fetch, jp_serverapp, body):
    with pytest.raises(Exception) as refused:
        await start_shell(jp_fetch, body)
    assert refused.value.code == 400
    assert not jp_serverapp.web_app.settings["terminal_manager"].terminals


async def test_a_folder_outside_the_root_starts_the_shell_at_the_root(
    jp_fetch, jp_serverapp, jp_root_dir
):
    await start_shell(jp_fetch, {"name": "outside_jupyter", "cwd": "../../.."})
    manager = jp_serverapp.web_app.settings["terminal_manager"]
    pid = manager.terminals["outside_jupyter"].ptyproc.pid
    assert os.readlink(f"/proc/{pid}/cwd") == os.path.realpath(jp_root_dir)
    await manager.terminate("outside_jupyter", force=True)


@pytest.mark.skipif(why_not_here() is not None, reason=str(why_not_here()))
@pytest.mark.parametrize("node", ["node2", "node1"])
def test_a_node_terminal_reports_how_each_command_ended(lab, ssh, node):  # noqa: F811
    # node2 first: its jump through node1 is made by this very connection.
    terminal = Pty(["ssh", "-F", ssh.terminals_config_file, node])
    try:
        terminal.until(lambda out: re.search(rf"cc@{node}:~\$ $", out))
        terminal.send("\x1b[200~echo one\nls /no/such/dir\x1b[201~\r")
        output = terminal.until(lambda out: 2 in ends(out))
        assert "one" in output
        # The node's bash is the session: its exit ends ssh, with its status.
        terminal.send("exit 5\r")
        terminal.until(lambda out: "closed" in out)
        assert terminal.process.wait(10) == 5
    finally:
        terminal.close()
