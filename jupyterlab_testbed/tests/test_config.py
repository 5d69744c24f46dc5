"""The allow-list the server checks a lab's ssh config against, rule by rule, and the
hosts, ports and key paths a request may name."""

import json
from pathlib import Path

import pytest

from jupyterlab_testbed.config import Context, config_problem, hosts

from .sshlab import refusal

OPTIONS = Path(__file__).parents[2] / "adversarial" / "server-sshoptions.json"

CONTEXT = Context(
    known_hosts_file="/home/cc/.ssh/jupyterlab-testbed/known_hosts",
    control_dir="/tmp/tb-ssh-1000",
    agent_sockets=("/tmp/tb-ssh-1000/agent.sock",),
)

# What the front end's generator writes for the chameleon layout's node2.
NODE = [
    "Host node2",
    "  HostName 192.168.1.12",
    "  User cc",
    "  IdentityFile ~/.ssh/id_rsa_chameleon",
    "  IdentitiesOnly yes",
    "  ProxyJump node1",
    "  IdentityAgent /tmp/tb-ssh-1000/agent.sock",
    "  AddKeysToAgent yes",
    "  ForwardAgent /tmp/tb-ssh-1000/agent.sock",
    "  StrictHostKeyChecking accept-new",
    "  UserKnownHostsFile /home/cc/.ssh/jupyterlab-testbed/known_hosts",
    "  ServerAliveInterval 15",
    "  ServerAliveCountMax 4",
    "  ControlMaster auto",
    "  ControlPath /tmp/tb-ssh-1000/%C",
    "  ControlPersist 10m",
]


def config(*lines):
    return "# Written by jupyterlab-testbed\n\n" + "\n".join([*NODE, *lines]) + "\n"


def test_the_generators_config_is_allowed():
    assert config_problem(config(), CONTEXT) is None
    assert hosts(config("  Port 2222")) == [
        {
            "alias": "node2",
            "host": "192.168.1.12",
            "port": 2222,
            "keys": ["~/.ssh/id_rsa_chameleon"],
        }
    ]


def cases():
    return json.loads(OPTIONS.read_text())["cases"]


@pytest.mark.parametrize("case", cases(), ids=lambda case: f"{case['keyword']} {case['value']}")
def test_options_as_the_front_end_checks_them(case):
    line = f"  {case['keyword']} {case['value']}"
    problem = config_problem(config(line), CONTEXT)
    if case["refusal"] is None:
        assert problem is None
    else:
        assert problem == (
            f"Line {len(NODE) + 3} ({json.dumps(line.strip())}): "
            f"{case['keyword']} {case['refusal']}."
        )


@pytest.mark.parametrize(
    "line, expected",
    [
        ("  ProxyJump node1;touch /tmp/pwned", "ProxyJump cannot contain a space"),
        ("  ProxyJump node1;id", "ProxyJump cannot contain “;”: a shell would read it"),
        ("  ProxyJump $(id)", "ProxyJump cannot contain “$”"),
        ("  ProxyJump cc@node1:2222,10.0.0.1", None),
        ("  ProxyJump [fe80::1]:22", None),
        ("  ProxyJump a@b@c", "ProxyJump “a@b@c” is not a jump host"),
        ("  ProxyJump node1:99999", "ProxyJump “node1:99999” is not a jump host"),
        ("  HostName %d.example.org", "HostName cannot contain “%”"),
        ("  HostName evil_host", "HostName “evil_host” is not a host name or IP address"),
        ("  IdentityFile ~/.ssh/%d/key", "IdentityFile cannot contain “%”"),
        ("  IdentityFile ~root/.ssh/id_rsa", "“~root/.ssh/id_rsa” must be an absolute"),
        ("  IdentityFile id_rsa", "IdentityFile “id_rsa” must be an absolute path"),
        ("  IdentityAgent /tmp/other/agent.sock", "IdentityAgent must be the lab's agent"),
        ("  ForwardAgent /tmp/other.sock", "ForwardAgent must be yes, no or the lab's agent"),
        ("  ForwardAgent $SSH_AUTH_SOCK", "ForwardAgent cannot contain “$”"),
        ("  ForwardAgent no", None),
        ("  UserKnownHostsFile /dev/null", "UserKnownHostsFile must be the lab's known_hosts"),
        ("  StrictHostKeyChecking no", "StrictHostKeyChecking must be yes or ask or accept-new"),
        ("  ControlPath /tmp/%r@%h", "ControlPath must be /tmp/tb-ssh-1000/%C"),
        ("  ControlPersist 10m;id", "ControlPersist cannot contain “;”"),
        ("  ServerAliveInterval 99999", "must be a whole number from 0 to 3600"),
        ("  User root;id", "User cannot contain “;”"),
        ("  User=cc", "the “Keyword=value” form is not allowed: write “Keyword value”"),
        ("  User = cc", "User cannot contain a space"),
        ("  User cc extra", "User cannot contain a space"),
        ("Host *", "Host cannot contain “*”: ssh would read it as a host pattern"),
        ("Host !node1", "Host cannot contain “!”: ssh would read it as a host pattern"),
        ("Host node3 node4", "Host cannot contain a space"),
        ("  User c\x1b[2Jc", "it contains a control character"),
        ("  User c\x9bc", "it contains a control character"),
        ("  User c\u202ec", "User “c\\u202ec” is not a valid user name"),
        ("  User cc\r", "it contains a carriage return"),
        ("  HostName " + "a" * 1100, "it is longer than 1024 characters"),
        ("Match exec true", "Match is not allowed: its exec criterion runs a local command"),
    ],
)
def test_values_are_checked_by_their_keyword(line, expected):
    problem = config_problem(config(line), CONTEXT)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem, problem


