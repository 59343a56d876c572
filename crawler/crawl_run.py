"""The crawl run: one owner for the database a crawl writes, its `crawl_runs` row and
its verdict.

A Scrapy extension, as spidermon keeps a run's verdict: it opens the Store, starts the
run's row when the spider opens, and when the spider closes commits what is pending,
judges the run (storage failures, crawler/health) and finishes the row. The other parts
reach it through the crawler (`crawler.get_extension(CrawlRun)`), never through one
another: the store pipeline writes items in its rolling batch, the raw archive's
middleware (crawler/middlewares/archive.py) indexes its captures in the same batch and
hands it its WARC writer, the spider reads what is stored and reports how far it walked
each list. It is on only when items are stored (the store pipeline among
ITEM_PIPELINES): `scrapy check` and the commands that store nothing open no database.

Writes go in rolling batches (storage/rolling_batch.py): each item whole, a commit
every PMKZ_STORE_BATCH_ITEMS items or PMKZ_STORE_BATCH_SECONDS seconds, and at close;
the raw archive's files are made durable before each commit, so no committed capture
names bytes a power loss could take. A save that fails is never silent: a database or a
raw archive that takes no writes stops the crawl, the run ends `failed`, and the counts
are those of committed items only.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from collections import Counter

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from sqlite_utils import Database

from pmkz.crawler.health.verdict import assess_run, end_status
from pmkz.crawler.revisit_log import RevisitLog
from pmkz.storage import Store, events
from pmkz.storage.rolling_batch import RollingBatch
from pmkz.storage.schema import ensure_schema
from pmkz.storage.store import utc_stamp

logger = logging.getLogger(__name__)

# The item pipeline that stores items; without it a crawl keeps no database.
STORE_PIPELINE = "pmkz.crawler.pipelines.store.StorePipeline"
# The reason a crawl stops for when its database or raw archive takes no more writes.
STORAGE_FAILED = "storage_failed"
# While the database is locked, a write is tried again this often (the connection
# itself waits at most LOCK_POLL_SECONDS, so the reactor never blocks long), or as often
# as a shorter PMKZ_LOCK_WAIT_SECONDS allows: a wait is never stretched to the poll.
LOCK_POLL_SECONDS = 0.5


def is_lock_error(error: BaseException) -> bool:
    """SQLite's answer when another connection holds the lock past the busy timeout."""
    text = str(error)
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


