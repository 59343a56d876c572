"""Crash safety: `pmkz crawl` killed with SIGKILL at 20 moments, from its start to late in
the crawl, and resumed each time, ends with the replica's full truth.

Every moment is a condition on the crawl's own progress (the process started, the
database file there, the run row written, a share of the work done), never a time: on a
busy machine a crawl may take ten times longer, or finish before any fixed second.

After every kill the database passes integrity_check, holds no half-written item, and
every image row names a complete file of its sha1. At the end: every record equal to
the truth, no duplicate rows, every image stored once and never downloaded again once
on disk, no file under images/ that no row names (half-written ones included), and every
run row closed with a final status.
"""
from __future__ import annotations

import hashlib
import signal
import time
from pathlib import Path

import pytest

from helpers import (
    archive_problems, connect, count_rows, items_problems, path_of, Replica, summary,
    wait_while_running,
)

ARTICLES = "20"  # per language: 60 pages and about 90 images, a few seconds of crawling
# Early kills: as soon as the process started (forked, not yet crawling), the moment the
# database file appears (its schema being written), the moment the first run row is visible.
EARLY = (("started", None), ("database file", None), ("run row", None))
# Later kills, once this share of the crawl's work (items stored plus image files
# written) is done, then after a few more milliseconds so a kill lands mid-write too.
LATER = tuple(n / 18 for n in range(1, 18))
EXTRA = (0.0, 0.002, 0.005, 0.01, 0.02)
# Items committed every few, so that stored items show the crawl's progress as it goes
# (by default a batch of this size commits only at the end).
BATCH_ITEMS = "5"
DEADLINE = 60.0  # seconds one run may take to reach its moment: a hung crawl fails the test


def count(workdir: Path, sql: str) -> int:
    return count_rows(workdir / "pmkz.db", sql)


def progress(workdir: Path) -> int:
    """Items committed plus image files in place."""
    files = sum(p.is_file() and ".partial" not in p.parts for p in (workdir / "images").rglob("*"))
    return count(workdir, "SELECT count(*) FROM items") + files


def moment(workdir: Path, what: str, value, total: int):
    """The condition a kill waits for, fixed before the run starts."""
    runs = count(workdir, "SELECT count(*) FROM crawl_runs")
    done = progress(workdir)
    if what == "started":
        return lambda: True
    if what == "database file":
        return lambda: (workdir / "pmkz.db").exists()
    if what == "share" and done < total:
        # At least one more item or file than the run started with.
        target = max(round(value * total), done + 1)
        return lambda: progress(workdir) >= target
    # The run row of this very run (or, all work done, a run re-checking what it has).
    return lambda: count(workdir, "SELECT count(*) FROM crawl_runs") > runs


def after_kill_problems(workdir: Path, truth: list[dict]) -> list:
    """What a kill may not leave: a damaged database, a stored item that differs from
    its record, an image row whose file is missing or incomplete."""
    if not (workdir / "pmkz.db").exists():
        return []
    db = connect(workdir / "pmkz.db")
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        problems = [] if integrity == "ok" else [("integrity_check", integrity)]
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"items", "images"} <= tables:  # killed while the schema was being created
            return problems
        problems += [p for p in items_problems(db, truth) if p[0] != "missing"]
        for row in db.execute("SELECT path, sha1 FROM images"):
            file = workdir / "images" / row["path"]
            if not file.is_file() or hashlib.sha1(file.read_bytes()).hexdigest() != row["sha1"]:
                problems.append(("image row without its complete file", row["path"]))
        return problems
    finally:
        db.close()


def identities(workdir: Path) -> dict[str, tuple[int, int]]:
    """Image file -> (inode, mtime): a file written again gets a new inode."""
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (workdir / "images").rglob("*") if p.is_file() and ".partial" not in p.parts}


@pytest.mark.slow
def test_sigkill_at_20_moments_then_resume(tmp_path, forked):
    # Each killed run is a `pmkz crawl` process forked from one that imported the crawler
    # once (the `forked` fixture): a process like any other, killed like any other.
    replica = Replica("--articles", ARTICLES)
    process = None
    try:
        truth = replica.truth()
        total = len(truth) + len({path_of(u) for r in truth for u in r["image_urls"]})
        moments = [(what, value, 0.0) for what, value in EARLY]
        moments += [("share", share, EXTRA[i % len(EXTRA)]) for i, share in enumerate(LATER)]
        assert len(moments) == 20
        kills, seen = [], {}
        for what, value, extra in moments:
            began = time.monotonic()
            condition = moment(tmp_path, what, value, total)
            process = forked.start(replica.url, tmp_path, env={"PMKZ_STORE_BATCH_ITEMS": BATCH_ITEMS})
            in_time = wait_while_running(process, condition, DEADLINE)
            time.sleep(extra)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills.append((what, value, in_time and process.returncode == -signal.SIGKILL,
                          progress(tmp_path), round(time.monotonic() - began, 1)))
            assert after_kill_problems(tmp_path, truth) == [], kills[-1]
            seen.update(identities(tmp_path))
        print(f"\nkills (moment, killed before it ended, work done of {total}, seconds in): {kills}")
        assert all(kill[2] for kill in kills), kills

        final = forked.run(replica.url, tmp_path)
        assert final.returncode == 0, final.stderr
        assert summary(final)["status"] == "ok"
    finally:
        if process is not None and process.poll() is None:  # a failed wait: the crawl goes too
            process.send_signal(signal.SIGKILL)
            process.wait()
        replica.stop()

    assert archive_problems(tmp_path / "pmkz.db", truth, tmp_path / "images") == []
    db = connect(tmp_path / "pmkz.db")
    try:
        assert db.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
        runs = [r["status"] for r in db.execute("SELECT status FROM crawl_runs ORDER BY id")]
    finally:
        db.close()
    # A run killed after it opened its row was closed as interrupted by the next one (one
    # killed after closing its own row, while writing feeds, stays ok).
    assert runs[-1] == "ok" and set(runs[:-1]) <= {"interrupted", "ok"} and len(runs) <= 21, runs
    # An image on disk was never fetched and written again.
    now = identities(tmp_path)
    assert {path: now.get(path) for path in seen} == seen
