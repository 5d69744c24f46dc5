"""The shell integration that tells the page how a block sent to a terminal ended.

A bash with it writes OSC 133 marks, which terminals do not display: one
as each command line starts (PS0), and one with the exit status before
each prompt (PROMPT_COMMAND). The page reads them from the terminal's
stream (src/core/terminals/shellmarks.ts). Two shells get it:

- a lab's Jupyter terminal: bash started with `--rcfile` on the file this
  server writes (`bashrc` in the state directory);
- a node's terminal: the node's own bash, started by the RemoteCommand of
  the terminals' ssh config (`terminals` in the state directory), which
  includes the lab's config and adds only that. The rc travels in the
  command, base64 encoded (no quoting through ssh and two shells), and
  is read through a process substitution: nothing is written on the node.

Both load what a login shell loads first, as the terminals did before
(`bash -l`, or ssh's login shell), then add the marks: the student's
prompt, aliases and PATH are theirs. A node whose login shell is not bash,
or has no base64, gets its login shell as before, without marks: the page
then records "sent". Nothing here comes from a notebook.
"""

import base64
import os
from pathlib import Path

# What bash reads as a login shell, in its order.
LOGIN = """\
if [ -f /etc/profile ]; then . /etc/profile; fi
if [ -f ~/.bash_profile ]; then . ~/.bash_profile
elif [ -f ~/.bash_login ]; then . ~/.bash_login
elif [ -f ~/.profile ]; then . ~/.profile
fi
"""

# The marks, read by the jest tests and the benchmark too: one text for all.
MARKS = Path(__file__).with_name("shellmarks.bash").read_text(encoding="utf-8")

RC = LOGIN + MARKS


def is_bash(shell_command):
    """Whether a terminal shell command starts bash (the marks are bash's)."""
    return bool(shell_command) and os.path.basename(shell_command[0]) == "bash"


def jupyter_shell(shell_command, rc_file):
    """The command of a lab's Jupyter terminal: the server's bash, with the marks."""
    return [shell_command[0], "--rcfile", rc_file, "-i"]


def remote_command():
    """The node-side command of a terminal: bash with the marks, else the login shell."""
    encoded = base64.b64encode(RC.encode()).decode()
    start = f"exec bash --rcfile <(echo {encoded} | base64 -d) -i"
    # The login shell runs this; only bash parses `<(...)`, so it is eval'ed.
    return (
        '[ -n "$BASH_VERSION" ] && command -v base64 >/dev/null && '
        f"eval '{start}'; exec \"$SHELL\" -l"
    )


def terminals_config(lab_config_file):
    """The ssh config the node terminals use: the lab's, and the marks' bash."""
    return (
        "# Written by jupyterlab-testbed: the lab's config (included), and a bash\n"
        "# that reports how each command ended (jupyterlab_testbed/shellmarks.py).\n"
        f'Include "{lab_config_file}"\n'
        "Host *\n"
        "  RequestTTY yes\n"
        # ssh expands % tokens in RemoteCommand; the command has none.
        f"  RemoteCommand {remote_command()}\n"
    )
