"""The stem index, `items_search`: each item's title, summary and body as stems
(words.py), in columns named as the items' own (and as items_fts's, which holds the
words as printed), so that Datasette's `?_search_title=` works as its users expect.

The index is written from Python (the stemmers live here, not in SQLite), in the same
transaction as the row: storage/items.py on every save, storage/deferred_index.py for a
batch, and `ensure_search_index` for a database that predates it (or its earlier layout).
"""
from __future__ import annotations

from sqlite_utils import Database

from .words import COLUMNS, TABLE, stems

FUNCTION = "pmkz_stems"


def register(db: Database) -> None:
    # pmkz_stems(lang, text): the text as the index holds it.
    db.conn.create_function(FUNCTION, 2, lambda lang, text: stems(text, lang), deterministic=True)


def ensure_search_index(db: Database) -> None:
    """Create the stem index if missing (or in its earlier layout) and index every row it
    lacks (a database from before it, or rows written by something other than the Store)."""
    register(db)
    if index_is_current(db):
        return
    if db[TABLE].exists() and tuple(c.name for c in db[TABLE].columns) != COLUMNS:
        db.execute(f"DROP TABLE {TABLE}")
    if not db[TABLE].exists():
        db.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(COLUMNS)})")
    if not index_is_current(db):
        with db.atomic():
            index_where(db, f"rowid NOT IN (SELECT rowid FROM {TABLE})", [])


def index_is_current(db: Database) -> bool:
    """Whether the stem index is there, in this layout, with a row for every item: what
    `ensure_search_index` makes (readers check before searching an archive)."""
    if not db[TABLE].exists() or tuple(c.name for c in db[TABLE].columns) != COLUMNS:
        return False
    (items,) = db.execute("SELECT count(*) FROM items").fetchone()
    # Its shadow table of row sizes: a b-tree count, where count(*) on the FTS5 table
    # reads the whole index (every open of the Store asks).
    (indexed,) = db.execute(f"SELECT count(*) FROM {TABLE}_docsize").fetchone()
    return items == indexed


def index_where(db: Database, where: str, params: list) -> None:
    """Index the items rows matching `where` (which must not be indexed yet)."""
    values = ", ".join(f"{FUNCTION}(lang, {c})" for c in COLUMNS)
    db.execute(f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
               f"SELECT rowid, {values} FROM items WHERE {where}", params)


def reindex(db: Database, rowid: int) -> None:
    """The row's text changed (or it is new): replace its entry."""
    db.execute(f"DELETE FROM {TABLE} WHERE rowid = ?", [rowid])
    index_where(db, "rowid = ?", [rowid])
