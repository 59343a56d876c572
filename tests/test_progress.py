"""The progress line of long crawls: what it says, and that a real crawl shows it."""
from __future__ import annotations

from pmkz.crawler.progress import progress_line
from helpers import crawl


def test_progress_line_counts_queued_work_and_list_pages_ahead():
    stats = {
        "response_received_count": 100, "item_scraped_count": 80,
        "pmkz/list_pages_ahead/ru": 3, "pmkz/list_pages_ahead/en": 1, "pmkz/items_per_list_page": 20,
    }
    # 10 pages/s; 16 queued + 4 list pages ahead x (1 + 20) = 100 requests: 10 s.
    assert progress_line(stats, queued=16, elapsed=10.0) == "100 pages, 80 items, 10.0 pages/s, 16 queued, ETA 0m10s"


def test_progress_line_before_anything_arrived():
    assert progress_line({}, queued=3, elapsed=0.0) == "0 pages, 0 items, 0.0 pages/s, 3 queued, ETA -"


def test_a_crawl_shows_progress_when_asked(replica_factory, tmp_path, monkeypatch):
    monkeypatch.setenv("PMKZ_PROGRESS", "1")
    monkeypatch.setenv("PMKZ_PROGRESS_SECONDS", "0.2")
    replica = replica_factory("--articles", "40")
    result = crawl(replica.url, tmp_path)
    assert "pages/s" in result.stderr and "ETA" in result.stderr
    assert result.stdout.startswith("ok: new 120")
