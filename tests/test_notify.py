"""Atom feeds and the webhook, after real crawls of the replica.

The module's replicas serve every test that only crawls them; one crawl with the webhook
down (its feeds, its message waiting) serves the tests that read it, and is copied for
those that crawl on from it. A URL nothing listens at is a free port's. A crawl whose
process is not the subject is forked from a process that has imported the crawler once
(the `forked` fixture); those that are killed, signalled or lose their stdout are started as
`pmkz crawl` processes."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections import Counter

import feedparser
import pytest
from lxml import etree

from helpers import (
    EpochReplica, Receiver, Replica, changes_of_epoch_1, count_rows, crawl_args, free_port, path_of,
    pmkz_here, start_crawl, wait_for, wait_while_running,
)
from pmkz.replica.decisions import DEFAULT_DECISIONS
from pmkz.storage import Store

ATOM = "{http://www.w3.org/2005/Atom}"


def nowhere() -> str:
    """A webhook URL nothing listens at."""
    return f"http://127.0.0.1:{free_port()}/hook"


@pytest.fixture(scope="module")
def news_and_decisions():
    """5 articles and the replica's default decisions a language: what feeds and webhooks
    carry of every kind."""
    replica = Replica("--articles", "5")
    yield replica
    replica.stop()


@pytest.fixture(scope="module")
def small():
    """3 articles a language, the news alone: for what happens to a message (an outbox,
    a deadline, a signal, a kill), whatever it holds."""
    replica = Replica("--articles", "3", "--decisions", "0")
    yield replica
    replica.stop()


@pytest.fixture(scope="module")
def crawled_down(news_and_decisions, tmp_path_factory, forked):
    """A crawl of `news_and_decisions` whose webhook was down: its feeds written, its one
    message waiting in the outbox. Read only: copy it (`copied`) to crawl on from it."""
    workdir = tmp_path_factory.mktemp("crawled-down")
    result = forked.run(news_and_decisions.url, workdir, "--no-images",
                        env={"PMKZ_WEBHOOK_URL": nowhere(), "PMKZ_WEBHOOK_BACKOFF": "0.05"})
    assert result.returncode == 0, result.stderr
    return workdir


def copied(workdir, tmp_path):
    """A copy of an archive's folder (database, feeds, outbox, WARC) to change."""
    return shutil.copytree(workdir, tmp_path / "archive")


@pytest.fixture(scope="module")
def hook():
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def receiver(hook):
    """The module's webhook receiver, refusing its first two deliveries."""
    hook.messages, hook.attempts, hook.failures = [], 0, 2
    return hook


@pytest.fixture
def up(hook):
    """The module's webhook receiver, taking every delivery."""
    hook.messages, hook.attempts, hook.failures = [], 0, 0
    return hook


def test_atom_feeds_are_valid_and_list_new_items_newest_first(news_and_decisions, crawled_down):
    truth = news_and_decisions.truth()
    assert {r["kind"] for r in truth} > {"news"}  # decisions too: every kind in the feeds
    for lang in ("ru", "kk", "en"):
        raw = (crawled_down / "feeds" / f"{lang}.atom").read_bytes()
        parsed = feedparser.parse(raw)
        assert not parsed.bozo and parsed.version == "atom10"
        root = etree.fromstring(raw)
        for required in ("id", "title", "updated", "author"):
            assert root.find(ATOM + required) is not None
        for entry in root.findall(ATOM + "entry"):
            for required in ("id", "title", "updated", "link"):
                assert entry.find(ATOM + required) is not None
        assert len(parsed.entries) == 5 + DEFAULT_DECISIONS == sum(r["lang"] == lang for r in truth)
        titles = {r["title"] for r in truth if r["lang"] == lang}
        assert {e.title for e in parsed.entries} == titles


