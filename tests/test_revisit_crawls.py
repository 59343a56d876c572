"""Crawls around the revisit schedule: a mass disappearance is an alert that marks nothing
gone, a page back after it was gone is recorded, and a killed incremental run resumes its
walk down the list so that every new item is stored.

One epoch-0 crawl of the module's replica (on one fixed port) is shared: each test
crawls a copy of it on, at the epoch, seed or through the proxy it needs."""
from __future__ import annotations

import http.server
import shutil
import signal
import threading
import urllib.error
import urllib.request

import pytest

from helpers import EpochReplica, Replica, connect, path_of, summary, wait_for


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


class Site(EpochReplica):
    """The module's replica on its one port, restarted only when asked for other options
    (another epoch, another seed)."""

    def serve(self, *options: str) -> Replica:
        options = ("--port", str(self.port), *options, *self.options)
        if self.current is None or self.current.options != options:
            if self.current:
                self.current.stop()
            self.current = Replica(*options)
        return self.current

    def at(self, epoch: int) -> Replica:
        return self.serve("--epoch", str(epoch))


@pytest.fixture(scope="module")
def epochs():
    site = Site("--articles", "20")
    yield site
    site.current.stop()


@pytest.fixture(scope="module")
def epoch_0(epochs, forked, tmp_path_factory):
    """The replica at epoch 0 crawled once; tests crawl copies of it on."""
    workdir = tmp_path_factory.mktemp("epoch-0")
    forked.crawl(epochs.at(0).url, workdir, "--no-images")
    return workdir


@pytest.fixture
def archive(epoch_0, tmp_path):
    """A copy of the epoch-0 crawl (database, WARC files, logs) for one test to move on."""
    workdir = tmp_path / "archive"
    shutil.copytree(epoch_0, workdir)
    return workdir


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


def test_every_article_redirecting_to_one_place_degrades_the_run_and_marks_nothing_gone(epochs, archive, forked):
    # The archive of epoch 0, re-checked through a proxy on which every article page
    # redirects to the front page (an item is its path: the proxy's address is the site's).
    proxy = Redirecting(epochs.at(0).url)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        proxy.redirect = True
        result = forked.crawl(proxy.url, archive, "--no-images", "--full")
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert summary(result)["status"] == "degraded" and summary(result)["gone"] == 0
    [run] = rows(archive, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert "re-checked pages redirect to " in run["error"] and "/ru/" in run["error"]
    assert {r["status"] for r in items(archive).values()} == {"live"}


def test_every_article_answering_404_degrades_the_run_and_marks_nothing_gone(epochs, archive, forked):
    # Another seed on the same address: lists link other articles, every stored one is 404.
    result = forked.crawl(epochs.serve("--seed", "1").url, archive, "--no-images", "--full")
    assert summary(result)["status"] == "degraded" and summary(result)["gone"] == 0
    [run] = rows(archive, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert "re-checked pages answered 404/410" in run["error"] and "nothing marked gone" in run["error"]
    assert {r["status"] for r in items(archive).values()} == {"live"}


def test_a_page_back_after_it_was_gone_gets_an_event_and_a_version_note(epochs, archive, forked):
    gone = summary(forked.crawl(epochs.at(1).url, archive, "--no-images", "--full"))
    assert gone["status"] == "ok" and gone["gone"] == 3
    removed = {p for p, r in items(archive).items() if r["status"] == "gone"}
    back = summary(forked.crawl(epochs.at(0).url, archive, "--no-images", "--full"))
    assert back["status"] == "ok"
    stored = items(archive)
    assert all(stored[p]["status"] == "live" for p in removed)
    returned = rows(archive, "SELECT url FROM item_events WHERE event = 'returned'")
    assert {path_of(r["url"]) for r in returned} == removed
    notes = rows(archive, "SELECT item_url, note FROM item_versions WHERE note IS NOT NULL")
    assert {path_of(r["item_url"]) for r in notes} == removed
    assert all("then returned" in r["note"] for r in notes)


def test_a_killed_incremental_walk_over_several_list_pages_resumes_and_stores_every_new_item(epochs, archive, forked):
    before = len(items(archive))
    # Twenty days on: 60 new articles a language, several list pages of them.
    replica = epochs.at(20)
    process = forked.start(replica.url, archive, "--no-images", env={"PMKZ_STORE_BATCH_ITEMS": "1"})
    try:
        wait_for(lambda: process.poll() is not None or len(items(archive)) >= before + 10,
                 timeout=120, what="the first new items", interval=0.02)
        assert process.poll() is None, "the crawl ended before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    killed_with = len(items(archive))
    assert killed_with < before + 180
    resumed = forked.crawl(replica.url, archive, "--no-images")
    assert summary(resumed)["status"] == "ok"
    stored = items(archive)
    assert {path_of(r["url"]) for r in replica.truth()} <= set(stored)
