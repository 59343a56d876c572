"""The raw archive: every response the crawl receives, kept as WARC (ISO 28500) files.

layout.py   how it lies on disk: file names, one gzip member per record
writer.py   `WarcWriter`, the crawl's appends (crawler/middlewares/archive.py)
reader.py   `ArchiveReader`, a capture read back under the crawl's size cap
recovery.py a record cut short by a crash found and cut off by the next crawl

Its export (`pmkz export --format warc`) is storage/export/warc.py.
"""
from .layout import file_size, iter_records, warc_files
from .reader import READABLE_ENCODINGS, ArchiveReader, ArchivedResponse, RefusedAnswer, UnreadableCapture
from .recovery import complete_end, recover
from .writer import Exchange, WarcWriter

__all__ = ["READABLE_ENCODINGS", "ArchiveReader", "ArchivedResponse", "Exchange", "RefusedAnswer",
           "UnreadableCapture", "WarcWriter", "complete_end", "file_size", "iter_records", "recover", "warc_files"]
