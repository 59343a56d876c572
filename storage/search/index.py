"""The full-text indexes of `items`, written by the Store with each item, no triggers:

- `items_fts`, the words as printed: an external-content FTS5 table over items, as
  sqlite-utils' `enable_fts` makes it (the default unicode61 tokenizer folds case for
  Cyrillic too, so `премьер` finds `Премьер`);
- `items_search`, their lemmas or stems (words.py), in columns named as the items' own, so that
  Datasette's `?_search_title=` works as its users expect, and in a fourth, `attachments`,
  those of the text of the item's attached files (a decision's decree), so that a search
  finds a decision by a word only its files hold. The printed words of those files are
  in `attachments_fts` (storage/attachments.py), which exact phrases also look in.

The stems are computed in Python, so the stem index is written from Python; the printed
words are written beside them, by the same calls, in the same transaction as the row:
`index_rows` for a new item, `replace` for an edited one, `attachments_changed` for one
whose files' text changed, `index_added_since` for the new items of a batch in one
statement per index at its end (FTS5 flushes its pending terms at every statement that
writes to it, so a statement per item would make each a segment of its own, and the
merges that follow cost most of a bulk save). `ensure_search_index`,
on every open, indexes what a database lacks (one from before an index, or rows written
by something other than the Store) and drops the insert/update/delete triggers of
archives written before these explicit writes.
"""
from __future__ import annotations

import os
import sys
import time

from sqlite_utils import Database

from .words import ATTACHMENTS_TABLE, COLUMNS, EXACT_TABLE, SEARCH_COLUMNS, TABLE, stems

FUNCTION = "pmkz_stems"
# The triggers sqlite-utils made on items for items_fts in earlier archives.
OLD_TRIGGERS = ("items_ai", "items_ad", "items_au")
_COLUMN_LIST = ", ".join(COLUMNS)
# What the stem index holds, kept in its FTS5 config table (which FTS5 leaves alone
# beside its own keys): an index of an earlier layout is made again on open. Layout 3:
# the attached files' text in a column of its own; 2: Russian words as their lemmas;
# before it, no key: their Snowball stems.
LAYOUT_KEY = "pmkz_layout"
LAYOUT = 3
# An item's files as the stem index holds them: their text in URL order, at most
# ATTACHED_FILES files and ATTACHED_CHARS characters. Each file's text is capped as it is
# extracted, but a page may link many files, and stemming is the cost of indexing.
ATTACHED_FILES = 20
ATTACHED_CHARS = 1_000_000
_ATTACHED_TEXT = (f"(SELECT substr(group_concat(text, char(10)), 1, {ATTACHED_CHARS}) FROM"
                  f" (SELECT text FROM {ATTACHMENTS_TABLE} WHERE item_url = items.url AND text IS NOT NULL"
                  f" ORDER BY url LIMIT {ATTACHED_FILES}))")
# A re-index (an archive from an older pmkz, or in an older layout) is written this many
# rowids at a time, so that it can say how far it is.
REINDEX_SLICE = 5_000


def register(db: Database) -> None:
    # pmkz_stems(lang, text): the text as the index holds it.
    db.conn.create_function(FUNCTION, 2, lambda lang, text: stems(text, lang), deterministic=True)


def ensure_search_index(db: Database) -> None:
    """Create the indexes if missing (the stem index also when in an earlier layout),
    drop the old triggers, and index every row an index lacks."""
    register(db)
    old_triggers = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'items'"
        f" AND name IN ({', '.join('?' * len(OLD_TRIGGERS))})", OLD_TRIGGERS)]
    if old_triggers:
        with db.atomic():
            for name in old_triggers:
                db.execute(f"DROP TRIGGER {name}")
    if index_is_current(db):
        return
    if not db[EXACT_TABLE].exists():
        db["items"].enable_fts(list(COLUMNS), create_triggers=False)  # filled as it is made
    with db.atomic():
        if db[TABLE].exists() and not _in_this_layout(db):
            db.execute(f"DROP TABLE {TABLE}")
        if not db[TABLE].exists():
            db.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(SEARCH_COLUMNS)})")
            db.execute(f"INSERT INTO {TABLE}_config (k, v) VALUES (?, ?)", [LAYOUT_KEY, LAYOUT])
        _reindex(db)


