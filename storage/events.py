"""`item_events`: what each run found (new, changed, gone, returned, reparsed items), and
what only an archive that keeps every version can see at a run's end (`diverged`,
`backdated`).

A language version `diverged`: the run found it edited (more than cosmetically) or gone,
while none of the other language versions it links (`translations`) was edited or
removed within the divergence window before the run's end. Judged when the run finds
the edit: a version that follows later does not undo it.

An item is `backdated` when the run first saw it and its publication date is earlier
than the newest publication date of its language the archive held before the run: it
was published late, or dated back. Only in a language whose news list a completed run
had walked to its end before, so a backfill still going down the list finds no such
item.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlite_utils import Database

from . import identity
from .schema import EVENTS

_EVENT_COLUMNS = (
    "e.run_id, e.url, e.event, e.at, i.lang, i.title, i.summary, i.body,"
    " i.published_date, i.published_at, i.content_hash, i.translations"
)


def record(db: Database, run_id: int | None, url: str, event: str, now: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"event must be one of {', '.join(EVENTS)}, not {event!r}")
    # Plain SQL: Table.insert() inspects the table on every call, and this runs per item.
    db.execute("INSERT INTO item_events (run_id, url, event, at) VALUES (?, ?, ?, ?)", [run_id, url, event, now])


def of_run(db: Database, run_id: int) -> list[dict]:
    return _rows(db, f"SELECT {_EVENT_COLUMNS} FROM item_events e JOIN items i ON i.url = e.url"
                     " WHERE e.run_id = ? ORDER BY e.id", [run_id])


def record_findings(db: Database, run_id: int, now: str, divergence_days: float) -> dict[str, list[str]]:
    """Record the run's `diverged` and `backdated` items (see the module's docstring)
    at its end, `now` (a UTC stamp); returns their URLs by event. Before the run marks
    the lists it walked: a list walked by this run must not vouch for it."""
    found = {"diverged": _diverged(db, run_id, _stamp_before(now, divergence_days)),
             "backdated": _backdated(db, run_id)}
    for event, urls in found.items():
        for url in urls:
            record(db, run_id, url, event, now)
    return found


def _stamp_before(stamp: str, days: float) -> str:
    return (datetime.fromisoformat(stamp) - timedelta(days=days)).isoformat(timespec="seconds")


def _diverged(db: Database, run_id: int, since: str) -> list[str]:
    moved = db.execute(
        "SELECT e.url, i.translations FROM item_events e JOIN items i ON i.url = e.url"
        " WHERE e.run_id = ? AND (e.event = 'gone' OR e.event = 'changed' AND coalesce("
        "   (SELECT v.significance FROM item_versions v WHERE v.item_url = e.url AND v.replaced_at <= e.at"
        "    ORDER BY v.version DESC LIMIT 1), '') != 'cosmetic')"
        " GROUP BY e.url ORDER BY min(e.id)", [run_id]).fetchall()
    if not moved:
        return []
    # One pass over the events, not one a version: item_events has no index by URL.
    gone = {url for (url,) in db.execute("SELECT url FROM item_events WHERE event = 'gone' AND at >= ?", [since])}
    diverged = []
    for url, translations in moved:
        others = [identity.stored_url(db, other) for other in json.loads(translations or "{}").values()]
        others = [other for other in others if other and other != url]
        if others and _any_live(db, others) and not any(other in gone or _edited_since(db, other, since)
                                                        for other in others):
            diverged.append(url)
    return diverged


def _any_live(db: Database, urls: list[str]) -> bool:
    marks = ", ".join("?" * len(urls))
    return db.execute(f"SELECT 1 FROM items WHERE url IN ({marks}) AND status = 'live' LIMIT 1", urls).fetchone() is not None


def _edited_since(db: Database, url: str, since: str) -> bool:
    """Whether the item was edited (more than cosmetically) since `since`."""
    return db.execute(
        "SELECT 1 FROM item_versions WHERE item_url = ? AND replaced_at >= ?"
        " AND coalesce(significance, '') NOT IN ('cosmetic', 'returned') LIMIT 1", [url, since]).fetchone() is not None


def _backdated(db: Database, run_id: int) -> list[str]:
    # Every walk in list_walks is an earlier run's: this run marks its own after this.
    # What came before the run is told by the run's own `new` events, not by stamps:
    # those are to the second, the run before may have ended in this run's first second,
    # and a run's clock may have been ahead.
    found = []
    for (lang,) in db.execute("SELECT lang FROM list_walks").fetchall():
        # Newest first by the date's index (`+lang`: not by the language's), to the first
        # item stored before the run: the run's new items are all it passes.
        newest = db.execute("SELECT published_date FROM items WHERE +lang = ? AND url NOT IN"
                            " (SELECT url FROM item_events WHERE run_id = ? AND event = 'new')"
                            " ORDER BY published_date DESC LIMIT 1", [lang, run_id]).fetchone()
        if newest:
            found += db.execute(
                "SELECT e.id, e.url FROM item_events e JOIN items i ON i.url = e.url WHERE e.run_id = ?"
                " AND e.event = 'new' AND i.lang = ? AND i.published_date < ?", [run_id, lang, newest[0]]).fetchall()
    return [url for _, url in sorted(found)]


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
