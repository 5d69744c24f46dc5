"""The endpoints as HTTP: replies, refusals, authentication and the XSRF check."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from jsonschema import Draft202012Validator
from jupyter_server.base.handlers import APIHandler
from openapi_spec_validator import validate as validate_spec
from tornado.httpclient import HTTPClientError

from . import sshlab
from .sshlab import refusal

ENDPOINT = ("jupyterlab-testbed", "environment")


@pytest.fixture
def environment(monkeypatch):
    """Start every test from a known environment, whatever the runner's."""
    monkeypatch.setenv("OS_PROJECT_NAME", "CHI-231095")
    monkeypatch.setenv("USER", "student")
    return monkeypatch


async def fetch_json(jp_fetch):
    response = await jp_fetch(*ENDPOINT)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


async def test_values_present(environment, jp_fetch):
    assert await fetch_json(jp_fetch) == {"project": "CHI-231095", "user": "student"}


async def test_values_absent(environment, jp_fetch):
    environment.delenv("OS_PROJECT_NAME")
    environment.delenv("USER")
    assert await fetch_json(jp_fetch) == {"project": None, "user": None}


async def test_empty_values_are_null(environment, jp_fetch):
    environment.setenv("OS_PROJECT_NAME", "")
    environment.setenv("USER", "")
    assert await fetch_json(jp_fetch) == {"project": None, "user": None}


async def test_overlong_values_are_null(environment, jp_fetch):
    environment.setenv("OS_PROJECT_NAME", "p" * 201)
    environment.setenv("USER", "u" * 200)
    assert await fetch_json(jp_fetch) == {"project": None, "user": "u" * 200}


async def test_other_variables_do_not_leak(environment, jp_fetch):
    environment.setenv("OS_PASSWORD", "hunter2-secret")
    environment.setenv("OS_AUTH_URL", "https://chi.uc.chameleoncloud.org:5000/v3")
    response = await jp_fetch(*ENDPOINT)
    assert b"hunter2-secret" not in response.body
    assert b"chameleoncloud" not in response.body
    assert json.loads(response.body) == {"project": "CHI-231095", "user": "student"}


async def test_unauthenticated_environment_request_is_refused(environment, jp_fetch):
    # An empty header replaces the token jp_fetch would otherwise send.
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*ENDPOINT, headers={"Authorization": ""})
    assert error.value.code in (401, 403)
    assert b"CHI-231095" not in (error.value.response.body or b"")


@pytest.mark.parametrize("jp_base_url", ["/user/student/"])
async def test_endpoint_follows_base_url(environment, jp_fetch, http_server_client, jp_auth_header):
    assert await fetch_json(jp_fetch) == {"project": "CHI-231095", "user": "student"}
    response = await http_server_client.fetch(
        "/jupyterlab-testbed/environment", headers=jp_auth_header, raise_error=False
    )
    assert response.code == 404


@pytest.mark.parametrize(
    "jp_server_config", [{"ServerApp": {"jpserver_extensions": {"jupyterlab_testbed": False}}}]
)
async def test_absent_when_extension_disabled(environment, jp_fetch):
    # The front end relies on this 404 to fall back to empty defaults.
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*ENDPOINT)
    assert error.value.code == 404


# The ssh endpoints


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"text": "# " + "x" * 64 * 1024}, "The config is longer than 64 KiB."),
        ({"text": ["Host a"]}, "The config text must be a string."),
        ({}, "The request body needs the config as “text”."),
        (["Host a\n"], "The request body must be a JSON object."),
    ],
)
async def test_config_request_must_be_text(jp_fetch, state_dir, body, expected):
    assert await refusal(jp_fetch, "config", method="PUT", body=body) == expected
    assert not state_dir.exists()


async def test_unauthenticated_ssh_request_is_refused(jp_fetch, state_dir):
    # An empty header replaces the token jp_fetch would otherwise send.
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            *sshlab.ENDPOINT,
            "config",
            method="PUT",
            body=json.dumps({"text": "Host node1\n"}),
            headers={"Authorization": ""},
        )
    assert error.value.code == 403
    assert not state_dir.exists()


async def login_cookie(jp_fetch):
    """The session cookie a browser holds after logging in with the token."""
    response = await jp_fetch("api", "status")
    cookies = [value.split(";")[0] for value in response.headers.get_list("Set-Cookie")]
    session = [cookie for cookie in cookies if cookie.startswith("username-")]
    assert session, cookies
    return session[0]


