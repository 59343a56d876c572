"""The `txt` export: one file per item, in the shape of tests/files/seed-record.txt.

    <out>/<lang>/<published_date>-<site_id>.txt
    date 2024-03-09 <title>
    [url <source URL>]          (only with --with-url)
    <blank line>
    <body: paragraphs separated by one blank line>

The header (everything before the first blank line) is the seed's one line, so a reader
of seed-shaped files still finds the body after the first blank line.

The whole tree is written in a staging directory inside `out` and moved into place only
once every file is written, so a failed export adds nothing.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from ..connect import StorageError
from ..files import url_digest


def txt_text(row: dict, with_url: bool = False) -> str:
    """The file content for one item; the body is already in normal form."""
    header = f"date {row['published_date']} {row['title']}"
    if with_url:
        header += f"\nurl {row['url']}"
    return f"{header}\n\n{row['body']}\n"


def txt_name(row: dict, taken: set[str]) -> str:
    """`<lang>/<date>-<site_id>.txt`, falling back to a URL hash when there is no id
    or the id is taken (a news page and a photo report may share one)."""
    key = str(row["site_id"]) if row["site_id"] is not None else url_digest(row["url"], 10)
    name = f"{_safe(row['lang'])}/{_safe(row['published_date'])}-{key}.txt"
    if name in taken:
        name = name[:-4] + f"-{url_digest(row['url'], 10)}.txt"
    taken.add(name)
    return name


def write_tree(rows: Iterable[dict], out: Path, with_url: bool = False) -> int:
    """Write one file per row under `out` (created if missing); returns the count."""
    if out.exists() and not out.is_dir():
        raise StorageError(f"{out} is not a directory")
    # The outermost directory this call creates, removed again if the export fails.
    created = None
    for directory in (out, *out.parents):
        if directory.exists():
            break
        created = directory
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".export-"))
    try:
        names: set[str] = set()
        for row in rows:
            name = txt_name(row, names)
            (staging / name).parent.mkdir(exist_ok=True)
            (staging / name).write_text(txt_text(row, with_url), encoding="utf-8")
        for name in sorted(names):
            (out / name).parent.mkdir(exist_ok=True)
            os.replace(staging / name, out / name)
    except BaseException:
        shutil.rmtree(created or staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return len(names)


def _safe(part: str) -> str:
    # Path parts come from stored values; keep them from ever naming another directory.
    return re.sub(r"[^0-9A-Za-z-]", "_", str(part))
