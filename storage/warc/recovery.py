"""Recovering the raw archive after a crash: a write cut by a power cut or a full disk
can leave the last gzip member of a file short. The next crawl finds it, from the end of
the last record the database knows, and cuts it off, so no reader ever takes it for a
record."""
from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Callable

from .layout import run_of, warc_files


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
