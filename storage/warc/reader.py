"""Reading the raw archive back: a capture (a `captures` row) as the response it holds.

Reading back obeys the crawl's own size cap (pmkz.site.MAX_ANSWER_BYTES): a record is
inflated, and its body decoded (warcio's decoders), never past it. A capture that cannot
be given back is an `UnreadableCapture` with one line that names no path and holds no
bytes; an answer the crawl would not have taken (over the cap, or in an encoding the
archive does not decode) is a `RefusedAnswer`.
"""
from __future__ import annotations

import base64
import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader

from pmkz.site import MAX_ANSWER_BYTES

from .layout import FILE_PATTERN, header

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
        return header(self.headers, name.lower())

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