def _reindex(db: Database) -> None:
    """Index every row an index lacks, REINDEX_SLICE rowids at a time, saying on stderr
    how far it is every PMKZ_PROGRESS_SECONDS (as a crawl does) when there are more rows
    than a slice; PMKZ_PROGRESS=0 keeps it quiet."""
    (items,) = db.execute("SELECT count(*) FROM items").fetchone()
    missing = max(items - db.execute(f"SELECT count(*) FROM {table}_docsize").fetchone()[0]
                  for table in (EXACT_TABLE, TABLE))
    (last,) = db.execute("SELECT coalesce(max(rowid), 0) FROM items").fetchone()
    show = missing > REINDEX_SLICE and os.environ.get("PMKZ_PROGRESS") != "0"
    every = float(os.environ.get("PMKZ_PROGRESS_SECONDS") or 5)
    started = shown = time.monotonic()
    done = 0
    # A statement per slice, not per row: FTS5 makes a segment of each statement's terms.
    for low in range(0, last, REINDEX_SLICE):
        # The index's rows of the same slice only: its whole list, read for each slice,
        # would make a re-index's cost grow with the square of the archive's size.
        done += max(_insert(db, table, f"rowid > ? AND rowid <= ? AND rowid NOT IN"
                                       f" (SELECT id FROM {table}_docsize WHERE id > ? AND id <= ?)",
                            [low, low + REINDEX_SLICE] * 2) for table in (EXACT_TABLE, TABLE))
        now = time.monotonic()
        if show and now - shown >= every:
            shown = now
            left = (now - started) / done * (missing - done) if done else 0
            print(f"pmkz: search index: {done:,} of {missing:,} items, {now - started:.0f} s,"
                  f" about {left:.0f} s left", file=sys.stderr, flush=True)
    if show:
        print(f"pmkz: search index: {done:,} items indexed in {time.monotonic() - started:.0f} s",
              file=sys.stderr, flush=True)


def index_is_current(db: Database) -> bool:
    """Whether both indexes are there, the stem index in this LAYOUT, with a row for
    every item: what `ensure_search_index` makes (readers check before searching)."""
    if not db[EXACT_TABLE].exists() or not db[TABLE].exists():
        return False
    if not _in_this_layout(db):
        return False
    (items,) = db.execute("SELECT count(*) FROM items").fetchone()
    # Their shadow tables of row sizes: a b-tree count, where count(*) on an FTS5 table
    # reads the whole index (every open of the Store asks).
    return all(db.execute(f"SELECT count(*) FROM {table}_docsize").fetchone()[0] == items
               for table in (EXACT_TABLE, TABLE))


def _in_this_layout(db: Database) -> bool:
    if tuple(c.name for c in db[TABLE].columns) != SEARCH_COLUMNS:
        return False
    row = db.execute(f"SELECT v FROM {TABLE}_config WHERE k = ?", [LAYOUT_KEY]).fetchone()
    return row is not None and row[0] == LAYOUT


def index_rows(db: Database, where: str, params: list) -> None:
    """Index the items rows matching `where`, which neither index holds yet."""
    _insert(db, EXACT_TABLE, where, params)
    _insert(db, TABLE, where, params)


def index_added_since(db: Database, since: int) -> None:
    """Index every row after rowid `since` that an index lacks: a batch's new items."""
    for table in (EXACT_TABLE, TABLE):
        _insert(db, table, f"rowid > ? AND rowid NOT IN (SELECT id FROM {table}_docsize)", [since])


def replace(db: Database, rowid: int, old: dict) -> None:
    """The row's text changed from `old` (its title, summary and body as they were
    indexed): both indexes take the row's text as it is now."""
    # An external-content table forgets a row only when told the text it indexed.
    db.execute(f"INSERT INTO {EXACT_TABLE} ({EXACT_TABLE}, rowid, {_COLUMN_LIST})"
               f" VALUES ('delete', ?, {', '.join('?' * len(COLUMNS))})", [rowid, *(old[c] for c in COLUMNS)])
    db.execute(f"DELETE FROM {TABLE} WHERE rowid = ?", [rowid])
    index_rows(db, "rowid = ?", [rowid])


def attachments_changed(db: Database, item_url: str) -> None:
    """The text of the item's attached files changed: the stem index takes it, if it
    holds the item (a new item of a batch is indexed at the batch's end, files and all)."""
    if db.execute(f"DELETE FROM {TABLE} WHERE rowid = (SELECT rowid FROM items WHERE url = ?)",
                  [item_url]).rowcount:
        _insert(db, TABLE, "url = ?", [item_url])


def _insert(db: Database, table: str, where: str, params: list) -> int:
    """Index the rows `where` selects in `table`; how many."""
    if table == EXACT_TABLE:
        columns = values = _COLUMN_LIST
    else:
        columns = ", ".join(SEARCH_COLUMNS)
        values = ", ".join(f"{FUNCTION}(lang, {c})" for c in (*COLUMNS, _ATTACHED_TEXT))
    return db.execute(f"INSERT INTO {table} (rowid, {columns}) SELECT rowid, {values} FROM items WHERE {where}",
                      params).rowcount
