"""`revisits`: when each stored page was last checked (fetched, or answered 304, 404...),
the state the revisit policy (crawler/revisit.py) plans from; and the `returned` event of
a page that comes back after it was gone.

An item without a row counts as checked when it was last seen: databases from before
the table need no migration of their rows.
"""
from __future__ import annotations

from typing import Iterator

from sqlite_utils import Database

from . import events


def record_check(db: Database, url: str, now: str) -> None:
    """The page of a stored item was checked now (nothing for a page not stored)."""
    db.execute(
        "INSERT INTO revisits (url, checked) SELECT url, ? FROM items WHERE url = ?"
        " ON CONFLICT (url) DO UPDATE SET checked = excluded.checked", [now, url])


def count(db: Database, langs: list[str]) -> int:
    marks = ", ".join("?" * len(langs))
    return db.execute(f"SELECT count(*) FROM items WHERE lang IN ({marks})", list(langs)).fetchone()[0]


def states(db: Database, langs: list[str]) -> Iterator[tuple[str, str, str | None, str]]:
    """(url, published_date, published_at, last checked) of every item of `langs`,
    stalest first, read as they are used: the archive is never all in memory."""
    marks = ", ".join("?" * len(langs))
    yield from db.execute(
        "SELECT i.url, i.published_date, i.published_at, coalesce(r.checked, i.last_seen) AS checked"
        f" FROM items i LEFT JOIN revisits r ON r.url = i.url WHERE i.lang IN ({marks})"
        " ORDER BY checked, i.rowid",
        list(langs))


def checks_since(db: Database, since: str) -> int:
    """Pages checked at or after `since` (a UTC stamp): what the hourly budget has spent."""
    return db.execute("SELECT count(*) FROM revisits WHERE checked >= ?", [since]).fetchone()[0]


def status_of(db: Database, url: str) -> str | None:
    row = db.execute("SELECT status FROM items WHERE url = ?", [url]).fetchone()
    return row[0] if row else None


def record_return(db: Database, run_id: int | None, url: str, now: str) -> None:
    """A page that was gone answers again: an event, and a note in its version history
    saying since when it had been gone (the content kept is the state it returned to
    from, so its text history reads on unbroken)."""
    gone = db.execute("SELECT max(at) FROM item_events WHERE url = ? AND event = 'gone'", [url]).fetchone()[0]
    events.record(db, run_id, url, "returned", now)
    columns = "title, summary, body, image_urls, published_at, content_hash"
    db.execute(
        f"INSERT INTO item_versions (item_url, version, {columns}, valid_from, replaced_at, note)"
        f" SELECT url, (SELECT coalesce(max(version), 0) + 1 FROM item_versions WHERE item_url = ?),"
        f" {columns}, coalesce(last_changed, first_seen), ?, ? FROM items WHERE url = ?",
        [url, now, f"gone from {gone or 'an unknown time'} until {now}, then returned", url])


def summary(db: Database, since: str) -> dict:
    """For `pmkz status`: items checked since `since`, the oldest last check, and the
    number of items."""
    count, oldest, recent = db.execute(
        "SELECT count(*), min(coalesce(r.checked, i.last_seen)),"
        " sum(coalesce(r.checked, i.last_seen) >= ?)"
        " FROM items i LEFT JOIN revisits r ON r.url = i.url", [since]).fetchone()
    return {"items": count, "oldest_check": oldest, "checked_since": recent or 0}


def listed_summary(db: Database, url: str) -> str | None:
    row = db.execute("SELECT summary FROM items WHERE url = ?"
                     " AND json_extract(field_sources, '$.summary') = 'listing'", [url]).fetchone()
    return row[0] if row else None


def pages_with_failed_images(db: Database) -> list[str]:
    """Stored pages with an image that failed: a run asks for the page again, so the
    images pipeline tries the image again (lists no longer send stored pages)."""
    return [url for (url,) in db.execute(
        "SELECT DISTINCT i.url FROM failures f JOIN items i ON i.url IN"
        " (SELECT i2.url FROM items i2, json_each(i2.image_urls) j WHERE j.value = f.url)"
        " WHERE f.kind = 'image'")]
