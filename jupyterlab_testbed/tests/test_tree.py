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
    hidden = next(item for item in body["items"] if item["name"] == ".ipynb_checkpoints")
    assert "hidden" in hidden["why"]
    assert body["truncated"] is False


async def test_subfolder_listing(lab, jp_fetch):
    body = await listing(jp_fetch, "lab/images")
    assert body["items"] == [{"name": "net.png", "kind": "file", "size": 4}]


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
