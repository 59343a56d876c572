"""What a Scrapy
user types at the repository root works as they expect, against a replica on loopback,
and reaches nothing else: no other site, no archive they did not name."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers import path_of, Replica
from pmkz.crawler.scrapy_commands.check import CONTRACT_REPLICA

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
ARTICLE = "/en/news/prime-minister-instructs-to-strengthen-control-over-return-31656"


class Refusing(BaseHTTPRequestHandler):
    def refuse(self):
        self.server.asked.append(f"{self.command} {self.path}")
        self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_POST = do_CONNECT = refuse

    def log_message(self, format, *args):
        """Quiet."""


@pytest.fixture(scope="module")
def internet():
    """Where the internet would be, as the commands' proxy: it notes what they ask of any
    host but loopback and answers 502, so that nothing leaves the machine."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    server.asked = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def replica():
    """The site the crawls walk: small, since what a command does with a site, not how
    much of it, is the subject (the checks compare with its truth, whatever its size)."""
    site = Replica("--articles", "5", "--decisions", "1")
    yield site
    site.stop()


@pytest.fixture(scope="module")
def contract_site():
    """A replica as `scrapy check` starts for itself: it serves every page the spider's
    contracts name (ARTICLE among them). Nothing crawls it whole, and a replica draws a
    page only when it is asked for, so its size costs nothing here."""
    site = Replica(*CONTRACT_REPLICA)
    yield site
    site.stop()


@dataclass
class Project:
    """A folder Scrapy takes for the repository root (it holds a copy of scrapy.cfg), so
    that what a command writes by default (data/pmkz.db, data/warc/) would land here,
    never in the repository."""

    path: Path
    internet: ThreadingHTTPServer

    def scrapy(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """`scrapy ARGS` here, as in a fresh shell: HOME here, no PMKZ_ setting but
        `env`, and any host but loopback only through the `internet` proxy."""
        proxy = f"http://127.0.0.1:{self.internet.server_address[1]}"
        clean = {name: value for name, value in os.environ.items() if not name.startswith("PMKZ_")}
        return subprocess.run(
            [SCRAPY, *args], cwd=self.path, capture_output=True, text=True, timeout=300,
            env={**clean, "HOME": str(self.path), "http_proxy": proxy, "https_proxy": proxy,
                 "no_proxy": "127.0.0.1,localhost", **(env or {})})

    def written(self) -> list[str]:
        """Every file and folder a command left here."""
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*") if p.name != "scrapy.cfg")


@pytest.fixture
def project(tmp_path, internet):
    shutil.copy(ROOT / "scrapy.cfg", tmp_path)
    internet.asked.clear()
    return Project(tmp_path, internet)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, internet, replica) -> tuple[Project, subprocess.CompletedProcess]:
    """One plain `scrapy crawl news` of the replica in a project of its own: its result,
    and the archive it stored (data/pmkz.db), which the tests after it only read."""
    folder = tmp_path_factory.mktemp("crawled")
    shutil.copy(ROOT / "scrapy.cfg", folder)
    internet.asked.clear()
    project = Project(folder, internet)
    return project, project.scrapy("crawl", "news", "-a", f"base_url={replica.url}")


def last_run(db_path: Path) -> dict:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    try:
        return dict(db.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone())
    finally:
        db.close()


@pytest.mark.parametrize("args, expected", [
    (["shell", "{url}/en/news", "-c", "response.status"], "200"),
    (["shell", "--spider", "news", "{url}/en/news", "-c", "response.status"], "200"),
    (["fetch", "--nolog", "{url}/en/news"], "<!DOCTYPE html>"),
    (["parse", "--spider", "news", "-c", "parse_article_page", "{url}" + ARTICLE], "Prime Minister instructs"),
], ids=["shell", "shell-news-spider", "fetch", "parse"])
def test_commands_that_look_at_a_page_leave_nothing_behind(contract_site, project, args, expected):
    result = project.scrapy(*(arg.format(url=contract_site.url) for arg in args),
                            env={"PMKZ_BASE_URL": contract_site.url})
    assert result.returncode == 0, result.stderr[-2000:]
    assert expected in result.stdout
    # Not data/pmkz.db, not a WARC file in data/warc/ that no archive refers to.
    assert project.written() == []
    assert project.internet.asked == []


def test_scrapy_crawl_against_loopback_runs_at_full_speed(crawled):
    project, result = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    # The polite live-site settings (AutoThrottle, a download delay) are not applied.
    enabled = result.stderr.split("Enabled extensions:", 1)[1].split("\n2", 1)[0]
    assert "AutoThrottle" not in enabled
    assert "'DOWNLOAD_DELAY': 0.5" not in result.stderr
    # A crawl stores: into data/pmkz.db, as `pmkz crawl` does.
    assert last_run(project.path / "data" / "pmkz.db")["status"] == "ok"


