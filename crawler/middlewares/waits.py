"""How long to wait before a retry: exponential backoff, never sooner than Retry-After.

Pure functions of the retry number and the header, so the schedule is testable
without a clock or a server.
"""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


def retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP-date), or None
    when there is none or it cannot be read."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def retry_wait(retry_number: int, backoff: float, cap: float, asked: float | None) -> float | None:
    """Seconds before retry `retry_number` (1 for the first): `backoff` doubled for each
    retry, or longer if the server asked, at most `cap`.

    None when the server asks for a longer pause than `cap`: coming back sooner would
    ignore what it asked, so the page waits for a later run instead.
    """
    if asked is not None and asked > cap:
        return None
    return min(cap, max(backoff * 2 ** (retry_number - 1), asked or 0.0))
