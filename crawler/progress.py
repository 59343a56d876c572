"""Progress of a long crawl on a terminal: pages, what was stored, rate and ETA.

A Scrapy extension. It rewrites one line on stderr every PMKZ_PROGRESS_SECONDS
(default 5), and only when stderr is a terminal (or PMKZ_PROGRESS=1), so logs and the
daemon stay quiet. The ETA
counts the requests already queued plus, for lists whose length is known from their
pagination, the list pages not reached yet with their articles.
"""
from __future__ import annotations

import os
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task



class Progress:
    def __init__(self, crawler, stream=sys.stderr):
        self.crawler = crawler
        self.stream = stream
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        wanted = os.environ.get("PMKZ_PROGRESS")
        if wanted == "0" or (wanted != "1" and not sys.stderr.isatty()):
            raise NotConfigured("progress shows only on a terminal")
        return cls(crawler)

    def opened(self, spider):
        self.started = time.monotonic()
        self.loop.start(float(os.environ.get("PMKZ_PROGRESS_SECONDS", "5")), now=False)

    def closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        self.stream.write("\n")

    def report(self):
        line = progress_line(self.crawler.stats.get_stats(), self._queued(), time.monotonic() - self.started)
        self.stream.write("\r" + line.ljust(100)[:160])
        self.stream.flush()

    def _queued(self) -> int:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) or getattr(engine, "slot", None)
        scheduler = getattr(slot, "scheduler", None) or getattr(engine, "scheduler", None)
        try:
            return len(scheduler)
        except TypeError:
            return 0


def note_list_page(stats, lang: str, listing, following: bool) -> None:
    """Remember how much of a language's list is still ahead, for the ETA."""
    ahead = listing.last_page - listing.page if following and listing.last_page else 0
    stats.set_value(f"pmkz/list_pages_ahead/{lang}", max(0, ahead))
    stats.max_value("pmkz/items_per_list_page", len(listing.article_urls))


def progress_line(stats: dict, queued: int, elapsed: float) -> str:
    pages = stats.get("response_received_count", 0)
    rate = pages / elapsed if elapsed > 0 else 0.0
    ahead = sum(v for k, v in stats.items() if k.startswith("pmkz/list_pages_ahead/"))
    # Each list page ahead is itself a request plus the articles it will list.
    remaining = queued + ahead * (1 + stats.get("pmkz/items_per_list_page", 0))
    eta = _duration(remaining / rate) if rate > 0 and remaining else "-"
    stored = stats.get("item_scraped_count", 0)
    return f"{pages} pages, {stored} items, {rate:.1f} pages/s, {queued} queued, ETA {eta}"


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"
