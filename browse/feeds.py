"""The Atom feeds `pmkz serve` answers at `/-/feeds/<lang>.atom` and
`/-/feeds/watch-<id>.atom`: built from the database on each request by notify/feeds.py,
which writes the same files beside the database after every crawl."""
from __future__ import annotations

from datasette.utils.asgi import NotFound, Response
from sqlite_utils import Database

from pmkz.notify.feeds import feed
from pmkz.site import LIVE_BASE_URL

ATOM = "application/atom+xml; charset=utf-8"


def _site_url(db: Database) -> str:
    """Where the archive was crawled from (the latest run's base URL), else the live site."""
    if db["crawl_runs"].exists():
        row = db.execute("SELECT base_url FROM crawl_runs WHERE base_url IS NOT NULL"
                         " ORDER BY id DESC LIMIT 1").fetchone()
        if row and row[0]:
            return row[0].rstrip("/")
    return LIVE_BASE_URL


async def serve_feed(db, name: str, self_url: str, saved_searches: bool = True) -> Response:
    """`saved_searches` False (`pmkz serve --public`): the language feeds only."""
    def build(conn):
        archive = Database(conn)
        return feed(archive, name, _site_url(archive), self_url, saved_searches)

    data = await db.execute_fn(build)
    if data is None:
        others = " or a saved search (pmkz watch list)" if saved_searches else ""
        raise NotFound(f"No feed {name}.atom: a language (ru, kk, en){others}")
    return Response(data, content_type=ATOM)
