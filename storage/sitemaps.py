"""`sitemaps` and `sitemap_pages`: what the site's sitemaps said, read by each crawl run
(crawler/sitemaps.py).

`sitemaps` holds one row per sitemap or sitemap index read: its validators for the next
run's conditional GET, the index it was listed in (an index that answers 304 still has
its sitemaps asked), and how many entries its last full read had. `sitemap_pages` holds
one row per page a sitemap listed, by its path (an item is its path:
storage/identity.py): the `lastmod` the sitemaps give now, the `lastmod` the page's
last check has seen (`confirmed`), and when a page no list showed was fetched for it
and found not there (`tried`: a 404, or a redirect away). A page whose lastmod moved
past its confirmed one is re-checked; a page's first listing is its baseline, so an
archive that meets a sitemap for the first time re-checks nothing.
"""
from __future__ import annotations

from typing import Iterable

from sqlite_utils import Database

from .identity import PATH_SQL, path_of, path_sql


def ensure(db: Database) -> None:
    db["sitemaps"].create(
        {"url": str, "parent": str, "kind": str, "etag": str, "http_last_modified": str,
         "entries": int, "read": str, "answered": str},
        pk="url", if_not_exists=True)
    db["sitemap_pages"].create(
        {"path": str, "url": str, "lastmod": str, "confirmed": str, "sitemap": str, "seen": str, "tried": str},
        pk="path", not_null=["url", "seen"], if_not_exists=True)


def validators(db: Database, url: str) -> tuple[str | None, str | None] | None:
    """(ETag, Last-Modified) of the sitemap's last full read, or None."""
    row = db.execute("SELECT etag, http_last_modified FROM sitemaps WHERE url = ?", [url]).fetchone()
    return tuple(row) if row else None


def listed_in(db: Database, index_url: str) -> list[str]:
    """The sitemaps the index listed when it was last read."""
    return [url for (url,) in db.execute("SELECT url FROM sitemaps WHERE parent = ? ORDER BY url", [index_url])]


def record_read(db: Database, url: str, *, parent: str | None, kind: str, entries: int,
                etag: str | None, last_modified: str | None, now: str) -> None:
    """A sitemap (kind `urlset`) or index (`sitemapindex`) read in full now."""
    db.execute(
        "INSERT INTO sitemaps (url, parent, kind, etag, http_last_modified, entries, read, answered)"
        " VALUES (:url, :parent, :kind, :etag, :lm, :entries, :now, :now) ON CONFLICT (url) DO UPDATE SET"
        " parent = excluded.parent, kind = excluded.kind, etag = excluded.etag,"
        " http_last_modified = excluded.http_last_modified, entries = excluded.entries,"
        " read = excluded.read, answered = excluded.answered",
        {"url": url, "parent": parent, "kind": kind, "etag": etag, "lm": last_modified, "entries": entries,
         "now": now})


def record_unchanged(db: Database, url: str, now: str) -> None:
    """The sitemap answered 304: what it said last stands."""
    db.execute("UPDATE sitemaps SET answered = ? WHERE url = ?", [now, url])


def lastmods(db: Database, sitemap: str) -> dict[str, str | None]:
    """Path -> lastmod of the pages `sitemap` listed when it was last read."""
    return dict(db.execute("SELECT path, lastmod FROM sitemap_pages WHERE sitemap = ?", [sitemap]).fetchall())


def save_pages(db: Database, pages: Iterable[tuple[str, str | None]], sitemap: str, now: str,
               baseline: bool = False) -> None:
    """(page URL, lastmod or None) as a sitemap lists them now. A page listed for the
    first time is confirmed at its lastmod: only a later move says it changed. With
    `baseline`, every page is: the moves of this read say nothing."""
    # One statement for a sitemap's thousands of rows; atomic() also commits it when no
    # batch holds a transaction open.
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO sitemap_pages (path, url, lastmod, confirmed, sitemap, seen) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (path) DO UPDATE SET url = excluded.url, lastmod = excluded.lastmod,"
            " sitemap = excluded.sitemap, seen = excluded.seen"
            + (", confirmed = excluded.lastmod" if baseline else ""),
            [(path_of(url), url, lastmod, lastmod, sitemap, now) for url, lastmod in pages])


def moved(db: Database, langs: list[str], limit: int) -> list[str]:
    """Stored items of `langs` whose lastmod moved since their last check, the latest
    move first, at most `limit`."""
    if limit <= 0:
        return []
    marks = ", ".join("?" * len(langs))
    return [url for (url,) in db.execute(
        f"SELECT i.url FROM sitemap_pages s JOIN items i ON {path_sql('i.url')} = s.path"
        f" WHERE s.lastmod IS NOT s.confirmed AND i.lang IN ({marks}) ORDER BY s.lastmod DESC, s.path LIMIT ?",
        [*langs, limit])]


def confirm(db: Database, url: str) -> None:
    """The page was checked now: its sitemap lastmod is seen."""
    db.execute("UPDATE sitemap_pages SET confirmed = lastmod WHERE path = ? AND lastmod IS NOT confirmed",
               [path_of(url)])


def unlisted(db: Database, after: str, limit: int) -> list[tuple[str, str]]:
    """(path, URL) of listed pages that are not stored and were never found not there,
    by path after `after` (a walk over them in slices)."""
    # `+s.path`: the column's text affinity would keep SQLite from the items' path index,
    # and every listed page would cost a scan of every item.
    return db.execute(
        "SELECT s.path, s.url FROM sitemap_pages s WHERE s.tried IS NULL AND s.path > ?"
        f" AND NOT EXISTS (SELECT 1 FROM items WHERE {PATH_SQL} = +s.path) ORDER BY s.path LIMIT ?",
        [after, limit]).fetchall()


def mark_tried(db: Database, paths: Iterable[str], now: str) -> None:
    with db.atomic():
        db.conn.executemany("UPDATE sitemap_pages SET tried = ? WHERE path = ?", [(now, path) for path in paths])


def summary(db: Database) -> dict | None:
    """For `pmkz status`: when a sitemap was last answered and read in full, how many
    sitemaps and listed pages there are; None when no sitemap was ever read."""
    if not db["sitemaps"].exists():
        return None
    count, answered, read = db.execute("SELECT count(*), max(answered), max(read) FROM sitemaps").fetchone()
    if not count:
        return None
    (pages,) = db.execute("SELECT count(*) FROM sitemap_pages").fetchone()
    return {"sitemaps": count, "answered": answered, "read": read, "pages": pages}