def test_a_feed_export_alone_stores_only_the_feed(replica, project):
    result = project.scrapy("crawl", "news", "-a", f"base_url={replica.url}", "-O", "out.jsonl")
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in (project.path / "out.jsonl").read_text().splitlines()]
    assert sorted(path_of(r["url"]) for r in records) == sorted(path_of(r["url"]) for r in replica.truth())
    assert project.written() == ["out.jsonl"]
    assert "Storing into the feed only: no database, images or raw archive" in result.stderr


def test_feed_exports_hold_article_items_only(replica, project):
    db = project.path / "archive.db"
    for attempt in (1, 2):  # the second run finds every page unchanged (304)
        out = project.path / f"out{attempt}.jsonl"
        result = project.scrapy("crawl", "news", "-a", f"base_url={replica.url}", "-O", str(out),
                                env={"PMKZ_DB": str(db)})
        assert result.returncode == 0, result.stderr[-2000:]
        # A named database is stored into too, and the feed says so.
        assert f"Also storing into {db}, with its images and raw archive" in result.stderr
        records = [json.loads(line) for line in out.read_text().splitlines()]
        assert all("title" in record and "body" in record for record in records), records[:3]
    assert len(records) == 0
    assert len((project.path / "out1.jsonl").read_text().splitlines()) == len(replica.truth())
    assert last_run(db)["status"] == "ok"


def test_the_feed_add_on_gives_each_feed_article_items_unless_it_names_its_own():
    # Scrapy's public `item_classes` feed option, set before the crawler reads FEEDS.
    from scrapy.settings import Settings

    from pmkz.crawler.feed_filter import ArticleFeeds

    settings = Settings({"FEEDS": {"out.jsonl": {"format": "jsonlines"},
                                   "gone.jsonl": {"format": "jsonlines", "item_classes": ["pmkz.crawler.items.PageGone"]}}})
    ArticleFeeds().update_settings(settings)
    feeds = settings.getdict("FEEDS")
    assert feeds["out.jsonl"]["item_classes"] == ["pmkz.crawler.items.ArticleItem"]
    assert feeds["gone.jsonl"]["item_classes"] == ["pmkz.crawler.items.PageGone"]


def test_closespider_itemcount_ends_a_run_as_interrupted(replica, project):
    result = project.scrapy("crawl", "news", "-a", f"base_url={replica.url}", "-s", "CLOSESPIDER_ITEMCOUNT=5")
    assert result.returncode == 0, result.stderr[-2000:]
    run = last_run(project.path / "data" / "pmkz.db")
    assert run["status"] == "interrupted" and run["error"] == "closespider_itemcount"


def test_scrapy_check_runs_the_contracts_offline(project):
    # Plain `scrapy check`: against a replica it starts on loopback itself.
    result = project.scrapy("check")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ran 4 contracts" in result.stderr and result.stderr.rstrip().endswith("OK")
    assert project.internet.asked == []
    assert project.written() == []


def test_scrapy_check_runs_the_contracts_on_a_named_site(contract_site, project):
    result = project.scrapy("check", "news", "-a", f"base_url={contract_site.url}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ran 4 contracts" in result.stderr
    assert project.written() == []


def test_scrapy_check_asks_the_site_pmkz_base_url_names(project):
    # Nothing listens there: the contracts fail, so that site, and no replica, was asked.
    result = project.scrapy("check", "news", env={"PMKZ_BASE_URL": "http://127.0.0.1:9", "PMKZ_RETRY_TIMES": "0"})
    assert result.returncode == 1
    assert "FAILED" in result.stderr
    assert project.internet.asked == []


def test_scrapy_check_reaches_the_live_site_only_when_asked(project):
    result = project.scrapy("check", "news", "--live", env={"PMKZ_RETRY_TIMES": "0"})
    assert result.returncode == 1  # the `internet` proxy refuses every request
    assert project.internet.asked and all(asked.startswith("CONNECT primeminister.kz:443")
                                          for asked in project.internet.asked)


def test_status_into_a_closed_pipe_is_quiet(crawled):
    # The archive of the module's crawl (status only reads it).
    db_path = crawled[0].path / "data" / "pmkz.db"
    assert last_run(db_path)["status"] == "ok"
    read, write = os.pipe()
    os.close(read)  # like `| head` that has read what it wanted
    try:
        result = subprocess.run([sys.executable, "-m", "pmkz", "status", "--db", str(db_path)],
                                stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert result.stderr == ""
    assert result.returncode == 1
