"""Crawls around the revisit schedule: a mass disappearance is an alert that marks nothing
gone, a page back after it was gone is recorded, and a killed incremental run resumes its
walk down the list so that every new item is stored."""
from __future__ import annotations

import http.server
import signal
import threading
import urllib.error
import urllib.request

import pytest

from helpers import EpochReplica, Replica, connect, crawl, free_port, path_of, start_crawl, summary, wait_for


def items(workdir) -> dict[str, dict]:
    db = connect(workdir / "pmkz.db")
    try:
        return {path_of(r["url"]): dict(r) for r in db.execute("SELECT * FROM items")}
    finally:
        db.close()


def rows(workdir, sql: str) -> list[dict]:
    db = connect(workdir / "pmkz.db")
    try:
        return [dict(r) for r in db.execute(sql)]
    finally:
        db.close()


def test_every_article_answering_404_degrades_the_run_and_marks_nothing_gone(tmp_path):
    port = str(free_port())
    first = Replica("--port", port, "--articles", "20")
    try:
        crawl(first.url, tmp_path, "--no-images")
    finally:
        first.stop()
    # Another seed on the same address: lists link other articles, every stored one is 404.
    other = Replica("--port", port, "--articles", "20", "--seed", "1")
    try:
        result = crawl(other.url, tmp_path, "--no-images", "--full")
    finally:
        other.stop()
    assert summary(result)["status"] == "degraded" and summary(result)["gone"] == 0
    [run] = rows(tmp_path, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert "re-checked pages answered 404/410" in run["error"] and "nothing marked gone" in run["error"]
    assert {r["status"] for r in items(tmp_path).values()} == {"live"}


class Redirecting(http.server.ThreadingHTTPServer):
    """Passes requests through to the replica; once `redirect` is set, every article page
    answers 302 to the front page instead."""

    def __init__(self, upstream: str):
        self.upstream, self.redirect = upstream, False
        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.server.redirect and "/news/" in self.path and "/news/page" not in self.path:
            self.send_response(302)
            self.send_header("Location", "/ru/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            with urllib.request.urlopen(self.server.upstream + self.path) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        self.send_response(status)
        for name in ("Content-Type", "Last-Modified", "ETag"):
            if headers.get(name):
                self.send_header(name, headers[name])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_every_article_redirecting_to_one_place_degrades_the_run_and_marks_nothing_gone(tmp_path):
    replica = Replica("--articles", "20")
    proxy = Redirecting(replica.url)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        crawl(proxy.url, tmp_path, "--no-images")
        proxy.redirect = True
        result = crawl(proxy.url, tmp_path, "--no-images", "--full")
    finally:
        proxy.shutdown()
        proxy.server_close()
        replica.stop()
    assert summary(result)["status"] == "degraded" and summary(result)["gone"] == 0
    [run] = rows(tmp_path, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert "re-checked pages redirect to " in run["error"] and "/ru/" in run["error"]
    assert {r["status"] for r in items(tmp_path).values()} == {"live"}


@pytest.fixture
def epochs():
    site = EpochReplica("--articles", "20")
    yield site
    site.current.stop()


def test_a_page_back_after_it_was_gone_gets_an_event_and_a_version_note(epochs, tmp_path):
    crawl(epochs.at(0).url, tmp_path, "--no-images")
    gone = summary(crawl(epochs.at(1).url, tmp_path, "--no-images", "--full"))
    assert gone["status"] == "ok" and gone["gone"] == 3
    removed = {p for p, r in items(tmp_path).items() if r["status"] == "gone"}
    back = summary(crawl(epochs.at(0).url, tmp_path, "--no-images", "--full"))
    assert back["status"] == "ok"
    stored = items(tmp_path)
    assert all(stored[p]["status"] == "live" for p in removed)
    returned = rows(tmp_path, "SELECT url FROM item_events WHERE event = 'returned'")
    assert {path_of(r["url"]) for r in returned} == removed
    notes = rows(tmp_path, "SELECT item_url, note FROM item_versions WHERE note IS NOT NULL")
    assert {path_of(r["item_url"]) for r in notes} == removed
    assert all("then returned" in r["note"] for r in notes)


def test_a_killed_incremental_walk_over_several_list_pages_resumes_and_stores_every_new_item(epochs, tmp_path):
    crawl(epochs.at(0).url, tmp_path, "--no-images")
    before = len(items(tmp_path))
    # Twenty days on: 60 new articles a language, several list pages of them.
    replica = epochs.at(20)
    process = start_crawl(replica.url, tmp_path, "--no-images", env={"PMKZ_STORE_BATCH_ITEMS": "1"})
    try:
        wait_for(lambda: process.poll() is not None or len(items(tmp_path)) >= before + 10,
                 timeout=120, what="the first new items", interval=0.02)
        assert process.poll() is None, "the crawl ended before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    killed_with = len(items(tmp_path))
    assert killed_with < before + 180
    resumed = crawl(replica.url, tmp_path, "--no-images")
    assert summary(resumed)["status"] == "ok"
    stored = items(tmp_path)
    assert {path_of(r["url"]) for r in replica.truth()} <= set(stored)
