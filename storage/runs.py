"""The `crawl_runs` log: one row per crawl, opened as 'running' and closed with counts."""
from __future__ import annotations

import json
import os

from sqlite_utils import Database

from .schema import RUN_COUNTS, RUN_STATUSES


def start(db: Database, base_url: str, mode: str, now: str) -> int:
    """Open a run row; its counts stay 0 until `finish`.

    A row still 'running' whose process is gone was killed mid-crawl: it is closed as
    'interrupted' here, so every run row ends with a final status.
    """
    for run_id, pid in db.execute("SELECT id, pid FROM crawl_runs WHERE status = 'running'").fetchall():
        if not process_alive(pid):
            db["crawl_runs"].update(run_id, {"status": "interrupted", "error": "the crawl process died"})
    table = db["crawl_runs"].insert({
        "started": now, "status": "running", "base_url": base_url, "mode": mode,
        "requests": 0, **{name: 0 for name in RUN_COUNTS}, "pid": os.getpid(),
    })
    return table.last_pk


def fail_started_since(db: Database, started: str, error: str) -> None:
    """Mark runs begun at or after `started` that did not end well as failed (time limit)."""
    db.execute(
        "UPDATE crawl_runs SET status = 'failed', error = ? WHERE started >= ?"
        " AND status IN ('running', 'interrupted')", [error, started])


def get(db: Database, run_id: int) -> dict:
    return db["crawl_runs"].get(run_id)


def process_alive(pid: int | None) -> bool:
    """Whether a process of this machine with that pid still runs."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish(db: Database, run_id: int, status: str, counts: dict, requests: int,
           error: str | None, now: str) -> None:
    """Close a run with its final status and counts (missing counts are 0)."""
    if status not in RUN_STATUSES or status == "running":
        raise ValueError(f"run status must be ok, degraded, failed or interrupted, not {status!r}")
    unknown = set(counts) - set(RUN_COUNTS)
    if unknown:
        raise ValueError(f"unknown run counts: {', '.join(sorted(unknown))}")
    db["crawl_runs"].update(run_id, {
        "ended": now, "status": status, "requests": requests, "error": error,
        **{name: counts.get(name, 0) for name in RUN_COUNTS},
    })


def record_health(db: Database, run_id: int, health: dict) -> None:
    """Keep a run's health figures and breached checks (crawler/health) as JSON."""
    db["crawl_runs"].update(run_id, {"health": json.dumps(health, ensure_ascii=False, sort_keys=True)})


def recent_health(db: Database, before_id: int, n: int) -> list[dict]:
    """The health of up to `n` completed runs before run `before_id`, newest first."""
    rows = db.execute(
        "SELECT health FROM crawl_runs WHERE id < ? AND status IN ('ok', 'degraded')"
        " AND health IS NOT NULL ORDER BY id DESC LIMIT ?", [before_id, n]).fetchall()
    return [json.loads(health) for (health,) in rows]


def last(db: Database, n: int) -> list[dict]:
    """The `n` most recent runs, newest first."""
    return list(db["crawl_runs"].rows_where(order_by="id DESC", limit=n))
