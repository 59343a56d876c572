"""Sitemaps (crawler/sitemaps.py, storage/sitemaps.py): read with Scrapy's sitemap
utilities within their bounds, a moved lastmod re-checked ahead of the schedule and
within its budget, a page only a sitemap lists fetched, and a missing or broken sitemap
changing nothing."""
from __future__ import annotations

import contextlib
import gzip
from datetime import datetime, timedelta, timezone

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from helpers import LIBFAKETIME, EpochReplica, connect, faked_clock, items_problems, path_of, summary
from pmkz.crawler.sitemaps import MAX_DEPTH, MAX_ENTRIES, MAX_SITEMAPS, SitemapReader, Unusable, read, sitemap_urls
from pmkz.crawler.spiders.news import NewsSpider
from pmkz.storage import Store, sitemaps

BASE = "http://127.0.0.1:8123"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*entries: tuple[str, str | None]) -> bytes:
    body = "".join(f"<url><loc>{BASE}{path}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"
                   for path, lastmod in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{body}</urlset>'.encode()


def test_robots_sitemap_lines_on_the_site_then_sitemap_xml():
    robots = b"User-agent: *\nDisallow: /admin/\nSitemap: /news-sitemap.xml\nsitemap: https://elsewhere.example/s.xml\n"
    assert sitemap_urls(robots, BASE) == [f"{BASE}/news-sitemap.xml", f"{BASE}/sitemap.xml"]
    assert sitemap_urls(None, BASE) == [f"{BASE}/sitemap.xml"]


def test_a_sitemap_and_an_index_are_read_gzipped_or_not():
    kind, entries = read(urlset(("/ru/news/a-1", "2026-11-01T10:00:00+05:00"), ("/ru/news/b-2", None)), 10**6)
    assert kind == "urlset"
    assert [(e["loc"], e.get("lastmod")) for e in entries] == [
        (f"{BASE}/ru/news/a-1", "2026-11-01T10:00:00+05:00"), (f"{BASE}/ru/news/b-2", None)]
    index = f'<sitemapindex {NS}><sitemap><loc>{BASE}/s-ru.xml</loc></sitemap></sitemapindex>'.encode()
    assert read(gzip.compress(index), 10**6) == ("sitemapindex", [{"loc": f"{BASE}/s-ru.xml"}])


@pytest.mark.parametrize("body, why", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"<!DOCTYPE html><html><body><h1>404</h1></body></html>", "not a sitemap"),
    (b"User-agent: *", "not XML"),
    (gzip.compress(b"<" * 2_000_000), "larger than"),
    (b"\x1f\x8b\x08garbage", "broken gzip"),
])
def test_what_is_no_sitemap_says_why(body, why):
    with pytest.raises(Unusable, match=why):
        read(body, 1_000_000)


def test_entries_past_the_protocols_limit_are_not_read():
    _, entries = read(urlset(*((f"/ru/news/a-{n}", None) for n in range(MAX_ENTRIES + 5))), 10**8)
    assert len(entries) == MAX_ENTRIES


