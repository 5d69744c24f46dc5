"""What a lab's OpenSSH config may say, and how the server writes it.

An allow-list: only the keywords the front end's generator writes (and the
few a custom layout's options need), each value checked by its own rule.
The server is the one that writes the file ssh obeys, so this check must
hold even when the page sending the text is not the lab's own. The hosts,
ports and key paths a request names pass the same kind of check here, since
they become arguments of ssh's tools.

The keywords come from ``ssh_keywords.json``, the one list the front end's
checker reads too.
"""

import contextlib
import ipaddress
import json
import os
import re
import tempfile
from collections import namedtuple

from .errors import RequestError

CONFIG_LIMIT = 64 * 1024
LINE_LIMIT = 1024
MAX_PATH = 4096
MAX_JUMPS = 8
MAX_KEYS = 10

with open(os.path.join(os.path.dirname(__file__), "ssh_keywords.json"), encoding="utf-8") as _file:
    KEYWORDS = json.load(_file)

# Lower-case keyword to (spelling, rule): ssh reads keywords in any case.
ALLOWED = {
    keyword.lower(): (keyword, rule)
    for group in ("block", "managed", "options")
    for keyword, rule in KEYWORDS[group].items()
}
REFUSED = KEYWORDS["refused"]

# `Keyword value` with spaces or tabs between: `Keyword=value` is refused,
# since the generator never writes it.
CONFIG_LINE = re.compile(r"[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]+(\S.*)")
# C0 and C1 controls and DEL; a tab only separates a keyword from its value.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# What a refusal must not show as it is: controls and bidi overrides.
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

DNS_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
DNS_NAME = re.compile(rf"{DNS_LABEL}(?:\.{DNS_LABEL})*")
ALIAS = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
USER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}")
PATH = re.compile(r"(?:/|~/)[A-Za-z0-9._/+@,=-]*")
PORT_TEXT = re.compile(r"[0-9]{1,5}")
DURATION = re.compile(r"(?:[0-9]{1,6}[smhdwSMHDW]?){1,4}|yes|no", re.IGNORECASE)
ALGORITHMS = re.compile(r"[+^-]?[A-Za-z0-9@._-]+(?:,[A-Za-z0-9@._-]+){0,31}")
# Where a forward may listen: this machine only, never every interface.
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")

# Characters that change what a config line means, and why; the first found
# is named in the refusal. The front end's checker words them the same way.
MEANINGS = [
    (re.compile(r"\s"), "it would split the value in two"),
    (re.compile(r"#"), "it would start a comment"),
    (re.compile(r"[\"'\\]"), "it would change the quoting of the value"),
    (re.compile(r"%"), "ssh would expand it as a token (%h, %u, …)"),
    (re.compile(r"\$"), "ssh would substitute an environment variable"),
    (re.compile(r"[*?!]"), "ssh would read it as a host pattern"),
    (re.compile(r"[;&|`<>()]"), "a shell would read it as a command"),
]

ENUMS = {
    "yes-no": ("yes", "no"),
    # Checking stays on: a changed host key must be reported, not accepted.
    "strict": ("yes", "ask", "accept-new"),
    "control-master": ("auto", "yes", "no"),
    "address-family": ("any", "inet", "inet6"),
    "log-level": (
        "quiet",
        "fatal",
        "error",
        "info",
        "verbose",
        "debug",
        "debug1",
        "debug2",
        "debug3",
    ),
    "request-tty": ("yes", "no", "force", "auto"),
}

RANGES = {
    "port": (1, 65535),
    "alive-interval": (0, 3600),
    "alive-count": (0, 100),
    "timeout": (1, 600),
    "attempts": (1, 10),
}

# What only this server can say is the lab's: its known_hosts, its socket
# directory and the agents it uses.
Context = namedtuple("Context", "known_hosts_file control_dir agent_sockets")


def is_host(host):
    """An IP address or DNS name, nothing ssh or a shell would read otherwise."""
    if not isinstance(host, str) or not host or len(host) > 253:
        return False
    try:
        ipaddress.ip_address(host)
        return "%" not in host
    except ValueError:
        return bool(DNS_NAME.fullmatch(host))


def config_problem(text, context):
    """Why the config text must not be written, or None."""
    if not isinstance(text, str):
        return "The config text must be a string."
    if len(text.encode()) > CONFIG_LIMIT:
        return f"The config is longer than {CONFIG_LIMIT // 1024} KiB."
    in_block = False
    for number, line in enumerate(text.split("\n"), start=1):
        problem, keyword = _line_problem(line, in_block, context)
        if problem:
            shown = CONTROL_CHARACTER.sub("?", line.strip())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            problem = INVISIBLE.sub(lambda found: f"\\u{ord(found.group()):04x}", problem)
            return f"Line {number} ({json.dumps(shown)}): {problem}."
        in_block = in_block or keyword == "host"
    return None


