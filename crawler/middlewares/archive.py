"""Every response the downloader receives goes to the raw archive (storage/warc/).

A downloader middleware next to the downloader (its process_response runs before
retries, redirects and decompression see the answer), so list pages, article pages and
images are kept as the site sent them: a 503 that was retried, a redirect, a gzip body.
Each fetch is a `response` record and its `request` record; a 304 is a `revisit`
record pointing at the page's newest full capture. Its row in `captures` is written in
the crawl run's rolling batch (crawler/crawl_run.py, which owns the database, found
through the crawler), the batch that then stores the item; the capture's id rides in
the request's meta (CAPTURE_META, as Scrapy's own middlewares pass what they learned) to
the spider, which puts it on the item, so every stored record names the response it was
parsed from.

Files go to PMKZ_WARC_DIR (default warc/ beside the database), one series per crawl run,
a new file past PMKZ_WARC_MAX_BYTES; PMKZ_WARC=False (`pmkz crawl --no-warc`) turns it
off. On opening, a file an earlier, killed crawl left with a cut last record is cut
back to its last whole record. Records are written with os.write (a killed crawl loses
none it indexed); the crawl run makes them durable (fsync) before each commit of the
database and closes the file before it judges the run.

An answer that cannot be written (a full disk) stops the crawl as a database that takes
no writes does: the run ends `failed`, and the page, recorded as a failure, is fetched
again by the next run. A conditional GET is sent only when the archive can give back
the answer a 304 would confirm: a page whose newest capture is missing or unreadable is
fetched in full, and so archived again. The site is asked only for the content
encodings the archive reads back (storage/warc/).
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from sqlite_utils.db import NotFoundError

from pmkz.crawler.crawl_run import CrawlRun
from pmkz.storage import captures, runs
from pmkz.storage.warc import (
    READABLE_ENCODINGS, ArchiveReader, Exchange, UnreadableCapture, WarcWriter, recover,
)

logger = logging.getLogger(__name__)

CAPTURE_META = "pmkz_capture"
_VALIDATORS = (b"If-None-Match", b"If-Modified-Since")


class NotArchived(IgnoreRequest):
    """An answer the raw archive could not keep: the page is fetched again next run."""


class ArchiveMiddleware:
    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("PMKZ_WARC", True):
            raise NotConfigured("the raw archive is off")
        self.crawler = crawler
        self.directory = Path(settings.get("PMKZ_WARC_DIR") or Path(settings["PMKZ_DB"]).resolve().parent / "warc")
        self.max_bytes = settings.getint("PMKZ_WARC_MAX_BYTES")
        self.run: CrawlRun | None = None
        self.writer: WarcWriter | None = None
        self.reader: ArchiveReader | None = None
        # After every spider_opened handler: the crawl run's row exists, and names the files.
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def engine_started(self):
        self.run = run = self.crawler.get_extension(CrawlRun)
        if run is None:  # no database to index captures in (the bench's bare spider)
            return
        cut = recover(self.directory, known_end=lambda name: captures.file_end(run.db, name),
                      writing=lambda run_id: run_id != run.run_id and _running(run.db, run_id))
        for name, size in cut:
            logger.warning("Cut %d bytes of a record left incomplete off %s", size, name)
        self.writer = WarcWriter(self.directory, run.run_id, self.max_bytes)
        self.reader = ArchiveReader(self.directory)
        run.keep_archive(self.writer)

    def spider_closed(self, spider, reason):
        # The writer is the crawl run's to close: after the last commit, before the verdict.
        if self.reader is not None:
            self.reader.close()

    def process_request(self, request):
        if self.writer is None:
            return None
        accepted = request.headers.get(b"Accept-Encoding")
        if accepted:
            readable = [e.strip() for e in accepted.split(b",")
                        if e.split(b";")[0].strip().decode("latin-1").lower() in READABLE_ENCODINGS]
            request.headers[b"Accept-Encoding"] = b", ".join(readable) or b"identity"
        if any(request.headers.get(name) for name in _VALIDATORS):
            lost = self._unconfirmable(request.url)
            if lost:
                for name in _VALIDATORS:
                    request.headers.pop(name, None)
                self.crawler.stats.inc_value("pmkz/warc/fetched_in_full")
                self.crawler.spider.logger.info("Fetching %s in full: %s", request.url, lost)
        return None

    def _unconfirmable(self, url: str) -> str | None:
        """Why a 304 for `url` could confirm nothing the archive holds, or None."""
        earlier = captures.newest_payload(self.run.db, url)
        if earlier is None:
            return "the raw archive holds no answer of it"
        try:
            self.reader.capture(earlier)
        except UnreadableCapture as error:
            return f"its archived answer cannot be read: {error}"
        return None

    def process_response(self, request, response):
        if self.writer is None:
            return response
        exchange = Exchange(
            url=response.url, method=request.method,
            request_headers=_pairs(request.headers), request_body=request.body,
            status=response.status, protocol=getattr(response, "protocol", None) or "HTTP/1.1",
            headers=_pairs(response.headers), body=response.body,
            fetched_at=datetime.now(timezone.utc),
        )
        run = self.run
        earlier = captures.newest_payload(run.db, response.url) if response.status == 304 else None
        try:
            capture = self.writer.write_revisit(exchange, earlier) if earlier else self.writer.write(exchange)
        except OSError as error:
            run.archive_failed(response.url, error)
            raise NotArchived(f"the raw archive could not be written: {error.strerror or error}") from None
        request.meta[CAPTURE_META] = self._index(capture)
        self.crawler.stats.inc_value("pmkz/warc/records")
        return response

    def _index(self, capture: dict) -> int | None:
        """The capture's row, written in the run's rolling batch, so it commits with or
        before the item it gives; its id. None when the database refused it: the record
        stays in its WARC file unindexed."""
        try:
            with self.run.writes.item() as store:
                return captures.save(store.db, capture, self.run.run_id)
        except Exception as error:
            self.crawler.stats.inc_value("pmkz/warc/unindexed")
            logger.warning("The capture of %s was archived but not indexed: %s", capture["url"], error)
            return None


def _pairs(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]


def _running(db, run_id: int) -> bool:
    try:
        return runs.get(db, run_id)["status"] == "running"
    except NotFoundError:  # no such run row: its file belongs to no crawl now going on
        return False
