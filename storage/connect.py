"""Opening database files safely: for writing (created if missing) or reading (must exist).

Every way a path can be wrong ends as one `StorageError` with a one-line message, and a
failed open never leaves a half-created file behind.
"""
from __future__ import annotations

import os
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

# Datasette reads while the crawler writes; WAL lets readers proceed, and the timeout
# covers the short moments when a checkpoint or another writer holds the lock.
BUSY_TIMEOUT_SECONDS = 10.0


class StorageError(Exception):
    """A database file that cannot be opened, created or read, or a bad export request."""


def open_for_writing(path: str | Path, setup: Callable[[Database], None]) -> Database:
    """Open or create the database at `path` (creating parent dirs) in WAL mode.

    `setup` (the schema) runs before returning; if anything fails, a file this call
    created is removed again, so no half-built database survives.
    """
    path = Path(path)
    if path.is_dir():
        raise StorageError(f"{path} is a directory, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create directory {path.parent}: {exc.strerror}") from None
    created = not path.exists()
    try:
        db = _connect(path, "rwc")
    except sqlite3.Error as exc:
        _discard_new(path, created)
        raise StorageError(f"cannot open {path}: {exc}") from None
    try:
        _check_readable(db, path)
        check_ours(db, path, ("items",))  # before anything is written to it
        db.enable_wal()
        # In WAL mode NORMAL cannot corrupt the file; a power cut may lose only the
        # last commits, which the next crawl fetches again. FULL costs an fsync each.
        db.execute("PRAGMA synchronous = NORMAL")
        # Savepoints (one per crawled item) journal the pages they touch: in memory, not
        # in a temporary file. A few pages an item, so the memory stays small.
        db.execute("PRAGMA temp_store = MEMORY")
        setup(db)
    except (sqlite3.Error, StorageError) as exc:
        db.close()
        _discard_new(path, created)
        if isinstance(exc, StorageError):
            raise
        if "malformed" in str(exc):
            raise StorageError(damaged(path, str(exc))) from None
        raise StorageError(f"cannot use {path}: {exc}") from None
    return db


def open_for_reading(path: str | Path) -> Database:
    """Open an existing pmkz database; never creates a file.

    Opened read-write (not `mode=ro`) where the file and its folder are writable, only so
    that closing the last connection can clean up the WAL side files; callers here never
    write. A database on a read-only mount or in a read-only folder is opened read-only
    (immutable: no one can be writing it there, and SQLite could not create its side files).
    """
    path = Path(path)
    if not path.exists():
        raise StorageError(f"no database at {path}")
    if not path.is_file():
        raise StorageError(f"{path} is not a database file")
    try:
        db = _connect(path, "rw") if writable(path) else _connect(path, "ro", immutable=True)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open {path}: {exc}") from None
    try:
        _check_readable(db, path)
        if not db["items"].exists():
            raise StorageError(f"{path} is not a pmkz database (no items table)")
        check_ours(db, path, ("items",))
    except (sqlite3.Error, StorageError) as exc:
        db.close()
        if isinstance(exc, StorageError):
            raise
        raise StorageError(f"cannot read {path}: {exc}") from None
    return db


def _discard_new(path: Path, created: bool) -> None:
    """Remove a database file (and its WAL side files) that this process just created."""
    if not created:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def writable(path: Path) -> bool:
    """Whether SQLite may write the database file and create its side files beside it."""
    for place in (path, path.resolve().parent):
        if not os.access(place, os.W_OK):
            return False
        try:
            if os.statvfs(place).f_flag & os.ST_RDONLY:
                return False
        except OSError:
            return False
    return True


# What every pmkz database holds: a table made by another tool under one of these
# names, or a database of other tables, is refused untouched.
# (The columns every pmkz database has had: later ones are added in place.)
OUR_COLUMNS = {"items": {"url", "title"}, "crawl_runs": {"id", "started", "status"}}


def check_ours(db: Database, path: Path, tables: tuple[str, ...] = tuple(OUR_COLUMNS)) -> None:
    """Refuse a database whose tables are not pmkz's (an empty one is fine)."""
    present = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    if not present:
        return
    for table in tables:
        wanted = OUR_COLUMNS[table]
        if table not in present:
            raise StorageError(f"{path} is not a pmkz database (it has tables, but no {table} table);"
                               " pmkz leaves it untouched")
        missing = wanted - {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if missing:
            raise StorageError(f"{path} is not a pmkz database (its {table} table has no"
                               f" {', '.join(sorted(missing))}); pmkz leaves it untouched")


def check_intact(db: Database, path: Path) -> None:
    """A damaged file (a bad sector, a copy cut short) is found before any work."""
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    if problems != ["ok"]:
        raise StorageError(damaged(path, problems[0]))


def damaged(path: Path, problem: str) -> str:
    return (f"{path} is damaged ({' '.join(problem.split())}); restore it from a backup,"
            f" or salvage it with: sqlite3 {path} .recover")


def _connect(path: Path, mode: str, immutable: bool = False) -> Database:
    # A URI lets `mode=rw` refuse to create a missing file; quoting keeps `?` and `#`
    # in file names from being read as URI syntax.
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode={mode}" + ("&immutable=1" if immutable else "")
    # A connection is used by one thread at a time, but not always the one that opened
    # it: `scrapy shell` runs the crawl's reactor in a thread of its own.
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    return Database(conn)


def _check_readable(db: Database, path: Path) -> None:
    # sqlite3.connect() accepts any file; the first read is what detects a non-database.
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise StorageError(f"{path} is not an SQLite database") from None
        raise
