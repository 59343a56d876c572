"""One page over HTTP for the commands that look at a site by hand (check-live,
save-page): plain urllib, an honest User-Agent, redirects followed.

An HTTP error status is an answer (a `Fetched` with that status); only a site that
does not answer at all raises `Unreachable`, so callers can tell the two apart.
"""
from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

USER_AGENT = "pmkz/0.1 (press-release archiver; +https://pypi.org/project/pmkz/)"
TIMEOUT = 30


class Unreachable(Exception):
    """No answer from the site (DNS, refused, reset, timed out); a one-line message."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type declared, for the parsers' `encoding=`."""
        for part in (self.content_type or "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset":
                return value.strip('"') or None
        return None


def fetch(url: str, timeout: float = TIMEOUT) -> Fetched:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Fetched(response.url, response.status, response.headers.get("Content-Type"), response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.url or url, error.code, error.headers.get("Content-Type"), error.read())
    except urllib.error.URLError as error:
        raise Unreachable(f"cannot reach {url}: {_reason(error.reason)}") from None
    except (OSError, socket.timeout, http.client.HTTPException) as error:  # reset or cut mid-answer
        raise Unreachable(f"cannot reach {url}: {_reason(error)}") from None


def _reason(reason) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
