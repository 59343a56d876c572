"""The raw archive: every response the crawl receives, as WARC (ISO 28500) files.

Records are built with warcio (the Webrecorder project's library) and written as one
gzip member each, so any record can be read alone from its offset and length, and a
fetch (its `response` record, then the `request` record concurrent to it) goes to the
file in one `write`: a process killed at any moment leaves every earlier record whole.
A write cut by a power cut or a full disk can still leave the last member short; the
next crawl finds it (`recover`), from the end of the last record the database knows, and
cuts it off, so no reader ever takes it for a record. A write that fails (a full disk)
is cut back off the file, and each record's offset is the file's real end, so a failed
write never shifts the records after it. A 304 answer is a `revisit` record (profile
server-not-modified) that points at the capture it confirms.

Reading back obeys the crawl's own size cap (pmkz.site.MAX_ANSWER_BYTES): a record is
inflated, and its body decoded (warcio's decoders), never past it. A capture that cannot
be given back is an `UnreadableCapture` with one line that names no path and holds no
bytes; an answer the crawl would not have taken (over the cap, or in an encoding the
archive does not decode) is a `RefusedAnswer`.

Files are `pmkz-<run>-<n>.warc.gz` (the crawl run's id, then a number from 0), a new one
once a file passes the size limit. Each starts with a `warcinfo` record.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http.client import responses as REASONS
from pathlib import Path
from typing import Callable, Iterable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import BufferWARCWriter

from pmkz.site import MAX_ANSWER_BYTES

FILE_PATTERN = re.compile(r"^pmkz-(?P<run>\d+)-(?P<n>\d+)\.warc\.gz$")
WARC_VERSION = "1.1"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Hop-by-hop framing the downloader has already undone: the record holds the body as
# received without chunks, and a reader must not look for them.
_DROPPED_HEADERS = {"transfer-encoding"}
# Heritrix's default size; a file this large still copies and checks in seconds.
DEFAULT_MAX_BYTES = 1 << 30
_GZIP_LEVEL = 6  # warcio's own writer uses 9: twice the time for a few per cent


def file_name(run_id: int, n: int) -> str:
    return f"pmkz-{run_id}-{n}.warc.gz"


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
        response_bytes = _gzip(self._serialize(record))
        data = response_bytes + _gzip(self._serialize(request))
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
            "content_type": _header(exchange.headers, "content-type"),
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
        data = _gzip(self._serialize(info))
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


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def _kept(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() not in _DROPPED_HEADERS]


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


# Reading ---------------------------------------------------------------------------

# What a record holds besides its body (WARC and HTTP headers): far under this.
_HEADER_ALLOWANCE = 1 << 16
# Content-Encodings read back (warcio's decoders); the crawl asks the site for no other.
READABLE_ENCODINGS = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
# Compressed bytes fed to a decoder at a time: deflate inflates at most about a
# thousandfold, so a step never overshoots the cap by more than a few MB.
_DECODE_BLOCK = 4096


class UnreadableCapture(ValueError):
    """A capture the raw archive cannot give back: its file missing or cut short, its
    record damaged, or another record than the one indexed. One line, no path, no bytes."""


class RefusedAnswer(UnreadableCapture):
    """An archived answer the crawl would not have taken: over the size cap, or in a
    content encoding the archive does not decode."""


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    warc_date: str
    record_type: str
    record_id: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # the payload as received (content encoding, if any, still applied)
    payload_digest: str | None = None

    def header(self, name: str) -> str | None:
        return _header(self.headers, name.lower())

    def content(self, cap: int = MAX_ANSWER_BYTES) -> bytes:
        """The body with its Content-Encoding undone, never decoded past `cap` bytes."""
        encoding = (self.header("content-encoding") or "").strip().lower()
        if encoding in ("", "identity"):
            return self.body
        if encoding not in READABLE_ENCODINGS:
            raise RefusedAnswer(f"its body is encoded as {_printable(encoding)!r}, which the archive does not decode")
        decoder = BufferedReader(io.BytesIO(self.body), block_size=_DECODE_BLOCK,
                                 decomp_type=READABLE_ENCODINGS[encoding])
        content = decoder.read(cap + 1)
        if len(content) > cap:
            raise RefusedAnswer(f"its body decodes to more than the {cap} bytes the crawl takes")
        return content


class ArchiveReader:
    """Reads captures by file, offset and length; keeps the files it opened open."""

    def __init__(self, directory: Path, cap: int = MAX_ANSWER_BYTES):
        self.directory = Path(directory)
        self.cap = cap
        self._files: dict[str, io.BufferedReader] = {}

    def raw(self, warc_file: str, offset: int, length: int) -> bytes:
        """The gzip member of one record, exactly as stored."""
        if not FILE_PATTERN.match(warc_file or ""):
            raise UnreadableCapture(f"{_printable(warc_file)!r} is not a pmkz WARC file name")
        if length > self.cap + _HEADER_ALLOWANCE:
            raise RefusedAnswer(f"its record in {warc_file} is larger than the {self.cap} bytes the crawl takes")
        handle = self._files.get(warc_file)
        try:
            if handle is None:
                handle = self._files[warc_file] = open(self.directory / warc_file, "rb")
            handle.seek(offset)
            data = handle.read(length)
        except FileNotFoundError:
            raise UnreadableCapture(f"its WARC file {warc_file} is missing") from None
        except OSError as error:
            raise UnreadableCapture(f"its WARC file {warc_file} cannot be read ({error.strerror or 'error'})") from None
        if len(data) != length:
            raise UnreadableCapture(f"{warc_file} ends before its record at offset {offset} does (the file was cut)")
        return data

    def read(self, warc_file: str, offset: int, length: int) -> ArchivedResponse:
        data = _inflate(self.raw(warc_file, offset, length), self.cap + _HEADER_ALLOWANCE, warc_file, offset)
        damaged = UnreadableCapture(f"the record at offset {offset} of {warc_file} is damaged")
        try:
            record = next(iter(ArchiveIterator(io.BytesIO(data), no_record_parse=False)))
            http = record.http_headers
            body = record.raw_stream.read(self.cap + 1)
            headers = record.rec_headers
            archived = ArchivedResponse(
                url=headers.get_header("WARC-Target-URI"),
                warc_date=headers.get_header("WARC-Date"),
                record_type=record.rec_type,
                record_id=headers.get_header("WARC-Record-ID"),
                status=int(http.get_statuscode()) if http else 0,
                headers=list(http.headers) if http else [],
                body=body,
                payload_digest=headers.get_header("WARC-Payload-Digest"),
            )
        except Exception:  # warcio's own errors quote the bytes it read: never shown
            raise damaged from None
        if len(body) > self.cap:
            raise RefusedAnswer(f"its body is larger than the {self.cap} bytes the crawl takes")
        return archived

    def capture(self, row: dict) -> ArchivedResponse:
        """The record a `captures` row names, checked to be that record: its id, and for
        a response the digest of its payload. UnreadableCapture when it is not."""
        record = self.read(row["warc_file"], row["warc_offset"], row["warc_length"])
        where = f"the record at offset {row['warc_offset']} of {row['warc_file']}"
        if row.get("record_id") and record.record_id != row["record_id"]:
            raise UnreadableCapture(f"{where} is another record than the one indexed")
        if record.record_type == "response" and record.payload_digest != _digest(record.body):
            raise UnreadableCapture(f"{where} is damaged (its payload does not match its digest)")
        return record

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()

    def __enter__(self) -> "ArchiveReader":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _inflate(member: bytes, cap: int, warc_file: str, offset: int) -> bytes:
    """One record's gzip member inflated, whole and alone, never past `cap` bytes."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
    try:
        data = inflater.decompress(member, cap + 1)
    except zlib.error:
        data = None
    if data is None or not inflater.eof or inflater.unused_data:
        if data is not None and len(data) > cap:
            raise RefusedAnswer(f"its record in {warc_file} is larger than the bytes the crawl takes")
        raise UnreadableCapture(f"the record at offset {offset} of {warc_file} is damaged")
    return data


