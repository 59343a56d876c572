"""Writes every spider outcome to SQLite: articles, 304s, failures, pages gone.

Each item is written whole in the crawl run's rolling batch (crawler/crawl_run.py, which
owns the database, commits and counts what was committed); this pipeline decides what
an item writes, and what happens when it cannot be written.

A save that fails is never silent. While another process holds the database's lock the
item waits (up to PMKZ_LOCK_WAIT_SECONDS, reported in the log) and is saved then; an
item or image file that cannot be written (a full disk) is recorded in `failures` as
`save` when the database still takes writes, and fetched again by the next run; a
database that takes no writes stops the crawl. Either way the run ends `failed`.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

from scrapy.exceptions import DropItem, NotConfigured

from pmkz.crawler.crawl_run import CrawlRun, is_lock_error
from pmkz.crawler.items import ArticleItem, PageFailed, PageGone, PageUnchanged
from pmkz.storage import attachments, failures

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler, run: CrawlRun):
        self.crawler = crawler
        self.run = run
        self.store = run.store
        self.raw_dir = Path(crawler.settings["PMKZ_DB"]).resolve().parent / "failed-pages"

    @classmethod
    def from_crawler(cls, crawler):
        run = crawler.get_extension(CrawlRun)
        if run is None:
            raise NotConfigured("the crawl run extension (crawler/crawl_run.py) is off: no database to store into")
        return cls(crawler, run)

    async def process_item(self, item):
        run = self.run
        waiting_since = None
        while True:
            outcome, discards = None, run.discards
            try:
                with run.writes.item():
                    outcome = self._write(item)
                    if outcome:
                        # Counted in its batch before the batch can commit on leaving.
                        run.pending[outcome] += 1
                break
            except Exception as error:
                if outcome and run.discards == discards:
                    run.pending[outcome] -= 1  # the item's own writes were undone
                if is_lock_error(error):
                    now = time.monotonic()
                    waiting_since = waiting_since or now
                    waited = now - waiting_since
                    if waited < run.lock_wait:
                        if not waited:
                            self._report_lock_wait()
                        await asyncio.sleep(run.lock_poll)
                        continue
                    error = sqlite3.OperationalError(
                        f"the database stayed locked by another process for {run.lock_wait:g} s")
                self._not_saved(item, error)
                raise DropItem(f"not saved: {item.get('url')}: {error}") from None
        if waiting_since is not None:
            logger.info("The database lock was released after %.1f s; saving goes on", time.monotonic() - waiting_since)
        for image in item.get("image_failures") or []:
            if image.get("kind") == "save":
                run.not_saved(f"image {image['url']}: {image['error']}")
        return item

    def _report_lock_wait(self) -> None:
        self.crawler.stats.inc_value("pmkz/lock_waits")
        logger.warning("The database is locked by another process; waiting up to %g s for it", self.run.lock_wait)

    def _not_saved(self, item, error: Exception) -> None:
        """An item that could not be written: recorded in `failures` when the database
        still takes writes (the next run fetches it again), else the crawl stops."""
        url = item.get("url")
        line = f"{url}: {' '.join(str(error).split()) or type(error).__name__}"
        self.run.not_saved(line)
        self.crawler.stats.inc_value("pmkz/unsaved")
        logger.error("Could not save %s", line)
        if not isinstance(error, sqlite3.Error) and url:
            try:
                with self.run.writes.item():
                    self.store.record_failure(url, "save", line, run_id=self.run.run_id)
                return
            except Exception as second:
                logger.error("Could not record the failure either: %s", second)
        self.run.stop_storing(line)

    def _write(self, item) -> str | None:
        """Write one spider outcome; returns the run count it adds to, if any."""
        revisits = self.run.revisits
        if isinstance(item, PageGone):
            # Judged with the run's other disappearances at its end.
            revisits.hold(self.store, item)
            return None
        returned = revisits.before_write(self.store, item)
        outcome = self._write_outcome(item)
        revisits.after_write(self.store, item, returned, self.run.run_id)
        return outcome

    def _write_outcome(self, item) -> str | None:
        if isinstance(item, ArticleItem):
            return self._save_article(item)
        if isinstance(item, PageUnchanged):
            self.store.touch_item(item["url"])
            self._save_images(item)
            return "unchanged"
        if isinstance(item, PageFailed):
            self.store.record_failure(
                item["url"], item["kind"], item["error"], run_id=self.run.run_id,
                raw_html=item.get("raw_html"), raw_dir=self.raw_dir,
            )
            return "failed"
        return None

    def _save_article(self, item) -> str:
        outcome = self.store.save_item(
            item.record(), etag=item.get("etag"), last_modified=item.get("last_modified"),
            run_id=self.run.run_id, capture_id=item.get("capture_id"),
        )
        self._save_images(item)
        if item.get("attachments"):
            attachments.save(self.store.db, item["url"], item["attachments"])
            failures.clear(self.store.db, *(a["url"] for a in item["attachments"]))
        return outcome

    def _save_images(self, item) -> None:
        url = item["url"]
        images = item.get("images") or []
        if images:
            self.store.save_images(url, images)
        # The page, and any image that failed before and has come through.
        failures.clear(self.store.db, url, *(image["url"] for image in images))
        for failed in item.get("image_failures") or []:
            self.store.record_failure(failed["url"], failed.get("kind", "image"), failed["error"],
                                      run_id=self.run.run_id, item_url=url)
