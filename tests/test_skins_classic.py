"""The 2019 markup (`--skin classic`): lists at /<p>/news/page/N from 0 with no link to
the next page, title in h1.main-news-item__head, date in the first div.date. The crawler,
told nothing of it, must store the same truth as from the default skin, and its
incremental runs must stop early on lists without next links too."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from helpers import RECORD_FIELDS, EpochReplica, hidden_replica

# No decisions: the news lists and articles in the 2019 markup are the subject (the
# decisions of each skin are tests/test_decisions_crawl.py's).
OPTIONS = ("--articles", "45", "--skin", "classic", "--decisions", "0")


def path_of(url: str) -> str:
    return urlsplit(url).path


def get(url: str) -> tuple[int, str | None, bytes]:
    """(status, Location, body) of one GET, redirects not followed."""
    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        with urllib.request.build_opener(Keep).open(url, timeout=10) as response:
            return response.status, None, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location"), error.read()


def stored(workdir) -> dict:
    db = sqlite_utils.Database(workdir / "pmkz.db")
    try:
        return {
            "items": {path_of(r["url"]): r for r in db["items"].rows},
            "runs": list(db["crawl_runs"].rows_where(order_by="id")),
            "images": db["images"].count,
        }
    finally:
        db.close()


def mismatches(truth: list[dict], items: dict) -> list:
    """(path, field) of every stored value that differs from the truth, URLs by path."""
    found = []
    for want in truth:
        row = items[path_of(want["url"])]
        found += [(row["url"], f) for f in RECORD_FIELDS if row[f] != want[f]]
        if [path_of(u) for u in json.loads(row["image_urls"])] != [path_of(u) for u in want["image_urls"]]:
            found.append((row["url"], "image_urls"))
        if {k: path_of(u) for k, u in json.loads(row["translations"]).items()} != \
                {k: path_of(u) for k, u in want["translations"].items()}:
            found.append((row["url"], "translations"))
    return found


@pytest.fixture(scope="module")
def site():
    replica = EpochReplica(*OPTIONS)
    replica.at(0)
    yield replica
    replica.current.stop()


def test_lists_are_numbered_from_zero_without_next_links(site):
    base = site.current.url
    status, location, _ = get(f"{base}/ru/news")
    assert (status, location) == (301, "/ru/news/page/0")
    pages = [get(f"{base}/ru/news/page/{n}")[2].decode() for n in range(4)]
    counts = [len(re.findall(r'<a class="item" href="/ru/news/', page)) for page in pages]
    # 45 articles less the newest, which only the sitemap shows (skin.json's list_lag).
    assert counts == [20, 20, 4, 0]
    assert not any(re.search(r'rel="next"|>\s*(?:Далее|Следующая|\d+)\s*</a>', page) for page in pages)
    article = re.search(r'<a class="item" href="([^"]+)"', pages[0])[1]
    page = get(base + article)[2].decode()
    assert '<h1 class="main-news-item__head">' in page and '<div class="navi">' in page
    assert page.index('<div class="date">') < page.index('<div class="last-news">')


@pytest.mark.slow
def test_the_crawler_stores_the_same_truth_from_the_2019_markup(site, tmp_path_factory, forked):
    workdir = tmp_path_factory.mktemp("classic")
    first = forked.crawl(site.current.url, workdir)
    truth = site.current.truth()
    archive = stored(workdir)
    # 45 articles per language.
    assert first.stdout.startswith(f"ok: new {3 * 45}, changed 0, unchanged 0, gone 0, failed 0")
    assert len(truth) == 3 * 45
    assert sorted(archive["items"]) == sorted(path_of(r["url"]) for r in truth)
    assert mismatches(truth, archive["items"]) == []
    assert archive["images"] == sum(len(r["image_urls"]) for r in truth)
    # Pages 0 to 3 per language: the fourth is empty and ends the walk.
    assert json.loads(archive["runs"][0]["health"])["figures"]["list_pages"] == 12

    # A day later, an incremental run finds the day's changes from page 0 and stops at
    # page 1, the first with nothing new.
    before = set(archive["items"])
    replica = site.at(1)
    second = forked.crawl(replica.url, workdir)
    assert second.stdout.startswith("ok: new 9,")
    archive = stored(workdir)
    live = {path: row for path, row in archive["items"].items() if row["status"] == "live"}
    truth = replica.truth()
    # Every page of the site is stored; a page taken down waits for its re-check, which
    # the revisit schedule makes by the clock, not on a run right after the last one
    # (tests/test_revisit_*.py).
    assert {path_of(r["url"]) for r in truth} <= set(live)
    published = [r for r in truth if path_of(r["url"]) not in before]
    assert len(published) == 9 and mismatches(published, live) == []
    assert json.loads(archive["runs"][1]["health"])["figures"]["list_pages"] == 6


def test_a_numbered_list_that_answers_404_past_its_end_ends_there(tmp_path, forked):
    # No decisions: the numbered news lists are the subject.
    replica = hidden_replica("--skin", "classic-404", "--articles", "25", "--decisions", "0")
    try:
        # 25 articles per language.
        assert forked.crawl(replica.url, tmp_path, "--no-images").stdout.startswith(
            f"ok: new {3 * 25}, changed 0, unchanged 0, gone 0, failed 0")
        # The walk reached the end, so the next run stops at the first page with nothing
        # new (and the revisit policy has no stored page due yet).
        assert forked.crawl(replica.url, tmp_path, "--no-images").stdout.startswith(
            "ok: new 0, changed 0, unchanged 0, gone 0, failed 0")
    finally:
        replica.stop()
    runs = stored(tmp_path)["runs"]
    assert [json.loads(r["health"])["figures"]["list_pages"] for r in runs] == [6, 3]