def test_webhook_gets_each_run_once_with_its_items_despite_failures(receiver, tmp_path, monkeypatch, forked):
    monkeypatch.setenv("PMKZ_WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("PMKZ_WEBHOOK_BACKOFF", "0.1")
    site = EpochReplica("--articles", "10")  # and the replica's default decisions
    try:
        before = site.at(0).truth()
        forked.crawl(site.current.url, tmp_path, "--no-images")
        forked.crawl(site.current.url, tmp_path, "--no-images")  # idle: nothing to report
        after = site.at(1).truth()
        forked.crawl(site.current.url, tmp_path, "--no-images", "--full")
    finally:
        site.current.stop()
    assert receiver.attempts == 2 + 2  # two refused, then one delivery per eventful run
    first, second = receiver.messages
    assert (len(first["new"]), len(first["changed"]), len(first["gone"])) == (len(before), 0, 0)
    assert Counter(r["kind"] for r in before)["decision"] == 3 * DEFAULT_DECISIONS  # carried too
    changes = Counter(what for what, _ in changes_of_epoch_1(before, after).values())
    assert (changes["changed"], changes["gone"]) == (6, 3)
    # Of the epoch's 6 edits, the cosmetic one (a comma dropped) is not told by default.
    assert (len(second["new"]), len(second["changed"]), len(second["gone"])) == (
        len({path_of(r["url"]) for r in after} - {path_of(r["url"]) for r in before}), 6 - 1, 3) == (9, 5, 3)
    assert {item["significance"] for item in second["changed"]} == {"substantive"}
    assert second["run"]["mode"] == "full" and second["run"]["status"] == "ok"
    assert all(item["url"] and item["title"] for item in second["new"] + second["changed"] + second["gone"])


def test_undelivered_messages_wait_and_go_out_in_order(tmp_path, monkeypatch, news_and_decisions, crawled_down, up,
                                                       forked):
    monkeypatch.setenv("PMKZ_WEBHOOK_BACKOFF", "0.05")
    workdir = copied(crawled_down, tmp_path)  # crawled while nothing listened at the webhook's URL
    assert len(list((workdir / "webhook-outbox").glob("*.json"))) == 1
    monkeypatch.setenv("PMKZ_WEBHOOK_URL", up.url)
    forked.crawl(news_and_decisions.url, workdir, "--no-images")  # idle, but flushes the outbox
    assert [len(m["new"]) for m in up.messages] == [len(news_and_decisions.truth())]
    assert list((workdir / "webhook-outbox").glob("*.json")) == []


def test_a_stored_headline_xml_cannot_carry_stops_no_feed_and_no_crawl(tmp_path, small, forked):
    """An archive written before the parser cleaned its text (finding 5): the crawl after
    it still ends ok, every feed is written and valid, the headline cleaned."""
    replica = small
    with Store(tmp_path / "pmkz.db") as store:
        run = store.start_run(replica.url, "incremental")
        store.save_item({"url": f"{replica.url}/ru/news/old-1", "site_id": 1, "lang": "ru", "kind": "news",
                         "category": None, "title": "Заголовок\ufffe с\x01 символом", "published_date": "2024-03-09",
                         "published_at": None, "summary": "Лид\uffff", "body": "Текст\x0b статьи.",
                         "image_urls": []}, run_id=run)
        store.finish_run(run, "ok", {"new": 1}, 1)
    result = forked.run(replica.url, tmp_path, "--no-images")
    assert result.returncode == 0, result.stderr
    for lang in ("ru", "kk", "en"):
        parsed = feedparser.parse((tmp_path / "feeds" / f"{lang}.atom").read_bytes())
        assert not parsed.bozo and len(parsed.entries) >= 3
    titles = [e.title for e in feedparser.parse((tmp_path / "feeds" / "ru.atom").read_bytes()).entries]
    # Its entry, and another if this crawl found the page gone from the replica.
    assert "Заголовок с символом" in titles


def test_a_run_whose_summary_cannot_be_printed_still_announces_what_it_stored(tmp_path, small, up):
    """`pmkz crawl | true`: the reader of stdout gone before the summary line."""
    replica, truth = small, small.truth()
    process = subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(replica.url, tmp_path, "--no-images")],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PMKZ_WEBHOOK_URL": up.url})
    process.stdout.close()
    process.wait(timeout=300)
    assert count_rows(tmp_path / "pmkz.db", "SELECT count(*) FROM items") == len(truth)
    assert [len(m["new"]) for m in up.messages] == [len(truth)]
    assert len(feedparser.parse((tmp_path / "feeds" / "ru.atom").read_bytes()).entries) == sum(
        r["lang"] == "ru" for r in truth)


def test_a_run_killed_after_storing_is_announced_by_the_next(tmp_path, replica_factory, up, forked):
    # The news alone: enough pages that the crawl is still storing when 10 are stored.
    replica = replica_factory("--articles", "40", "--decisions", "0")
    truth = replica.truth()
    env = {"PMKZ_WEBHOOK_URL": up.url, "PMKZ_STORE_BATCH_ITEMS": "5"}
    process = start_crawl(replica.url, tmp_path, "--no-images", env=env)
    stored = wait_while_running(process, lambda: count_rows(tmp_path / "pmkz.db", "SELECT count(*) FROM items") >= 10)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert stored, "the crawl ended before the kill"
    assert up.messages == []
    result = forked.run(replica.url, tmp_path, "--no-images", env=env)
    assert result.returncode == 0, result.stderr
    killed, last = up.messages
    assert killed["run"]["id"] == 1 and killed["run"]["status"] == "interrupted" and len(killed["new"]) >= 10
    announced = [path_of(item["url"]) for message in up.messages for item in message["new"]]
    assert sorted(announced) == sorted(path_of(r["url"]) for r in truth)
    # Announced once: the next run sends nothing again.
    assert forked.run(replica.url, tmp_path, "--no-images", env=env).returncode == 0
    assert len(up.messages) == 2