async def test_post_with_only_a_session_cookie_is_refused(jp_fetch, state_dir, control_dir):
    """A page on another site can make the browser send the cookie, never the XSRF token."""
    cookie = await login_cookie(jp_fetch)
    # The cookie alone does authenticate: a GET goes through.
    await jp_fetch(*sshlab.ENDPOINT, headers={"Authorization": "", "Cookie": cookie})
    for path, method, body in (
        ("probe", "POST", {"host": "127.0.0.1", "port": 22}),
        ("forget", "POST", {"host": "127.0.0.1", "port": 22}),
        ("agent", "POST", {"keys": ["~/.ssh/id_rsa_chameleon"]}),
        ("config", "PUT", {"text": "Host node1\n"}),
    ):
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch(
                *sshlab.ENDPOINT,
                path,
                method=method,
                body=json.dumps(body),
                headers={"Authorization": "", "Cookie": cookie},
            )
        assert error.value.code == 403
        assert b"_xsrf" in error.value.response.body
    assert not control_dir.exists()
    assert not state_dir.exists()


async def test_probe_as_get_is_gone(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*sshlab.ENDPOINT, "probe", params={"host": "127.0.0.1", "port": 22})
    assert error.value.code == 405


# docs/api/openapi.yaml: the description holds for the routes and their replies

SPEC_FILE = Path(__file__).parents[2] / "docs" / "api" / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def spec():
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


def registered_routes(router, found=None):
    """(path, handler) of every rule of the tornado app whose handler is this package's."""
    found = [] if found is None else found
    for rule in router.rules:
        target = rule.target
        if hasattr(target, "rules"):
            registered_routes(target, found)
        elif isinstance(target, type) and target.__module__.startswith("jupyterlab_testbed."):
            # A route with groups (the HTTPS proxy) names them as its description does.
            groups = getattr(target, "path_parameters", None)
            path = rule.matcher._path % groups if groups else rule.matcher.reverse()
            found.append((path, target))
    return found


def implemented_methods(handler):
    return {
        method for method in METHODS if getattr(handler, method) is not getattr(APIHandler, method)
    }


def test_the_description_is_valid_openapi(spec):
    validate_spec(spec)


@pytest.mark.parametrize("jp_base_url", ["/user/student/"])
def test_every_route_is_described_with_its_methods(spec, jp_serverapp, jp_base_url):
    routes = registered_routes(jp_serverapp.web_app.default_router)
    assert routes, "the extension registered no route"
    registered = {}
    for path, handler in routes:
        assert path.startswith(jp_base_url), path
        registered["/" + path[len(jp_base_url) :]] = implemented_methods(handler)
    described = {
        path: {method for method in item if method in METHODS}
        for path, item in spec["paths"].items()
    }
    assert registered == described


def reply_schema(spec, path, method="get", status="200"):
    """The reply's schema, with the description's components to resolve its references."""
    schema = spec["paths"][path][method]["responses"][status]["content"]["application/json"]
    return {**schema["schema"], "components": spec["components"]}


async def described_reply(jp_fetch, spec, path, **kwargs):
    response = await jp_fetch(*path.strip("/").split("/"), **kwargs)
    assert response.headers["Content-Type"].startswith("application/json")
    body = json.loads(response.body)
    jsonschema.validate(body, reply_schema(spec, path), cls=Draft202012Validator)
    return body


async def test_each_get_reply_matches_its_schema(spec, jp_fetch, jp_root_dir, keys):
    (jp_root_dir / "lab").mkdir()
    (jp_root_dir / "lab" / "1_intro.ipynb").write_text("{}")
    (jp_root_dir / "lab" / "keys").symlink_to(jp_root_dir)
    # The HTTPS proxy's GET is a node's page, not JSON (test_tunnels.py).
    gets = [path for path, item in spec["paths"].items() if "get" in item and "{" not in path]
    replies = {}
    for path in gets:
        params = {
            "/jupyterlab-testbed/tree": {"path": "lab"},
            "/jupyterlab-testbed/ssh/agent": [("key", keys["plain"]), ("key", keys["missing"])],
        }.get(path)
        replies[path] = await described_reply(jp_fetch, spec, path, params=params)
    # The replies hold what the schemas allow for, not only empty values.
    kinds = {item["name"]: item["kind"] for item in replies["/jupyterlab-testbed/tree"]["items"]}
    assert kinds == {"1_intro.ipynb": "file", "keys": "link"}
    assert [key["exists"] for key in replies["/jupyterlab-testbed/ssh/agent"]["keys"]] == [
        True,
        False,
    ]


def test_a_reply_outside_the_schema_is_caught(spec):
    """The check above can fail: a reply with a field the description lacks does not pass."""
    schema = reply_schema(spec, "/jupyterlab-testbed/environment")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"project": None, "user": None, "password": "x"}, schema, cls=Draft202012Validator
        )
