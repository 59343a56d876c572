"""Issue 16, "Scrapy and command-line habits": what a Scrapy user types from the
repository root works as they expect, against a replica on loopback."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Replica, run_crawl, summary

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))


@pytest.fixture(scope="module")
def replica():
    site = Replica("--articles", "20")
    yield site
    site.stop()


def scrapy(*args: str, workdir: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SCRAPY, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PMKZ_DB": str(workdir / "pmkz.db"),
             "PMKZ_IMAGES_DIR": str(workdir / "images"), **(env or {})})


def last_run(workdir: Path) -> dict:
    db = sqlite3.connect(workdir / "pmkz.db")
    db.row_factory = sqlite3.Row
    try:
        return dict(db.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone())
    finally:
        db.close()


def test_scrapy_shell_fetches_a_url(replica, tmp_path):
    result = scrapy("shell", f"{replica.url}/en/news", "-c", "response.status", workdir=tmp_path)
    assert result.stdout.strip() == "200", result.stderr[-2000:]


def test_scrapy_shell_with_the_news_spider(replica, tmp_path):
    result = scrapy("shell", "--spider", "news", f"{replica.url}/en/news", "-c", "response.status",
                    workdir=tmp_path, env={"PMKZ_BASE_URL": replica.url})
    assert result.stdout.strip() == "200", result.stderr[-2000:]


def test_scrapy_crawl_against_loopback_runs_at_full_speed(replica, tmp_path):
    result = scrapy("crawl", "news", "-a", f"base_url={replica.url}", workdir=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    # The polite live-site settings (AutoThrottle, a download delay) are not applied.
    enabled = result.stderr.split("Enabled extensions:", 1)[1].split("\n2", 1)[0]
    assert "AutoThrottle" not in enabled
    assert "'DOWNLOAD_DELAY': 0.5" not in result.stderr
    assert last_run(tmp_path)["status"] == "ok"


def test_feed_exports_hold_article_items_only(replica, tmp_path):
    for attempt in (1, 2):  # the second run finds every page unchanged (304)
        out = tmp_path / f"out{attempt}.jsonl"
        result = scrapy("crawl", "news", "-a", f"base_url={replica.url}", "-O", str(out), workdir=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        records = [json.loads(line) for line in out.read_text().splitlines()]
        assert all("title" in record and "body" in record for record in records), records[:3]
    assert len(records) == 0
    assert len((tmp_path / "out1.jsonl").read_text().splitlines()) == len(replica.truth())


def test_closespider_itemcount_ends_a_run_as_interrupted(replica, tmp_path):
    result = scrapy("crawl", "news", "-a", f"base_url={replica.url}", "-s", "CLOSESPIDER_ITEMCOUNT=5",
                    workdir=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    run = last_run(tmp_path)
    assert run["status"] == "interrupted" and run["error"] == "closespider_itemcount"


def test_scrapy_check_runs_the_contracts(replica, tmp_path):
    result = scrapy("check", "news", "-a", f"base_url={replica.url}", workdir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ran 4 contracts" in result.stderr
    assert not (tmp_path / "pmkz.db").exists()


def test_status_into_a_closed_pipe_is_quiet(replica, tmp_path):
    assert summary(run_crawl(replica.url, tmp_path))["status"] == "ok"
    read, write = os.pipe()
    os.close(read)  # like `| head` that has read what it wanted
    try:
        result = subprocess.run([sys.executable, "-m", "pmkz", "status", "--db", str(tmp_path / "pmkz.db")],
                                stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert result.stderr == ""
    assert result.returncode == 1
