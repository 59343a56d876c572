"""Writing the raw archive: every response the crawl receives, as WARC (ISO 28500) records.

Records are built with warcio (the Webrecorder project's library) and written as one
gzip member each, and a fetch (its `response` record, then the `request` record
concurrent to it) goes to the file in one `write`: a process killed at any moment leaves
every earlier record whole. A write that fails (a full disk) is cut back off the file,
and each record's offset is the file's real end, so a failed write never shifts the
records after it. A 304 answer is a `revisit` record (profile server-not-modified) that
points at the capture it confirms. A new file starts once one passes the size limit,
each with a `warcinfo` record.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from http.client import responses as REASONS
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import BufferWARCWriter

from .layout import WARC_VERSION, file_name, gzip_member, header

NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Hop-by-hop framing the downloader has already undone: the record holds the body as
# received without chunks, and a reader must not look for them.
_DROPPED_HEADERS = {"transfer-encoding"}
# Heritrix's default size; a file this large still copies and checks in seconds.
DEFAULT_MAX_BYTES = 1 << 30


def warc_date(moment: datetime | str) -> str:
    """WARC-Date of a moment (or of a capture's `fetched_at`), to the second like
    `fetched_at`, so that a revisit's WARC-Refers-To-Date is the earlier record's date."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return datetime_to_iso_date(moment.astimezone(timezone.utc).replace(tzinfo=None), use_micros=False)


@dataclass(frozen=True)
class Exchange:
    """One fetch as the crawler saw it: the request sent and the answer received."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    protocol: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime


class WarcWriter:
    """Appends fetches to the WARC files of one crawl run in `directory`.

    `write` and `write_revisit` return the capture (what the `captures` table keeps):
    url, fetched_at, status, record_type, record_id, payload_digest, warc_file,
    warc_offset and warc_length of the response or revisit record.
    """

    def __init__(self, directory: Path, run_id: int, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory)
        self.run_id = run_id
        self.max_bytes = max_bytes
        self._builder = BufferWARCWriter(gzip=False, warc_version=WARC_VERSION)
        self._n = -1
        self._fd: int | None = None
        self._size = 0
        self._new_file = False  # made since the last sync: its directory entry too
        self.name: str | None = None
        self.directory.mkdir(parents=True, exist_ok=True)

    def write(self, exchange: Exchange) -> dict:
        http = StatusAndHeaders(f"{exchange.status} {REASONS.get(exchange.status, 'Unknown')}",
                                _kept(exchange.headers), protocol=exchange.protocol or "HTTP/1.1")
        record = self._builder.create_warc_record(
            exchange.url, "response", payload=io.BytesIO(exchange.body), length=len(exchange.body),
            http_headers=http, warc_headers_dict={"WARC-Date": warc_date(exchange.fetched_at)})
        return self._append(exchange, record)

    def write_revisit(self, exchange: Exchange, earlier: dict) -> dict:
        """A 304: the answer's headers, pointing at `earlier` (a capture of the same page)."""
        http = StatusAndHeaders(f"{exchange.status} {REASONS.get(exchange.status, 'Unknown')}",
                                _kept(exchange.headers), protocol=exchange.protocol or "HTTP/1.1")
        record = self._builder.create_revisit_record(
            exchange.url, earlier["payload_digest"], earlier["url"], warc_date(earlier["fetched_at"]),
            http_headers=http, warc_headers_dict={"WARC-Date": warc_date(exchange.fetched_at),
                                                  "WARC-Refers-To": earlier["record_id"]})
        record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        return self._append(exchange, record)

    def _append(self, exchange: Exchange, record) -> dict:
        request = self._request_record(exchange, record)
        response_bytes = gzip_member(self._serialize(record))
        data = response_bytes + gzip_member(self._serialize(request))
        if self._fd is None or self._size >= self.max_bytes:
            self._next_file()
        # The file's real end, not a count of ours: a write the disk cut short would
        # shift every later offset (the file is in append mode).
        offset = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            _write_all(self._fd, data)
        except OSError:
            _cut_back(self._fd, offset)
            raise
        self._size = offset + len(data)
        headers = record.rec_headers
        return {
            "url": exchange.url,
            "fetched_at": exchange.fetched_at.astimezone(timezone.utc).replace(microsecond=0).isoformat(),
            "status": exchange.status,
            "record_type": record.rec_type,
            "record_id": headers.get_header("WARC-Record-ID"),
            "payload_digest": headers.get_header("WARC-Payload-Digest"),
            "content_type": header(exchange.headers, "content-type"),
            "warc_file": self.name,
            "warc_offset": offset,
            "warc_length": len(response_bytes),
        }

    def _request_record(self, exchange: Exchange, response):
        parts = exchange.url.split("/", 3)
        target = "/" + (parts[3] if len(parts) > 3 else "")
        host = parts[2] if len(parts) > 2 else ""
        http = StatusAndHeaders(f"{exchange.method} {target.split('#')[0]}",
                                [("Host", host), *exchange.request_headers],
                                protocol="HTTP/1.1", is_http_request=True)
        body = exchange.request_body or b""
        record = self._builder.create_warc_record(
            exchange.url, "request", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": response.rec_headers.get_header("WARC-Date"),
                               "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})
        return record

    def _serialize(self, record) -> bytes:
        self._builder.out = io.BytesIO()
        self._builder.write_record(record)
        return self._builder.out.getvalue()

    def _next_file(self) -> None:
        self.close()
        self._n += 1
        while (self.directory / file_name(self.run_id, self._n)).exists():
            self._n += 1  # a run never appends to a file it did not start
        self.name = file_name(self.run_id, self._n)
        self._fd = os.open(self.directory / self.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        info = self._builder.create_warcinfo_record(self.name, {
            "software": "pmkz (warcio)", "format": "WARC File Format 1.1",
            "description": "responses received by a pmkz crawl of primeminister.kz",
        })
        data = gzip_member(self._serialize(info))
        try:
            _write_all(self._fd, data)
        except OSError:
            # No file without its warcinfo: the next record tries a new one again.
            os.close(self._fd)
            self._fd = None
            (self.directory / self.name).unlink(missing_ok=True)
            raise
        self._size = len(data)
        self._new_file = True

    def sync(self) -> None:
        """Make what was written durable: called before the database commits the
        captures that point into it, so that after a power loss no row names bytes the
        disk never got."""
        if self._fd is not None:
            os.fsync(self._fd)
        if self._new_file:
            directory = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
            self._new_file = False

    def close(self) -> None:
        if self._fd is not None:
            try:
                self.sync()
            finally:
                os.close(self._fd)
                self._fd = None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _cut_back(fd: int, end: int) -> None:
    """Take the part of a failed write off the file. Should even that fail, the next
    record still goes after it, at the real end, and the index never names it."""
    try:
        os.ftruncate(fd, end)
    except OSError:
        pass


def _kept(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() not in _DROPPED_HEADERS]