def _digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def _printable(text: str | None) -> str:
    """At most a short line of `text`, with nothing a terminal would act on."""
    text = "".join(c if c.isprintable() else "?" for c in str(text or ""))
    return text[:120]


def file_size(directory: Path, name: str) -> int | None:
    """The size of the WARC file `name` in `directory`; None when it is missing."""
    if not FILE_PATTERN.match(name or ""):
        return None
    try:
        return (Path(directory) / name).stat().st_size
    except OSError:
        return None


def warc_files(directory: Path) -> list[Path]:
    """The pmkz WARC files in `directory`, by run and number."""
    if not Path(directory).is_dir():
        return []
    found = [p for p in Path(directory).iterdir() if FILE_PATTERN.match(p.name)]
    return sorted(found, key=lambda p: tuple(int(x) for x in FILE_PATTERN.match(p.name).groups()))


def run_of(path: Path) -> int:
    return int(FILE_PATTERN.match(Path(path).name)["run"])


# Recovery --------------------------------------------------------------------------

def complete_end(path: Path, start: int = 0) -> int:
    """Where the last complete gzip member at or after `start` ends (`start` if none)."""
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read()
    end = start
    while data:
        member = zlib.decompressobj(zlib.MAX_WBITS + 16)
        try:
            member.decompress(data)
        except zlib.error:
            break
        if not member.eof:
            break
        consumed = len(data) - len(member.unused_data)
        end += consumed
        data = member.unused_data
    return end


