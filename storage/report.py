"""What `pmkz status` shows: recent runs, item counts, freshness, pending failures.

Read-only: the database must exist already; nothing here writes to it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from .connect import open_for_reading
from . import captures, revisits
from .warc import file_size
from .runs import last as last_runs


def status_report(db_path: str | Path, *, runs: int = 10, failures: int = 5, warc_dir: Path | None = None,
                  sweep: Callable[[Iterable[tuple]], float] | None = None) -> dict:
    """A dict of `runs` (newest first), `items` ({lang: {status: n}}), `newest`
    (published_date, published_at of the newest item, or None), `failure_count`,
    `oldest_failures`, `revisits` (with `sweep_hours`, what `sweep` makes of every
    item's revisit state, storage/revisits.py `states`, when given) and `captures`
    ((captures, those that cannot be read) in the WARC files of `warc_dir`, default
    warc/ beside the database)."""
    db = open_for_reading(db_path)
    try:
        items: dict[str, dict[str, int]] = {}
        for lang, status, count in db.execute(
                "SELECT lang, status, count(*) FROM items GROUP BY lang, status ORDER BY lang"):
            items.setdefault(lang, {})[status] = count
        newest = db.execute(
            "SELECT published_date, published_at FROM items"
            " ORDER BY published_date DESC, published_at DESC LIMIT 1").fetchone()
        return {
            "runs": last_runs(db, runs),
            "items": items,
            "newest": newest,
            "failure_count": db["failures"].count,
            "oldest_failures": list(db["failures"].rows_where(
                order_by="first_failed", limit=failures)),
            "revisits": _revisits(db, list(items), sweep),
            "captures": captures.unreadable(db, partial(file_size, warc_dir or Path(db_path).resolve().parent / "warc"))
            if db["captures"].exists() else None,
        }
    finally:
        db.close()


def _revisits(db, langs: list[str], sweep) -> dict | None:
    """Items checked in the last day and hour, the oldest last check, and check times in
    the future (storage/revisits.py), and what `sweep` makes of the items' states; None
    for a database from before the revisits table."""
    if not db["revisits"].exists():
        return None
    now = datetime.now(timezone.utc).replace(microsecond=0)
    day = revisits.summary(db, (now - timedelta(days=1)).isoformat(), now.isoformat())
    day["checked_last_hour"] = revisits.checks_since(db, (now - timedelta(hours=1)).isoformat(), now.isoformat())
    if sweep and langs:
        day["sweep_hours"] = sweep(revisits.states(db, langs, now.isoformat()))
    return day


def age(published_date: str, published_at: str | None, now: datetime | None = None) -> str:
    """How long ago an item was published: `3 days 4 hours`, or whole days for a date."""
    now = now or datetime.now(timezone.utc)
    if published_at is None:
        days = (now.date() - date.fromisoformat(published_date)).days
        return _plural(days, "day")
    minutes = int((now - datetime.fromisoformat(published_at)).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{_plural(days, 'day')} {_plural(hours, 'hour')}"
    if hours:
        return f"{_plural(hours, 'hour')} {_plural(minutes, 'minute')}"
    return _plural(minutes, "minute")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"
