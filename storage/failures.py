"""The `failures` table: pages and images that could not be fetched or parsed.

One row per URL, kept until a later success clears it, so the next crawl knows what to
retry and `pmkz status` can show what is waiting.
"""
from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from .files import atomic_open, url_digest
from .schema import FAILURE_KINDS


def record(db: Database, url: str, kind: str, error: str, *, run_id: int | None,
           raw_path: str | None, now: str, item_url: str | None = None) -> None:
    """Upsert the failure of `url`: first_failed is kept, attempts counts up."""
    if kind not in FAILURE_KINDS:
        raise ValueError(f"failure kind must be one of {', '.join(FAILURE_KINDS)}, not {kind!r}")
    # A later attempt without a saved page keeps the page saved earlier.
    db.execute(
        "INSERT INTO failures (url, kind, error, first_failed, last_failed, attempts,"
        " run_id, raw_html_path, item_url) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)"
        " ON CONFLICT(url) DO UPDATE SET kind = excluded.kind, error = excluded.error,"
        " last_failed = excluded.last_failed, attempts = attempts + 1,"
        " run_id = excluded.run_id, item_url = coalesce(excluded.item_url, item_url),"
        " raw_html_path = coalesce(excluded.raw_html_path, raw_html_path)",
        [url, kind, error, now, now, run_id, raw_path, item_url],
    )


def save_raw_html(url: str, raw_html: bytes, raw_dir: Path) -> str:
    """Keep the page that failed to parse, named from the URL's hash (never the page's)."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    path = raw_dir / f"{url_digest(url)}.html"
    with atomic_open(path, "wb") as handle:
        handle.write(raw_html)
    return str(path)


def clear(db: Database, *urls: str) -> int:
    """Forget the failures of `urls` after their success; how many there were."""
    # One statement for a page and all its images: this runs for every stored item.
    marks = ", ".join("?" for _ in urls)
    return db.execute(f"DELETE FROM failures WHERE url IN ({marks})", list(urls)).rowcount if urls else 0


def urls(db: Database, kinds: tuple[str, ...]) -> list[str]:
    """URLs waiting for a retry, oldest failure first."""
    marks = ", ".join("?" for _ in kinds)
    return [url for (url,) in db.execute(
        f"SELECT url FROM failures WHERE kind IN ({marks}) ORDER BY first_failed", list(kinds))]


def pages_to_save_again(db: Database) -> list[str]:
    """Pages whose save failed, or one of whose image files could not be written."""
    return [url for (url,) in db.execute(
        "SELECT DISTINCT coalesce(item_url, url) FROM failures WHERE kind = 'save' ORDER BY first_failed")]
