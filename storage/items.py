"""Writes and look-ups on `items`, `item_versions` and `images`.

Functions take an open `Database` and a UTC time stamp; the `Store` facade owns
transactions and the clock. What counts as a change is the content hash (title, summary,
body): other fields (image URLs, time, category...) are kept current in place on every
save, without a new version, so that `changed` in the crawl summary means the text moved.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata

from sqlite_utils import Database

from . import diffs
from . import identity
from .schema import RECORD_COLUMNS, VERSIONED_COLUMNS
from .search import index as search_index

_REQUIRED = ("url", "lang", "title", "published_date", "body")
# Record fields that are JSON objects (lang -> URL, image URL -> caption, field -> layer).
_JSON_OBJECTS = ("translations", "image_captions", "field_sources")
# Fields kept current on every save, content unchanged or not.
_METADATA = [c for c in RECORD_COLUMNS if c not in ("url", "title", "summary", "body")]
_KEPT_CURRENT = [*_METADATA, "status", "etag", "http_last_modified"]
# What a re-parse (`reparsed=True`) leaves as the last fetch set it.
_FETCH_STATE = ("last_seen", "status", "etag", "http_last_modified")
# What a save reads of the stored row: the earlier state, and what to compare.
_READ = list(dict.fromkeys([*VERSIONED_COLUMNS, *_KEPT_CURRENT]))


def save(db: Database, record: dict, *, etag: str | None, last_modified: str | None,
         now: str, batch_start: int | None = None, capture_id: int | None = None,
         reparsed: bool = False) -> str:
    """Insert or update one record; returns 'new', 'changed' or 'unchanged'.

    `batch_start`: inside a batch, the largest rowid before it; the full-text indexing
    of the rows after it waits for the batch's end (storage/search/index.py).
    `capture_id`: the archived response the record was parsed from; it stays with the
    state it produced (an unchanged page fetched again keeps the capture it came from). `reparsed`: the record comes from `pmkz reparse`, not from a fetch: what the
    last fetch set (last seen, status, validators) stays, and a new state says so.
    """
    row = _row(record)
    row.update(last_seen=now, status="live", etag=etag, http_last_modified=last_modified,
               first_seen=now, last_changed=now, version_reason="reparsed" if reparsed else "new")
    if capture_id is not None:
        row["capture_id"] = capture_id
    # Insert first: in a backfill nearly every record is new, and a look-up before each
    # insert cost a sixth of the store's time. A URL already there inserts nothing.
    if _insert(db, "items", row, on_conflict="(url) DO NOTHING"):
        if batch_start is None:
            (rowid,) = db.execute("SELECT last_insert_rowid()").fetchone()
            search_index.index_rows(db, "rowid = ?", [rowid])
        return "new"
    del row["first_seen"], row["last_changed"]
    if reparsed:
        for column in _FETCH_STATE:
            del row[column]
    old = db.execute(
        f"SELECT rowid, first_seen, last_changed, {', '.join(_READ)} FROM items WHERE url = ?",
        [row["url"]],
    ).fetchone()
    rowid, first_seen, last_changed, *rest = old
    stored = dict(zip(_READ, rest))
    previous = {c: stored[c] for c in VERSIONED_COLUMNS}
    # A re-parse compares with the text as stored, whatever its stored hash says.
    stored_hash = content_hash(previous) if reparsed else previous["content_hash"]
    if stored_hash == row["content_hash"]:
        # Only what moved: every column in SET rewrites the indexes that hold it.
        moved = [c for c in _KEPT_CURRENT if c in row and stored[c] != row[c]]
        if moved or not reparsed:
            _update(db, row, moved if reparsed else ["last_seen", *moved])
        return "unchanged"
    changes = diffs.compare(previous["body"], row["body"], previous["title"], row["title"],
                            previous["summary"], row["summary"])
    (version,) = db.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM item_versions WHERE item_url = ?",
        [row["url"]],
    ).fetchone()
    _insert(db, "item_versions", {
        "item_url": row["url"],
        "version": version,
        **previous,
        "valid_from": last_changed or first_seen,
        "replaced_at": now,
        "body_changes": diffs.encode(changes),
        "significance": diffs.significance(changes),
    })
    row["last_changed"] = now
    row["version_reason"] = "reparsed" if reparsed else "changed"
    row.setdefault("capture_id", None)  # the new state came from no archived response
    _update(db, row, [c for c in row if c != "url"])
    if batch_start is None or rowid <= batch_start:  # a row new in the batch waits for its end
        search_index.replace(db, rowid, previous)
    return "changed"


def touch(db: Database, url: str, now: str) -> bool:
    """Record that the page answered 304 Not Modified: it is there, and unchanged.

    A 304 proves the page exists, so an item marked gone comes back to live.
    """
    cursor = db.execute(
        "UPDATE items SET last_seen = ?, status = 'live' WHERE url = ?", [now, url])
    return cursor.rowcount > 0


def mark_gone(db: Database, url: str) -> bool:
    """Mark a live item gone (rows are never deleted); True if it was live."""
    cursor = db.execute(
        "UPDATE items SET status = 'gone' WHERE url = ? AND status = 'live'", [url])
    return cursor.rowcount > 0


def validators(db: Database, url: str) -> tuple[str | None, str | None] | None:
    """The stored (etag, last_modified), or None when there is nothing to send.

    Only for the address the page is stored under: the first visit at a new address (the
    site moved) is a full GET, so the raw archive holds the page there, and a later 304
    there is a revisit of a capture at its own address."""
    row = db.execute(
        "SELECT etag, http_last_modified FROM items WHERE url = ?", [url]).fetchone()
    if row is None or row == (None, None):
        return None
    return row


def listed_summary(db: Database, url: str) -> str | None:
    """The stored summary of an item whose summary came from a list's teaser."""
    row = db.execute("SELECT summary FROM items WHERE url = ?"
                     " AND json_extract(field_sources, '$.summary') = 'listing'", [url]).fetchone()
    return row[0] if row else None


