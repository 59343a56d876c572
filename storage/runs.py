"""The `crawl_runs` log: one row per crawl, opened as 'running' and closed with counts."""
from __future__ import annotations

from sqlite_utils import Database

from .schema import RUN_COUNTS, RUN_STATUSES


def start(db: Database, base_url: str, mode: str, now: str) -> int:
    """Open a run row; its counts stay 0 until `finish`."""
    table = db["crawl_runs"].insert({
        "started": now, "status": "running", "base_url": base_url, "mode": mode,
        "requests": 0, **{name: 0 for name in RUN_COUNTS},
    })
    return table.last_pk


def finish(db: Database, run_id: int, status: str, counts: dict, requests: int,
           error: str | None, now: str) -> None:
    """Close a run with its final status and counts (missing counts are 0)."""
    if status not in RUN_STATUSES or status == "running":
        raise ValueError(f"run status must be ok, failed or interrupted, not {status!r}")
    unknown = set(counts) - set(RUN_COUNTS)
    if unknown:
        raise ValueError(f"unknown run counts: {', '.join(sorted(unknown))}")
    db["crawl_runs"].update(run_id, {
        "ended": now, "status": status, "requests": requests, "error": error,
        **{name: counts.get(name, 0) for name in RUN_COUNTS},
    })


def last(db: Database, n: int) -> list[dict]:
    """The `n` most recent runs, newest first."""
    return list(db["crawl_runs"].rows_where(order_by="id DESC", limit=n))
