"""`Store`: the one object the crawler writes through.

It owns the connection, the transactions and the clock; the SQL lives in the table
modules (items.py, runs.py, failures.py, watches.py ...), which readers and one-off
writers call with `store.db` themselves. A method here adds what only the Store has: a
write in the batch's transaction, the clock, a look-up at any address of a page's path.

Each call is its own transaction unless it runs inside `with store.batch():`, which
commits (or rolls back) everything in it at once and indexes the batch's new items for
full-text search in one statement per index at its end (storage/search/index.py). A
batch inside a batch is a savepoint: all of it or none of it.
"""
from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from . import captures, events, failures, identity, items, list_walks, revisits, runs
from .connect import open_for_writing
from .schema import ensure_schema
from .search import index as search_index

Stamp = datetime | str | None


def utc_stamp(now: Stamp = None) -> str:
    """UTC ISO 8601 with seconds, like `2026-11-29T18:10:00+00:00`.

    `now` (a timezone-aware datetime or ISO string) is for tests; None means the clock.
    """
    if now is None:
        moment = datetime.now(timezone.utc)
    else:
        moment = datetime.fromisoformat(now) if isinstance(now, str) else now
        if moment.tzinfo is None:
            raise ValueError(f"time {now!r} has no UTC offset")
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


class Store:
    """The pmkz database at `path`, created with its schema if missing."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = open_for_writing(self.path, ensure_schema)
        # While the outermost batch runs: the largest rowid before it.
        self._batch_start: int | None = None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextlib.contextmanager
    def batch(self) -> Iterator["Store"]:
        """One transaction for every call inside; full-text indexing of new items at its
        end. Nested, a savepoint: a failure inside undoes only the inner batch."""
        if self._batch_start is not None or self.db.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        (self._batch_start,) = self.db.execute("SELECT coalesce(max(rowid), 0) FROM items").fetchone()
        try:
            with self.db.atomic():
                yield self
                search_index.index_added_since(self.db, self._batch_start)
        finally:
            self._batch_start = None

    def _write(self):
        """The transaction of one write call. Inside a batch the batch is the unit (or a
        batch nested around the call, as the store pipeline puts around each item), so
        a call adds no savepoint of its own: that costs a sub-journal per call."""
        return contextlib.nullcontext() if self._batch_start is not None else self.db.atomic()

    # Items -----------------------------------------------------------------------

    def save_item(self, record: dict, *, etag: str | None = None,
                  last_modified: str | None = None, run_id: int | None = None,
                  now: Stamp = None, capture_id: int | None = None, reparsed: bool = False) -> str:
        """Store a parsed record; returns 'new', 'changed' or 'unchanged'.

        `etag` and `last_modified` are the response's validators (None if it sent none).
        A new or changed item is also an event of run `run_id` (`reparsed` for a record
        `pmkz reparse` derived again). `capture_id`: the archived response it came from.
        """
        stamp = utc_stamp(now)
        with self._write():
            identity.adopt(self.db, record["url"])  # the same page at another address
            outcome = items.save(self.db, record, etag=etag, last_modified=last_modified, now=stamp,
                                 batch_start=self._batch_start, capture_id=capture_id, reparsed=reparsed)
            if outcome != "unchanged":
                events.record(self.db, run_id, record["url"], "reparsed" if reparsed else outcome, stamp)
                if capture_id is not None:
                    captures.produced(self.db, capture_id, record["url"])
            return outcome

    def touch_item(self, url: str, *, now: Stamp = None) -> bool:
        """The page answered 304: bump last_seen (and it is live). False if unknown."""
        with self._write():
            identity.adopt(self.db, url)
            return items.touch(self.db, url, utc_stamp(now))

    def mark_gone(self, url: str, *, run_id: int | None = None, now: Stamp = None) -> bool:
        """Mark the item gone; True if it was live (then also an event of run `run_id`)."""
        with self._write():
            identity.adopt(self.db, url)
            gone = items.mark_gone(self.db, url)
            if gone:
                events.record(self.db, run_id, url, "gone", utc_stamp(now))
            return gone

    # Revisits (crawler/revisit.py plans from these) -------------------------------

    def record_check(self, url: str, *, now: Stamp = None) -> None:
        """The page of a stored item was checked (any answer)."""
        revisits.record_check(self.db, url, utc_stamp(now))

    def checks_since(self, since: Stamp, *, now: Stamp = None) -> int:
        return revisits.checks_since(self.db, utc_stamp(since), utc_stamp(now))

    def item_status(self, url: str) -> str | None:
        """'live', 'gone', or None for a page not stored (at any address of its path)."""
        stored = identity.stored_url(self.db, url)
        return stored and revisits.status_of(self.db, stored)

    def listed_summary(self, url: str) -> str | None:
        """The stored summary of an item whose summary came from a list's teaser."""
        stored = identity.stored_url(self.db, url)
        return stored and items.listed_summary(self.db, stored)

    def record_return(self, url: str, *, run_id: int | None = None, now: Stamp = None) -> None:
        """A page marked gone answers again: a `returned` event and a version note."""
        with self._write():
            revisits.record_return(self.db, run_id, url, utc_stamp(now))

    # List walks ------------------------------------------------------------------

    def mark_list_walked(self, lang: str, *, now: Stamp = None) -> None:
        """The list was walked to its end: no resume position is needed any more."""
        with self._write():
            list_walks.mark_list_walked(self.db, lang, utc_stamp(now))

    def save_list_cursor(self, lang: str, url: str, *, now: Stamp = None) -> None:
        with self._write():
            list_walks.save_list_cursor(self.db, lang, url, utc_stamp(now))

    # Captures (storage/warc/ writes the records they index) -----------------------

    def save_capture(self, capture: dict, *, run_id: int | None) -> int:
        """Index one archived response; returns its id."""
        with self._write():
            return captures.save(self.db, capture, run_id)

    # Images ----------------------------------------------------------------------

    def save_images(self, item_url: str, rows: list[dict]) -> None:
        """Rows of `url`, `path` (relative to the images dir) and `sha1`."""
        with self._write():
            items.save_images(self.db, item_url, rows)

    # Failures --------------------------------------------------------------------

    def record_failure(self, url: str, kind: str, error: str, *, run_id: int | None,
                       raw_html: bytes | None = None, raw_dir: Path | None = None,
                       item_url: str | None = None, now: Stamp = None) -> None:
        """Upsert a failure ('fetch', 'parse', 'image' or 'save'); keeps raw_html under
        raw_dir. `item_url`: the page an image belongs to."""
        raw_path = None
        if raw_html is not None and raw_dir is not None:
            raw_path = failures.save_raw_html(url, raw_html, Path(raw_dir))
        failures.record(self.db, url, kind, error, run_id=run_id, raw_path=raw_path,
                        item_url=item_url, now=utc_stamp(now))

    def clear_failures(self, urls: list[str]) -> int:
        """Forget the failures of a page and its images in one go; how many there were."""
        return failures.clear(self.db, *urls)

    def move_page_failures(self, base_url: str) -> None:
        """Failures of pages recorded at another address of the site move to `base_url`'s."""
        with self._write():
            identity.move_page_failures(self.db, base_url)

    # Runs ------------------------------------------------------------------------

    def start_run(self, base_url: str, mode: str, *, now: Stamp = None) -> int:
        with self._write():
            return runs.start(self.db, base_url, mode, utc_stamp(now))

    def finish_run(self, run_id: int, status: str, counts: dict, requests: int,
                   error: str | None = None, *, now: Stamp = None) -> None:
        runs.finish(self.db, run_id, status, counts, requests, error, utc_stamp(now))
