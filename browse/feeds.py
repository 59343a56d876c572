"""The Atom feeds `pmkz serve` answers at `/-/feeds/<lang>.atom` and
`/-/feeds/watch-<id>.atom`, rendered from the database on each request (notify/watches.py
renders them; the crawl writes the same files beside the database)."""
from __future__ import annotations

import re

from datasette.utils.asgi import NotFound, Response
from sqlite_utils import Database

from pmkz.notify import watches as render
from pmkz.site import LANGUAGES, LIVE_BASE_URL
from pmkz.storage import watches

ATOM = "application/atom+xml; charset=utf-8"


def _site_url(db: Database) -> str:
    """Where the archive was crawled from (the latest run's base URL), else the live site."""
    if db["crawl_runs"].exists():
        row = db.execute("SELECT base_url FROM crawl_runs WHERE base_url IS NOT NULL"
                         " ORDER BY id DESC LIMIT 1").fetchone()
        if row and row[0]:
            return row[0].rstrip("/")
    return LIVE_BASE_URL


def feed_bytes(conn, name: str, self_url: str, saved_searches: bool = True) -> bytes | None:
    """The feed called `name` (`ru`, `watch-3`), or None when there is no such feed;
    `saved_searches` False (`pmkz serve --public`): the language feeds only."""
    db = Database(conn)
    site_url = _site_url(db)
    if name in LANGUAGES:
        return render.language_feed(name, watches.events(db, lang=name, limit=render.ENTRIES),
                                     site_url, self_url)
    match = re.fullmatch(r"watch-([0-9]+)", name) if saved_searches else None
    watch = watches.get(db, int(match.group(1))) if match else None
    if watch is None:
        return None
    events = watches.events(db, query=watch["query"], lang=watch["lang"], limit=render.ENTRIES)
    return render.watch_feed(watch, events, site_url, self_url)


async def serve_feed(db, name: str, self_url: str, saved_searches: bool = True) -> Response:
    data = await db.execute_fn(lambda conn: feed_bytes(conn, name, self_url, saved_searches))
    if data is None:
        others = " or a saved search (pmkz watch list)" if saved_searches else ""
        raise NotFound(f"No feed {name}.atom: a language (ru, kk, en){others}")
    return Response(data, content_type=ATOM)
