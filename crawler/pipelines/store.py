"""Writes every spider outcome to SQLite through storage.Store and keeps the run's tally.

The pipeline owns the database for the whole crawl: it opens the Store, writes the
`crawl_runs` row at start and finishes it at close. The spider finds it with
`crawler.get_item_pipeline(StorePipeline)` to read what is already stored (known pages,
validators for conditional GETs, where a list walk resumes) and to say which lists it
walked to their end. Items are written in rolling
batches (storage.rolling_batch): each item whole, a commit every
PMKZ_STORE_BATCH_ITEMS items or PMKZ_STORE_BATCH_SECONDS seconds, and at close.
"""
from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from scrapy import signals

from pmkz.crawler.health.verdict import assess_run
from pmkz.crawler.items import ArticleItem, PageFailed, PageGone, PageUnchanged
from pmkz.crawler.pipelines.revisits import RevisitLog
from pmkz.storage import Store
from pmkz.storage.rolling_batch import RollingBatch

logger = logging.getLogger(__name__)

# How Scrapy's close reason maps onto crawl_runs.status.
RUN_STATUS = {"finished": "ok", "shutdown": "interrupted"}


class StorePipeline:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.store = Store(settings["PMKZ_DB"])
        self.raw_dir = Path(settings["PMKZ_DB"]).resolve().parent / "failed-pages"
        self.counts = Counter(new=0, changed=0, unchanged=0, gone=0, failed=0)
        self.run_id = None
        self.lists_walked: set[str] = set()  # languages whose list end this run reached
        self.revisits = RevisitLog(settings)
        self.writes = RollingBatch(
            self.store, max_items=settings.getint("PMKZ_STORE_BATCH_ITEMS"),
            max_seconds=settings.getfloat("PMKZ_STORE_BATCH_SECONDS"),
        )
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        self.run_id = self.store.start_run(spider.base_url, "full" if spider.full else "incremental")
        self.crawler.stats.set_value("pmkz/run_id", self.run_id)

    def list_end_reached(self, lang: str) -> None:
        """The spider walked this language's list to its end; kept if the run completes."""
        self.lists_walked.add(lang)

    def record_capture(self, capture: dict) -> int | None:
        """Index an archived response (crawler/middlewares/archive.py); returns its id.
        Written in the rolling batch, so it commits with or before the item it gives.
        None when the database refused it: the record stays in its WARC file unindexed."""
        try:
            with self.writes.item():
                return self.store.save_capture(capture, run_id=self.run_id)
        except Exception as error:
            self.crawler.stats.inc_value("pmkz/warc/unindexed")
            logger.warning("The capture of %s was archived but not indexed: %s", capture["url"], error)
            return None

    def process_item(self, item):
        with self.writes.item():
            outcome = self._write(item)
        if outcome:
            self.counts[outcome] += 1  # once the item is written whole
        return item

    def _write(self, item) -> str | None:
        """Write one spider outcome; returns the run count it adds to, if any."""
        if isinstance(item, PageGone):
            # Judged with the run's other disappearances at its end.
            self.revisits.hold(self.store, item)
            return None
        returned = self.revisits.before_write(self.store, item)
        outcome = self._write_outcome(item)
        self.revisits.after_write(self.store, item, returned, self.run_id)
        return outcome

    def _write_outcome(self, item) -> str | None:
        if isinstance(item, ArticleItem):
            return self._save_article(item)
        if isinstance(item, PageUnchanged):
            self.store.touch_item(item["url"])
            self.store.clear_failure(item["url"])
            return "unchanged"
        if isinstance(item, PageFailed):
            self.store.record_failure(
                item["url"], item["kind"], item["error"], run_id=self.run_id,
                raw_html=item.get("raw_html"), raw_dir=self.raw_dir,
            )
            return "failed"
        return None

    def _save_article(self, item) -> str:
        url = item["url"]
        outcome = self.store.save_item(
            item.record(), etag=item.get("etag"), last_modified=item.get("last_modified"), run_id=self.run_id,
            capture_id=item.get("capture_id"),
        )
        images = item.get("images") or []
        if images:
            self.store.save_images(url, images)
        # The page, and any image that failed before and has come through.
        self.store.clear_failures([url, *(image["url"] for image in images)])
        for failed in item.get("image_failures") or []:
            self.store.record_failure(failed["url"], "image", failed["error"], run_id=self.run_id)
        return outcome

    def spider_closed(self, spider, reason):
        self.writes.close()
        gone, mass_alert = self.revisits.settle(self.store, self.run_id)
        self.counts["gone"] += gone
        stats = self.crawler.stats
        for name, value in self.counts.items():
            stats.set_value(f"pmkz/{name}", value)
        status, error = self._verdict(reason)
        if status == "ok":
            # Only a completed run proves everything down the list was fetched; from
            # then on incremental runs may stop at the first page with nothing new.
            for lang in self.lists_walked:
                self.store.mark_list_walked(lang)
            status, error = assess_run(self.crawler.settings, stats.get_stats(), self.store, self.run_id)  # ok or degraded
        if mass_alert and status in ("ok", "degraded"):
            status, error = "degraded", "; ".join(filter(None, (error, mass_alert)))
        stats.set_value("pmkz/status", status)
        stats.set_value("pmkz/error", error)
        self.store.finish_run(
            self.run_id, status, dict(self.counts),
            requests=stats.get_value("downloader/request_count", 0), error=error,
        )
        self.store.close()

    def _verdict(self, reason):
        stats = self.crawler.stats
        if not stats.get_value("pmkz/list_pages", 0):
            error = stats.get_value("pmkz/first_list_error") or "no answer"
            return "failed", f"cannot read the news list at {self.crawler.spider.base_url}: {error}"
        return RUN_STATUS.get(reason, "failed"), None if reason in RUN_STATUS else reason
