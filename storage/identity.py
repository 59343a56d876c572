"""An item is identified by its path on the site (issue 14).

The same page fetched through another host, port or scheme (a replica on a new port,
the live site moving to www. or to https) is the same item: `items.url` says where it
was last fetched, and a unique index on the URL's path keeps one row per page. When a
page is met at a new address, `adopt` moves its row, and every row that names it, to
that address. Databases from before this rule are merged in place: of several rows for
one path the most recently seen is kept, the others' versions, images and events join it.
Every look-up of a page by URL goes by its path (`stored_url`).

An image on an address its page was fetched at is the site's own and is known by its
path too: `adopt` moves its row with the page's, and a state that names it at an old
address of the page (a version, a page answered 304 since) means the image at the
current one (`at_current_address`). An image on another host (PMKZ_IMAGE_HOSTS) keeps
its whole URL: that host's paths are its own, and one path on two hosts may be two files.
What was archived keeps the address it was fetched at: a capture is its page's or its
image's by path, on an address the page was archived at (storage/captures.py `of_items`).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlite_utils import Database


def path_sql(column: str) -> str:
    """The path of the absolute http(s) URL in `column`: from the first "/" after the
    scheme's "//" and a host of at least one character."""
    return f"substr({column}, instr(substr({column}, 9), '/') + 8)"


def origin_sql(column: str) -> str:
    """`scheme://host:port` of the absolute http(s) URL in `column`."""
    return f"substr({column}, 1, instr(substr({column}, 9), '/') + 7)"


# The same expression in the index and in every query of items, so that SQLite uses it.
PATH_SQL = path_sql("url")
PATH_INDEX = "idx_items_path"
# Tables and columns that name an item by its URL, renamed with it.
REFERENCES = (("item_versions", "item_url"), ("images", "item_url"), ("attachments", "item_url"),
              ("item_events", "url"), ("failures", "item_url"), ("revisits", "url"))


def path_of(url: str) -> str:
    """What PATH_SQL gives for `url`."""
    after = url.find("/", 8)
    return url[after:] if after >= 0 else ""


def ensure_path_index(db: Database) -> None:
    """Merge rows of one path (databases from before) and add the unique index."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [PATH_INDEX]).fetchone():
        return
    with db.atomic():
        duplicates = db.execute(
            f"SELECT {PATH_SQL} AS path FROM items GROUP BY path HAVING count(*) > 1").fetchall()
        for (path,) in duplicates:
            rows = db.execute(
                f"SELECT url, rowid FROM items WHERE {PATH_SQL} = ? ORDER BY last_seen DESC, rowid DESC",
                [path]).fetchall()
            kept = rows[0][0]
            for url, rowid in rows[1:]:
                _rename_references(db, url, kept)
                _forget_search_row(db, rowid)
                db.execute("DELETE FROM items WHERE url = ?", [url])
        db.execute(f"CREATE UNIQUE INDEX {PATH_INDEX} ON items ({PATH_SQL})")


def adopt(db: Database, url: str) -> str | None:
    """Move the item stored under another address of `url`'s path to `url`; returns the
    old address, or None when there was nothing to move."""
    row = db.execute(f"SELECT url FROM items WHERE {PATH_SQL} = ?", [path_of(url)]).fetchone()
    if row is None or row[0] == url:
        return None
    old = row[0]
    db.execute("UPDATE items SET url = ? WHERE url = ?", [url, old])
    _rename_references(db, old, url)
    # Its images served from the page's old address are at the new one too, and so are
    # their failures: the page's next visit tries them there and clears them.
    before, after = origin(old), origin(url)
    moved = "SET url = ? || substr(url, ?) WHERE item_url = ? AND substr(url, 1, ?) = ?"
    params = [after, len(before) + 1, url, len(before) + 1, before + "/"]
    db.execute(f"UPDATE OR IGNORE images {moved}", params)
    db.execute(f"UPDATE OR REPLACE failures {moved}", params)
    return old


def move_page_failures(db: Database, base_url: str) -> None:
    """Failed pages are asked for at the site's address now (the spider rebases them), so
    their failures recorded at another address move to `base_url`'s, where a success
    clears them. An image's failure moves with its page (`adopt`)."""
    here = origin(base_url.rstrip("/") + "/")
    db.execute(f"UPDATE OR REPLACE failures SET url = ? || {PATH_SQL}"
               f" WHERE item_url IS NULL AND kind != 'image' AND {origin_sql('url')} != ?", [here, here])


def stored_url(db: Database, url: str) -> str | None:
    """The address the page of `url` is stored under, whatever address `url` names; None
    for a page not stored."""
    row = db.execute(f"SELECT url FROM items WHERE {PATH_SQL} = ?", [path_of(url)]).fetchone()
    return row[0] if row else None


def known_among(db: Database, urls: list[str]) -> set[str]:
    """The ones of `urls` whose path is stored, at whatever address."""
    by_path: dict[str, list[str]] = {}
    for url in dict.fromkeys(urls):
        by_path.setdefault(path_of(url), []).append(url)
    paths = list(by_path)
    found: set[str] = set()
    for start in range(0, len(paths), 500):  # under SQLite's smallest parameter limit
        chunk = paths[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for (path,) in db.execute(f"SELECT {PATH_SQL} FROM items WHERE {PATH_SQL} IN ({marks})", chunk):
            found.update(by_path[path])
    return found


def at_current_address(db: Database, item_url: str, urls: list[str]) -> list[str]:
    """The image URLs `urls` of a state of the item stored at `item_url`, as its images
    rows name them now: those on an address the page was archived at (a capture of its
    page there) at the page's current address, the others as they are."""
    here, page = origin(item_url), path_of(item_url)
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'captures'").fetchone():
        return list(urls)  # an archive from before the raw archive: no address is known
    old = {address for address in {origin(url) for url in urls} - {here}
           if db.execute("SELECT 1 FROM captures WHERE url = ? LIMIT 1", [address + page]).fetchone()}
    return [here + path_of(url) if origin(url) in old else url for url in urls]


def origin(url: str) -> str:
    """`scheme://host:port` of an absolute URL."""
    return url[:len(url) - len(path_of(url))] if path_of(url) else url


def rebase(url: str, base_url: str) -> str:
    """`url`'s path (and query) at the address of `base_url`: a stored page asked for
    where the site is now."""
    base, parts = urlsplit(base_url), urlsplit(url)
    return parts._replace(scheme=base.scheme, netloc=base.netloc).geturl()


def _rename_references(db: Database, old: str, new: str) -> None:
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, column in REFERENCES:
        if table in tables:
            db.execute(f"UPDATE OR IGNORE {table} SET {column} = ? WHERE {column} = ?", [new, old])
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", [old])  # what a duplicate key kept
    # A failure row is keyed by the page's own URL.
    db.execute("UPDATE OR REPLACE failures SET url = ? WHERE url = ?", [new, old])


def _forget_search_row(db: Database, rowid: int) -> None:
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "items_search" in tables:
        db.execute("DELETE FROM items_search WHERE rowid = ?", [rowid])
