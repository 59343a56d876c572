"""Progress of a long crawl on a terminal: pages, what was stored, rate and ETA.

A Scrapy extension. It rewrites one line on stderr every PMKZ_PROGRESS_SECONDS
(default 5), and only when stderr is a terminal (or PMKZ_PROGRESS=1), so logs and the
daemon stay quiet. The ETA
counts the requests already queued plus, for lists whose length is known from their
pagination, the list pages not reached yet with their articles; each article also costs
its images (fetched outside the scheduler's queue), as many as articles had so far. While
a list being walked does not show its length, the ETA is `?`: no figure beats a wrong one.
"""
from __future__ import annotations

import collections
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
        self.samples = collections.deque([(self.started, 0)])
        every = float(os.environ.get("PMKZ_PROGRESS_SECONDS", "5"))
        self.window = RATE_WINDOW_REPORTS * every
        self.loop.start(every, now=False)

    def closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        self.stream.write("\n")

    def report(self):
        stats = self.crawler.stats.get_stats()
        now, pages = time.monotonic(), stats.get("response_received_count", 0)
        # The rate of the last few reports: a crawl starts slowly (robots.txt, the first
        # list pages), and its start would weigh on a whole-run average.
        while len(self.samples) > 1 and now - self.samples[1][0] >= self.window:
            self.samples.popleft()
        then, pages_then = self.samples[0]
        self.samples.append((now, pages))
        rate = (pages - pages_then) / (now - then) if now > then else None
        line = progress_line(stats, self._queued(), now - self.started, rate=rate)
        self.stream.write("\r" + line.ljust(100)[:160])
        self.stream.flush()

    def _queued(self) -> int:
        # Requests waiting in the scheduler (its own stats count them in and out) and
        # those the downloader is fetching.
        stats = self.crawler.stats
        waiting = (stats.get_value("scheduler/enqueued", 0) or 0) - (stats.get_value("scheduler/dequeued", 0) or 0)
        downloader = getattr(self.crawler.engine, "downloader", None)
        return max(0, waiting) + len(getattr(downloader, "active", ()))


RATE_WINDOW_REPORTS = 10
# A list page ahead count for a list whose length its pages do not show.
UNKNOWN = -1
STATS_IMAGES = "pmkz/images/"


def note_list_page(stats, lang: str, listing, following: bool) -> None:
    """Remember how much of a language's list is still ahead, for the ETA."""
    if following and not listing.last_page:
        ahead = UNKNOWN
    else:
        ahead = max(0, listing.last_page - listing.page) if following else 0
    stats.set_value(f"pmkz/list_pages_ahead/{lang}", ahead)
    stats.max_value("pmkz/items_per_list_page", len(listing.article_urls))


def progress_line(stats: dict, queued: int, elapsed: float, rate: float | None = None) -> str:
    """`rate`: pages a second lately (default: over the whole run)."""
    pages = stats.get("response_received_count", 0)
    if rate is None:
        rate = pages / elapsed if elapsed > 0 else 0.0
    aheads = [v for k, v in stats.items() if k.startswith("pmkz/list_pages_ahead/")]
    ahead = sum(aheads)
    stored = stats.get("item_scraped_count", 0)
    images = sum(stats.get(STATS_IMAGES + kind, 0) for kind in ("downloaded", "already_stored", "failed"))
    # An article's request brings its images' requests after it.
    per_article = 1 + images / stored if stored else 1
    # Each list page ahead is itself a request plus the articles it will list.
    remaining = (queued * per_article
                 + ahead * (1 + stats.get("pmkz/items_per_list_page", 0) * per_article))
    if UNKNOWN in aheads:
        eta = "?"
    else:
        eta = _duration(remaining / rate) if rate > 0 and remaining else "-"
    return f"{pages} pages, {stored} items, {rate:.1f} pages/s, {queued} queued, ETA {eta}"


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"
