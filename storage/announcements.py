"""Which runs' news has gone out: the cursor of the notify step (notify/after_run.py).

A run's webhook messages are queued after the run has stored its items, by the same
process; one that dies in between (its stdout closed, killed mid-crawl) must not lose
them. So each notify step announces every run after the cursor up to its own, then
moves the cursor. One row. An archive made before the cursor starts with every run it
holds counted as announced, as the notify step of its time did.
"""
from __future__ import annotations

from sqlite_utils import Database

TABLE = "notify_cursor"


def ensure(db: Database) -> None:
    if db[TABLE].exists():
        return
    # Table and row in one transaction: a table without its row would announce nothing.
    with db.atomic():
        newest = db.execute("SELECT max(id) FROM crawl_runs").fetchone()[0]
        db[TABLE].insert({"id": 1, "run_id": newest or 0, "at": None}, pk="id", not_null=["run_id"])


def unannounced_runs(db: Database, upto: int) -> list[dict]:
    """The runs after the cursor, up to and including run `upto`, oldest first."""
    cursor = db.execute(
        f"SELECT r.* FROM crawl_runs r, {TABLE} c WHERE r.id > c.run_id AND r.id <= ? ORDER BY r.id", [upto])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def mark_announced(db: Database, upto: int, now: str) -> None:
    """Every run up to `upto` announced; the cursor never moves back."""
    with db.atomic():
        db.execute(f"UPDATE {TABLE} SET run_id = max(run_id, ?), at = ? WHERE id = 1", [upto, now])
