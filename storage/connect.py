"""Opening database files safely: for writing (created if missing) or reading (must exist).

Every way a path can be wrong ends as one `StorageError` with a one-line message, and a
failed open never leaves a half-created file behind.
"""
from __future__ import annotations

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
        raise StorageError(f"cannot use {path}: {exc}") from None
    return db


def open_for_reading(path: str | Path) -> Database:
    """Open an existing pmkz database; never creates a file.

    Opened read-write (not `mode=ro`) only so that closing the last connection can clean
    up the WAL side files; callers here never write.
    """
    path = Path(path)
    if not path.exists():
        raise StorageError(f"no database at {path}")
    if not path.is_file():
        raise StorageError(f"{path} is not a database file")
    try:
        db = _connect(path, "rw")
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open {path}: {exc}") from None
    try:
        _check_readable(db, path)
        if not db["items"].exists():
            raise StorageError(f"{path} is not a pmkz database (no items table)")
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


def _connect(path: Path, mode: str) -> Database:
    # A URI lets `mode=rw` refuse to create a missing file; quoting keeps `?` and `#`
    # in file names from being read as URI syntax.
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode={mode}"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    return Database(conn)


def _check_readable(db: Database, path: Path) -> None:
    # sqlite3.connect() accepts any file; the first read is what detects a non-database.
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise StorageError(f"{path} is not an SQLite database") from None
        raise
