"""A node's web services for the tunnel tests, standard library only.

Run by testbed.sh inside a node's namespace (nothing is installed on the
nodes): HTTP on 8080, HTTPS with the node's self-signed certificate on 8443
(as a lab's dashboard), and a WebSocket echo on 8765 (also at /echo on the
two others). Each serves the same pages: / names the node, /big.html is
1 MB (the speed figure of the tunnel), /headers shows the request's header
and cookie names and its Host and sets two cookies (what the proxy passes
on, both ways), /redirect and /redirect-absolute send the browser to / as a
path and as a URL of the Host it was asked as (as a login page does),
anything else is 404.

    python3 webservers.py NODE CERT KEY
"""

import base64
import hashlib
import http.server
import json
import os
import ssl
import struct
import sys
import threading

HTTP_PORT, HTTPS_PORT, WS_PORT = 8080, 8443, 8765
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# Bounds of one echoed message: the tests send a few bytes.
FRAME_LIMIT = 1 << 20
BIG_SIZE = 1 << 20


def pages(node):
    index = (
        f"<!doctype html><html><head><title>Dashboard on {node}</title></head>"
        f"<body><h1>Dashboard on {node}</h1><p id='served-by'>{node}</p></body></html>"
    )
    filler = "<p>" + "x" * 1017 + "</p>\n"
    head = f"<!doctype html><html><head><title>1 MB from {node}</title></head><body>\n"
    body = head + filler * ((BIG_SIZE - len(head)) // len(filler))
    body += "y" * (BIG_SIZE - len(body) - len("</body></html>")) + "</body></html>"
    return {"/": index.encode(), "/big.html": body.encode()}


def handler_for(node, pages_by_path):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = f"testbed-{node}"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.headers.get("Upgrade", "").lower() == "websocket":
                self.echo()
                return
            if self.path.split("?")[0] == "/headers":
                self.headers_seen()
                return
            if self.path in ("/redirect", "/redirect-absolute"):
                absolute = self.path.endswith("absolute")
                self.send_response(302)
                host = self.headers.get("Host", "")
                self.send_header("Location", f"http://{host}/" if absolute else "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            page = pages_by_path.get(self.path.split("?")[0])
            if page is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def headers_seen(self):
            cookies = [
                part.split("=", 1)[0].strip()
                for part in self.headers.get("Cookie", "").split(";")
                if part.strip()
            ]
            seen = {
                "headers": sorted(name.lower() for name in self.headers),
                "cookies": cookies,
                "host": self.headers.get("Host"),
            }
            body = json.dumps(seen).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            # A node's own cookie, and one that would take Jupyter's place.
            self.send_header("Set-Cookie", "node_session=1; Path=/")
            self.send_header("Set-Cookie", "_xsrf=from-the-node; Path=/")
            self.end_headers()
            self.wfile.write(body)

        def echo(self):
            key = self.headers.get("Sec-WebSocket-Key", "").encode()
            accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest()).decode()
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.wfile.flush()
            while True:
                frame = read_frame(self.rfile)
                if frame is None or frame[0] == 0x8:
                    return
                opcode, payload = frame
                if opcode in (0x1, 0x2):
                    self.wfile.write(make_frame(opcode, payload))
                    self.wfile.flush()

    return Handler


def read_frame(stream):
    """(opcode, payload) of one client frame, or None at the end."""
    head = stream.read(2)
    if len(head) < 2:
        return None
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        length = struct.unpack(">H", stream.read(2))[0]
    elif length == 127:
        length = struct.unpack(">Q", stream.read(8))[0]
    if length > FRAME_LIMIT:
        return None
    mask = stream.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    data = stream.read(length)
    return opcode, bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))


def make_frame(opcode, payload):
    size = len(payload)
    if size < 126:
        head = struct.pack(">BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack(">BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack(">BBQ", 0x80 | opcode, 127, size)
    return head + payload


def main(node, cert, key):
    handler = handler_for(node, pages(node))
    servers = [
        http.server.ThreadingHTTPServer(("0.0.0.0", port), handler)
        for port in (HTTP_PORT, HTTPS_PORT, WS_PORT)
    ]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    servers[1].socket = context.wrap_socket(servers[1].socket, server_side=True)
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    # A daemon: it must not hold what its starter had open, such as the
    # heavy-test lock that `flock <lock> <command>` passes on (on any fd).
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    main(*sys.argv[1:4])
