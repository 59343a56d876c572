"""Writes every spider outcome to SQLite through storage.Store and keeps the run's tally.

The pipeline owns the database for the whole crawl: it opens the Store, writes the
`crawl_runs` row at start and finishes it at close. The spider finds it with
`crawler.get_item_pipeline(StorePipeline)` to read what is already stored (known pages,
validators for conditional GETs, where a list walk resumes) and to say which lists it
walked to their end. Items are written in rolling
batches (storage.rolling_batch): each item whole, a commit every
PMKZ_STORE_BATCH_ITEMS items or PMKZ_STORE_BATCH_SECONDS seconds, and at close.

A save that fails is never silent. While another process holds the database's lock the
item waits (up to PMKZ_LOCK_WAIT_SECONDS, reported in the log) and is saved then; an
item or image file that cannot be written (a full disk) is recorded in `failures` as
`save` when the database still takes writes, and fetched again by the next run; a
database that takes no writes stops the crawl, and so does a raw archive (WARC files)
that takes no writes. Either way the run ends `failed`, and the counts are those of
committed items only.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import Counter
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from pmkz.crawler.health.verdict import assess_run
from pmkz.crawler.items import ArticleItem, PageFailed, PageGone, PageUnchanged
from pmkz.crawler.pipelines.revisits import RevisitLog
from pmkz.storage import Store
from pmkz.storage.rolling_batch import RollingBatch

logger = logging.getLogger(__name__)

# How Scrapy's close reason maps onto crawl_runs.status: a run ended early by a signal
# or by one of Scrapy's CLOSESPIDER_* limits is partial, not failed.
RUN_STATUS = {"finished": "ok", "shutdown": "interrupted", "closespider_itemcount": "interrupted",
              "closespider_pagecount": "interrupted", "closespider_timeout": "interrupted",
              "closespider_timeout_no_item": "interrupted", "closespider_errorcount": "interrupted"}
# The reason a crawl stops for when its database takes no more writes.
STORAGE_FAILED = "storage_failed"
# While the database is locked, an item is tried again this often (the connection
# itself waits at most LOCK_POLL_SECONDS, so the reactor never blocks long).
LOCK_POLL_SECONDS = 0.5


def is_lock_error(error: BaseException) -> bool:
    """SQLite's answer when another connection holds the lock past the busy timeout."""
    text = str(error)
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class StorePipeline:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.store = Store(settings["PMKZ_DB"])
        self.raw_dir = Path(settings["PMKZ_DB"]).resolve().parent / "failed-pages"
        self.store.db.execute(f"PRAGMA busy_timeout = {int(LOCK_POLL_SECONDS * 1000)}")
        self.lock_wait = settings.getfloat("PMKZ_LOCK_WAIT_SECONDS", 120.0)
        # Committed counts, and those of items written since the last commit.
        self.counts = Counter(new=0, changed=0, unchanged=0, gone=0, failed=0)
        self.pending = Counter()
        self.discards = 0  # how many times an error ended the open batch whole
        self.unsaved: list[str] = []  # one line per page or image that could not be saved
        self.run_id = None
        self.lists_walked: set[str] = set()  # languages whose list end this run reached
        self.revisits = RevisitLog(settings)
        self.writes = RollingBatch(
            self.store, max_items=settings.getint("PMKZ_STORE_BATCH_ITEMS"),
            max_seconds=settings.getfloat("PMKZ_STORE_BATCH_SECONDS"),
            on_commit=self._committed, on_discard=self._discarded,
            before_commit=self._before_commit,
        )
        self._before_commit_hooks: list = []
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        # Another spider than ours (`scrapy shell URL`) has neither attribute.
        base_url = getattr(spider, "base_url", None) or self.crawler.settings["PMKZ_BASE_URL"]
        self.run_id = self.store.start_run(base_url, "full" if getattr(spider, "full", False) else "incremental")
        self.crawler.stats.set_value("pmkz/run_id", self.run_id)
        if hasattr(spider, "base_url"):
            # Our spider asks for failed pages at its address, another address of the site
            # than they failed at maybe (storage/identity.py).
            self.store.move_page_failures(base_url)

    def before_commit(self, hook) -> None:
        """Call `hook` before each commit: the raw archive makes its files durable first,
        so no committed capture names bytes a power loss could take."""
        self._before_commit_hooks.append(hook)

    def _before_commit(self) -> None:
        for hook in self._before_commit_hooks:
            hook()

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

    async def process_item(self, item):
        waiting_since = None
        while True:
            outcome, discards = None, self.discards
            try:
                with self.writes.item():
                    outcome = self._write(item)
                    if outcome:
                        # Counted in its batch before the batch can commit on leaving.
                        self.pending[outcome] += 1
                break
            except Exception as error:
                if outcome and self.discards == discards:
                    self.pending[outcome] -= 1  # the item's own writes were undone
                if is_lock_error(error):
                    now = time.monotonic()
                    waiting_since = waiting_since or now
                    waited = now - waiting_since
                    if waited < self.lock_wait:
                        if not waited:
                            self._report_lock_wait()
                        await asyncio.sleep(LOCK_POLL_SECONDS)
                        continue
                    error = sqlite3.OperationalError(
                        f"the database stayed locked by another process for {self.lock_wait:g} s")
                self._not_saved(item, error)
                raise DropItem(f"not saved: {item.get('url')}: {error}") from None
        if waiting_since is not None:
            logger.info("The database lock was released after %.1f s; saving goes on", time.monotonic() - waiting_since)
        for image in item.get("image_failures") or []:
            if image.get("kind") == "save":
                self.unsaved.append(f"image {image['url']}: {image['error']}")
        return item

    def _report_lock_wait(self) -> None:
        self.crawler.stats.inc_value("pmkz/lock_waits")
        logger.warning("The database is locked by another process; waiting up to %g s for it", self.lock_wait)

    def _not_saved(self, item, error: Exception) -> None:
        """An item that could not be written: recorded in `failures` when the database
        still takes writes (the next run fetches it again), else the crawl stops."""
        url = item.get("url")
        line = f"{url}: {' '.join(str(error).split()) or type(error).__name__}"
        self.unsaved.append(line)
        self.crawler.stats.inc_value("pmkz/unsaved")
        logger.error("Could not save %s", line)
        if not isinstance(error, sqlite3.Error) and url:
            try:
                with self.writes.item():
                    self.store.record_failure(url, "save", line, run_id=self.run_id)
                return
            except Exception as second:
                error = second
                logger.error("Could not record the failure either: %s", second)
        self._stop_storing(line)

    def archive_failed(self, url: str | None, error: OSError) -> None:
        """The raw archive could not write an answer (crawler/middlewares/archive.py): as
        for a database that takes no writes, the crawl stops and the run ends failed;
        the page is recorded as failed, and fetched again by the next run."""
        line = f"{url or 'the WARC file'}: the raw archive could not be written: {error.strerror or error}"
        self.unsaved.append(line)
        self.crawler.stats.inc_value("pmkz/unsaved")
        logger.error("Could not archive %s", line)
        self._stop_storing(line)

    def _stop_storing(self, line: str) -> None:
        """Stop the crawl at the first storage failure: later answers could not be kept."""
        if not self.crawler.stats.get_value("pmkz/storage_error"):
            self.crawler.stats.set_value("pmkz/storage_error", line)
            if self.crawler.engine.running:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORAGE_FAILED))

    def _committed(self) -> None:
        self.counts.update(self.pending)
        self.pending.clear()

    def _discarded(self) -> None:
        """The open batch was rolled back whole: its items are not stored."""
        self.discards += 1
        lost = sum(self.pending.values())
        if lost:
            self.unsaved.append(f"{lost} items of the last batch: the database rolled them back")
            self.crawler.stats.inc_value("pmkz/unsaved", lost)
        self.pending.clear()

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
            self._save_images(item)
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
        self._save_images(item)
        return outcome

    def _save_images(self, item) -> None:
        url = item["url"]
        images = item.get("images") or []
        if images:
            self.store.save_images(url, images)
        # The page, and any image that failed before and has come through.
        self.store.clear_failures([url, *(image["url"] for image in images)])
        for failed in item.get("image_failures") or []:
            self.store.record_failure(failed["url"], failed.get("kind", "image"), failed["error"],
                                      run_id=self.run_id, item_url=url)

    def spider_closed(self, spider, reason):
        try:
            self._while_locked(self.writes.close)
        except Exception as error:
            logger.error("The last items could not be committed: %s", error)
            self.unsaved.append(f"the last batch: {error}")
        try:
            gone, mass_alert = self._while_locked(lambda: self.revisits.settle(self.store, self.run_id))
            self.counts["gone"] += gone
        except Exception as error:
            logger.error("The pages found gone could not be marked: %s", error)
            gone, mass_alert = 0, None
            self.unsaved.append(f"the pages found gone: {error}")
        stats = self.crawler.stats
        for name, value in self.counts.items():
            stats.set_value(f"pmkz/{name}", value)
        status, error = self._verdict(reason)
        if self.unsaved and status in ("ok", "interrupted") or reason == STORAGE_FAILED:
            status, error = "failed", self._unsaved_line()
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
        try:
            self._while_locked(lambda: self.store.finish_run(
                self.run_id, status, dict(self.counts),
                requests=stats.get_value("downloader/request_count", 0), error=error,
            ))
        except sqlite3.Error as failure:
            # The next run closes this row (storage/runs.py), as for a killed crawl.
            logger.error("The run row could not be closed: %s", failure)
            stats.set_value("pmkz/error", f"{error or status}; the run row could not be closed: {failure}")
        self.store.close()

    def _while_locked(self, write):
        """At close, where nothing else waits: retry a locked write, up to the lock wait."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                return write()
            except sqlite3.OperationalError as error:
                if not is_lock_error(error) or time.monotonic() > deadline:
                    raise
                time.sleep(LOCK_POLL_SECONDS)

    def _unsaved_line(self) -> str:
        first = self.crawler.stats.get_value("pmkz/storage_error") or self.unsaved[0]
        return (f"the run did not complete: {len(self.unsaved)} pages or images could not be saved"
                f" (first: {first}); they are fetched again by the next run")

    def _verdict(self, reason):
        stats = self.crawler.stats
        if not stats.get_value("pmkz/list_pages", 0):
            error = stats.get_value("pmkz/first_list_error") or "no answer"
            return "failed", f"cannot read the news list at {self.crawler.spider.base_url}: {error}"
        # A limit that ended the run early is named; an ordinary end or a signal is not.
        return RUN_STATUS.get(reason, "failed"), None if reason in ("finished", "shutdown") else reason
