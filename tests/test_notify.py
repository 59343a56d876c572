"""Atom feeds and the webhook, after real crawls of the replica."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
from lxml import etree

from helpers import Replica, crawl
from test_monitoring import EpochReplica

ATOM = "{http://www.w3.org/2005/Atom}"


class Receiver:
    """A local webhook receiver that fails the first `failures` deliveries with 500."""

    def __init__(self, failures: int = 0):
        self.messages, self.attempts, self.failures = [], 0, failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.attempts += 1
                if receiver.attempts <= receiver.failures:
                    self.send_response(500)
                else:
                    receiver.messages.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver(failures=2)
    yield server
    server.stop()


def test_atom_feeds_are_valid_and_list_new_items_newest_first(replica_factory, tmp_path):
    replica = replica_factory("--articles", "12")
    crawl(replica.url, tmp_path, "--no-images")
    truth = replica.truth()
    for lang in ("ru", "kk", "en"):
        raw = (tmp_path / "feeds" / f"{lang}.atom").read_bytes()
        parsed = feedparser.parse(raw)
        assert not parsed.bozo and parsed.version == "atom10"
        root = etree.fromstring(raw)
        for required in ("id", "title", "updated", "author"):
            assert root.find(ATOM + required) is not None
        for entry in root.findall(ATOM + "entry"):
            for required in ("id", "title", "updated", "link"):
                assert entry.find(ATOM + required) is not None
        assert len(parsed.entries) == 12
        titles = {r["title"] for r in truth if r["lang"] == lang}
        assert {e.title for e in parsed.entries} == titles


def test_webhook_gets_each_run_once_with_its_items_despite_failures(receiver, tmp_path, monkeypatch):
    monkeypatch.setenv("PMKZ_WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("PMKZ_WEBHOOK_BACKOFF", "0.1")
    site = EpochReplica("--articles", "25")
    try:
        crawl(site.at(0).url, tmp_path, "--no-images")
        crawl(site.current.url, tmp_path, "--no-images")  # idle: nothing to report
        crawl(site.at(1).url, tmp_path, "--no-images", "--full")
    finally:
        site.current.stop()
    assert receiver.attempts == 2 + 2  # two refused, then one delivery per eventful run
    first, second = receiver.messages
    assert (len(first["new"]), len(first["changed"]), len(first["gone"])) == (75, 0, 0)
    assert (len(second["new"]), len(second["changed"]), len(second["gone"])) == (9, 6, 3)
    assert second["run"]["mode"] == "full" and second["run"]["status"] == "ok"
    assert all(item["url"] and item["title"] for item in second["new"] + second["changed"] + second["gone"])


def test_undelivered_messages_wait_and_go_out_in_order(tmp_path, monkeypatch, replica_factory):
    monkeypatch.setenv("PMKZ_WEBHOOK_BACKOFF", "0.05")
    down = Receiver()
    down.stop()  # nothing listens at this URL now
    monkeypatch.setenv("PMKZ_WEBHOOK_URL", down.url)
    replica = replica_factory("--articles", "5")
    crawl(replica.url, tmp_path, "--no-images")
    assert len(list((tmp_path / "webhook-outbox").glob("*.json"))) == 1
    up = Receiver()
    try:
        monkeypatch.setenv("PMKZ_WEBHOOK_URL", up.url)
        crawl(replica.url, tmp_path, "--no-images")  # idle, but flushes the outbox
        assert [len(m["new"]) for m in up.messages] == [15]
        assert list((tmp_path / "webhook-outbox").glob("*.json")) == []
    finally:
        up.stop()