class CrawlRun:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.store = Store(settings["PMKZ_DB"])
        self.lock_wait = settings.getfloat("PMKZ_LOCK_WAIT_SECONDS", 120.0)
        self.lock_poll = min(LOCK_POLL_SECONDS, self.lock_wait)
        self.store.db.execute(f"PRAGMA busy_timeout = {int(self.lock_poll * 1000)}")
        self.run_id: int | None = None
        self.base_url: str | None = None  # the site this run crawls
        # Committed counts, and those of items written since the last commit.
        self.counts = Counter(new=0, changed=0, unchanged=0, gone=0, failed=0)
        self.pending = Counter()
        self.discards = 0  # how many times an error ended the open batch whole
        self.unsaved: list[str] = []  # one line per page or image that could not be saved
        # Pages found gone, held to the run's end (the store pipeline tells it each page).
        self.revisits = RevisitLog(settings)
        self.lists_walked: set[str] = set()  # languages whose list end this run reached
        self.archive_writer = None  # the raw archive's WARC writer, when it is on
        self.writes = RollingBatch(
            self.store, max_items=settings.getint("PMKZ_STORE_BATCH_ITEMS"),
            max_seconds=settings.getfloat("PMKZ_STORE_BATCH_SECONDS"),
            on_commit=self._committed, on_discard=self._discarded,
            before_commit=self._sync_archive,
        )
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @property
    def db(self) -> Database:
        """The database, for reading what is stored through storage's table modules."""
        return self.store.db

    @classmethod
    def from_crawler(cls, crawler):
        pipelines = crawler.settings.getwithbase("ITEM_PIPELINES")
        if pipelines.get(STORE_PIPELINE) is None:
            raise NotConfigured("no items are stored")
        return cls(crawler)

    def spider_opened(self, spider):
        # Another spider than ours (`scrapy shell URL`) has neither attribute.
        self.base_url = base_url = getattr(spider, "base_url", None) or self.crawler.settings["PMKZ_BASE_URL"]
        self.run_id = self.store.start_run(base_url, "full" if getattr(spider, "full", False) else "incremental")
        self.crawler.stats.set_value("pmkz/run_id", self.run_id)
        if hasattr(spider, "base_url"):
            # Our spider asks for failed pages at its address, another address of the site
            # than they failed at maybe (storage/identity.py).
            self.store.move_page_failures(base_url)

    def keep_archive(self, writer) -> None:
        """The raw archive's WARC writer: synced before each commit, closed before the
        verdict."""
        self.archive_writer = writer

    def _sync_archive(self) -> None:
        if self.archive_writer is not None:
            self.archive_writer.sync()

    def list_end_reached(self, lang: str) -> None:
        """The spider walked this language's list to its end; kept if the run completes."""
        self.lists_walked.add(lang)

    def list_position(self, lang: str, page_url: str) -> None:
        """Where an interrupted walk of this language's list resumes (crawler/list_walk.py),
        written in the stream of the items it follows."""
        self.store.save_list_cursor(lang, page_url)

    def not_saved(self, line: str) -> None:
        """A page, image or batch that could not be saved: the run cannot be `ok`."""
        self.unsaved.append(line)

    def archive_failed(self, url: str | None, error: OSError) -> None:
        """The raw archive could not write an answer: as for a database that takes no
        writes, the crawl stops and the run ends failed; the page is fetched again by
        the next run."""
        line = f"{url or 'the WARC file'}: the raw archive could not be written: {error.strerror or error}"
        self.unsaved.append(line)
        self.crawler.stats.inc_value("pmkz/unsaved")
        logger.error("Could not archive %s", line)
        self.stop_storing(line)

    def stop_storing(self, line: str) -> None:
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

    def while_locked(self, write):
        """At close, where nothing else waits: retry a locked write, up to the lock wait."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                return write()
            except sqlite3.OperationalError as error:
                if not is_lock_error(error) or time.monotonic() > deadline:
                    raise
                time.sleep(self.lock_poll)

    def spider_closed(self, spider, reason):
        try:
            self.while_locked(self.writes.close)
        except Exception as error:
            logger.error("The last items could not be committed: %s", error)
            self.unsaved.append(f"the last batch: {error}")
        if self.archive_writer is not None:
            try:
                self.archive_writer.close()
            except OSError as error:
                self.archive_failed(None, error)
        try:
            gone, mass_alert = self.while_locked(lambda: self.revisits.settle(self.store, self.run_id))
            self.counts["gone"] += gone
        except Exception as error:
            logger.error("The pages found gone could not be marked: %s", error)
            mass_alert = None
            self.unsaved.append(f"the pages found gone: {error}")
        try:
            self.while_locked(self._record_findings)
        except Exception as error:
            logger.error("The run's diverged and backdated items could not be recorded: %s", error)
            self.unsaved.append(f"the diverged and backdated items: {error}")
        stats = self.crawler.stats
        for name, value in self.counts.items():
            stats.set_value(f"pmkz/{name}", value)
        status, error = end_status(reason, stats.get_stats(), self.base_url)
        if self.unsaved and status in ("ok", "interrupted") or reason == STORAGE_FAILED:
            status, error = "failed", self._unsaved_line()
        if status == "ok":
            # Only a completed run proves everything down the list was fetched; from
            # then on incremental runs may stop at the first page with nothing new.
            for lang in self.lists_walked:
                self.store.mark_list_walked(lang)
            status, error = assess_run(self.crawler.settings, stats.get_stats(), self.db, self.run_id)  # ok or degraded
        if mass_alert and status in ("ok", "degraded"):
            status, error = "degraded", "; ".join(filter(None, (error, mass_alert)))
        stats.set_value("pmkz/status", status)
        stats.set_value("pmkz/error", error)
        try:
            self.while_locked(lambda: self.store.finish_run(
                self.run_id, status, dict(self.counts),
                requests=stats.get_value("downloader/request_count", 0), error=error,
            ))
        except sqlite3.Error as failure:
            # The next run closes this row (storage/runs.py), as for a killed crawl.
            logger.error("The run row could not be closed: %s", failure)
            stats.set_value("pmkz/error", f"{error or status}; the run row could not be closed: {failure}")
        self.store.close()

    def _record_findings(self) -> None:
        """What only the stored versions show (storage/events.py), before this run's
        walked lists are marked."""
        with self.store.batch():
            events.record_findings(self.db, self.run_id, utc_stamp(),
                                   self.crawler.settings.getfloat("PMKZ_DIVERGENCE_DAYS"))

    def _unsaved_line(self) -> str:
        first = self.crawler.stats.get_value("pmkz/storage_error") or self.unsaved[0]
        return (f"the run did not complete: {len(self.unsaved)} pages or images could not be saved"
                f" (first: {first}); they are fetched again by the next run")


class NothingStored:
    """The crawl run as the spider sees it when nothing is stored (`scrapy check`, which
    runs callbacks without pipelines, and a feed export not asked to store,
    crawler/scrapy_commands/crawl.py): an empty database in memory, so every page is
    new, and nothing kept."""

    def __init__(self):
        self.db = Database(memory=True)
        ensure_schema(self.db)

    def list_end_reached(self, lang):
        pass

    def list_position(self, lang, page_url):
        pass
