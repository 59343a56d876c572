"""HTTP validators: the ETag and Last-Modified of a 200, and when to answer 304.

An incremental crawler leans on these, so the replica follows RFC 9110: If-None-Match
wins over If-Modified-Since, and weak tags compare equal to strong ones for GET.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from pmkz.replica.clock import to_utc


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(local: datetime) -> str:
    return format_datetime(to_utc(local), usegmt=True)


def not_modified(headers, tag: str, last_modified: datetime) -> bool:
    """Whether the request's conditions say the client's copy is current."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or tag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    return to_utc(last_modified) <= since
