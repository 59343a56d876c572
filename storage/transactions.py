"""Transactions and savepoints on the store's connection.

The same all-or-nothing as sqlite-utils' `atomic()`, cheaper on the per-item hot path
(one fixed savepoint name, no wrapper calls): a crawl opens a few of these per item.
"""
from __future__ import annotations

import contextlib
import sqlite3
from typing import Callable, Iterator


@contextlib.contextmanager
def atomic(conn: sqlite3.Connection, on_rollback: Callable[[], None] | None = None) -> Iterator[None]:
    """A transaction, or a savepoint inside the open one; undone whole if the block
    raises. `on_rollback` runs after a savepoint was rolled back."""
    if not conn.in_transaction:
        conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        conn.execute("COMMIT")
        return
    # Savepoints nest by name: RELEASE and ROLLBACK TO find the innermost "pmkz".
    conn.execute("SAVEPOINT pmkz")
    try:
        yield
    except BaseException:
        # An error may have ended the whole transaction already (then nothing is left).
        if conn.in_transaction:
            conn.execute("ROLLBACK TO pmkz")
            conn.execute("RELEASE pmkz")
        if on_rollback is not None:
            on_rollback()
        raise
    conn.execute("RELEASE pmkz")
