"""`captures`: one row per archived response, where its WARC record lies (storage/warc/)."""
from __future__ import annotations

from typing import Callable

from sqlite_utils import Database

from . import identity
from .items import chosen_where
from .schema import CAPTURE_COLUMNS

_COLUMNS = [c for c in CAPTURE_COLUMNS if c != "id"]
_INSERT = (f"INSERT INTO captures ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})")
# What a revisit record points at, and what reparse reads: a full answer of the page.
PAYLOAD = "record_type = 'response' AND status = 200"
# The payload digest of an empty body.
EMPTY_DIGEST = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"


def save(db: Database, capture: dict, run_id: int | None) -> int:
    row = {**capture, "run_id": run_id}
    return db.execute(_INSERT, [row.get(c) for c in _COLUMNS]).lastrowid


def get(db: Database, capture_id: int) -> dict | None:
    return _one(db, "SELECT * FROM captures WHERE id = ?", [capture_id])


def newest_payload(db: Database, url: str) -> dict | None:
    """The newest full (200) response archived for `url`."""
    return _one(db, f"SELECT * FROM captures WHERE url = ? AND {PAYLOAD} ORDER BY id DESC LIMIT 1", [url])


def produced(db: Database, capture_id: int, url: str) -> None:
    """The capture gave the item's current state: its version number (versions count
    from 1, the current state being the one after the last `item_versions` row)."""
    db.execute(
        "UPDATE captures SET item_version = (SELECT coalesce(max(version), 0) + 1"
        " FROM item_versions WHERE item_url = ?) WHERE id = ?", [url, capture_id])


def file_end(db: Database, warc_file: str) -> int:
    """Where the last record the table indexes in `warc_file` ends (0 if none)."""
    (end,) = db.execute("SELECT coalesce(max(warc_offset + warc_length), 0) FROM captures WHERE warc_file = ?",
                        [warc_file]).fetchone()
    return end


def reparse_targets(db: Database, lang: str | None, since: str | None, until: str | None,
                    url: str | None) -> list[dict]:
    """The stored pages to re-parse, each with its newest capture to parse.

    An item's is its page's newest full response (an empty one, as a faulty answer that
    was retried, left aside), or the capture its record came from when the page has none
    under its URL; a page whose newest answer did not parse (a `parse` failure) is taken
    with that answer, stored as an item or not.
    Sorted by file and offset, so the files are read front to back. `item_capture_id`
    is the capture the stored record came from: what the crawl itself took.
    """
    where, params = chosen_where([lang] if lang else None, since or None, until or None, alias="i.")
    if url:
        where.append("i.url = ?")
        params.append(url)
    items = (
        "SELECT i.url, coalesce((SELECT max(id) FROM captures c WHERE c.url = i.url"
        f" AND {PAYLOAD} AND payload_digest != '{EMPTY_DIGEST}'), i.capture_id) AS capture_id FROM items i"
        + (" WHERE " + " AND ".join(where) if where else ""))
    failed_where, failed_params = "f.kind = 'parse'", []
    if url:
        failed_where += " AND f.url = ?"
        failed_params.append(url)
    failed = ("SELECT f.url, (SELECT max(id) FROM captures c WHERE c.url = f.url"
              f" AND {PAYLOAD}) AS capture_id FROM failures f WHERE {failed_where}")
    # A date window selects by the stored record's date: a page that never parsed has none.
    sql = items if since or until else f"{items} UNION ALL {failed}"
    rows = _all(db, f"SELECT t.url, max(t.capture_id) AS capture_id, c.warc_file, c.warc_offset,"
                    f" c.warc_length, c.record_id, c.fetched_at, i.summary, i.field_sources, i.lang,"
                    f" i.capture_id AS item_capture_id"
                    f" FROM ({sql}) t JOIN captures c ON c.id = t.capture_id"
                    f" LEFT JOIN items i ON i.url = t.url GROUP BY t.url ORDER BY c.warc_file, c.warc_offset",
                params + ([] if since or until else failed_params))
    return rows


def without_capture(db: Database) -> int:
    """Stored items no archived response can re-derive."""
    (count,) = db.execute(
        f"SELECT count(*) FROM items i WHERE i.capture_id IS NULL AND NOT EXISTS"
        f" (SELECT 1 FROM captures c WHERE c.url = i.url AND {PAYLOAD})").fetchone()
    return count


def unreadable(db: Database, size_of: Callable[[str], int | None]) -> tuple[int, int]:
    """(captures, how many of them cannot be read), judged from the files' sizes alone,
    no record read: `size_of(name)` is a WARC file's size, None when it is missing; a
    capture counts when its file is missing or ends before its record does."""
    total = lost = 0
    for name, count, end in db.execute(
            "SELECT warc_file, count(*), max(warc_offset + warc_length) FROM captures GROUP BY warc_file"):
        total += count
        size = size_of(name)
        if size is None:
            lost += count
        elif size < end:
            (past,) = db.execute("SELECT count(*) FROM captures WHERE warc_file = ? AND warc_offset + warc_length > ?",
                                 [name, size]).fetchone()
            lost += past
    return total, lost


def of_items(db: Database, langs: list[str] | None, since: str | None, until: str | None) -> list[dict]:
    """Every capture of the chosen items' pages and images, oldest first (for export):
    items in one of `langs` (None: any), published from `since` to `until` (inclusive).

    By path, at whatever address each was fetched (storage/identity.py): a page's
    captures, and its own images' on any address the chosen pages were archived at; an
    image on another host by its whole URL."""
    where, params = chosen_where(langs, since, until)
    chosen = "SELECT url FROM items" + (" WHERE " + " AND ".join(where) if where else "")
    path, origin = identity.path_sql("c.url"), identity.origin_sql("c.url")
    return _all(db, f"WITH chosen AS ({chosen}),"
                    f" pages AS (SELECT c.id, {origin} AS origin FROM captures c"
                    f" WHERE {path} IN (SELECT {identity.PATH_SQL} FROM chosen)),"
                    " pictures AS (SELECT url, item_url FROM images WHERE item_url IN (SELECT url FROM chosen))"
                    " SELECT c.* FROM captures c WHERE c.id IN (SELECT id FROM pages)"
                    " OR c.url IN (SELECT url FROM pictures)"
                    f" OR {path} IN (SELECT {identity.PATH_SQL} FROM pictures"
                    f" WHERE {identity.origin_sql('url')} = {identity.origin_sql('item_url')})"
                    f" AND {origin} IN (SELECT origin FROM pages) ORDER BY c.id",
                params)


def _one(db: Database, sql: str, params: list) -> dict | None:
    rows = _all(db, sql, params)
    return rows[0] if rows else None


def _all(db: Database, sql: str, params: list) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
