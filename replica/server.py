"""The replica over HTTP: a threading server on loopback answering as replica.app says,
with the faults of replica.faults played on top.

HTTP/1.1 with keep-alive, as a crawler expects of a real site; every 200 carries an
ETag and a Last-Modified, and a matching conditional request gets a 304.
"""
from __future__ import annotations

import socket
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from pmkz.replica import faults, validators
from pmkz.replica.app import App, Response
from pmkz.replica.model import Site
from pmkz.replica.render import Renderer

# Past the crawler's 8 MB download cap (pmkz.site.MAX_ANSWER_BYTES) by far, and past the 20 MB
# an attached file's text is read from (crawler/parsing/attachment_text.py).
HUGE_BYTES = 21 * 1024 * 1024
HUGE_CHUNK = ("<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 18 + "</p>\n").encode() * 64
ERROR_PAGE = "<!DOCTYPE html><html><head><title>{0}</title></head><body><h1>{0}</h1></body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "ReplicaServer"

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format, *args):
        """Quiet: a crawl makes thousands of requests and the test output must stay readable."""

    def do_GET(self):
        self.serve(send_body=True)

    def do_HEAD(self):
        self.serve(send_body=False)

    def serve(self, send_body: bool) -> None:
        split = urlsplit(self.path)
        response = self.server.app.handle(split.path, parse_qs(split.query))
        failure, rewrites = self.server.faults.plan(response, split.path)
        response = faults.apply(response, rewrites)
        if failure == "slow":
            time.sleep(self.server.slow_seconds)
        elif failure:
            play = getattr(self, f"play_{failure}", self.play_error)  # 500, 503, 429: play_error
            return play(response, failure, send_body)
        self.send(response, send_body)

    def send(self, response: Response, send_body: bool, cut: int | None = None) -> None:
        """The response, or a 304 when the request's validators match; with `cut`, only
        the first `cut` bytes of the body after headers announcing all of it."""
        body, status = response.body, response.status
        validated = status == 200 and response.last_modified is not None
        if validated:
            tag = validators.etag(body)
            if validators.not_modified(self.headers, tag, response.last_modified):
                status, body = 304, b""
        self.send_response(status)
        if validated:
            self.send_header("ETag", tag)
            self.send_header("Last-Modified", validators.http_date(response.last_modified))
        if response.location:
            self.send_header("Location", response.location)
        if status != 304:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body[:cut])

    def play_error(self, response: Response, kind: str, send_body: bool) -> None:
        status = int(kind)
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "1")
        body = ERROR_PAGE.format(f"{status} {self.responses[status][0]}").encode()
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def play_reset(self, response: Response, kind: str, send_body: bool) -> None:
        # Linger 0: closing sends RST, not FIN. The socket really closes once the
        # handler's files let go of it, before anything was written.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def play_truncate(self, response: Response, kind: str, send_body: bool) -> None:
        self.send(response, send_body, cut=len(response.body) // 2)
        self.close_connection = True

    def play_empty(self, response: Response, kind: str, send_body: bool) -> None:
        # No validators: a client must not keep them for a body it never got.
        self.send(Response(200, b"", response.content_type), send_body)

    def play_loop(self, response: Response, kind: str, send_body: bool) -> None:
        self.send(Response(302, location=self.path), send_body)

    def play_huge(self, response: Response, kind: str, send_body: bool) -> None:
        """The page with over 20 MB of paragraphs before </body>, streamed in chunks."""
        self.send_response(200)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True
        if not send_body:
            return
        head, _, tail = response.body.rpartition(b"</body>")
        chunks = [head] + [HUGE_CHUNK] * (HUGE_BYTES // len(HUGE_CHUNK) + 1) + [b"</body>" + tail]
        for chunk in chunks:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")


class ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True
    # A crawler opens many connections at once; the default backlog of 5 would refuse some.
    request_queue_size = 128

    def __init__(self, host: str, port: int, site: Site, skin: str,
                 fault_rates: dict[str, float] | None = None, slow_seconds: float = 20.0):
        super().__init__((host, port), Handler)
        self.base_url = f"http://{host}:{self.server_address[1]}"
        self.app = App(site, Renderer(site, skin, self.base_url))
        self.faults = faults.Faults(fault_rates or {}, site.seed)
        self.slow_seconds = slow_seconds

    def handle_error(self, request, client_address):
        # Clients hang up mid-answer all the time (timeouts, size caps): not an error here.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)