def hosts(text):
    """Each Host block of a checked config: (alias, HostName, port, IdentityFiles)."""
    blocks = []
    for line in text.split("\n"):
        match = CONFIG_LINE.fullmatch(line)
        if not match or line.lstrip().startswith("#"):
            continue
        keyword, value = match.group(1).lower(), match.group(2)
        if keyword == "host":
            blocks.append({"alias": value, "host": value, "port": 22, "keys": []})
        elif blocks and keyword == "hostname":
            blocks[-1]["host"] = value
        elif blocks and keyword == "port":
            blocks[-1]["port"] = int(value)
        elif blocks and keyword == "identityfile":
            blocks[-1]["keys"].append(value)
    return blocks


def _line_problem(line, in_block, context):
    """(why the line is refused or None, its keyword in lower case or None)."""
    if len(line) > LINE_LIMIT:
        return f"it is longer than {LINE_LIMIT} characters", None
    control = CONTROL_CHARACTER.search(line)
    if control:
        return {
            "\0": "it contains a NUL character",
            "\r": "it contains a carriage return; write the config with Unix line endings",
        }.get(control.group(), "it contains a control character"), None
    if not line.strip() or line.lstrip().startswith("#"):
        return None, None
    match = CONFIG_LINE.fullmatch(line)
    if not match:
        if re.match(r"[ \t]*[A-Za-z][A-Za-z0-9]*[ \t]*=", line):
            return "the “Keyword=value” form is not allowed: write “Keyword value”", None
        return "it is not a “Keyword value” line", None
    keyword, value = match.groups()
    lower = keyword.lower()
    if lower not in ALLOWED:
        why = REFUSED.get(lower, "the lab's config never needs it")
        return f"{keyword} is not allowed: {why}", lower
    spelling, rule = ALLOWED[lower]
    if lower != "host" and not in_block:
        return f"{spelling} must come after a Host line, inside the node's block", lower
    problem = value_problem(rule, value, context)
    return (f"{spelling} {problem}" if problem else None), lower


def value_problem(rule, value, context):
    """Why a value fails its keyword's rule, worded to follow the keyword."""
    meaning = _meaning(value, allow_space=rule == "local-forward")
    if meaning and rule != "control-path":
        return meaning
    if rule in ENUMS:
        allowed = ENUMS[rule]
        if value.lower() in allowed:
            return None
        return f"must be {' or '.join(allowed)}, not “{value}”"
    if rule in RANGES:
        low, high = RANGES[rule]
        if PORT_TEXT.fullmatch(value) and low <= int(value) <= high:
            return None
        return f"must be a whole number from {low} to {high}, not “{value}”"
    return RULES[rule](value, context)


def _meaning(value, allow_space=False):
    for pattern, why in MEANINGS:
        found = pattern.search(value.replace(" ", "") if allow_space else value)
        if found:
            shown = {" ": "a space", "\t": "a tab"}.get(found.group(), f"“{found.group()}”")
            return f"cannot contain {shown}: {why}"
    if value.startswith("-"):
        return "cannot start with “-”: ssh would read it as an option"
    return None


def _alias(value, context):
    return (
        None
        if ALIAS.fullmatch(value)
        else (f"“{value}” is not a node name: a letter, then letters, digits, “-” or “_”")
    )


def _host(value, context):
    return None if is_host(value) else f"“{value}” is not a host name or IP address"


def _user(value, context):
    return None if USER.fullmatch(value) else f"“{value}” is not a valid user name"


def _path(value, context):
    if len(value) > MAX_PATH:
        return f"is longer than {MAX_PATH} characters"
    if not value.startswith(("/", "~/")):
        return f"“{value}” must be an absolute path or start with ~/"
    odd = re.search(r"[^A-Za-z0-9._/+@,=~-]", value)
    if odd:
        return f"cannot contain “{odd.group()}” in a path"
    if "~" in value[1:]:
        return "can contain “~” only at the start, as ~/"
    return None


def _jump(hop):
    """Whether one hop is [user@]host[:port], host a node, DNS name or IP address."""
    user, _, rest = hop.rpartition("@")
    if user and not USER.fullmatch(user):
        return False
    if rest.startswith("["):
        address, _, port = rest[1:].partition("]")
        if port and not port.startswith(":"):
            return False
        port = port[1:]
        valid = ":" in address and is_host(address)
    else:
        address, _, port = rest.partition(":")
        valid = is_host(address)
    return valid and (not port or (PORT_TEXT.fullmatch(port) and 1 <= int(port) <= 65535))


