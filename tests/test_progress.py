"""The progress line of long crawls: what it says, and that a real crawl shows it."""
from __future__ import annotations

import pytest

from pmkz.crawler.progress import progress_line


def test_progress_line_counts_queued_work_and_list_pages_ahead():
    stats = {
        "response_received_count": 100, "item_scraped_count": 80,
        "pmkz/list_pages_ahead/ru": 3, "pmkz/list_pages_ahead/en": 1, "pmkz/items_per_list_page": 20,
    }
    # 10 pages/s; 16 queued + 4 list pages ahead x (1 + 20) = 100 requests: 10 s.
    assert progress_line(stats, queued=16, elapsed=10.0) == "100 pages, 80 items, 10.0 pages/s, 16 queued, ETA 0m10s"


def test_progress_line_before_anything_arrived():
    assert progress_line({}, queued=3, elapsed=0.0) == "0 pages, 0 items, 0.0 pages/s, 3 queued, ETA -"


def test_a_crawl_shows_progress_when_asked(replica_factory, tmp_path, forked):
    # Images and the raw archive are not the subject: the pages alone make the line.
    articles, decisions = 20, 3
    replica = replica_factory("--articles", str(articles), "--decisions", str(decisions))
    result = forked.crawl(replica.url, tmp_path, "--no-images", "--no-warc",
                          env={"PMKZ_PROGRESS": "1", "PMKZ_PROGRESS_SECONDS": "0.2"})
    assert "pages/s" in result.stderr and "ETA" in result.stderr
    assert result.stdout.startswith(f"ok: new {3 * (articles + decisions)}")  # articles and decisions, 3 languages


@pytest.mark.slow
@pytest.mark.parametrize("skin", ["modern", "classic"])
def test_the_eta_is_right_within_a_factor_of_two(tmp_path, skin, forked):
    """A real crawl's progress lines, each stamped as it arrives: through most of the
    crawl (from a fifth to nine tenths of it), every ETA is within a factor of two of the
    time the crawl really took to end (give or take a second, the ETA's own precision).
    The classic skin's numbered lists do not show their length: there the ETA is `?`
    until the lists are walked, never a figure that is wrong.

    Images and the raw archive are not the subject: without them the crawl fetches the
    same 900 articles and walks the same news lists, with 957 requests instead of 2,300.
    The crawl is forked (its stderr a named pipe, read as it comes): no interpreter's
    start-up stands before its first line."""
    import os
    import re
    import threading
    import time

    from helpers import Replica

    # The news alone: the ETA is judged against a walk of the news lists.
    site = Replica("--articles", "300", "--skin", skin, "--decisions", "0")
    errors = tmp_path / "stderr"
    os.mkfifo(errors)
    lines: list[tuple[float, str]] = []

    def read():
        with open(errors, "rb") as stream:  # once the crawl has opened its end
            buffer = b""
            while chunk := stream.read1(4096):
                buffer += chunk
                *done, buffer = re.split(rb"[\r\n]", buffer)
                lines.extend((time.monotonic(), line.decode()) for line in done if line.strip())

    try:
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        process = forked.start(site.url, tmp_path, "--no-images", "--no-warc", stderr=str(errors),
                               env={"PMKZ_PROGRESS": "1", "PMKZ_PROGRESS_SECONDS": "0.5"})
        process.wait(timeout=600)
        ended = time.monotonic()
        reader.join(timeout=60)
    finally:
        site.stop()
    assert not reader.is_alive(), "the crawl's stderr was never closed"
    assert process.returncode == 0
    # From the first progress line: Python's start-up is no part of the crawl.
    started = next(moment for moment, line in lines if "pages/s" in line)
    total = ended - started
    judged = []
    for moment, line in lines:
        found = re.search(r"ETA (\?|(\d+)m(\d\d)s)", line)
        if found and 0.2 * total <= moment - started <= 0.9 * total:
            eta = None if found[1] == "?" else int(found[2]) * 60 + int(found[3])
            judged.append((eta, ended - moment))
    assert len(judged) >= 3, lines
    judged = [(eta, left) for eta, left in judged if eta is not None]
    # Within a factor of two, give or take the work after the last page (closing the
    # WARC file, the run's health, feeds and messages), which the ETA of the pages left
    # does not count and a loaded machine stretches to seconds.
    slack = 3
    wrong = [(eta, round(left, 1)) for eta, left in judged if not left / 2 - slack <= eta <= 2 * left + slack]
    assert wrong == [], (wrong, total)
