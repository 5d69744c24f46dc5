"""The proxy's client reads a node's reply in large pieces, through the forward's socket."""

import asyncio

from tornado import httpclient

from jupyterlab_testbed.tunnels import READ_SIZE, ForwardClient

PAGE = 1024 * 1024


async def serve_page(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % PAGE + b"x" * PAGE)
    await writer.drain()
    writer.close()


async def test_a_page_arrives_whole_in_pieces_larger_than_tornados_default(tmp_path):
    path = str(tmp_path / "forward.sock")
    server = await asyncio.start_unix_server(serve_page, path)
    pieces = []
    client = ForwardClient(force_instance=True, path=path)
    try:
        # Any host: the client reaches the forward's socket only.
        request = httpclient.HTTPRequest(
            "http://127.0.0.1:8080/big.html",
            streaming_callback=lambda data: pieces.append(len(data)),
        )
        response = await client.fetch(request)
    finally:
        client.close()
        server.close()
    assert response.code == 200
    assert sum(pieces) == PAGE
    # Tornado's own client never hands over more than 64 KiB at once.
    assert 64 * 1024 < max(pieces) <= READ_SIZE