def test_options_only_inside_a_host_block():
    problem = config_problem("Port 22\n" + config(), CONTEXT)
    assert problem == (
        'Line 1 ("Port 22"): Port must come after a Host line, inside the node\'s block.'
    )


def test_refusal_shows_no_raw_control_characters():
    problem = config_problem(config("  User \x1b]0;owned\x07"), CONTEXT)
    assert "\x1b" not in problem and "\x07" not in problem


# Through the endpoints: nothing is written, no command runs


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Host node1\n  ProxyCommand nc %h %p\n",
            'Line 2 ("ProxyCommand nc %h %p"): ProxyCommand',
        ),
        ("Include /etc/passwd\n", 'Line 1 ("Include /etc/passwd"): Include is not allowed'),
        ("Host a\n\n  proxycommand x\n", 'Line 3 ("proxycommand x"): proxycommand is not allowed'),
        ("Match exec true\n", 'Line 1 ("Match exec true"): Match is not allowed'),
        ("Host a\n  LocalCommand id\n", 'Line 2 ("LocalCommand id"): LocalCommand is not allowed'),
        ("Host a\n  StrictHostKeyChecking no\n", 'Line 2 ("StrictHostKeyChecking no")'),
        (
            'Host a\n  StrictHostKeyChecking "OFF"\n',
            'Line 2 ("StrictHostKeyChecking \\"OFF\\""): StrictHostKeyChecking cannot contain “"”',
        ),
        (
            "Host a\n  ProxyCommand=nc %h\n",
            'Line 2 ("ProxyCommand=nc %h"): the “Keyword=value” form is not allowed',
        ),
        ("Host a\n  User: cc\n", 'Line 2 ("User: cc"): it is not a'),
        ("Host a\n= ProxyCommand x\n", 'Line 2 ("= ProxyCommand x"): it is not a'),
        ('Host a\n  "User" cc\n', 'Line 2 ("\\"User\\" cc"): it is not a'),
        ("Host a\n  User\n", 'Line 2 ("User"): it is not a'),
        ("Host a\r\n  User cc\r\n", 'Line 1 ("Host a"): it contains a carriage return'),
        ("Host a\n  User c\0c\n", 'Line 2 ("User c?c"): it contains a NUL character'),
    ],
)
async def test_config_that_could_run_commands_is_refused(jp_fetch, state_dir, text, expected):
    message = await refusal(jp_fetch, "config", method="PUT", body={"text": text})
    assert message.startswith(expected), message
    assert not (state_dir / "config").exists()


@pytest.mark.parametrize(
    "keys, expected",
    [
        (["id_rsa"], 'The key path "id_rsa" must be absolute or start with ~/.'),
        (
            ["~root/.ssh/id_rsa"],
            'The key path "~root/.ssh/id_rsa" must be absolute or start with ~/.',
        ),
        (["-D/x"], 'The key path "-D/x" must be absolute or start with ~/.'),
        (["/k\n"], "A key path contains a NUL character or a line break."),
        (["/" + "k" * 4096], "A key path is longer than 4096 characters."),
        ([f"/k{n}" for n in range(11)], "At most 10 keys can be given at once, not 11."),
        ([""], "Each key path must be a non-empty string."),
        ("~/.ssh/id_rsa", "“keys” must be a list of key file paths."),
    ],
)
async def test_bad_key_paths_are_refused(jp_fetch, control_dir, keys, expected):
    message = await refusal(jp_fetch, "agent", method="POST", body={"keys": keys})
    assert message == expected
    assert not (control_dir / "agent.sock").exists()


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            {"host": "-oProxyCommand=x", "port": 22},
            '"-oProxyCommand=x" is not a host name or IP address.',
        ),
        ({"host": "a b", "port": 22}, '"a b" is not a host name or IP address.'),
        ({"host": "fe80::1%eth0", "port": 22}, '"fe80::1%eth0" is not a host name or IP address.'),
        ({"port": 22}, "The request needs a “host”."),
        ({"host": "10.0.0.1", "port": 0}, "The port must be a whole number from 1 to 65535."),
        ({"host": "10.0.0.1", "port": 65536}, "The port must be a whole number from 1 to 65535."),
        ({"host": "10.0.0.1", "port": True}, "The port must be a whole number from 1 to 65535."),
        (
            {"host": "10.0.0.1", "port": "22; id"},
            "The port must be a whole number from 1 to 65535.",
        ),
    ],
)
async def test_forget_refuses_bad_hosts(jp_fetch, known_hosts, body, expected):
    before = known_hosts.read_text()
    assert await refusal(jp_fetch, "forget", method="POST", body=body) == expected
    assert known_hosts.read_text() == before


async def test_probe_refuses_option_as_host(jp_fetch):
    body = {"host": "-oProxyCommand=x", "port": 22}
    message = await refusal(jp_fetch, "probe", method="POST", body=body)
    assert message == '"-oProxyCommand=x" is not a host name or IP address.'
