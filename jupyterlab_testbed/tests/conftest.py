import pytest

from jupyterlab_testbed import chameleon

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_testbed": True}}}


@pytest.fixture(autouse=True)
def machine_left_alone(monkeypatch, tmp_path_factory):
    """Tests never keep state in the machine's /work, nor use the runner's shells' agents."""
    monkeypatch.setenv("JUPYTERLAB_TESTBED_WORK_DIR", "")
    monkeypatch.setenv("TMPDIR", str(tmp_path_factory.mktemp("tmpdir")))
    monkeypatch.setattr(chameleon, "AGENT_TMP", str(tmp_path_factory.mktemp("agents")))
