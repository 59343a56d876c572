"""Parsing and image writing in worker processes (crawler/workers.py): the same answers
as inline, a dead worker costs only the tasks it held, and workers die with their crawl."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse

from conftest import crawl, wait_for
from pmkz.crawler.items import PageFailed
from pmkz.crawler.parsing import NotAnArticle, parse_article, parse_listing
from pmkz.crawler.spiders.news import NewsSpider
from pmkz.crawler.workers import WorkerDied, Workers
from test_crawl_replica import RECORD_FIELDS, path_of, snapshot

PAGES = Path(__file__).parent / "files" / "pages"
ARTICLE_URL = "https://primeminister.kz/ru/news/po-porucheniyu-prezidenta-dorogu-almaty-kaskelen-rasshiryat-do-vosmi-polos-31656"
LIST_URL = "https://primeminister.kz/ru/news"
NOT_AN_ARTICLE_URL = "https://primeminister.kz/en/news/some-page-1234"


def _worker_processes(parent_pid: int) -> list[int]:
    """PIDs of the workers (multiprocessing's spawned children) of a process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent_pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


@pytest.fixture
def workers():
    pool = Workers(1)
    yield pool
    pool.close()


def test_a_worker_answers_exactly_as_parsing_inline(workers):
    article = (PAGES / "ru-news-2026-markup.html").read_bytes()
    listing = (PAGES / "list-2026-markup-ru.html").read_bytes()

    async def both():
        return (await workers.parse_article(article, ARTICLE_URL, "utf-8"),
                await workers.parse_listing(listing, LIST_URL, None))

    record, pages = asyncio.run(both())
    assert record == parse_article(article, ARTICLE_URL, encoding="utf-8")
    assert pages == parse_listing(listing, LIST_URL)
    assert record["title"] and pages.article_urls and pages.next_url


def test_list_pages_alone_start_no_worker(workers):
    """An idle cycle parses list pages and gets 304s for its articles: no process starts."""
    listing = (PAGES / "list-2026-markup-ru.html").read_bytes()
    assert asyncio.run(workers.parse_listing(listing, LIST_URL, None)).article_urls
    assert _worker_processes(os.getpid()) == []
    article = (PAGES / "ru-news-2026-markup.html").read_bytes()
    asyncio.run(workers.parse_article(article, ARTICLE_URL, "utf-8"))
    assert len(_worker_processes(os.getpid())) == 1
    usage = workers.close()  # what the crawl's stats report of its workers
    assert usage["peak_kb"] > 10_000 and usage["cpu_s"] > 0
    assert _worker_processes(os.getpid()) == []


@pytest.mark.parametrize("count", [0, 1])
def test_an_image_is_written_whole_and_its_sha1_returned(tmp_path, count):
    workers = Workers(count)
    data = os.urandom(50_000)
    try:
        sha1 = asyncio.run(workers.store_image(tmp_path, "ab/abcdef.jpg", data))
    finally:
        workers.close()
    assert (tmp_path / "ab" / "abcdef.jpg").read_bytes() == data
    assert sha1 == hashlib.sha1(data).hexdigest()
    assert list((tmp_path / ".partial").iterdir()) == []


def test_not_an_article_comes_back_whole_from_a_worker(workers):
    page = (PAGES / "not-found-404-en.html").read_bytes()
    with pytest.raises(NotAnArticle) as inline:
        parse_article(page, NOT_AN_ARTICLE_URL, encoding="utf-8")
    with pytest.raises(NotAnArticle) as pooled:
        asyncio.run(workers.parse_article(page, NOT_AN_ARTICLE_URL, "utf-8"))
    assert (str(pooled.value), pooled.value.missing, pooled.value.found) == \
        (str(inline.value), inline.value.missing, inline.value.found)


def test_a_dead_worker_fails_only_the_page_it_held(workers):
    article = (PAGES / "ru-news-2026-markup.html").read_bytes()

    async def scenario():
        await workers.parse_article(article, ARTICLE_URL, "utf-8")  # the pool is up
        # A page that keeps its worker busy, killed while it is being parsed.
        held = asyncio.ensure_future(workers._run(time.sleep, 60))
        (pid,) = await asyncio.to_thread(wait_for, lambda: _worker_processes(os.getpid()), 20, "a worker", 0.05)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerDied, match="worker process died"):
            await held
        return await workers.parse_article(article, ARTICLE_URL, "utf-8")

    assert asyncio.run(scenario())["title"]


def test_workers_die_with_a_killed_crawl(tmp_path):
    script = textwrap.dedent(f"""
        import asyncio, sys, time
        from pmkz.crawler.workers import Workers
        if __name__ == "__main__":
            workers = Workers(2)
            page = open({str(PAGES / "ru-news-2026-markup.html")!r}, "rb").read()
            asyncio.run(workers.parse_article(page, {ARTICLE_URL!r}, "utf-8"))
            print("parsed", flush=True)
            time.sleep(600)
    """)
    (tmp_path / "crawl_stand_in.py").write_text(script)
    parent = subprocess.Popen([sys.executable, str(tmp_path / "crawl_stand_in.py")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "parsed"
        workers = wait_for(lambda: _worker_processes(parent.pid), 20, "the workers", 0.05)
        parent.kill()
        parent.wait(timeout=10)
        wait_for(lambda: not any(_alive(pid) for pid in workers), 20, "the workers to end", 0.05)
    finally:
        parent.kill()
        parent.stdout.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


class _BrokenParsers:
    async def parse_article(self, body, url, encoding):
        raise RuntimeError("index out of range\nsecond line")


class _Stats(dict):
    def inc_value(self, key, count=1, start=0):
        self[key] = self.get(key, start) + count


def test_a_parser_bug_records_the_page_as_failed():
    spider = SimpleNamespace(workers=_BrokenParsers(), crawler=SimpleNamespace(stats=_Stats()),
                             logger=logging.getLogger("test"))
    response = HtmlResponse(ARTICLE_URL, body=b"<html><h1>x</h1></html>", encoding="utf-8")
    item = asyncio.run(NewsSpider.article_item(spider, response))
    assert isinstance(item, PageFailed)
    assert (item["kind"], item["error"]) == ("parse", "parser error: RuntimeError: index out of range")
    assert item["raw_html"] == response.body


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_crawl_stores_the_truth_with_any_number_of_workers(replica_factory, tmp_path, monkeypatch, workers):
    replica = replica_factory("--articles", "15")
    monkeypatch.setenv("PMKZ_WORKERS", workers)
    crawl(replica.url, tmp_path)
    archive = snapshot(tmp_path)
    truth = {path_of(r["url"]): r for r in replica.truth()}
    assert sorted(path_of(url) for url in archive["items"]) == sorted(truth)
    for url, row in archive["items"].items():
        assert {f: row[f] for f in RECORD_FIELDS} == {f: truth[path_of(url)][f] for f in RECORD_FIELDS}
    images = {(path_of(r["url"]), path_of(u)) for r in truth.values() for u in r["image_urls"]}
    assert {(path_of(item), path_of(url)) for item, url in archive["images"]} == images
    for row in archive["images"].values():
        data = (tmp_path / "images" / row["path"]).read_bytes()
        assert hashlib.sha1(data).hexdigest() == row["sha1"]
