"""Full-text indexing of new items, deferred to the end of a batch.

FTS5 flushes its pending terms to a new segment at every statement that writes to it,
so the per-row insert trigger makes each new item a segment of its own and the merges
that follow cost most of a bulk save. Inside a batch the insert trigger is dropped and
the batch's new rows are indexed by one INSERT ... SELECT before it commits, when the
trigger is put back. All of it happens inside the batch's transaction: other
connections never see the trigger missing, and a rollback or a killed process restores
it with everything else.

Which rows still need indexing is read from the database, not remembered: rows added
since the batch began (rowids only grow; items are never deleted) that the index's
docsize table does not list. A savepoint rolled back inside the batch therefore cannot
make the index and the table disagree.
"""
from __future__ import annotations

from sqlite_utils import Database

from .search import index as search_index
from .schema import FTS_COLUMNS

INSERT_TRIGGER = "items_ai"
_COLUMNS = ", ".join(FTS_COLUMNS)
_UNINDEXED = "rowid > ? AND rowid NOT IN (SELECT id FROM items_fts_docsize)"


class DeferredIndex:
    """Suspends the items insert trigger for one transaction; `resume` catches up."""

    def __init__(self, db: Database):
        self.db = db
        self.trigger_sql: str | None = None
        self.since: int | None = None  # the largest rowid before the trigger was dropped
        self.checked = False  # trigger dropped or absent, unless a savepoint rolled back since

    @property
    def active(self) -> bool:
        return self.trigger_sql is not None

    def suspend(self) -> None:
        """Drop the insert trigger if it is there; a no-op without full-text search.
        Called before every insert of the batch."""
        if self.checked:
            return
        self.checked = True
        sql = self._trigger_sql()
        if sql is None:
            return
        if not self.active:
            if not self.db["items_fts_docsize"].exists():
                return
            (self.since,) = self.db.execute("SELECT coalesce(max(rowid), 0) FROM items").fetchone()
            self.trigger_sql = sql
        self.db.execute(f"DROP TRIGGER {INSERT_TRIGGER}")

    def rolled_back(self) -> None:
        """A savepoint inside the batch was rolled back: the trigger may be back."""
        self.checked = False

    def index_row(self, rowid: int) -> None:
        """Index one row added in this batch now, if it is not yet: before an update of
        its text, whose trigger removes the old text from the index."""
        if self.active and rowid > self.since:
            self._index(f"rowid = ? AND {_UNINDEXED}", [rowid, self.since])

    def resume(self) -> None:
        """Index every row added since `suspend` and put the trigger back."""
        if not self.active:
            return
        self._index(_UNINDEXED, [self.since])
        if self._trigger_sql() is None:
            self.db.execute(self.trigger_sql)
        self.trigger_sql = self.since = None
        self.checked = False

    def _trigger_sql(self) -> str | None:
        row = self.db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [INSERT_TRIGGER]).fetchone()
        return row[0] if row else None

    def _index(self, where: str, params: list) -> None:
        # The stem index (storage/search/index.py) catches up on the same rows first; a row
        # re-indexed by an edit inside the batch is there already.
        search_index.index_where(db=self.db, where=f"rowid > ? AND rowid NOT IN (SELECT rowid FROM {search_index.TABLE})",
                           params=[self.since])
        self.db.execute(
            f"INSERT INTO items_fts (rowid, {_COLUMNS}) SELECT rowid, {_COLUMNS} FROM items WHERE {where}",
            params)
