"""The replica over HTTP: a threading server on loopback answering as replica.app says.

HTTP/1.1 with keep-alive, as a crawler expects of a real site; every 200 carries an
ETag and a Last-Modified, and a matching conditional request gets a 304.
"""
from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from replica import validators
from replica.app import App, Response
from replica.model import Site
from replica.render import Renderer


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
        self.send(response, send_body)

    def send(self, response: Response, send_body: bool) -> None:
        body, status = response.body, response.status
        if status == 200:
            tag = validators.etag(body)
            if validators.not_modified(self.headers, tag, response.last_modified):
                status, body = 304, b""
        self.send_response(status)
        if status in (200, 304):
            self.send_header("ETag", tag)
            self.send_header("Last-Modified", validators.http_date(response.last_modified))
        if response.location:
            self.send_header("Location", response.location)
        if status != 304:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


class ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True
    # A crawler opens many connections at once; the default backlog of 5 would refuse some.
    request_queue_size = 128

    def __init__(self, host: str, port: int, site: Site, skin: str):
        super().__init__((host, port), Handler)
        self.base_url = f"http://{host}:{self.server_address[1]}"
        self.app = App(site, Renderer(site, skin, self.base_url))

    def handle_error(self, request, client_address):
        # Clients hang up mid-answer all the time (timeouts, size caps): not an error here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
