import json

import pytest
from tornado.httpclient import HTTPClientError

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


async def test_unauthenticated_request_is_refused(environment, jp_fetch):
    # An empty header replaces the token jp_fetch would otherwise send.
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*ENDPOINT, headers={"Authorization": ""})
    assert error.value.code in (401, 403)
    assert b"CHI-231095" not in (error.value.response.body or b"")


@pytest.mark.parametrize("jp_base_url", ["/user/student/"])
async def test_endpoint_follows_base_url(
    environment, jp_fetch, http_server_client, jp_auth_header
):
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
