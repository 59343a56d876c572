"""The `attachments` table: the files a decision attaches, kept beside the images.

One row per (item, file URL): where the file is under the images dir (named as images
are, storage/images.py), its sha1, type and size, and the text extracted from it, or the
one-line reason there is none. The text is searchable: `attachments_fts` (sqlite-utils'
full-text table, kept by its triggers: attachments are few, and written one item at a
time) gives Datasette's search box on the table, and `items_with_words` the items whose
files hold a query's words; the item's own search index holds it too
(storage/search/index.py), so the items' search box finds a decision by its decree.
"""
from __future__ import annotations

from sqlite_utils import Database

from .search import index as search_index

TABLE = "attachments"
FTS_TABLE = f"{TABLE}_fts"
COLUMNS = {"item_url": str, "url": str, "path": str, "sha1": str, "content_type": str,
           "size": int, "text": str, "text_error": str}


def ensure(db: Database) -> None:
    db[TABLE].create(COLUMNS, pk=("item_url", "url"), if_not_exists=True)
    db[TABLE].create_index(["url"], if_not_exists=True)
    if not db[FTS_TABLE].exists():
        db[TABLE].enable_fts(["text"], create_triggers=True)


def save(db: Database, item_url: str, rows: list[dict]) -> None:
    """Upsert the fetched attachments of one item (url, path, sha1, content_type, size,
    text, text_error); the item's search index takes their text when it changed."""
    texts = {url: row["text"] for url, row in stored(db, item_url).items()}
    for row in rows:
        db[TABLE].upsert({"item_url": item_url, **{c: row.get(c) for c in COLUMNS if c != "item_url"}},
                         pk=("item_url", "url"))
    # Re-stemming a decree is the cost: a re-check that fetched the same files skips it.
    if any(row.get("text") != texts.get(row["url"]) for row in rows):
        search_index.attachments_changed(db, item_url)


def stored(db: Database, item_url: str) -> dict[str, dict]:
    """url -> the row of each of the item's stored attachments."""
    return {row["url"]: row for row in db.query(f"SELECT * FROM {TABLE} WHERE item_url = ?", [item_url])}


def of_item(db: Database, item_url: str) -> list[dict]:
    """The item's stored attachments, as rows."""
    return list(db.query(f"SELECT * FROM {TABLE} WHERE item_url = ? ORDER BY url", [item_url]))


def items_with_words(db: Database, query: str) -> list[str]:
    """The URLs of the items whose attachments hold the words of `query` (FTS5 syntax,
    each word quoted so no input is an invalid query)."""
    words = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
    if not words:
        return []
    return [url for (url,) in db.execute(
        f"SELECT DISTINCT a.item_url FROM {FTS_TABLE} f JOIN {TABLE} a ON a.rowid = f.rowid"
        f" WHERE {FTS_TABLE} MATCH ? ORDER BY a.item_url", [words])]
