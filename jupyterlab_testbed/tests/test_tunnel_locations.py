"""A node's redirects through Open in browser stay under the forward's route."""

import pytest

from jupyterlab_testbed.tunnels import Forward, rewrite_location

ROUTE = "/user/student/jupyterlab-testbed/tunnels/3"


def forward(host="127.0.0.1", port=8080, scheme="http"):
    return Forward("node1", host, port, scheme, 3, "/tmp/tb/tunnels/x/3.sock")


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/login?next=/", f"{ROUTE}/login?next=/"),
        ("http://127.0.0.1:8080/x?y=1#f", f"{ROUTE}/x?y=1#f"),
        ("http://127.0.0.1:8080", f"{ROUTE}/"),
        ("HTTP://127.0.0.1:8080/a", f"{ROUTE}/a"),
        # Relative: resolved from the page the node answered (/app/page).
        ("login", f"{ROUTE}/app/login"),
        ("../login", f"{ROUTE}/login"),
        ("?tab=2", f"{ROUTE}/app/page?tab=2"),
        # Another port, another site, another scheme: as they are.
        ("http://127.0.0.1:9090/x", "http://127.0.0.1:9090/x"),
        ("https://elsewhere.example/x", "https://elsewhere.example/x"),
        ("//elsewhere.example/x", "//elsewhere.example/x"),
        ("javascript://127.0.0.1:8080/x", "javascript://127.0.0.1:8080/x"),
    ],
)
def test_rewrite_location(location, expected):
    assert rewrite_location(location, forward(), ROUTE, "app/page") == expected


@pytest.mark.parametrize(
    "location",
    [
        "/../../../api/contents/secret.ipynb",
        "/%2e%2e/%2E%2e/%2e./api/contents",
        "../../../../../api/contents",
        "http://127.0.0.1:8080/../../../logout",
        "http://hub.example:8000/../../../hub/logout",
        "/x/./../../../../hub",
    ],
)
def test_dot_segments_never_leave_the_route(location):
    rewritten = rewrite_location(location, forward(), ROUTE, "app/page", "hub.example:8000")
    assert rewritten.startswith(ROUTE + "/")
    assert "/../" not in rewritten + "/" and "%2e" not in rewritten.lower()


def test_a_backslash_goes_to_the_routes_root():
    for location in ("\\\\elsewhere.example/x", "/\\elsewhere.example", "/a\\..\\..\\api"):
        assert rewrite_location(location, forward(), ROUTE) == f"{ROUTE}/"


def test_the_pages_own_host():
    # The node is asked with the page's Host, as jupyter-server-proxy does.
    page = "hub.example:8000"
    assert rewrite_location("https://hub.example:8000/login", forward(), ROUTE, "", page) == (
        f"{ROUTE}/login"
    )
    assert rewrite_location("https://hub.example:9/login", forward(), ROUTE, "", page) == (
        "https://hub.example:9/login"
    )
    # No Host: nothing matches an empty one.
    assert rewrite_location("http:///x", forward(), ROUTE, "", "") == "http:///x"


def test_default_ports_and_ipv6():
    assert rewrite_location("https://[::1]/a", forward("::1", 443, "https"), ROUTE) == f"{ROUTE}/a"
    assert rewrite_location("http://node2/a", forward("node2", 80), ROUTE) == f"{ROUTE}/a"
    assert rewrite_location("http://node2/a", forward("node2", 8080), ROUTE) == "http://node2/a"
