"""One real crawl of a markup whose bodies no parser can read (a script renders them):
the run is marked degraded, says why, and alerts through the webhook; once the site
serves readable pages again, the failed pages are stored and the next run is ok."""
from __future__ import annotations

import json

import pytest
import sqlite_utils

from helpers import SKINS, EpochReplica, Receiver, hidden_truth

# 5 articles a language: every page unreadable is 100% whatever their number. The raw
# archive is not the subject.
ARTICLES = "5"


@pytest.fixture
def receiver(monkeypatch):
    server = Receiver()
    monkeypatch.setenv("PMKZ_WEBHOOK_URL", server.url)
    yield server
    server.stop()


def last_run(workdir) -> dict:
    db = sqlite_utils.Database(workdir / "pmkz.db")
    try:
        return list(db["crawl_runs"].rows_where(order_by="id desc", limit=1))[0]
    finally:
        db.close()


def test_unreadable_bodies_make_a_degraded_run_that_alerts(receiver, monkeypatch, tmp_path, forked):
    monkeypatch.setenv("PMKZ_REPLICA_SKINS", str(SKINS))  # for the replica; the crawler never looks
    site = EpochReplica("--articles", ARTICLES, "--skin", "portal-scripted")  # one port, so one site
    pages = len(hidden_truth("--articles", ARTICLES, "--skin", "portal"))  # each an article page
    assert pages == 3 * int(ARTICLES)
    try:
        result = forked.crawl(site.at(0).url, tmp_path, "--no-images", "--no-warc")
        assert result.stdout.startswith(f"degraded: new 0, changed 0, unchanged 0, gone 0, failed {pages}")
        run = last_run(tmp_path)
        assert run["status"] == "degraded"
        assert run["error"] == (f"100% of {pages} article pages could not be parsed (at most 5%); "
                                f"100% of {pages} article pages had no body (at most 5%)")
        health = json.loads(run["health"])
        assert [b["check"] for b in health["breaches"]] == ["parse_failures", "body"]
        assert health["figures"]["missing"] == {"title": 0, "published": 0, "body": pages}
        [message] = receiver.messages
        assert message["run"]["status"] == "degraded" and message["new"] == []
        assert f"100% of {pages} article pages had no body (at most 5%)" in message["alerts"]

        site.options = ("--articles", ARTICLES, "--skin", "portal")  # the site is readable again
        result = forked.crawl(site.at(0).url, tmp_path, "--no-images", "--no-warc")
        assert result.stdout.startswith(f"ok: new {pages}, changed 0, unchanged 0, gone 0, failed 0")
        assert last_run(tmp_path)["status"] == "ok"
        assert receiver.messages[-1]["alerts"] == [] and len(receiver.messages[-1]["new"]) == pages
    finally:
        site.current.stop()