def recover(directory: Path, known_end: Callable[[str], int], writing: Callable[[int], bool]) -> list[tuple[str, int]]:
    """Cut a short last record off every file no live crawl is writing.

    `known_end(name)`: where the last record the database indexes ends (0 if none), so
    only the tail written after the last commit is read. `writing(run_id)`: True for a
    run still in progress. Returns (file, bytes cut) for each file that was cut.
    """
    cut = []
    for path in warc_files(directory):
        if writing(run_of(path)):
            continue
        size = path.stat().st_size
        start = min(known_end(path.name), size)
        if size == start:
            continue
        end = complete_end(path, start)
        if end < size:
            os.truncate(path, end)
            cut.append((path.name, size - end))
    return cut


# Export ----------------------------------------------------------------------------

@dataclass
class Copied:
    """What an export wrote, and what it left out because it could not be read."""

    written: int = 0
    left_out: int = 0
    first_left_out: str | None = None


def copy_records(reader: ArchiveReader, captures: Iterable[dict], out, filename: str | None = None) -> Copied:
    """Write the records of `captures` (each gzip member as stored, once checked to be
    the whole record its row names) after a warcinfo record to the binary stream `out`.
    A record that cannot be read is left out, and the export goes on with the others."""
    builder = BufferWARCWriter(gzip=False, warc_version=WARC_VERSION)
    builder.write_record(builder.create_warcinfo_record(filename, {
        "software": "pmkz (warcio)", "format": "WARC File Format 1.1",
        "description": "captures exported by pmkz export --format warc",
    }))
    out.write(_gzip(builder.get_contents()))
    copied = Copied()
    for capture in captures:
        try:
            reader.capture(capture)
            member = reader.raw(capture["warc_file"], capture["warc_offset"], capture["warc_length"])
        except UnreadableCapture as error:
            copied.left_out += 1
            copied.first_left_out = copied.first_left_out or f"capture {capture['id']} of {capture['url']}: {error}"
            continue
        out.write(member)
        copied.written += 1
    return copied


def iter_records(path: Path) -> Iterator:
    """Every record of a WARC file, read with warcio (for tests and tools)."""
    with open(path, "rb") as handle:
        yield from ArchiveIterator(handle)


def export_warc(db_path: Path, warc_dir: Path, out: Path | None, *, lang: str | Iterable[str] | None = None,
                since: str | None = None, until: str | None = None) -> int:
    """Write every capture of the chosen items' pages and images as one WARC file at `out`
    (stdout when None or '-'); returns the number of records. The items are chosen as
    the other formats choose them (storage/export.py): `lang` one language, several
    comma-separated (`"ru,kk"`) or a list, published from `since` to `until`
    (inclusive `YYYY-MM-DD`). The file appears whole or not at all. A record that
    cannot be read is left out, the others written, and then a StorageError names it."""
    import sys

    from .captures import of_items
    from .connect import StorageError, open_for_reading
    from .export import check_filters
    from .files import atomic_open

    langs = check_filters(lang, since, until)
    db = open_for_reading(db_path)
    try:
        chosen = of_items(db, langs, since, until)
    finally:
        db.close()
    target = "stdout" if out is None or str(out) == "-" else out
    try:
        with ArchiveReader(warc_dir) as reader:
            if target == "stdout":
                copied = copy_records(reader, chosen, sys.stdout.buffer)
            else:
                path = Path(out)
                if path.is_dir():
                    raise StorageError(f"{path} is a directory; give a file name for warc")
                with atomic_open(path, "wb") as handle:
                    copied = copy_records(reader, chosen, handle, filename=path.name)
    except OSError as error:
        raise StorageError(f"cannot write {target}: {error.strerror or error}") from None
    if copied.left_out:
        raise StorageError(f"{copied.written} records written to {target}, {copied.left_out} left out:"
                           f" they cannot be read (first: {copied.first_left_out})")
    return copied.written
