import json
import os

import pytest
from tornado.httpclient import HTTPClientError

ENDPOINT = ("jupyterlab-testbed", "tree")


@pytest.fixture
def lab(jp_root_dir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    folder = jp_root_dir / "lab"
    (folder / "images").mkdir(parents=True)
    (folder / "1_intro.ipynb").write_text("{}")
    (folder / "images" / "net.png").write_bytes(b"\x89PNG")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "1_intro-checkpoint.ipynb").write_text("{}")
    (folder / ".env").write_text("OS_PASSWORD=secret\n")
    (folder / ".secrets").mkdir()
    (folder / ".secrets" / "token").write_text("secret")
    (folder / "__pycache__").mkdir()
    os.symlink(outside, folder / ".hidden-link")
    os.symlink(outside, folder / "keys")
    os.symlink(outside / "id_rsa", folder / "id_rsa")
    os.symlink(outside, jp_root_dir / "linked")
    return folder


async def listing(jp_fetch, path):
    response = await jp_fetch(*ENDPOINT, params={"path": path})
    return json.loads(response.body)


async def test_links_are_named_not_followed(lab, jp_fetch):
    body = await listing(jp_fetch, "lab")
    kinds = {item["name"]: item["kind"] for item in body["items"]}
    assert kinds == {
        "1_intro.ipynb": "file",
        "images": "directory",
        "keys": "link",
        "id_rsa": "link",
        ".ipynb_checkpoints": "directory",
    }
    sizes = {item["name"]: item["size"] for item in body["items"]}
    assert sizes["1_intro.ipynb"] == 2
    assert sizes["keys"] is None
    assert body["truncated"] is False


async def test_what_the_contents_api_hides_stays_hidden(lab, jp_fetch):
    """Hidden files, hidden links and hide_globs are counted, never named."""
    body = await listing(jp_fetch, "lab")
    names = {item["name"] for item in body["items"]}
    assert not names & {".env", ".secrets", ".hidden-link", "__pycache__"}
    assert body["hidden"] == 4
    contents = json.loads((await jp_fetch("api", "contents", "lab")).body)
    shown = {item["name"] for item in contents["content"]}
    # The listing names what the contents API names, and the checkpoint folder.
    assert names == shown | {".ipynb_checkpoints"}
    for path in ("lab/.secrets", "lab/__pycache__"):
        with pytest.raises(HTTPClientError) as error:
            await jp_fetch(*ENDPOINT, params={"path": path})
        assert error.value.code == 404
    # The checkpoints are copies of the lab's files, which Prepare brings up to date.
    inside = await listing(jp_fetch, "lab/.ipynb_checkpoints")
    assert [item["name"] for item in inside["items"]] == ["1_intro-checkpoint.ipynb"]


@pytest.fixture
def jp_server_config():
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_testbed": True}},
        "ContentsManager": {"allow_hidden": False},
    }


async def test_hidden_files_are_listed_when_the_server_shows_them(lab, jp_fetch, jp_serverapp):
    jp_serverapp.contents_manager.allow_hidden = True
    body = await listing(jp_fetch, "lab")
    names = {item["name"] for item in body["items"]}
    assert {".env", ".secrets", ".hidden-link"} <= names
    assert "__pycache__" not in names
    assert (await listing(jp_fetch, "lab/.secrets"))["items"][0]["name"] == "token"


async def test_subfolder_listing(lab, jp_fetch):
    body = await listing(jp_fetch, "lab/images")
    [item] = body["items"]
    assert item["modified"].startswith(("20", "19"))
    assert item == {"name": "net.png", "kind": "file", "size": 4, "modified": item["modified"]}


@pytest.mark.parametrize("path", ["lab/keys", "linked", "lab/1_intro.ipynb", "missing"])
async def test_links_and_files_are_not_listed_as_folders(lab, jp_fetch, path):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*ENDPOINT, params={"path": path})
    assert error.value.code == 404
    assert b"PRIVATE KEY" not in (error.value.response.body or b"")


@pytest.mark.parametrize("path", ["..", "lab/../..", "lab/./images"])
async def test_paths_leaving_the_root_are_refused(lab, jp_fetch, path):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*ENDPOINT, params={"path": path})
    assert error.value.code == 400


async def test_unauthenticated_request_is_refused(lab, jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(*ENDPOINT, params={"path": "lab"}, headers={"Authorization": ""})
    assert error.value.code in (401, 403)


async def test_names_with_control_characters_are_listed_as_they_are(jp_root_dir, jp_fetch):
    # A student's folder in a class, named to move a grader's cursor.
    name = "\x1b[2J\x1b]0;owned\x07mallory"
    (jp_root_dir / "class" / name).mkdir(parents=True)
    (jp_root_dir / "class" / name / "lab.ipynb").write_text("{}")
    assert [item["name"] for item in (await listing(jp_fetch, "class"))["items"]] == [name]
    inside = await listing(jp_fetch, f"class/{name}")
    assert [item["name"] for item in inside["items"]] == ["lab.ipynb"]