def pages_with_failed_images(db: Database) -> list[str]:
    """Stored pages with an image or attached file that failed: a run asks for the page
    again, so the pipelines try the file again (lists no longer send stored pages)."""
    return [url for (url,) in db.execute(
        "SELECT DISTINCT i.url FROM failures f JOIN items i ON i.url IN"
        " (SELECT i2.url FROM items i2, json_each(i2.image_urls) j WHERE j.value = f.url"
        "  UNION ALL SELECT i2.url FROM items i2, json_each(coalesce(i2.attachment_urls, '[]')) j"
        "  WHERE j.value = f.url)"
        " WHERE f.kind = 'image'")]


def save_images(db: Database, item_url: str, rows: list[dict]) -> None:
    """Upsert the downloaded images of one item (url, path relative to images dir, sha1)."""
    # Plain SQL for the hot path, as in _insert: upsert_all() inspects the table per call.
    db.conn.executemany(
        "INSERT INTO images (item_url, url, path, sha1) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (item_url, url) DO UPDATE SET path = excluded.path, sha1 = excluded.sha1",
        [(item_url, r["url"], r["path"], r["sha1"]) for r in rows],
    )


def stored_images(db: Database, item_url: str) -> tuple[list[str], dict[str, tuple[str, str]]]:
    """The image URLs the stored item of `item_url`'s path references, and image URL ->
    (file path, sha1) of its stored images, both at the page's address `item_url`: an
    image on the page's own address is known by its path, as its page is, one on another
    host by its whole URL (storage/identity.py)."""
    row = db.execute(f"SELECT url, image_urls FROM items WHERE {identity.PATH_SQL} = ?",
                     [identity.path_of(item_url)]).fetchone()
    if row is None:
        return [], {}
    stored_url, image_urls = row

    def at_page(url: str) -> str:
        return identity.rebase(url, item_url) if identity.origin(url) == identity.origin(stored_url) else url
    files = {at_page(url): (path, sha1) for url, path, sha1 in
             db.execute("SELECT url, path, sha1 FROM images WHERE item_url = ?", [stored_url])}
    urls = [at_page(url) for url in identity.at_current_address(db, stored_url, json.loads(image_urls or "[]"))]
    return urls, files


