"""Why a request failed for good, in words an operator reads in `failures` or `pmkz status`.

The spider and the images pipeline record `TypeName: message`, so each failure gets a
type that names it and a message that says what happened.
"""
from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet.error import ConnectionDone, ConnectionLost, TimeoutError as TwistedTimeout


class OffsiteRequest(IgnoreRequest):
    """A request for a host that is neither the site's nor a configured image host."""


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL this request already went through."""


class EmptyResponse(Exception):
    """A 200 answer with no body, on every attempt."""


class ResponseTooLarge(Exception):
    """A response larger than DOWNLOAD_MAXSIZE: cut off, never stored."""


class FetchFailed(Exception):
    """A transient network failure that lasted through every attempt."""


# Exception types -> what happened, for the give-up message.
_PLAIN = (
    (ResponseDataLossError, "body cut short (fewer bytes than Content-Length)"),
    ((DownloadTimeoutError, TwistedTimeout), "no complete answer within the download timeout"),
    (DownloadConnectionRefusedError, "connection refused"),
    (CannotResolveHostError, "cannot resolve the host"),
    ((ConnectionLost, ConnectionDone, DownloadFailedError), "connection lost before the answer was complete"),
)


def plain(exception: BaseException) -> str:
    """What a download exception means, in a few words."""
    for types, words in _PLAIN:
        if isinstance(exception, types):
            return words
    text = str(exception).strip().splitlines()
    return f"{type(exception).__name__}: {text[0]}" if text else type(exception).__name__


def failure_line(failure) -> str:
    """A failed request in one line: `HTTP 503` for an error answer, else the exception."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return error_line(failure.value)


def error_line(error: BaseException) -> str:
    """Any exception as `TypeName: first line of its message`, at most 300 characters."""
    text = str(error).strip() or type(error).__name__
    return f"{type(error).__name__}: {text.splitlines()[0]}"[:300]


def too_large(exception: BaseException, cap: int) -> ResponseTooLarge | None:
    """The size-cap failure behind a cancelled download, or None for other failures.

    Scrapy cancels a download once it passes DOWNLOAD_MAXSIZE (or announces more), and
    reports only "cancelled"; nothing else in this crawler cancels downloads.
    """
    if isinstance(exception, DownloadCancelledError):
        return ResponseTooLarge(f"larger than the download size cap of {cap} bytes")
    return None