def test_a_first_listing_is_the_baseline_a_moved_lastmod_is_due_until_a_check_sees_it(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        db = store.db
        for n in (1, 2):
            db["items"].insert({"url": f"{BASE}/ru/news/a-{n}", "lang": "ru", "title": "t", "published_date": "2026-01-01",
                                "body": "b", "first_seen": "x", "last_seen": "x", "last_changed": "x",
                                "content_hash": "h"})
        pages = [(f"{BASE}/ru/news/a-1", "2026-01-01"), (f"{BASE}/ru/news/a-2", None), (f"{BASE}/ru/news/c-3", "d")]
        sitemaps.save_pages(db, pages, f"{BASE}/sitemap.xml", "now")
        assert sitemaps.moved(db, ["ru"], 10) == []
        assert sitemaps.unlisted(db, "", 10) == [("/ru/news/c-3", f"{BASE}/ru/news/c-3")]
        sitemaps.save_pages(db, [(f"{BASE}/ru/news/a-1", "2026-02-01"), (f"{BASE}/ru/news/a-2", "2026-02-01")],
                            f"{BASE}/sitemap.xml", "later")
        assert sitemaps.moved(db, ["ru"], 10) == [f"{BASE}/ru/news/a-1", f"{BASE}/ru/news/a-2"]
        assert sitemaps.moved(db, ["ru"], 1) == [f"{BASE}/ru/news/a-1"]
        assert sitemaps.moved(db, ["kk"], 10) == []
        # Found through another address: the same page by its path.
        sitemaps.confirm(db, "http://other:1/ru/news/a-1")
        assert sitemaps.moved(db, ["ru"], 10) == [f"{BASE}/ru/news/a-2"]
        sitemaps.mark_tried(db, ["/ru/news/c-3"], "now")
        assert sitemaps.unlisted(db, "", 10) == []


needs_faketime = pytest.mark.skipif(not LIBFAKETIME.exists(), reason="libfaketime is not installed")
# Re-checks a run may make after an hour: the sitemap reads (robots.txt, the index and
# one sitemap a language) and the 2 edits a language of epoch 1; the schedule alone,
# stalest first over 45 items, reaches few of them.
SMALL_BUDGET = 5 + 6


@pytest.fixture(scope="module")
def lastmod_crawls(tmp_path_factory, forked, faked_forked):
    """The skin with lastmod (classic): a crawl an hour ago at epoch 0, then one now
    after epoch 1 at SMALL_BUDGET."""
    workdir = tmp_path_factory.mktemp("lastmod")
    site = EpochReplica("--articles", "15", "--skin", "classic")
    env = {"PMKZ_REVISIT_BUDGET": str(SMALL_BUDGET)}
    try:
        before = site.at(0).truth()
        first = faked_forked.run(site.current.url, workdir, "--no-images",
                                 env=faked_clock(datetime.now(timezone.utc) - timedelta(hours=1), **env))
        after = site.at(1).truth()
        second = forked.run(site.current.url, workdir, "--no-images", env=env)
    finally:
        site.current.stop()
    return {"workdir": workdir, "before": before, "after": after, "first": first, "second": second}


@needs_faketime
def test_edits_are_rechecked_through_the_sitemap_in_the_first_run_after_them(lastmod_crawls):
    second, before, after = lastmod_crawls["second"], lastmod_crawls["before"], lastmod_crawls["after"]
    assert summary(second)["status"] == "ok", second.stderr
    old = {path_of(r["url"]): r for r in before}
    edited = {path_of(r["url"]): r for r in after
              if path_of(r["url"]) in old and (r["title"], r["body"]) != (old[path_of(r["url"])]["title"],
                                                                           old[path_of(r["url"])]["body"])}
    assert len(edited) == 6
    db = connect(lastmod_crawls["workdir"] / "pmkz.db")
    try:
        stored = {path_of(r["url"]): r for r in db.execute("SELECT url, title, body FROM items")}
        moved_left = db.execute("SELECT count(*) FROM sitemap_pages WHERE lastmod IS NOT confirmed").fetchone()[0]
    finally:
        db.close()
    assert {p: (stored[p]["title"], stored[p]["body"]) for p in edited} == \
           {p: (r["title"], r["body"]) for p, r in edited.items()}
    assert moved_left == 0


@needs_faketime
def test_a_page_only_the_sitemap_lists_is_stored(lastmod_crawls):
    """The classic skin's lists leave out each language's newest article (list_lag):
    every run stores it from the sitemap, and the archive holds the whole truth."""
    for run in ("first", "second"):
        assert summary(lastmod_crawls[run])["status"] == "ok", lastmod_crawls[run].stderr
    newest = {r["lang"]: path_of(r["url"]) for r in reversed(lastmod_crawls["after"])}
    db = connect(lastmod_crawls["workdir"] / "pmkz.db")
    try:
        stored = {path_of(url) for (url,) in db.execute("SELECT url FROM items")}
        assert set(newest.values()) <= stored
        assert not [p for p in items_problems(db, lastmod_crawls["after"]) if "missing" in str(p)]
    finally:
        db.close()


class StoringRun:
    """The crawl run as the reader uses it: the database, and its batch of writes."""

    def __init__(self, store):
        self.store, self.db, self.writes = store, store.db, self

    @contextlib.contextmanager
    def item(self):
        yield self.store


def reader_on(store, max_size: int = 10**6):
    spider = NewsSpider(base_url=BASE)
    spider.crawler = get_crawler(NewsSpider, {"DOWNLOAD_MAXSIZE": max_size})
    spider.crawler.stats.open_spider()
    spider.base_url = BASE
    spider._crawl_run = StoringRun(store)
    return SitemapReader(spider)


def answer(reader, url: str, status: int, body: bytes, headers=None, request=None):
    """The request the reader makes for `url` (or `request`), and what it follows on
    this answer to it."""
    [request] = [request] if request else reader.request(url, depth=0, parent=None)
    response = Response(url, status=status, body=body, headers=headers or {}, request=request)
    return request, list(request.callback(response, **request.cb_kwargs))


@pytest.mark.parametrize("status, body", [
    (404, b"<html>not found</html>"), (200, b""), (200, b"<html><body>a page</body></html>"),
    (200, gzip.compress(b" " * 2_000_000)),
])
def test_a_missing_or_broken_sitemap_is_one_line_and_changes_nothing(tmp_path, caplog, status, body):
    with Store(tmp_path / "pmkz.db") as store:
        reader = reader_on(store)
        with caplog.at_level("INFO", logger="pmkz.crawler.sitemaps"):
            _, followed = answer(reader, f"{BASE}/sitemap.xml", status, body)
        assert followed == []
        assert [r.message for r in caplog.records if "not used" in r.message] == \
               [caplog.records[-1].message] and "\n" not in caplog.records[-1].message
        assert store.db.execute("SELECT count(*) FROM sitemaps").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM sitemap_pages").fetchone()[0] == 0


def test_a_sitemap_read_is_asked_again_conditionally_and_an_unchanged_index_still_asks_its_sitemaps(tmp_path):
    index = f'<sitemapindex {NS}><sitemap><loc>{BASE}/s-ru.xml</loc></sitemap>' \
            f'<sitemap><loc>http://elsewhere.example/s.xml</loc></sitemap></sitemapindex>'.encode()
    with Store(tmp_path / "pmkz.db") as store:
        reader = reader_on(store)
        request, followed = answer(reader, f"{BASE}/sitemap.xml", 200, index, {"ETag": '"i1"'})
        assert "If-None-Match" not in request.headers
        assert [r.url for r in followed] == [f"{BASE}/s-ru.xml"]
        answer(reader, f"{BASE}/s-ru.xml", 200, urlset(("/ru/news/a-1", "2026-01-01"), ("/ru/about", None)),
               request=followed[0])
        assert [row[0] for row in store.db.execute("SELECT path FROM sitemap_pages")] == ["/ru/news/a-1"]
        again = reader_on(store)
        request, followed = answer(again, f"{BASE}/sitemap.xml", 304, b"")
        assert request.headers["If-None-Match"] == b'"i1"'
        assert [r.url for r in followed] == [f"{BASE}/s-ru.xml"]


def test_the_files_a_run_asks_for_are_bounded(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        reader = reader_on(store)
        asked = [r for n in range(MAX_SITEMAPS + 10) for r in reader.request(f"{BASE}/s-{n}.xml", 0, None)]
        assert len(asked) == MAX_SITEMAPS
        assert list(reader_on(store).request(f"{BASE}/deep.xml", MAX_DEPTH + 1, None)) == []


def test_a_page_only_a_sitemap_lists_is_asked_for_until_it_answers_that_it_is_not_there(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        sitemaps.save_pages(store.db, [(f"{BASE}/ru/news/moved-5", None), (f"{BASE}/ru/news/gone-6", None),
                                       (f"{BASE}/en/news/other-7", None)], f"{BASE}/sitemap.xml", "now")
        spider = reader_on(store).spider
        spider.langs = ["ru"]

        def asked() -> list[Request]:
            spider._unlisted_after = ""
            return spider._unlisted_slice()

        gone, moved = asked()
        assert [gone.url, moved.url] == [f"{BASE}/ru/news/gone-6", f"{BASE}/ru/news/moved-5"]
        redirected = moved.replace(meta={**moved.meta, "redirect_urls": [moved.url]})
        list(spider.parse_article_page(Response(gone.url, status=404, request=gone)))
        assert [r.url for r in asked()] == [moved.url]
        list(spider.parse_article_page(Response(f"{BASE}/ru/", request=redirected)))
        assert asked() == []


def test_a_lastmod_that_moves_on_most_pages_at_once_is_not_taken_for_edits(tmp_path, caplog):
    pages = [f"/ru/news/page-{n}" for n in range(40)]
    with Store(tmp_path / "pmkz.db") as store:
        def read_with(lastmod_of) -> int:
            answer(reader_on(store), f"{BASE}/s.xml", 200, urlset(*((p, lastmod_of(n)) for n, p in enumerate(pages))))
            return store.db.execute("SELECT count(*) FROM sitemap_pages WHERE lastmod IS NOT confirmed").fetchone()[0]

        assert read_with(lambda n: "2026-01-01") == 0
        with caplog.at_level("INFO", logger="pmkz.crawler.sitemaps"):
            assert read_with(lambda n: "2026-01-02") == 0  # every page: the file's date
        assert "the lastmod of 40 of its 40 pages moved at once" in caplog.text
        assert read_with(lambda n: "2026-01-03" if n < 3 else "2026-01-02") == 3  # edits


def test_listed_pages_not_stored_are_looked_up_by_path_not_by_a_scan_of_every_item(tmp_path):
    # A large archive's hourly run asks for the pages only the sitemap lists: each must
    # be one look-up in the items' path index, not a pass over every stored item.
    with Store(tmp_path / "pmkz.db") as store:
        db = store.db
        db["items"].insert_all({"url": f"{BASE}/ru/news/a-{n}", "lang": "ru", "title": "t", "published_date": "2026-01-01",
                                "body": "b", "first_seen": "x", "last_seen": "x", "last_changed": "x",
                                "content_hash": "h"} for n in range(3000))
        sitemaps.save_pages(db, [(f"{BASE}/ru/news/b-{n}", None) for n in range(100)], f"{BASE}/sitemap.xml", "now")
        steps = []
        db.conn.set_progress_handler(lambda: steps.append(1), 1000)  # every 1,000 virtual machine steps
        try:
            assert len(sitemaps.unlisted(db, "", 100)) == 100
        finally:
            db.conn.set_progress_handler(None, 1000)
    # A scan per page is at least 100 x 3,000 rows, hundreds of thousands of steps.
    assert len(steps) < 100, len(steps)
