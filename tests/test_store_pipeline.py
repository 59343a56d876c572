"""The store pipeline's batches under a kill, and images already on disk.

A crawl killed mid-batch loses only uncommitted items, never half of one; the next run
fetches them again (their URLs are not known) and writes their image rows from the
files already on disk, which are not downloaded a second time.
"""
from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest


def rows(db_path: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    finally:
        db.close()


def assert_archive_complete(workdir: Path, truth: list[dict]) -> None:
    """Every truth item stored, every one of its images with a row and a file whose
    sha1 is the row's, and the full-text index in step with the items."""
    db_path = workdir / "pmkz.db"
    stored = {urlsplit(url).path: json.loads(images) for url, images in rows(db_path, "SELECT url, image_urls FROM items")}
    assert sorted(stored) == sorted(urlsplit(r["url"]).path for r in truth)
    images = {(urlsplit(item).path, urlsplit(url).path): (path, sha1)
              for item, url, path, sha1 in rows(db_path, "SELECT item_url, url, path, sha1 FROM images")}
    wanted = {(item, urlsplit(url).path) for item, urls in stored.items() for url in urls}
    assert set(images) == wanted
    for path, sha1 in images.values():
        assert hashlib.sha1((workdir / "images" / path).read_bytes()).hexdigest() == sha1
    db = sqlite3.connect(db_path)
    try:
        db.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
        assert db.execute("SELECT count(*) FROM items_fts_docsize").fetchone() == (len(stored),)
    finally:
        db.close()


@pytest.mark.slow
def test_a_crawl_killed_mid_batch_is_completed_by_the_next_run(replica_factory, tmp_path, forked):
    replica = replica_factory("--articles", "20")
    db_path = tmp_path / "pmkz.db"
    # Batches of 5 items: the first commits early in the crawl, the kill lands in the next.
    killed = forked.start(replica.url, tmp_path, env={"PMKZ_STORE_BATCH_ITEMS": "5"})
    try:
        deadline = time.monotonic() + 120
        while not rows(db_path, "SELECT 1 FROM items LIMIT 1") and killed.poll() is None:
            assert time.monotonic() < deadline, "the crawl committed nothing in two minutes"
            time.sleep(0.005)
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait()
    committed = len(rows(db_path, "SELECT url FROM items"))
    assert 0 < committed < len(replica.truth()), "the kill must land mid-crawl"
    # Whatever was committed is whole: each stored item has its event and its image rows.
    assert rows(db_path, "SELECT count(*) FROM items WHERE url NOT IN (SELECT url FROM item_events)") == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM items i WHERE json_array_length(i.image_urls) !="
                         " (SELECT count(*) FROM images m WHERE m.item_url = i.url)") == [(0,)]
    # Whole images only: a half-written one under .partial/ is the next run's to remove.
    files_before = {p: p.stat().st_mtime_ns for p in (tmp_path / "images").rglob("*")
                    if p.is_file() and ".partial" not in p.parts}

    forked.crawl(replica.url, tmp_path)
    assert_archive_complete(tmp_path, replica.truth())
    # Images the killed run had written were kept, not fetched and written again.
    assert all(p.stat().st_mtime_ns == mtime for p, mtime in files_before.items())


def test_images_and_attached_files_already_on_disk_are_not_downloaded_again(replica_factory, tmp_path, forked):
    replica = replica_factory("--articles", "10")
    first, second = tmp_path / "first", tmp_path / "second"
    forked.crawl(replica.url, first)
    second.mkdir()
    (first / "images").rename(second / "images")
    forked.crawl(replica.url, second)  # a new database, the same images dir
    (requests_first,) = rows(first / "pmkz.db", "SELECT requests FROM crawl_runs")[0]
    (requests_second,) = rows(second / "pmkz.db", "SELECT requests FROM crawl_runs")[0]
    (image_count,) = rows(first / "pmkz.db", "SELECT count(*) FROM images")[0]
    # A decision's attached files are kept in the same folder, and taken from it too.
    (file_count,) = rows(first / "pmkz.db", "SELECT count(*) FROM attachments")[0]
    assert image_count > 0 and file_count > 0
    assert requests_second == requests_first - image_count - file_count
    assert_archive_complete(second, replica.truth())


def test_a_parser_bug_records_the_page_as_failed(monkeypatch):
    """An exception no parser foresaw fails the page with its reason, never drops it."""
    import logging
    from types import SimpleNamespace

    from scrapy.http import HtmlResponse

    from pmkz.crawler.items import PageFailed
    from pmkz.crawler.parsing.selectors import KNOWN
    from pmkz.crawler.spiders import news

    def broken(*args, **kwargs):
        raise RuntimeError("index out of range")

    class Stats(dict):
        def inc_value(self, key, count=1):
            self[key] = self.get(key, 0) + count

    monkeypatch.setattr(news, "parse_page", broken)
    url = "https://primeminister.kz/ru/news/po-porucheniyu-prezidenta-dorogu-31656"
    spider = SimpleNamespace(crawler=SimpleNamespace(stats=Stats()), selectors=KNOWN, logger=logging.getLogger("test"))
    response = HtmlResponse(url, body=b"<html><h1>x</h1></html>", encoding="utf-8")
    item = news.NewsSpider.article_item(spider, response)
    assert isinstance(item, PageFailed)
    assert (item["kind"], item["error"]) == ("parse", "parser error: RuntimeError: index out of range")
    assert item["raw_html"] == response.body
