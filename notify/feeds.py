"""An archive's Atom feeds, one per language and one per saved search: built from its
stored events, and written beside it whole or not at all.

The crawl writes them after every run (notify/after_run.py); `pmkz serve` answers the
same feeds built from the database on each request (browse/feeds.py). A new item is an
entry with its text; an edit an entry with the paragraphs it changed (`- ` what went,
`+ ` what came, as stored with the version it replaced) and the text it made; a page
gone from the site an entry marked "Removed". Entry ids carry the event, so a reader
shows an edit or a removal as news instead of silently replacing an earlier entry.

They live in `feeds/` beside the default pmkz.db, `<name>-feeds/` beside any other
(storage/files.beside), so two archives in one folder never overwrite each other's.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Callable

from feedgen.feed import FeedGenerator
from sqlite_utils import Database

from pmkz.crawler.parsing.text import xml_safe
from pmkz.site import LANGUAGE_NAMES, LANGUAGES
from pmkz.storage import watches
from pmkz.storage.diffs import as_text
from pmkz.storage.files import atomic_open, beside

log = logging.getLogger(__name__)

ENTRIES = 100
PREFIX = {"changed": "Edited: ", "gone": "Removed: ", "new": ""}


def feeds_dir_beside(db_path: Path) -> Path:
    return beside(db_path, "feeds")


def write_feeds(db: Database, feeds_dir: Path, site_url: str, langs: list[str]) -> list[str]:
    """Every language's feed and every saved search's, each written whole; one line per
    feed that could not be, so that one that fails never stops the others."""
    names = [*langs, *(f"watch-{watch['id']}" for watch in watches.all_watches(db))]
    return [problem for name in names
            if (problem := _write(feeds_dir / f"{name}.atom", lambda name=name: feed(db, name, site_url)))]


def feed(db: Database, name: str, site_url: str, self_url: str | None = None,
         saved_searches: bool = True) -> bytes | None:
    """The feed called `name` (`ru`, `watch-3`), or None when there is no such feed;
    `saved_searches` False (`pmkz serve --public`): the language feeds only."""
    if name in LANGUAGES:
        return _atom(f"{site_url}/#pmkz-{name}",
                     f"primeminister.kz ({LANGUAGE_NAMES.get(name, name)}): new, edited and removed press pages",
                     watches.events(db, lang=name, limit=ENTRIES), site_url, name, self_url)
    match = re.fullmatch(r"watch-([0-9]+)", name) if saved_searches else None
    watch = watches.get(db, int(match.group(1))) if match else None
    if watch is None:
        return None
    where = f" ({LANGUAGE_NAMES.get(watch['lang'], watch['lang'])})" if watch.get("lang") else ""
    return _atom(f"{site_url}/#pmkz-watch-{watch['id']}", f"primeminister.kz: «{watch['query']}»{where}",
                 watches.events(db, query=watch["query"], lang=watch["lang"], limit=ENTRIES),
                 site_url, watch.get("lang"), self_url)


def _write(path: Path, build: Callable[[], bytes | None]) -> str | None:
    """Build and write one feed; None when written, else one line saying why not."""
    try:
        data = build()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Readers polling the file never see half of it; the usual permissions (0644).
        with atomic_open(path, "wb") as handle:
            handle.write(data)
    except (OSError, ValueError, sqlite3.Error) as error:
        log.error("feed %s not written: %s", path, error)
        return f"{path.name}: {error}"
    return None


def _atom(feed_id: str, title: str, events: list[dict], site_url: str,
          lang: str | None, self_url: str | None) -> bytes:
    """An Atom feed of `events` (newest first, as storage.watches.events gives them)."""
    atom = FeedGenerator()
    atom.id(feed_id)
    atom.title(xml_safe(title))
    atom.author({"name": "pmkz"})
    atom.link(href=site_url, rel="alternate")
    if self_url:
        atom.link(href=self_url, rel="self")
    if lang:
        atom.language(lang)
    atom.updated(_moment(max((e["at"] for e in events), default="1970-01-01T00:00:00+00:00")))
    # feedgen puts the last added entry first; add oldest first so the newest leads.
    for event in reversed(events[:ENTRIES]):
        entry = atom.add_entry()
        try:
            _fill(entry, event)
        except ValueError as error:  # one entry that cannot be written never stops its feed
            log.error("feed %s: entry for %s left out: %s", feed_id, event.get("url"), error)
            atom.remove_entry(entry)
    return atom.atom_str(pretty=True)


def _fill(entry, event: dict) -> None:
    """One entry of `event`, its text made fit for XML (an archive stored before the
    parser cleaned its text may hold what XML cannot carry)."""
    text = {key: xml_safe(value) if isinstance(value, str) else value for key, value in event.items()}
    entry.id(f"{text['url']}#{text['event']}-{text.get('state_hash') or text['content_hash']}-{text['event_id']}")
    entry.title(PREFIX.get(text["event"], "") + text["title"])
    entry.link(href=text["url"], rel="alternate")
    entry.updated(_moment(text["at"]))
    entry.category(term=text["event"])
    if text.get("published_at") or text.get("published_date"):
        entry.published(_moment(text.get("published_at") or f"{text['published_date']}T00:00:00+05:00"))
    if text.get("summary"):
        entry.summary(text["summary"])
    entry.content(xml_safe(_content(event)), type="text")


def _moment(stamp: str) -> datetime | str:
    """A stored ISO moment as the datetime feedgen wants. Given the string, feedgen reads
    it with dateutil's parser: half of a feed's cost, written after every run. A string
    that is not ISO goes to it as before (dateutil reads more forms)."""
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return stamp


def _content(event: dict) -> str:
    if event["event"] == "gone":
        return f"This page was removed from the site (found gone {event['at']}). Its last text:\n\n{event['body']}"
    if event["event"] == "changed":
        changes = as_text(event["changes"]) or "(the headline or teaser changed; the body is the same)"
        return f"Changed paragraphs:\n\n{changes}\n\nThe text now:\n\n{event['body']}"
    return event["body"]
