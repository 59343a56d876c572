"""`export_items`: stored items as JSON lines, CSV or a tree of text files, newest first.

Output goes to a temporary name and is renamed into place only when complete, so a
failed export leaves nothing half-written. Every bad argument or unusable path is a
`StorageError` with a one-line message.
"""
from __future__ import annotations

import csv
import json
import re
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import IO, Iterable, Iterator

from pmkz.site import LANGUAGES

from .connect import StorageError, open_for_reading
from .files import atomic_open
from .schema import EXPORT_COLUMNS
from .txt_export import write_tree

FORMATS = ("jsonl", "csv", "txt")


def export_items(db_path: str | Path, fmt: str, out: str | Path | None,
                 lang: str | None = None, since: str | None = None) -> int:
    """Write the items of `db_path` (optionally one language, published since a date).

    `out` is a file, or stdout when None or '-' (jsonl, csv); a directory for txt.
    Returns the number of items written.
    """
    _check_arguments(fmt, out, lang, since)
    db = open_for_reading(db_path)
    try:
        rows = _select(db.conn, lang, since)
        if fmt == "txt":
            return write_tree(rows, Path(out))
        write = _write_jsonl if fmt == "jsonl" else _write_csv
        if out is None or str(out) == "-":
            return write(rows, sys.stdout)
        path = Path(out)
        if path.is_dir():
            raise StorageError(f"{path} is a directory; give a file name for {fmt}")
        with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
            return write(rows, handle)
    except BrokenPipeError:
        raise  # the reader of stdout left; the command stops quietly
    except OSError as exc:
        # Name what the user asked for, not the temporary file that failed.
        target = "stdout" if out is None or str(out) == "-" else out
        raise StorageError(f"cannot write {target}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise StorageError(f"cannot read {db_path}: {exc}") from None
    finally:
        db.close()


def _check_arguments(fmt, out, lang, since) -> None:
    if fmt not in FORMATS:
        raise StorageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if lang is not None and lang not in LANGUAGES:
        raise StorageError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if since is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
                raise ValueError
            date.fromisoformat(since)
        except ValueError:
            raise StorageError(f"bad date {since!r}; expected YYYY-MM-DD") from None
    if fmt == "txt" and (out is None or str(out) == "-"):
        raise StorageError("txt export writes a directory; give it with --out DIR")


def _select(conn: sqlite3.Connection, lang: str | None, since: str | None) -> Iterator[dict]:
    where, params = [], []
    if lang is not None:
        where.append("lang = ?")
        params.append(lang)
    if since is not None:
        where.append("published_date >= ?")
        params.append(since)
    sql = (f"SELECT {', '.join(EXPORT_COLUMNS)} FROM items"
           + (" WHERE " + " AND ".join(where) if where else "")
           # published_at breaks ties within a day; url makes the order total.
           + " ORDER BY published_date DESC, published_at DESC, url")
    cursor = conn.execute(sql, params)
    for values in cursor:
        yield dict(zip(EXPORT_COLUMNS, values))


def _write_jsonl(rows: Iterable[dict], handle: IO[str]) -> int:
    count = 0
    for row in rows:
        row["image_urls"] = json.loads(row["image_urls"])
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict], handle: IO[str]) -> int:
    writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
