"""A forwarded reply is not held in memory for a browser that does not read it."""

import asyncio
from types import SimpleNamespace

import pytest
import tornado.web

from jupyterlab_testbed import handlers
from jupyterlab_testbed.handlers import StreamedReply


class SlowBrowser:
    """A handler whose connection never finishes a write, as a stalled browser's."""

    def __init__(self):
        self.closed = False
        self.written = 0
        self.pending = []
        self.request = SimpleNamespace(connection=SimpleNamespace(close=self.close))

    def close(self):
        self.closed = True

    def write(self, data):
        self.written += len(data)

    def flush(self):
        future = asyncio.get_running_loop().create_future()
        self.pending.append(future)
        return future


@pytest.fixture(autouse=True)
def tornados_flush(monkeypatch):
    # The reply calls tornado's RequestHandler.flush itself (see StreamedReply.chunk).
    monkeypatch.setattr(tornado.web.RequestHandler, "flush", lambda handler: handler.flush())


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setattr(handlers, "MAX_UNSENT", 1000)
    return SlowBrowser()


@pytest.fixture
def reply(browser):
    started = StreamedReply(browser, forward=None, proxied_path="")
    started.started = True
    return started


async def test_a_reply_the_browser_does_not_read_is_cut_off(browser, reply):
    for _ in range(10):
        reply.chunk(b"x" * 100)
    assert not browser.closed
    with pytest.raises(tornado.web.HTTPError):
        reply.chunk(b"x" * 100)
    assert browser.closed
    assert browser.written == 1000


async def test_what_the_browser_took_no_longer_counts(browser, reply):
    for _ in range(50):
        reply.chunk(b"x" * 100)
        browser.pending.pop().set_result(None)
        await asyncio.sleep(0)
    assert not browser.closed
    assert browser.written == 5000
