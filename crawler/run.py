"""Runs one crawl in this process and returns its summary (what `pmkz crawl` prints).

A Twisted reactor cannot be restarted, so one process runs one crawl; the daemon
starts a fresh process per crawl.
"""
from __future__ import annotations

import importlib
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from pmkz import config
from pmkz.config import check_url
from pmkz.crawler.parsing.selectors import load_selectors
from pmkz.crawler.politeness import rate_settings
from pmkz.crawler.process_guard import ProcessGuard
from pmkz.site import LANGUAGES, parse_langs
from pmkz.crawler.spiders.news import NewsSpider
from pmkz.crawler.list_walk import DateWindow
from pmkz.storage import Store, StorageError
from pmkz.storage.connect import check_intact
from pmkz.storage.crawl_lock import CrawlLock


logger = logging.getLogger(__name__)


# An answer that takes longer than this is no answer; larger is a typo (or inf).
MAX_DOWNLOAD_TIMEOUT = 3600.0


class CrawlError(Exception):
    """A crawl that could not start or could not reach the site; one-line message."""


@dataclass
class CrawlOptions:
    base_url: str
    db_path: Path
    images_dir: Path
    langs: list[str] = field(default_factory=lambda: list(LANGUAGES))
    full: bool = False
    since: str | None = None
    until: str | None = None
    images: bool = True
    warc: bool = True  # the raw archive (crawler/middlewares/archive.py)
    warc_dir: Path | None = None  # None: $PMKZ_WARC_DIR, or warc/ beside the database
    log_file: Path | None = None  # None: Scrapy's log goes to stderr
    log_level: str = "INFO"
    download_timeout: float | None = None  # None: DOWNLOAD_TIMEOUT ($PMKZ_DOWNLOAD_TIMEOUT or 30 s)
    extra_settings: dict = field(default_factory=dict)


@dataclass
class CrawlSummary:
    run_id: int | None
    status: str
    new: int
    changed: int
    unchanged: int
    gone: int
    failed: int
    requests: int
    retries: int  # of `requests`, how many repeated one that had failed
    error: str | None
    exit_code: int | None = None  # 130 or 143 when SIGINT or SIGTERM stopped the crawl

    def line(self) -> str:
        return (
            f"{self.status}: new {self.new}, changed {self.changed}, unchanged {self.unchanged}, "
            f"gone {self.gone}, failed {self.failed} ({self.requests} requests, {self.retries} retries)"
        )


def check_options(options: CrawlOptions, lock: CrawlLock | None = None) -> None:
    """Fail fast, before Scrapy starts, on anything that would break the crawl later.

    `lock`: taken before the database is opened; a refused crawl leaves no lock file."""
    try:
        parse_langs(options.langs)
        DateWindow.from_strings(options.since, options.until)
        check_url(options.base_url, "--base-url")
        config.from_env()  # every PMKZ_* setting, the webhook's too, before any work
        settings = importlib.import_module("pmkz.crawler.settings")  # reads the limits from the environment
        if settings.PMKZ_SELECTORS:
            load_selectors(settings.PMKZ_SELECTORS)
    except ValueError as error:
        raise CrawlError(str(error)) from None
    if options.download_timeout is not None and not 0 < options.download_timeout <= MAX_DOWNLOAD_TIMEOUT:
        raise CrawlError(f"--download-timeout must be a number of seconds above 0 and at most"
                         f" {MAX_DOWNLOAD_TIMEOUT:g}, not {options.download_timeout:g}")
    # Folders first: a crawl refused for one of them leaves no new database behind.
    if options.images:
        _check_writable_dir(options.images_dir, "images dir")
    if options.warc:
        _check_writable_dir(warc_dir(options), "WARC dir")
    if options.log_file:
        _check_writable_dir(options.log_file.parent, "log dir")
    try:
        if lock:
            lock.acquire()
        store = Store(options.db_path)
    except StorageError as error:
        if lock:
            lock.release(discard=True)
        raise CrawlError(str(error)) from None
    try:
        _check_writable_db(store)
        check_intact(store.db, store.path)
    except (StorageError, CrawlError) as error:
        if lock:
            lock.release(discard=True)
        raise CrawlError(str(error)) from None
    finally:
        store.close()