def _jumps(value, context):
    if value.lower() == "none":
        return None
    hops = value.split(",")
    if len(hops) > MAX_JUMPS:
        return f"names more than {MAX_JUMPS} jumps"
    for hop in hops:
        if not _jump(hop):
            return f"“{hop}” is not a jump host: [user@]host[:port], the host a name or address"
    return None


def _is_agent(value, context):
    return os.path.normpath(os.path.expanduser(value)) in context.agent_sockets


def _agent(value, context):
    if _is_agent(value, context):
        return None
    return f"must be the lab's agent ({', '.join(context.agent_sockets)}), not “{value}”"


def _forward_agent(value, context):
    if value.lower() in ("yes", "no") or _is_agent(value, context):
        return None
    agents = ", ".join(context.agent_sockets)
    return f"must be yes, no or the lab's agent ({agents}), not “{value}”"


def _known_hosts(value, context):
    if os.path.normpath(os.path.expanduser(value)) == context.known_hosts_file:
        return None
    return f"must be the lab's known_hosts file {context.known_hosts_file}, not “{value}”"


def _control_path(value, context):
    expected = os.path.join(context.control_dir, "%C")
    if value == expected or value.lower() == "none":
        return None
    return f"must be {expected} (the lab's socket directory) or none, not “{value}”"


def _duration(value, context):
    if DURATION.fullmatch(value):
        return None
    return f"“{value}” is not a time such as 10m, 1h or no"


def _listen(spec):
    """Whether a forward's listening side is a port, on this machine only."""
    address, _, port = spec.rpartition(":")
    if address and address.lower() not in LOOPBACK:
        return False
    return bool(PORT_TEXT.fullmatch(port)) and 1 <= int(port) <= 65535


def _dynamic_forward(value, context):
    if _listen(value):
        return None
    return f"“{value}” must be a port, optionally after localhost: (never every interface)"


def _local_forward(value, context):
    parts = value.split(" ")
    if len(parts) != 2 or not _listen(parts[0]) or not _jump(parts[1]) or "@" in parts[1]:
        return f"“{value}” must be “[localhost:]port host:port”, listening on this machine only"
    if ":" not in parts[1].rpartition("]")[2]:
        return f"“{value}” must name the target's port: host:port"
    return None


def _algorithms(value, context):
    if ALGORITHMS.fullmatch(value):
        return None
    return f"“{value}” is not a list of algorithm names"


RULES = {
    "alias": _alias,
    "host": _host,
    "user": _user,
    "path": _path,
    "jumps": _jumps,
    "agent": _agent,
    "forward-agent": _forward_agent,
    "known-hosts": _known_hosts,
    "control-path": _control_path,
    "duration": _duration,
    "dynamic-forward": _dynamic_forward,
    "local-forward": _local_forward,
    "algorithms": _algorithms,
}


# Values a request names


def check_host(host):
    """Refuse anything but an IP address or DNS name: it becomes a command argument."""
    if host is None or host == "":
        raise RequestError("The request needs a “host”.")
    if not is_host(host):
        shown = json.dumps(host)[:80] if isinstance(host, str) else "The host"
        raise RequestError(f"{shown} is not a host name or IP address.")
    return host


def check_port(port):
    if isinstance(port, str) and re.fullmatch(r"[0-9]{1,5}", port):
        port = int(port)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise RequestError("The port must be a whole number from 1 to 65535.")
    return port


def check_key_paths(paths):
    if not isinstance(paths, list):
        raise RequestError("“keys” must be a list of key file paths.")
    if len(paths) > MAX_KEYS:
        raise RequestError(f"At most {MAX_KEYS} keys can be given at once, not {len(paths)}.")
    for path in paths:
        if not isinstance(path, str) or not path:
            raise RequestError("Each key path must be a non-empty string.")
        if len(path) > MAX_PATH:
            raise RequestError(f"A key path is longer than {MAX_PATH} characters.")
        if re.search(r"[\0\r\n]", path):
            raise RequestError("A key path contains a NUL character or a line break.")
        if not path.startswith(("/", "~/")):
            raise RequestError(
                f"The key path {json.dumps(path)} must be absolute or start with ~/."
            )
    return paths


def local_path(path):
    """A config's or request's path as this machine names the file."""
    return os.path.normpath(os.path.expanduser(path))


# Writing


def make_private_dirs(path):
    """Create the directory and missing parents, each 0700.

    os.makedirs gives new parents (such as ~/.ssh) the default mode instead.
    """
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        path = os.path.dirname(path)
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(directory, 0o700)


def write_private_file(path, text):
    """Write 0600 through a temporary file, so ssh never reads half a config."""
    directory = os.path.dirname(path)
    make_private_dirs(directory)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".config.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
