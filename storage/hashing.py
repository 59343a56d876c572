"""Stable digests: of an item's content (to detect edits) and of URLs (for file names)."""
from __future__ import annotations

import hashlib
import unicodedata

# HTML parsers turn U+0000 into U+FFFD, so NUL never occurs in text taken from a page:
# joining on it keeps ("ab", "c") and ("a", "bc") apart.
_SEPARATOR = "\x00"


def content_hash(record: dict) -> str:
    """sha256 hex of the record's title, summary and body, each in Unicode NFC.

    A missing summary hashes like an empty one: both mean the page shows no lead.
    """
    parts = (
        unicodedata.normalize("NFC", record.get(field) or "")
        for field in ("title", "summary", "body")
    )
    return hashlib.sha256(_SEPARATOR.join(parts).encode("utf-8")).hexdigest()


def url_digest(url: str, length: int = 16) -> str:
    """A short hex digest of a URL, for file names that must not come from page content."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:length]