def _check_writable_db(store: Store) -> None:
    """A database that opens may still refuse writes (a read-only file, or another
    process holding the write lock past the busy timeout): fail now, not mid-crawl."""
    for path, what in ((store.path, "database"), (store.path.parent, "database directory")):
        if not os.access(path, os.W_OK):
            raise CrawlError(f"{what} {path} is not writable")
    try:
        store.db.execute("BEGIN IMMEDIATE")
        store.db.execute("ROLLBACK")
    except sqlite3.Error as error:
        raise CrawlError(f"cannot write {store.path}: {error}") from None


def _check_writable_dir(path: Path, what: str) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CrawlError(f"cannot create {what} {path}: {error.strerror}") from None
    if not os.access(path, os.W_OK):
        raise CrawlError(f"{what} {path} is not writable")


def warc_dir(options: CrawlOptions) -> Path:
    return Path(options.warc_dir or os.environ.get("PMKZ_WARC_DIR") or options.db_path.resolve().parent / "warc")


def crawl_settings(options: CrawlOptions) -> Settings:
    settings = Settings()
    settings.setmodule("pmkz.crawler.settings", priority="project")
    overrides = {
        **rate_settings(options.base_url),
        "PMKZ_BASE_URL": options.base_url,
        "PMKZ_DB": str(options.db_path),
        "PMKZ_LANGS": list(options.langs),
        "PMKZ_IMAGES_DIR": str(options.images_dir),
        "PMKZ_WARC": options.warc,
        "PMKZ_WARC_DIR": str(warc_dir(options)),
        "LOG_LEVEL": options.log_level,
        "LOG_FILE": str(options.log_file) if options.log_file else None,
        "LOG_FILE_APPEND": True,
        **({"DOWNLOAD_TIMEOUT": options.download_timeout} if options.download_timeout else {}),
        **options.extra_settings,
    }
    if not options.images:
        overrides["ITEM_PIPELINES"] = {
            k: v for k, v in settings.getdict("ITEM_PIPELINES").items() if "images" not in k
        }
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawl(options: CrawlOptions) -> CrawlSummary:
    # A log file that cannot be written (its disk full) must not print logging's own
    # traceback on stderr, where the operator reads one line; the run's verdict says it.
    logging.raiseExceptions = False
    lock = CrawlLock(options.db_path)
    try:
        return _run(options, lock)
    finally:
        lock.release()


def _run(options: CrawlOptions, lock: CrawlLock) -> CrawlSummary:
    check_options(options, lock)
    process = CrawlerProcess(crawl_settings(options))
    crawler = process.create_crawler(NewsSpider)
    guard = ProcessGuard()
    guard.install(crawler)
    startup_errors: list[str] = []
    process.crawl(
        crawler, base_url=options.base_url, langs=",".join(options.langs),
        since=options.since, until=options.until, full=options.full,
    ).addErrback(_keep_startup_error, startup_errors)
    process.start()
    stats = crawler.stats.get_stats()
    return CrawlSummary(
        run_id=stats.get("pmkz/run_id"),
        status=stats.get("pmkz/status", "failed"),
        new=stats.get("pmkz/new", 0),
        changed=stats.get("pmkz/changed", 0),
        unchanged=stats.get("pmkz/unchanged", 0),
        gone=stats.get("pmkz/gone", 0),
        failed=stats.get("pmkz/failed", 0),
        requests=stats.get("downloader/request_count", 0),
        retries=stats.get("retry/count", 0),
        error=stats.get("pmkz/error") if "pmkz/status" in stats else (
            startup_errors[0] if startup_errors else "the crawl stopped before it began; see the log"),
        exit_code=guard.exit_code(),
    )


def _keep_startup_error(failure, errors: list[str]) -> None:
    """A crawl that failed while Scrapy built it: the traceback to the log, one line for
    the summary (unhandled, Twisted would print the traceback on stderr)."""
    logger.error("The crawl could not start", exc_info=(failure.type, failure.value, failure.getTracebackObject()))
    text = str(failure.value).strip().splitlines()
    errors.append(f"the crawl could not start: {text[0] if text else type(failure.value).__name__}")