class Dribbler:
    """A webhook receiver that reads the request and then answers one byte at a time,
    for as long as the client listens."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.requests = 0
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._dribble, args=(connection,), daemon=True).start()

    def _dribble(self, connection):
        with connection:
            if connection.recv(65536):
                self.requests += 1
            while not self.stopped.wait(0.5):
                try:
                    connection.sendall(b"H")
                except OSError:
                    return  # the client hung up

    def stop(self):
        self.stopped.set()
        self.listener.close()


@pytest.fixture
def dribbler():
    server = Dribbler()
    yield server
    server.stop()


def outbox_messages(workdir) -> list:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((workdir / "webhook-outbox").glob("*.json"))]


def test_a_slow_receiver_cannot_outlast_the_notify_deadline(tmp_path, small, dribbler, forked):
    replica = small
    result = forked.run(replica.url, tmp_path, "--no-images", timeout=240, env={
        "PMKZ_WEBHOOK_URL": dribbler.url, "PMKZ_NOTIFY_DEADLINE": "2", "PMKZ_WEBHOOK_BACKOFF": "0.05"})
    assert result.returncode == 0, result.stderr
    wait_for(lambda: dribbler.requests >= 1, timeout=60, what="the dribbler to have read the request")
    assert "notify deadline of 2 s passed; 1 message(s) wait in" in result.stderr
    assert [len(m["new"]) for m in outbox_messages(tmp_path)] == [len(replica.truth())]


def test_sigterm_ends_delivery_and_the_message_waits(tmp_path, small, dribbler):
    replica = small
    process = subprocess.Popen([sys.executable, "-m", "pmkz", *crawl_args(replica.url, tmp_path, "--no-images")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={
                                   **os.environ, "PMKZ_WEBHOOK_URL": dribbler.url, "PMKZ_NOTIFY_DEADLINE": "3600"})
    try:
        wait_for(lambda: dribbler.requests >= 1, timeout=240, what="the webhook delivery")
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 128 + signal.SIGTERM, errors
    assert errors.strip().splitlines() == [
        "pmkz crawl: stopped by SIGTERM: the run was stored; its notifications wait in the outbox for the next run"]
    assert [len(m["new"]) for m in outbox_messages(tmp_path)] == [len(replica.truth())]


@pytest.mark.parametrize("value", ["0", "abc", "7200"])
def test_a_bad_notify_deadline_is_refused_before_the_crawl(tmp_path, value):
    # Refused before Scrapy starts: the command in this process says it as a process would.
    result = pmkz_here(*crawl_args("http://127.0.0.1:9", tmp_path), env={"PMKZ_NOTIFY_DEADLINE": value})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"pmkz crawl: error: PMKZ_NOTIFY_DEADLINE must be a number of seconds from 1 to 3600, not {value!r}"]
    assert not (tmp_path / "pmkz.db").exists()


def test_two_archives_in_one_folder_keep_their_own_feeds_and_outbox(tmp_path, news_and_decisions, small,
                                                                    crawled_down, monkeypatch, forked):
    monkeypatch.setenv("PMKZ_WEBHOOK_URL", nowhere())  # each archive's message waits in its own outbox
    monkeypatch.setenv("PMKZ_WEBHOOK_BACKOFF", "0.05")
    workdir = copied(crawled_down, tmp_path)  # pmkz.db: news_and_decisions crawled
    forked.crawl(small.url, workdir, "--no-images", "--db", str(workdir / "demo.db"))  # beside pmkz.db
    for feeds, outbox, truth in (("demo-feeds", "demo-webhook-outbox", small.truth()),
                                 ("feeds", "webhook-outbox", news_and_decisions.truth())):
        feed = workdir / feeds / "ru.atom"
        assert len(feedparser.parse(feed.read_bytes()).entries) == sum(r["lang"] == "ru" for r in truth)
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(feed.stat().st_mode) == 0o666 & ~umask
        assert [len(json.loads(p.read_text())["new"]) for p in (workdir / outbox).glob("*.json")] == [len(truth)]


def test_notify_needs_nothing_from_browse():
    """Notifications come from what is stored; `pmkz serve` serves the feeds notify
    builds (browse/feeds.py), so the import goes one way: browse -> notify -> storage."""
    import ast
    from pathlib import Path

    import pmkz.notify

    imported = {}
    for path in Path(pmkz.notify.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.setdefault(node.module, []).append(path.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    imported.setdefault(alias.name, []).append(path.name)
    assert {module: files for module, files in imported.items() if module.startswith("pmkz.browse")} == {}
