"""Messages through Apprise: email, Telegram, Matrix, Slack, ntfy and the other services
Apprise knows, each named by one URL (`mailto://`, `tgram://`, `ntfys://` ...).

Each URL is a channel of its own with its own queue in the outbox (notify/outbox.py), so
a service that is down keeps its messages and the others are not sent them twice. A
channel's queue is named by a hash of its URL: the URLs hold credentials, and stay in
the environment, the daemon's configuration and the saved searches.

Apprise's own waits are bounded by the notify step's deadline: each service's socket
timeouts (the URL's `cto` and `rto`) are cut to the time left, and the wait for the call
ends with the deadline or a stop signal whatever the service does.
"""
from __future__ import annotations

import hashlib
import logging
import re

from pmkz.notify.outbox import Deadline
from pmkz.notify.render import Links, html_body, subject

log = logging.getLogger(__name__)


def _apprise():
    """Apprise, imported when a channel is used: loading its plugins costs every crawl
    process a fifth of a second, and most runs have no channel."""
    import apprise

    return apprise


# Apprise reports what it refuses on its logger; a command checking its settings has no
# log handler yet, and Python's last resort would print those records beside our line.
logging.getLogger("apprise").addHandler(logging.NullHandler())

# URLs are separated by white space, or by a comma before the next scheme: a comma
# inside a URL (mailto://...?to=a@x.org,b@x.org) stays.
_SEPARATOR = re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")


def split_urls(raw: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """The Apprise URLs of a setting: one string of URLs, or a list of them."""
    values = [raw] if isinstance(raw, str) else list(raw or [])
    urls = [url.strip(",") for value in values for url in _SEPARATOR.split(value or "")]
    return list(dict.fromkeys(url for url in urls if url))


def check_urls(raw, name: str) -> tuple[str, ...]:
    """The URLs, each one Apprise can send to; ValueError naming the setting and the
    URL's scheme (not the URL: it may hold a password or a token) otherwise."""
    urls = split_urls(raw)
    for number, url in enumerate(urls, 1):
        if "://" not in url:
            raise ValueError(f"{name}: URL {number} of {len(urls)} is not an Apprise URL"
                             f" (such as mailto://, tgram://, ntfy://): {url[:20]!r}")
        if _apprise().Apprise.instantiate(url) is None:
            raise ValueError(f"{name}: URL {number} of {len(urls)} ({url.split('://')[0]}://...) is not one"
                             f" Apprise can send to: see https://github.com/caronc/apprise/wiki for its form")
    return tuple(urls)


def channel_key(url: str) -> str:
    """The name of a channel's queue in the outbox."""
    return "apprise-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def send(url: str, message: dict, deadline: Deadline, *, links: Links, attempts: int = 4,
         backoff: float = 1.0) -> bool:
    """Deliver one message to the service of `url`; True once Apprise says it went."""
    title, body = subject(message), html_body(message, links)
    return deadline.retry(lambda: _notify_once(url, title, body, deadline), what=f"{url.split('://')[0]}:// channel",
                          attempts=attempts, backoff=backoff)


def _notify_once(url: str, title: str, body: str, deadline: Deadline) -> str | None:
    """One notification: None when the service took it, else why not."""
    apprise = _apprise()
    service = apprise.Apprise(asset=apprise.AppriseAsset(storage_mode="memory"))
    if not service.add(url):
        return "Apprise cannot use this URL"
    left = max(0.1, deadline.remaining())
    for plugin in service:
        # The `cto` and `rto` of the URL, never longer than the time left.
        plugin.socket_connect_timeout = min(plugin.socket_connect_timeout or left, left)
        plugin.socket_read_timeout = min(plugin.socket_read_timeout or left, left)
    outcome = ["no answer before the notify deadline"]

    def work():
        try:
            delivered = service.notify(body=body, title=title, body_format=apprise.NotifyFormat.HTML)
            outcome[0] = None if delivered else "the service refused it or could not be reached (see the log)"
        except Exception as error:  # on this thread, any failure is a failed attempt, never a traceback
            outcome[0] = str(error) or type(error).__name__

    if not deadline.run(work, cancel=lambda: None):
        return "stopped by a signal" if deadline.signal else outcome[0]
    return outcome[0]
