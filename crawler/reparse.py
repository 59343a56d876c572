"""Re-derives stored records from the raw archive, offline (`pmkz reparse`).

Each stored page's newest archived response (storage/warc/, indexed in `captures`) is
read back and parsed as the spider parses a fetched page: the same parsers, the selectors
in force now, the encoding the HTTP headers declared (through Scrapy's response classes).
The record is stored as a crawl would store it, except that it says where it came from:
a changed record becomes a new version whose reason is `reparsed`, with a `reparsed`
event of the re-parse's own run (a `crawl_runs` row of mode `reparse`), so a parser
correction is never taken for an edit on the site. What the last fetch set (last seen,
status, validators) stays. Running it twice changes nothing the second time.

It takes only answers the crawl itself took: read back within the crawl's size cap
(storage/warc/), so an answer the crawl refused (a body decoding past the cap) is
passed over for the capture the stored record came from. A page whose answer cannot be
read or does not parse keeps its stored record and is counted as failed; a run with
failures ends `failed`, its first failure named in one line.

Pages are read in file order, parsed, and written in batches of BATCH records.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from scrapy.http import TextResponse
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes

from pmkz.crawler.middlewares.errors import error_line
from pmkz.crawler.parsing import NotAnArticle
from pmkz.crawler.parsing.pages import parse_page
from pmkz.crawler.parsing.selectors import KNOWN, Selectors
from pmkz.crawler.parsing.urls import lang_of
from pmkz.storage import Store, captures, failures
from pmkz.storage.crawl_lock import CrawlLock
from pmkz.storage.warc import ArchiveReader, RefusedAnswer, UnreadableCapture

BATCH = 500


@dataclass
class ReparseSummary:
    run_id: int
    pages: int = 0
    new: int = 0  # pages that never parsed before and do now
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    without_capture: int = 0  # stored items no archived response can re-derive
    seconds: float = 0.0
    first_failure: str | None = None

    @property
    def status(self) -> str:
        return "failed" if self.failed else "ok"

    def line(self) -> str:
        rate = self.pages / self.seconds if self.seconds > 0 else 0.0
        tail = f"; first failure: {self.first_failure}" if self.first_failure else ""
        return (f"{self.status}: new {self.new}, changed {self.changed}, unchanged {self.unchanged}, failed {self.failed}"
                f" ({self.pages} pages re-parsed at {rate:.0f} pages/s, {self.without_capture} items without"
                f" a capture){tail}")


def archived_response(archived, url: str):
    """The Scrapy response a fetch of this record would have given the spider."""
    headers = Headers(archived.headers)
    headers.pop(b"Content-Encoding", None)  # content() undoes it, within the crawl's cap
    body = archived.content()
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, status=archived.status, headers=headers, body=body)


def reparse_record(target: dict, archived, selectors: Selectors) -> dict:
    """The record of one archived page; NotAnArticle when it does not parse."""
    url = target["url"]
    response = archived_response(archived, url)
    if not isinstance(response, TextResponse):
        raise NotAnArticle("not an HTML page")
    record = parse_page(response.body, url, response.encoding, selectors=selectors)
    sources = json.loads(target.get("field_sources") or "{}")
    if record["summary"] is None and sources.get("summary") == "listing" and target.get("summary"):
        # The crawl took this lead from the list page, which is no part of the page.
        record["summary"] = target["summary"]
        record["field_sources"]["summary"] = "listing"
    return record


def reparse(db_path: Path, warc_dir: Path, *, lang: str | None = None, since: str | None = None,
            until: str | None = None, url: str | None = None, selectors: Selectors = KNOWN,
            progress: Callable[[int, int, float], None] = lambda done, total, seconds: None) -> ReparseSummary:
    started = time.monotonic()
    # Not beside a crawl of the same database (storage/crawl_lock.py).
    with CrawlLock(db_path, "reparse"), Store(db_path) as store, ArchiveReader(warc_dir) as reader:
        targets = [t for t in captures.reparse_targets(store.db, lang, since, until, url)
                   if not lang or (t["lang"] or lang_of(t["url"])) == lang]
        unparsed = set(failures.urls(store.db, ("parse",)))
        run_id = store.start_run(None, "reparse")
        summary = ReparseSummary(run_id=run_id, without_capture=0 if url else captures.without_capture(store.db))
        try:
            for start in range(0, len(targets), BATCH):
                with store.batch():
                    for target in targets[start:start + BATCH]:
                        _one(store, reader, target, selectors, summary, unparsed)
                progress(summary.pages, len(targets), time.monotonic() - started)
        except BaseException:
            store.finish_run(run_id, "interrupted", _counts(summary), requests=0)
            raise
        summary.seconds = time.monotonic() - started
        store.finish_run(run_id, summary.status, _counts(summary), requests=0,
                         error=summary.first_failure and f"{summary.failed} pages failed, first: {summary.first_failure}")
    return summary


def _one(store: Store, reader: ArchiveReader, target: dict, selectors: Selectors, summary: ReparseSummary,
         unparsed: set[str]) -> None:
    summary.pages += 1
    try:
        capture_id, record = _accepted_record(store, reader, target, selectors)
    except Exception as error:  # not an article, an unreadable record, a parser bug: counted, never fatal
        summary.failed += 1
        summary.first_failure = summary.first_failure or f"{target['url']}: {_failure_line(error)}"
        return
    outcome = store.save_item(record, run_id=summary.run_id, capture_id=capture_id, reparsed=True)
    setattr(summary, outcome, getattr(summary, outcome) + 1)
    if target["url"] in unparsed:  # its newest answer had failed to parse, and now parses
        failures.clear(store.db, target["url"])


def _accepted_record(store: Store, reader: ArchiveReader, target: dict, selectors: Selectors) -> tuple[int, dict]:
    """(capture id, record) of the newest answer the crawl took: the target's, unless
    the crawl refused it, then the one the stored record came from."""
    try:
        return target["capture_id"], reparse_record(target, reader.capture(target), selectors)
    except RefusedAnswer:
        earlier = target.get("item_capture_id")
        if earlier is None or earlier == target["capture_id"]:
            raise
    row = captures.get(store.db, earlier)
    return earlier, reparse_record(target, reader.capture(row), selectors)


def _failure_line(error: Exception) -> str:
    """Why a page failed, as one printable line (a damaged record or a page in a wrong
    encoding must not put bytes on the terminal)."""
    text = str(error) if isinstance(error, (NotAnArticle, UnreadableCapture)) else f"parser error: {error_line(error)}"
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text[:300]


def _counts(summary: ReparseSummary) -> dict:
    return {"new": summary.new, "changed": summary.changed, "unchanged": summary.unchanged,
            "failed": summary.failed}
