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

from pmkz.site import LANGUAGES, split_langs

from ..connect import StorageError, open_for_reading
from ..files import atomic_open
from ..items import chosen_where
from ..schema import EXPORT_COLUMNS
from .txt import write_tree

FORMATS = ("jsonl", "csv", "txt")


def export_items(db_path: str | Path, fmt: str, out: str | Path | None,
                 lang: str | Iterable[str] | None = None, since: str | None = None,
                 until: str | None = None, with_url: bool = False) -> int:
    """Write the items of `db_path` (optionally some languages, published in a date range).

    `out` is a file, or stdout when None or '-' (jsonl, csv); a directory for txt.
    `lang` is one language, several comma-separated (`"ru,kk"`) or a list; `since` and
    `until` are inclusive `YYYY-MM-DD`; `with_url` adds the source URL to txt files.
    Returns the number of items written.
    """
    if fmt not in FORMATS:
        raise StorageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "txt" and (out is None or str(out) == "-"):
        raise StorageError("txt export writes a directory; give it with --out DIR")
    langs = check_filters(lang, since, until)
    db = open_for_reading(db_path)
    try:
        rows = _select(db.conn, langs, since, until)
        if fmt == "txt":
            return write_tree(rows, Path(out), with_url=with_url)
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


def check_filters(lang, since, until) -> list[str] | None:
    """The items an export chooses, checked (every format, warc's too): a one-line
    StorageError for a bad language or date; returns the chosen languages."""
    langs = None
    if lang is not None:
        langs, unknown = split_langs(lang)
        unknown = unknown or ([] if langs else [lang])
        if unknown:
            raise StorageError(f"unknown language {', '.join(map(repr, unknown))};"
                               f" choose one or more of {', '.join(LANGUAGES)}")
    for day in (since, until):
        if day is not None:
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                    raise ValueError
                date.fromisoformat(day)
            except ValueError:
                raise StorageError(f"bad date {day!r}; expected YYYY-MM-DD") from None
    if since is not None and until is not None and until < since:
        raise StorageError(f"--until {until} is before --since {since}")
    return langs


def _select(conn: sqlite3.Connection, langs: list[str] | None, since: str | None,
            until: str | None) -> Iterator[dict]:
    where, params = chosen_where(langs, since, until)
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
        # Lists and objects as JSON values of the line, not JSON text inside a string.
        row["image_urls"] = json.loads(row["image_urls"])
        row["translations"] = json.loads(row["translations"] or "{}")
        row["attachment_urls"] = json.loads(row["attachment_urls"]) if row["attachment_urls"] else None
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict], handle: IO[str]) -> int:
    writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    count = 0
    for row in rows:
        # A cell holds text: lists and objects as compact JSON, as image_urls always was,
        # `{}` (never empty) for an item with no other language versions.
        row["translations"] = json.dumps(json.loads(row["translations"] or "{}"),
                                         ensure_ascii=False, sort_keys=True)
        writer.writerow(row)
        count += 1
    return count
