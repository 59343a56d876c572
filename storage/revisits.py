"""`revisits`: when each stored page was last checked (fetched, or answered 304, 404...),
the state the revisit policy (crawler/revisit.py) plans from; and the `returned` event of
a page that comes back after it was gone.

An item without a row counts as checked when it was last seen: databases from before
the table need no migration of their rows. A check time after now was written by a clock
that was ahead and has since been set right: it counts as unknown, never as done, so the
page is re-checked at once and its next check writes a true time over it.
"""
from __future__ import annotations

from typing import Iterator

from sqlite_utils import Database

from . import diffs, events


def record_check(db: Database, url: str, now: str) -> None:
    """The page of a stored item was checked now (nothing for a page not stored)."""
    db.execute(
        "INSERT INTO revisits (url, checked) SELECT url, ? FROM items WHERE url = ?"
        " ON CONFLICT (url) DO UPDATE SET checked = excluded.checked", [now, url])


def count(db: Database, langs: list[str]) -> int:
    marks = ", ".join("?" * len(langs))
    return db.execute(f"SELECT count(*) FROM items WHERE lang IN ({marks})", list(langs)).fetchone()[0]


# Every item with its last check, and when a fetch last found it changed (a first save
# or a reparse sets last_changed too: neither is an edit on the site).
_LAST_CHECKS = ("SELECT i.rowid AS id, i.url, i.lang, i.published_date, i.published_at,"
                " coalesce(r.checked, i.last_seen) AS checked,"
                " CASE WHEN i.version_reason = 'changed' THEN i.last_changed END AS changed"
                " FROM items i LEFT JOIN revisits r ON r.url = i.url")


def states(db: Database, langs: list[str], now: str) -> Iterator[tuple[str, str, str | None, str | None, str | None]]:
    """(url, published_date, published_at, last checked, last changed) of every item of
    `langs`, stalest first, read as they are used: the archive is never all in memory.
    The last check is None when it is unknown (after `now`, a UTC stamp); those come
    first. The last change is None when none was found, or its time is after `now`."""
    marks = ", ".join("?" * len(langs))
    yield from db.execute(
        "SELECT url, published_date, published_at, CASE WHEN checked <= ? THEN checked END AS known,"
        f" CASE WHEN changed <= ? THEN changed END FROM ({_LAST_CHECKS}) WHERE lang IN ({marks}) ORDER BY known, id",
        [now, now, *langs])


def last_check(db: Database, before: str) -> str | None:
    """The latest check at or before `before` (a UTC stamp), if any."""
    return db.execute("SELECT max(checked) FROM revisits WHERE checked <= ?", [before]).fetchone()[0]


def checks_since(db: Database, since: str, now: str) -> int:
    """Pages checked from `since` to `now` (UTC stamps): what the hourly budget has spent."""
    return db.execute("SELECT count(*) FROM revisits WHERE checked BETWEEN ? AND ?", [since, now]).fetchone()[0]


def status_of(db: Database, url: str) -> str | None:
    row = db.execute("SELECT status FROM items WHERE url = ?", [url]).fetchone()
    return row[0] if row else None


def record_return(db: Database, run_id: int | None, url: str, now: str) -> None:
    """A page that was gone answers again: an event, and a note in its version history
    saying since when it had been gone (the content kept is the state it returned to
    from, so its text history reads on unbroken), its significance `returned`."""
    gone = db.execute("SELECT max(at) FROM item_events WHERE url = ? AND event = 'gone'", [url]).fetchone()[0]
    events.record(db, run_id, url, "returned", now)
    columns = "title, summary, body, image_urls, published_at, content_hash"
    # The state it returned to is the state it holds: its body changes, none.
    db.execute(
        f"INSERT INTO item_versions (item_url, version, {columns}, valid_from, replaced_at, note, body_changes,"
        f" significance) SELECT url, (SELECT coalesce(max(version), 0) + 1 FROM item_versions WHERE item_url = ?),"
        f" {columns}, coalesce(last_changed, first_seen), ?, ?, '[]', ? FROM items WHERE url = ?",
        [url, now, f"gone from {gone or 'an unknown time'} until {now}, then returned", diffs.RETURNED, url])


def summary(db: Database, since: str, now: str) -> dict:
    """For `pmkz status`: the number of items, how many were checked from `since` to
    `now`, the oldest known last check, and how many have a check time after `now`
    (unknown: never counted as done)."""
    count, oldest, recent, future = db.execute(
        "SELECT count(*), min(CASE WHEN checked <= :now THEN checked END),"
        f" sum(checked BETWEEN :since AND :now), sum(checked > :now) FROM ({_LAST_CHECKS})",
        {"since": since, "now": now}).fetchone()
    return {"items": count, "oldest_check": oldest, "checked_since": recent or 0, "checked_in_future": future or 0}
