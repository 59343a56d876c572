"""A batch that stays open across a crawl's items and commits every so often.

One transaction per item makes every item pay for a commit and for its own full-text
segment; one transaction per crawl would lose the whole crawl to a kill. In between:
commit every `max_items` items or once `max_seconds` have passed since the batch
began (checked as items arrive), and at close. Each item is a savepoint inside the
batch, so an item is written whole or not at all; a kill loses the uncommitted items
only, whose URLs are then unknown and are fetched again by the next run.

`on_commit` is called after each commit and `on_discard` when an error ended the open
transaction (a full disk, an I/O error: SQLite rolls it all back), so that the caller
counts only what was stored.
"""
from __future__ import annotations

import contextlib
import time
from typing import Callable, Iterator

from .store import Store


class RollingBatch:
    def __init__(self, store: Store, max_items: int = 200, max_seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic,
                 on_commit: Callable[[], None] = lambda: None,
                 on_discard: Callable[[], None] = lambda: None,
                 before_commit: Callable[[], None] = lambda: None):
        self.store = store
        self.before_commit = before_commit
        self.on_commit = on_commit
        self.on_discard = on_discard
        self.max_items = max_items
        self.max_seconds = max_seconds
        self.clock = clock
        self._batch = None  # the open Store.batch() context, or None
        self._items = 0
        self._began = 0.0

    @property
    def pending(self) -> int:
        """Items written since the last commit."""
        return self._items

    @contextlib.contextmanager
    def item(self) -> Iterator[Store]:
        """The writes of one item: all of them, or none if the block raises."""
        if self._batch is None:
            self._batch = self.store.batch()
            self._batch.__enter__()
            self._items, self._began = 0, self.clock()
        try:
            with self.store.batch():
                yield self.store
        except BaseException:
            if not self.store.db.conn.in_transaction:
                self._end(_Discarded())  # the error ended the whole transaction
                self.on_discard()
            elif self._items == 0:
                # Nothing pending: begin afresh next time, since a transaction holding an
                # old read snapshot can never take the write lock another process released.
                self._end(_Discarded())
            raise
        self._items += 1
        if self._items >= self.max_items or self.clock() - self._began >= self.max_seconds:
            self.commit()

    def commit(self) -> None:
        """Commit what is pending (a no-op when nothing is). When `before_commit` fails,
        nothing is committed: the batch is rolled back, as for a failed commit."""
        if self._batch is not None:
            try:
                self.before_commit()
            except BaseException:
                self._end(_Discarded())
                self.on_discard()
                raise
        batch, self._batch = self._batch, None
        self._items = 0
        if batch is not None:
            try:
                batch.__exit__(None, None, None)
            except BaseException:
                self.on_discard()
                raise
            self.on_commit()

    def _end(self, error: BaseException) -> None:
        """Roll back the open batch."""
        batch, self._batch = self._batch, None
        self._items = 0
        if batch is not None:
            try:
                batch.__exit__(type(error), error, None)
            except _Discarded:
                pass

    def close(self) -> None:
        self.commit()


class _Discarded(Exception):
    """Rolls back the open batch."""
