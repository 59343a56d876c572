"""The daily digest: one message a site-day for PMKZ_NOTIFY's channels, instead of one a
run, with everything the runs since the last digest found.

Its cursor (the `notify_digest` row) holds the last run a digest covered and when it was
made; the notify step queues a digest when the site's date has changed since then, and
only then moves the cursor. The queued digest is named by where the cursor stood, so a
step that dies in between queues the same digest again in its place: nothing is sent
twice, and nothing is skipped. A digest holds the run messages notify/messages.py makes,
joined: what a run's message leaves out, the digest leaves out.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from pmkz.notify.messages import queue_run
from pmkz.site import SITE_TIMEZONE

TABLE = "notify_digest"


def ensure(db: Database, after_run: int, now: str) -> None:
    """The cursor, made at the first step that asks for a digest: the first digest covers
    the runs after `after_run`, on the next site-day."""
    if db[TABLE].exists():
        return
    with db.atomic():
        db[TABLE].insert({"id": 1, "run_id": after_run, "at": now}, pk="id", not_null=["run_id", "at"])


def cursor(db: Database) -> tuple[int, str]:
    """The last run the last digest covered, and when it was made."""
    return tuple(db.execute(f"SELECT run_id, at FROM {TABLE} WHERE id = 1").fetchone())


def due(last: str, now: str) -> bool:
    """Whether the site's date changed between two moments (ISO 8601 with an offset)."""
    zone = ZoneInfo(SITE_TIMEZONE)
    return datetime.fromisoformat(now).astimezone(zone).date() > datetime.fromisoformat(last).astimezone(zone).date()


def digest_message(db: Database, after_run: int, upto: int, since: str, now: str, *,
                   cosmetic: bool = False) -> dict | None:
    """The runs after `after_run` up to `upto` as one message, or None when they found
    nothing to tell."""
    collected = _Collected()
    for run in _runs(db, after_run, upto):
        queue_run(db, collected, run, [], cosmetic=cosmetic)
    if not collected.messages:
        return None
    joined: dict = {"digest": {"since": since, "until": now, "runs": [m["run"]["id"] for m in collected.messages]}}
    for message in collected.messages:
        for key, value in message.items():
            if isinstance(value, list):
                joined.setdefault(key, []).extend(value)
    return joined


def move(db: Database, upto: int, now: str) -> None:
    with db.atomic():
        db.execute(f"UPDATE {TABLE} SET run_id = max(run_id, ?), at = ? WHERE id = 1", [upto, now])


def _runs(db: Database, after_run: int, upto: int) -> list[dict]:
    cursor_ = db.execute("SELECT * FROM crawl_runs WHERE id > ? AND id <= ? ORDER BY id", [after_run, upto])
    names = [column[0] for column in cursor_.description]
    return [dict(zip(names, row)) for row in cursor_.fetchall()]


class _Collected:
    """An outbox that keeps what is put in it: the run messages a digest joins."""

    def __init__(self):
        self.messages: list[dict] = []

    def put(self, name: str, message: dict) -> None:
        self.messages.append(message)