def _row(record: dict) -> dict:
    """The record as an `items` row: the one place a record is encoded for SQLite.

    Lists and objects become JSON text, objects with sorted keys, so that an unchanged
    page writes the same text.
    """
    missing = [key for key in _REQUIRED if not record.get(key)]
    if missing:
        raise ValueError(f"record {record.get('url', '?')} lacks {', '.join(missing)}")
    row = {column: record.get(column) for column in RECORD_COLUMNS}
    row["image_urls"] = json.dumps(list(record.get("image_urls") or []), ensure_ascii=False)
    # Only a decision attaches files: other kinds keep the column null.
    if record.get("attachment_urls") is not None:
        row["attachment_urls"] = json.dumps(list(record["attachment_urls"]), ensure_ascii=False)
    for column in _JSON_OBJECTS:
        value = record.get(column) or {}
        row[column] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    row["content_hash"] = content_hash(record)
    return row


# HTML parsers turn U+0000 into U+FFFD, so NUL never occurs in text taken from a page:
# joining on it keeps ("ab", "c") and ("a", "bc") apart.
_SEPARATOR = "\x00"


def content_hash(record: dict) -> str:
    """sha256 hex of the record's title, summary and body, each in Unicode NFC.

    A missing summary hashes like an empty one: both mean the page shows no lead.
    """
    parts = (
        unicodedata.normalize("NFC", record.get(field) or "")
        for field in ("title", "summary", "body")
    )
    return hashlib.sha256(_SEPARATOR.join(parts).encode("utf-8")).hexdigest()


def _insert(db: Database, table: str, row: dict, on_conflict: str | None = None) -> bool:
    """Insert one row; False when `on_conflict` ("(columns) DO NOTHING") skipped it."""
    # Plain SQL rather than Table.insert(): this is the crawler's hot path, and
    # Table.insert() re-inspects the table and re-builds its SQL on every call.
    sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
    if on_conflict:
        sql += f" ON CONFLICT {on_conflict}"
    return db.execute(sql, list(row.values())).rowcount == 1


def _update(db: Database, row: dict, columns: list[str]) -> None:
    assignments = ", ".join(f"{c} = ?" for c in columns)
    db.execute(f"UPDATE items SET {assignments} WHERE url = ?",
               [row[c] for c in columns] + [row["url"]])


def urls_to_recheck(db: Database, lang: str, newest: int | None,
                    since: str | None, until: str | None) -> list[str]:
    """Known URLs of one language, newest first: the `newest` live ones, or all of them."""
    where, params = ["lang = ?"], [lang]
    if newest is not None:
        where.append("status = 'live'")
    if since:
        where.append("published_date >= ?")
        params.append(since)
    if until:
        where.append("published_date <= ?")
        params.append(until)
    # The site's list order within a day: an item printed without its time still sits
    # where it was published, and ids of the current era grow with time (SITE.md), so
    # the id breaks ties. Matching the list keeps an idle run at a constant cost: the
    # newest items re-checked are the first list page's, not one more.
    sql = (f"SELECT url FROM items WHERE {' AND '.join(where)}"
           " ORDER BY published_date DESC, site_id DESC, coalesce(published_at, '') DESC")
    if newest is not None:
        sql += " LIMIT ?"
        params.append(newest)
    return [url for (url,) in db.execute(sql, params)]


def chosen_where(langs: list[str] | None, since: str | None, until: str | None,
                 alias: str = "") -> tuple[list[str], list]:
    """Conditions (and their params) choosing items by language (None: any) and by
    publication date from `since` to `until`, inclusive: what export, WARC export and
    reparse choose by. `alias`: the items table's alias in the query (`i.`)."""
    where, params = [], []
    if langs is not None:
        where.append(f"{alias}lang IN ({', '.join('?' * len(langs))})")
        params.extend(langs)
    for test, day in ((">=", since), ("<=", until)):
        if day is not None:
            where.append(f"{alias}published_date {test} ?")
            params.append(day)
    return where, params
