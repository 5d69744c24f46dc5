"""What Chameleon's JupyterHub image sets up for the student's SSH.

The image generates a key for each user at first start, keeps it in the work
folder and names it in ``$OS_KEYPAIR_PRIVATE_KEY``; python-chi installs that
key on the servers a lab creates, so it is the chameleon preset's key. Labs
that have students upload a key of their own document ``~/.ssh/id_rsa_chameleon``
instead, which is the fallback.

Each interactive bash shell of the image runs ``eval $(ssh-agent)`` and adds
the key (its guard tests ``$SSH_AGENT_SOCK``, which nothing sets, so every
shell starts one): the agent listens at a random path,
``/tmp/ssh-XXXXXXXXXX/agent.<pid>``, named only in that shell's environment;
no fixed socket, no file to source.
The server finds such agents the way ssh-agent makes them (a folder of the
user's own, 0700, holding a socket of the user's own) and uses one that
answers instead of starting yet another.

The single-user server also starts with the student's OpenStack project and
user in its environment, so the front end can offer them as defaults instead
of asking. The rest of that environment holds credentials (``OS_PASSWORD``,
tokens), so only those two variables are read.
"""

import os
import re
import stat

KEY_VARIABLE = "OS_KEYPAIR_PRIVATE_KEY"
DOCUMENTED_KEY = "~/.ssh/id_rsa_chameleon"
# ssh-agent's own naming: ssh-<10 random characters>/agent.<parent pid>.
AGENT_FOLDER = re.compile(r"ssh-[A-Za-z0-9]{6,32}")
AGENT_SOCKET = re.compile(r"agent\.[0-9]{1,10}")
# A busy server has a shell or two per terminal; more is not worth a look.
MAX_AGENT_CANDIDATES = 32
MAX_PATH = 4096
# Where ssh-agent makes its folder; OpenSSH 9 does not follow $TMPDIR there.
AGENT_TMP = "/tmp"
# Legitimate project and user names are short; anything longer is more likely
# a misconfiguration than a name worth putting into a form.
MAX_NAME_LENGTH = 200


def student_environment(environ=None):
    """The student's project and user name, each None when unset or implausible."""
    environ = os.environ if environ is None else environ

    def read(name):
        value = environ.get(name)
        if not value or len(value) > MAX_NAME_LENGTH:
            return None
        return value

    return {"project": read("OS_PROJECT_NAME"), "user": read("USER")}


def chameleon_key(environ=None):
    """The chameleon preset's key file, why it is that one, and what is wrong with it.

    Returns ``{"path", "source", "variable", "problem"}``; ``source`` is
    "environment" when ``$OS_KEYPAIR_PRIVATE_KEY`` names it, else "documented".
    """
    environ = os.environ if environ is None else environ
    named = environ.get(KEY_VARIABLE)
    if named:
        problem = _path_problem(named)
        if problem is None:
            return _key("environment", named, _file_problem(named, from_variable=True))
        return _key(
            "documented",
            DOCUMENTED_KEY,
            f"${KEY_VARIABLE} is set, but {problem}; the documented "
            f"{DOCUMENTED_KEY} is used instead.",
        )
    return _key("documented", DOCUMENTED_KEY, _file_problem(DOCUMENTED_KEY, from_variable=False))


def _key(source, path, problem):
    return {"path": path, "source": source, "variable": KEY_VARIABLE, "problem": problem}


def _path_problem(path):
    """Why the variable's value cannot be a key path in an ssh config, or None."""
    if len(path) > MAX_PATH:
        return f"its value is longer than {MAX_PATH} characters"
    if re.search(r"[\x00-\x1f\x7f]", path):
        return "its value contains a control character"
    if not path.startswith(("/", "~/")):
        return "its value is not an absolute path"
    return None


def _file_problem(path, from_variable):
    """What is wrong with the key file, in words that say what to do; None when it reads."""
    local = os.path.expanduser(path)
    if not os.path.exists(local):
        if from_variable:
            return (
                f"${KEY_VARIABLE} names {path}, but there is no file there. Chameleon "
                "creates it when your server starts: stop your server from the hub "
                "(File ▸ Hub Control Panel) and start it again, or set your own key "
                "file in Settings ▸ Testbed: terminals."
            )
        return (
            f"No key at {path}. Put the private key you uploaded to Chameleon there "
            "(chmod 600), or set your key file in Settings ▸ Testbed: terminals."
        )
    if not os.path.isfile(local):
        return f"{path} is not a file: set your key file in Settings ▸ Testbed: terminals."
    try:
        with open(local, "rb") as file:
            file.read(1)
    except OSError as error:
        return (
            f"The key {path} cannot be read ({error.strerror}). Make it yours and "
            f"private: chmod 600 {path}."
        )
    return None


def shell_agents(uid=None):
    """Sockets of ssh-agents the user's shells started, newest first.

    Only what ssh-agent itself makes counts: a folder owned by the user that
    nobody else can enter, holding a socket owned by the user. Anything
    another user could have placed is skipped.
    """
    uid = os.getuid() if uid is None else uid
    found = []
    for folder in _agent_folders():
        if not _private_to(folder, uid, stat.S_ISDIR):
            continue
        try:
            sockets = [e for e in os.scandir(folder.path) if AGENT_SOCKET.fullmatch(e.name)]
        except OSError:
            continue
        for entry in sockets:
            info = _owned_by(entry, uid, stat.S_ISSOCK)
            if info:
                found.append((info.st_mtime, entry.path))
        if len(found) >= MAX_AGENT_CANDIDATES:
            break
    return [path for _, path in sorted(found, reverse=True)[:MAX_AGENT_CANDIDATES]]


def _agent_folders():
    folders = []
    for temp in dict.fromkeys(filter(None, (os.environ.get("TMPDIR"), AGENT_TMP))):
        try:
            folders.extend(e for e in os.scandir(temp) if AGENT_FOLDER.fullmatch(e.name))
        except OSError:
            continue
    return folders


def _owned_by(entry, uid, is_kind):
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return None
    return info if is_kind(info.st_mode) and info.st_uid == uid else None


def _private_to(entry, uid, is_kind):
    info = _owned_by(entry, uid, is_kind)
    return info is not None and not info.st_mode & 0o077
