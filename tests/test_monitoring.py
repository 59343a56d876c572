"""Change detection across replica epochs, and what an idle incremental run costs."""
from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from datetime import datetime, timezone

from helpers import LIBFAKETIME, EpochReplica, Replica, faked_clock

pytestmark = pytest.mark.slow


def rows(workdir, sql, params=()):
    db = sqlite_utils.Database(workdir / "pmkz.db")
    try:
        return [dict(r) for r in db.query(sql, params)]
    finally:
        db.close()


def summary(result) -> str:
    return result.stdout.split(" (")[0]


# 30 articles a language: beyond the newest 20 (replica/epochs.py RECENT) each language
# keeps older articles, one of which each epoch edits.
ARTICLES = "30"
BACKFILL_AT = datetime(2026, 10, 31, 19, tzinfo=timezone.utc)


needs_faketime = pytest.mark.skipif(not LIBFAKETIME.exists(), reason="libfaketime is not installed (scripts/install-test-tools.sh)")


@pytest.fixture(scope="module")
def epochs():
    site = EpochReplica("--articles", ARTICLES)
    yield site
    site.current.stop()


@pytest.fixture(scope="module")
def backfill(epochs, tmp_path_factory, request):
    """Epoch 0 crawled once, on the replica's own clock as epoch 0 begins (the
    incremental run below comes a day later); then the replica moves on to epoch 1.
    Tests crawl copies of it on."""
    workdir = tmp_path_factory.mktemp("backfill")
    replica = epochs.at(0)
    if LIBFAKETIME.exists():
        result = request.getfixturevalue("faked_forked").run(replica.url, workdir, "--no-images", env=faked_clock(BACKFILL_AT))
    else:
        result = request.getfixturevalue("forked").run(replica.url, workdir, "--no-images")
    assert result.returncode == 0, result.stderr
    truth0 = replica.truth()
    replica = epochs.at(1)
    return {"workdir": workdir, "result": result, "truth0": truth0, "replica": replica, "truth1": replica.truth()}


@pytest.fixture
def archive(backfill, tmp_path):
    workdir = tmp_path / "archive"
    shutil.copytree(backfill["workdir"], workdir)
    return workdir


def test_a_full_recheck_finds_exactly_what_one_epoch_changed(backfill, archive, forked):
    tmp_path, replica = archive, backfill["replica"]
    old = {urlsplit(r["url"]).path: r for r in backfill["truth0"]}
    new = {urlsplit(r["url"]).path: r for r in backfill["truth1"]}
    edited = [p for p in set(old) & set(new) if (old[p]["title"], old[p]["body"]) != (new[p]["title"], new[p]["body"])]
    # 30 articles and the replica's 3 decisions per language; an epoch leaves decisions
    # be, and per language publishes 3, edits 2 and removes 1.
    assert len(old) == 3 * (int(ARTICLES) + 3) and (len(set(new) - set(old)), len(edited), len(set(old) - set(new))) == (9, 6, 3)
    assert summary(backfill["result"]) == f"ok: new {len(old)}, changed 0, unchanged 0, gone 0, failed 0"
    before = {r["url"]: r for r in rows(tmp_path, "select * from items")}
    assert summary(forked.crawl(replica.url, tmp_path, "--no-images", "--full")) == \
        f"ok: new 9, changed 6, unchanged {len(old) - 6 - 3}, gone 3, failed 0"

    after = {r["url"]: r for r in rows(tmp_path, "select * from items")}
    truth = {urlsplit(r["url"]).path: r for r in replica.truth()}
    assert {urlsplit(u).path for u, r in after.items() if r["status"] == "live"} == set(truth)
    changed = [u for u in before if after[u]["content_hash"] != before[u]["content_hash"]]
    versions = rows(tmp_path, "select * from item_versions")
    assert sorted(v["item_url"] for v in versions) == sorted(changed) and len(changed) == 6
    for version in versions:
        assert version["content_hash"] == before[version["item_url"]]["content_hash"]
        assert version["body"] == before[version["item_url"]]["body"]
    # Nothing else moved: every other stored item is as it was, bar when it was last
    # seen and its HTTP validators (the replica's sidebar changes every page's ETag).
    volatile = {"last_seen", "etag", "http_last_modified"}
    for url, row in before.items():
        if url not in changed and after[url]["status"] == "live":
            assert {k: v for k, v in after[url].items() if k not in volatile} == \
                   {k: v for k, v in row.items() if k not in volatile}


@needs_faketime
def test_an_incremental_run_catches_edits_and_removals_among_the_newest(backfill, archive, faked_forked):
    # On the replica's own clock: the backfill as epoch 0 begins, the incremental run a
    # day later, when the revisit policy re-checks the items of the last days.
    tmp_path, replica = archive, backfill["replica"]
    result = faked_forked.run(replica.url, tmp_path, "--no-images", env=faked_clock(datetime(2026, 11, 1, 19, tzinfo=timezone.utc)))
    # Per language the replica removes one of the newest 20 and edits one of them and
    # one older article. The incremental run sees every change among the newest 20;
    # an older edit it sees when the policy's sweep re-checks it.
    assert summary(result).startswith("ok: new 9, changed ")
    assert ", gone 3, failed 0" in summary(result)
    stored = {urlsplit(r["url"]).path: r for r in rows(tmp_path, "select * from items where status = 'live'")}
    newest = {}
    for record in replica.truth():  # newest first per language
        newest.setdefault(record["lang"], []).append(record)
    for records in newest.values():
        assert len(records) > 20  # older articles too
        for record in records[:20]:
            row = stored[urlsplit(record["url"]).path]
            assert (row["title"], row["body"]) == (record["title"], record["body"])
    assert len(rows(tmp_path, "select url from items where status = 'gone'")) == 3


@pytest.mark.parametrize("articles", [10, 300])
def test_an_idle_incremental_run_costs_the_same_whatever_the_archive_size(tmp_path, articles, request, forked):
    # 300 articles: the session's replica of that size (conftest.py), started once.
    replica = request.getfixturevalue("replica_300") if articles == 300 else Replica("--articles", str(articles))
    try:
        forked.crawl(replica.url, tmp_path, "--no-images")
        idle = forked.crawl(replica.url, tmp_path, "--no-images")
    finally:
        if articles != 300:
            replica.stop()
    [run] = rows(tmp_path, "select * from crawl_runs order by id desc limit 1")
    assert (run["new"], run["changed"], run["gone"], run["failed"]) == (0, 0, 0, 0)
    # robots.txt and page 1 of each list (news and decisions, per language): stored pages
    # a list links are not fetched again, and a moment after the backfill the revisit
    # policy has nothing due. robots.txt and the sitemap are read once more for the
    # sitemap (crawler/sitemaps.py).
    assert run["requests"] == 1 + 2 + 3 + 3, idle.stdout
