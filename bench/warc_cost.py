"""The raw archive's cost: its share of the disk per 1,000 pages, and how fast `pmkz
reparse` re-derives records from it.

The disk figures come from a crawl directory as a user has it (database, images dir,
warc/ beside them). The re-parse rate is that of `pmkz reparse` over a crawl of the
replica (`--no-images`, its WARC files written as any crawl writes them), every page
parsed again and compared with what is stored, after junk has replaced every stored text
so that every record is also written back: the slower case of the two.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from pmkz.bench.crawls import BenchError, crawl
from pmkz.crawler.reparse import reparse
from pmkz.replica_process import ReplicaProcess

MB = 1024 * 1024


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def disk_share(workdir: Path) -> dict:
    """WARC, database and images of one crawl directory, in MB per 1,000 article pages."""
    db = sqlite3.connect(workdir / "pmkz.db")
    try:
        (items,) = db.execute("SELECT count(*) FROM items").fetchone()
        (captures,) = db.execute("SELECT count(*) FROM captures").fetchone()
    finally:
        db.close()
    sizes = {
        "warc": _size(workdir / "warc"),
        "database": sum(_size(p) for p in workdir.glob("pmkz.db*")),
        "images": _size(workdir / "images"),
    }
    total = sum(sizes.values()) or 1
    per_1000 = {name: round(size / MB * 1000 / items, 2) for name, size in sizes.items()} if items else {}
    return {
        "items": items, "captures": captures,
        "mb_per_1000_pages": per_1000,
        "warc_share": round(sizes["warc"] / total, 3),
    }


def reparse_rate(articles: int, workdir: Path) -> dict:
    """A crawl of `articles` per language without images, then `pmkz reparse` of every
    page twice: once over junk (every record written back), once as stored (idempotent).
    News pages only (no decisions), so the pages are the articles asked for."""
    with ReplicaProcess("--articles", str(articles), "--decisions", "0") as replica:
        first = crawl("full", replica.url, workdir, images=False)
    if first["status"] != "ok":
        raise BenchError(f"the crawl of {articles} articles per language ended {first['status']}")
    db = sqlite3.connect(workdir / "pmkz.db")
    try:
        db.execute("UPDATE items SET body = 'junk', title = 'junk'")
        db.commit()
    finally:
        db.close()
    junk = reparse(workdir / "pmkz.db", workdir / "warc")
    again = reparse(workdir / "pmkz.db", workdir / "warc")
    if junk.changed != junk.pages or again.unchanged != again.pages or junk.failed or again.failed:
        raise BenchError(f"reparse did not restore every record: {junk.line()} / {again.line()}")
    return {
        "pages": junk.pages,
        "changed_s": round(junk.seconds, 2),
        "changed_pages_per_s": round(junk.pages / junk.seconds, 1),
        "unchanged_s": round(again.seconds, 2),
        "unchanged_pages_per_s": round(again.pages / again.seconds, 1),
        "crawl_pages_per_s": first["pages_per_s"],
        "disk": disk_share(workdir),
    }
