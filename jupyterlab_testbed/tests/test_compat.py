import logging

import pytest

from jupyterlab_testbed import compat


@pytest.mark.parametrize("jupyterlab", ["4.4.0", "4.4.1", "4.5.11", "4.6.6", "4.99.0", "4.4.0a1"])
def test_supported(jupyterlab):
    assert compat.is_supported(jupyterlab)
    assert compat.unsupported_message(jupyterlab, "0.1.0") is None


@pytest.mark.parametrize(
    "jupyterlab", ["3.6.8", "4.3.8", "4.0.0", "5.0.0", "5.0.0a1", "", "x.y", "44"]
)
def test_unsupported_names_both_versions_and_the_range(jupyterlab):
    assert not compat.is_supported(jupyterlab)
    message = compat.unsupported_message(jupyterlab or "?", "0.1.0")
    assert "jupyterlab-testbed 0.1.0" in message
    assert ">=4.4,<5" in message
    assert "will not start" in message


def test_no_jupyterlab_is_no_problem():
    assert compat.unsupported_message(None, "0.1.0") is None


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_server_logs_an_unsupported_jupyterlab(monkeypatch, jp_serverapp):
    monkeypatch.setattr("jupyterlab_testbed.jupyterlab_version", lambda: "3.6.8")
    from jupyterlab_testbed import TestbedExtension

    log = logging.getLogger("test-compat")
    handler = _Records()
    log.addHandler(handler)
    extension = TestbedExtension()
    extension.serverapp = jp_serverapp
    extension.log = log
    extension.initialize_settings()
    errors = [r.getMessage() for r in handler.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "JupyterLab 3.6.8" in errors[0]


def test_installed_jupyterlab_is_supported():
    # The development venv runs a supported JupyterLab: no error at start.
    assert compat.is_supported(compat.jupyterlab_version())
