"""POSTs one JSON message to PMKZ_WEBHOOK_URL, retrying with backoff, within the
notify step's deadline (notify/outbox.py).

http.client rather than urllib: the connection is at hand, so a receiver that dribbles
its answer past the deadline, or a stop signal, is cut off by shutting its socket.
"""
from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit, urlunsplit

from pmkz.notify.outbox import Deadline


def post_json(url: str, payload: dict, deadline: Deadline, *, attempts: int = 4, backoff: float = 1.0,
              timeout: float = 15) -> bool:
    """True once the receiver answers 2xx; False after the last attempt fails, or when
    the deadline or a stop signal comes first."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return deadline.retry(lambda: _post(url, data, deadline, timeout), what="webhook",
                          attempts=attempts, backoff=backoff)


def _post(url: str, data: bytes, deadline: Deadline, timeout: float) -> str | None:
    """One POST: None when the receiver took it, else why not."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
    # The timeout bounds each wait on the socket; the deadline bounds them all.
    connection = connection_class(parts.hostname, parts.port or (443 if https else 80),
                                  timeout=max(0.1, min(timeout, deadline.remaining())))
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    outcome = ["no answer before the notify deadline"]

    def exchange():
        try:
            connection.request("POST", target, body=data, headers={
                "Content-Type": "application/json; charset=utf-8", "User-Agent": "pmkz"})
            status = connection.getresponse().status
            outcome[0] = None if 200 <= status < 300 else f"HTTP {status}"
        except Exception as error:  # on this thread, any failure is a failed attempt, never a traceback
            outcome[0] = str(error) or type(error).__name__
        finally:
            connection.close()

    if not deadline.run(exchange, cancel=lambda: _cut(connection)):
        return "stopped by a signal" if deadline.signal else outcome[0]
    return outcome[0]


def _cut(connection: http.client.HTTPConnection) -> None:
    """Wake the thread blocked on the connection's socket, whatever it waits for."""
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed by the thread itself
