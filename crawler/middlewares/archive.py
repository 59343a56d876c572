"""Every response the downloader receives goes to the raw archive (storage/warc.py).

A downloader middleware next to the downloader (its process_response runs before
retries, redirects and decompression see the answer), so list pages, article pages and
images are kept as the site sent them: a 503 that was retried, a redirect, a gzip body.
Each fetch is a `response` record and its `request` record; a 304 is a `revisit`
record pointing at the page's newest full capture. Its row in `captures` is written
through the store pipeline, which owns the database, in the batch that then stores the
item; the capture's id rides in the request's meta (CAPTURE_META) to the spider, which
puts it on the item, so every stored record names the response it was parsed from.

Files go to PMKZ_WARC_DIR (default warc/ beside the database), one series per crawl run,
a new file past PMKZ_WARC_MAX_BYTES; PMKZ_WARC=False (`pmkz crawl --no-warc`) turns it
off. On opening, a file an earlier, killed crawl left with a cut last record is cut
back to its last whole record. Records are written with os.write (a killed crawl loses
none it indexed) and made durable (fsync) before each commit of the database.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlite_utils.db import NotFoundError

from pmkz.crawler.pipelines.store import StorePipeline
from pmkz.storage.warc import Exchange, WarcWriter, recover

CAPTURE_META = "pmkz_capture"


class ArchiveMiddleware:
    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("PMKZ_WARC", True):
            raise NotConfigured("the raw archive is off")
        self.crawler = crawler
        self.directory = Path(settings.get("PMKZ_WARC_DIR") or Path(settings["PMKZ_DB"]).resolve().parent / "warc")
        self.max_bytes = settings.getint("PMKZ_WARC_MAX_BYTES")
        self.writer: WarcWriter | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def archive(self) -> StorePipeline | None:
        return self.crawler.get_item_pipeline(StorePipeline)

    def spider_opened(self, spider):
        archive = self.archive
        if archive is None:  # no database to index captures in (the bench's bare spider)
            return
        store = archive.store
        cut = recover(self.directory, known_end=store.warc_file_end,
                      writing=lambda run_id: run_id != archive.run_id and _running(store, run_id))
        for name, size in cut:
            spider.logger.warning("Cut %d bytes of a record left incomplete off %s", size, name)
        self.writer = WarcWriter(self.directory, archive.run_id, self.max_bytes)
        archive.before_commit(self.writer.sync)

    def spider_closed(self, spider, reason):
        if self.writer is not None:
            self.writer.close()

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
        archive = self.archive
        earlier = archive.store.newest_payload_capture(response.url) if response.status == 304 else None
        capture = self.writer.write_revisit(exchange, earlier) if earlier else self.writer.write(exchange)
        request.meta[CAPTURE_META] = archive.record_capture(capture)
        self.crawler.stats.inc_value("pmkz/warc/records")
        return response


def _pairs(headers) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in headers.items() for value in values]


def _running(store, run_id: int) -> bool:
    try:
        return store.run(run_id)["status"] == "running"
    except NotFoundError:  # no such run row: its file belongs to no crawl now going on
        return False
