"""A first backfill killed half-way resumes from its list position, not from page 1."""
from __future__ import annotations

import signal
import time
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from helpers import crawl, start_crawl


def scalar(db_path, sql):
    db = sqlite_utils.Database(db_path)
    try:
        return db.execute(sql).fetchone()[0] if db["items"].exists() else 0
    finally:
        db.close()


@pytest.mark.slow
def test_an_interrupted_backfill_resumes_where_it_stopped(replica_factory, tmp_path):
    # The news lists alone: the requests counted below are theirs.
    replica = replica_factory("--articles", "400", "--decisions", "0")
    db_path = tmp_path / "pmkz.db"
    first = start_crawl(replica.url, tmp_path, "--no-images")
    deadline = time.monotonic() + 120
    while scalar(db_path, "select count(*) from items") < 300 and time.monotonic() < deadline:
        assert first.poll() is None, "the crawl ended before it could be interrupted"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    stored_before = scalar(db_path, "select count(*) from items")
    assert scalar(db_path, "select count(*) from list_cursors") >= 1

    resumed = crawl(replica.url, tmp_path, "--no-images")
    assert resumed.stdout.startswith("ok: ")
    truth = {urlsplit(r["url"]).path for r in replica.truth()}
    db = sqlite_utils.Database(db_path)
    try:
        stored = {urlsplit(r["url"]).path for r in db["items"].rows}
        [run] = db.query("select * from crawl_runs order by id desc limit 1")
        assert db.execute("select count(*) from list_cursors").fetchone()[0] == 0
        statuses = [r["status"] for r in db.query("select status from crawl_runs order by id")]
    finally:
        db.close()
    assert stored == truth
    assert statuses == ["interrupted", "ok"]
    # Walking again from page 1 would re-request all 1,200 articles and 60 list pages.
    # Resuming asks for what was missing, plus the 60 newest re-checked, at most 63 list
    # pages, and the articles of the one or two pages per language the position trails.
    missing = 1200 - stored_before
    assert run["new"] == missing
    assert run["requests"] <= 1 + missing + 60 + 63 + 3 * 40
    assert run["requests"] < 1 + 60 + 1200
