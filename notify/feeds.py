"""Atom feeds, one per language, of the newest published and edited items.

An edit is a new entry (its id carries the content hash), so feed readers show it again
instead of silently replacing the old text.
"""
from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from feedgen.feed import FeedGenerator

LANG_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
ENTRIES = 100


def feed_xml(lang: str, events: list[dict], site_url: str) -> bytes:
    feed = FeedGenerator()
    feed.id(f"{site_url}/#pmkz-{lang}")
    feed.title(f"primeminister.kz ({LANG_NAMES.get(lang, lang)}): new and edited press pages")
    feed.author({"name": "pmkz"})
    feed.link(href=site_url, rel="alternate")
    feed.language(lang)
    feed.updated(max((e["at"] for e in events), default="1970-01-01T00:00:00+00:00"))
    # feedgen puts the last added entry first; add oldest first so the newest leads.
    for event in reversed(events):
        entry = feed.add_entry()
        entry.id(f"{event['url']}#{event['content_hash']}")
        prefix = "Edited: " if event["event"] == "changed" else ""
        entry.title(prefix + event["title"])
        entry.link(href=event["url"], rel="alternate")
        entry.updated(event["at"])
        if event.get("published_at") or event.get("published_date"):
            entry.published(event.get("published_at") or f"{event['published_date']}T00:00:00+05:00")
        if event.get("summary"):
            entry.summary(event["summary"])
        entry.content(event["body"], type="text")
    return feed.atom_str(pretty=True)


def write_feeds(events_by_lang: dict[str, list[dict]], feeds_dir: Path, site_url: str) -> list[Path]:
    feeds_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for lang, events in events_by_lang.items():
        path = feeds_dir / f"{lang}.atom"
        _replace(path, feed_xml(lang, events[:ENTRIES], site_url))
        written.append(path)
    return written


def _replace(path: Path, data: bytes) -> None:
    # Readers polling the file never see half of it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".feed-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
