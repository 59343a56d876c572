"""A first backfill killed half-way resumes from its list position, not from page 1."""
from __future__ import annotations

import math
import signal
import time
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from pmkz.replica.render import PER_PAGE

ARTICLES = 150  # per language: resuming saves more requests than it spends re-checking
KILL_AFTER = 3 * ARTICLES // 2  # items stored: half-way, past the first pages of every language
RECHECK_NEWEST = 20  # per language, the crawl's default (PMKZ_RECHECK_NEWEST)


def scalar(db_path, sql):
    db = sqlite_utils.Database(db_path)
    try:
        return db.execute(sql).fetchone()[0] if db["items"].exists() else 0
    finally:
        db.close()


@pytest.mark.slow
def test_an_interrupted_backfill_resumes_where_it_stopped(replica_factory, tmp_path, forked):
    # The news lists alone: the requests counted below are theirs.
    replica = replica_factory("--articles", str(ARTICLES), "--decisions", "0")
    db_path = tmp_path / "pmkz.db"
    first = forked.start(replica.url, tmp_path, "--no-images")
    deadline = time.monotonic() + 120
    while scalar(db_path, "select count(*) from items") < KILL_AFTER and time.monotonic() < deadline:
        assert first.poll() is None, "the crawl ended before it could be interrupted"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    stored_before = scalar(db_path, "select count(*) from items")
    assert scalar(db_path, "select count(*) from list_cursors") >= 1

    resumed = forked.crawl(replica.url, tmp_path, "--no-images")
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
    # Walking again from page 1 would re-request all articles and list pages.
    # Resuming asks for what was missing, plus the 20 newest a language re-checked, at
    # most the list pages and one more a language, and the articles of the one or two
    # pages per language the position trails.
    langs = {r["lang"] for r in replica.truth()}
    articles, list_pages = len(truth), len(langs) * math.ceil(ARTICLES / PER_PAGE)
    missing = articles - stored_before
    assert run["new"] == missing
    n = len(langs)
    assert run["requests"] <= 1 + missing + n * RECHECK_NEWEST + (list_pages + n) + n * 2 * PER_PAGE
    assert run["requests"] < 1 + list_pages + articles
