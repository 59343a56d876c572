"""How the raw archive lies on disk: files `pmkz-<run>-<n>.warc.gz` (the crawl run's id,
then a number from 0), each a sequence of records of one gzip member each, so that any
record can be read alone from its offset and length."""
from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator

FILE_PATTERN = re.compile(r"^pmkz-(?P<run>\d+)-(?P<n>\d+)\.warc\.gz$")
WARC_VERSION = "1.1"
_GZIP_LEVEL = 6  # warcio's own writer uses 9: twice the time for a few per cent


def file_name(run_id: int, n: int) -> str:
    return f"pmkz-{run_id}-{n}.warc.gz"


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


def gzip_member(data: bytes) -> bytes:
    """`data` as one gzip member: how every record is stored."""
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    """The value of the HTTP header `name` (lower case) in a record's headers."""
    return next((v for k, v in headers if k.lower() == name), None)


def iter_records(path: Path) -> Iterator:
    """Every record of a WARC file, read with warcio (for tests and tools)."""
    with open(path, "rb") as handle:
        yield from ArchiveIterator(handle)
