"""`pmkz export --format warc`: the captures of the chosen items copied, record by
record as stored, into one WARC file."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from warcio.warcwriter import BufferWARCWriter

from ..captures import of_items
from ..connect import StorageError, open_for_reading
from ..files import atomic_open
from ..warc.layout import WARC_VERSION, gzip_member
from ..warc.reader import ArchiveReader, UnreadableCapture
from .records import check_filters


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
    out.write(gzip_member(builder.get_contents()))
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


def export_warc(db_path: Path, warc_dir: Path, out: Path | None, *, lang: str | Iterable[str] | None = None,
                since: str | None = None, until: str | None = None) -> int:
    """Write every capture of the chosen items' pages and images as one WARC file at `out`
    (stdout when None or '-'); returns the number of records. The items are chosen as
    the other formats choose them (records.py): `lang` one language, several
    comma-separated (`"ru,kk"`) or a list, published from `since` to `until`
    (inclusive `YYYY-MM-DD`). The file appears whole or not at all. A record that
    cannot be read is left out, the others written, and then a StorageError names it."""
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
