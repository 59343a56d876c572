"""`item_events`: what each run found (new, changed, gone, returned, reparsed items)."""
from __future__ import annotations

from sqlite_utils import Database

from .schema import EVENTS

_EVENT_COLUMNS = (
    "e.run_id, e.url, e.event, e.at, i.lang, i.title, i.summary, i.body,"
    " i.published_date, i.published_at, i.content_hash"
)


def record(db: Database, run_id: int | None, url: str, event: str, now: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"event must be one of {', '.join(EVENTS)}, not {event!r}")
    # Plain SQL: Table.insert() inspects the table on every call, and this runs per item.
    db.execute("INSERT INTO item_events (run_id, url, event, at) VALUES (?, ?, ?, ?)", [run_id, url, event, now])


def of_run(db: Database, run_id: int) -> list[dict]:
    return _rows(db, f"SELECT {_EVENT_COLUMNS} FROM item_events e JOIN items i ON i.url = e.url"
                     " WHERE e.run_id = ? ORDER BY e.id", [run_id])


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
