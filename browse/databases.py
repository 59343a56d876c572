"""Which databases of a Datasette are pmkz archives, and the metadata each one gets.

An archive is a database with the items table and its stem index, whatever its file is
called: `datasette data/archive-2024.db` with pmkz installed shows it as `pmkz serve`
shows data/pmkz.db. metadata.yaml keys its database section by `pmkz` (the name `pmkz
serve` attaches the archive under); the plugin's get_metadata hook gives that section to
every archive, with the links in its descriptions pointing at that archive, and the
top-level metadata (title, description, CSS, the plugin's configuration) whenever an
archive is served.
"""
from __future__ import annotations

import copy
import functools
import os
import sqlite3

import yaml

from pmkz.browse.app import DATABASE_NAME, METADATA_FILE
from pmkz.storage.search import TABLE as SEARCH_TABLE

ARCHIVE_TABLES = ("items", SEARCH_TABLE)
# In metadata.yaml's descriptions, the start of a link into the archive.
_LINK = f'href="/{DATABASE_NAME}/'

# Paths known to be archives (tables are never dropped), and for the others the state of
# their files when last looked at: a database becomes an archive when a crawl starts
# writing to it, which changes its file or its write-ahead log.
_archives: set[str] = set()
_not_archives: dict[str, tuple] = {}


def is_archive(datasette, name: str | None) -> bool:
    """Whether the database `name` of `datasette` is a pmkz archive.

    Synchronous (Datasette's get_metadata hook is), so it reads the file's table names
    itself, once per path and again only after the file changed.
    """
    db = datasette.databases.get(name) if name else None
    if db is None or db.is_memory or not db.path:
        return False
    if db.path in _archives:
        return True
    stamp = _file_stamp(db.path)
    if _not_archives.get(db.path) == stamp:
        return False
    try:
        conn = db.connect()
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        tables = set()
    if tables.issuperset(ARCHIVE_TABLES):
        _archives.add(db.path)
        return True
    _not_archives[db.path] = stamp
    return False


def add(path) -> None:
    """Count the database at `path` as an archive: `pmkz serve` has checked it (an items
    table is enough there, as before the stem index existed)."""
    _archives.add(str(path))


def _file_stamp(path: str) -> tuple:
    def stat(p):
        try:
            s = os.stat(p)
            return s.st_mtime_ns, s.st_size
        except OSError:
            return None
    return stat(path), stat(path + "-wal")


def archive_names(datasette) -> list[str]:
    """The names of the archives `datasette` serves, in the order it lists them."""
    return [name for name in datasette.databases if is_archive(datasette, name)]


@functools.lru_cache(maxsize=64)
def _metadata_at(database_url: str) -> dict:
    """metadata.yaml with its links into the archive pointing at `database_url`."""
    text = METADATA_FILE.read_text(encoding="utf-8").replace(_LINK, f'href="{database_url}/')
    return yaml.safe_load(text)


def metadata(datasette, database: str | None) -> dict:
    """What the get_metadata hook gives: nothing unless an archive is served; else the
    top-level metadata (its links to the first archive) and the database section for
    `database` if it is an archive (for every archive when `database` is None).

    A fresh copy each time: Datasette merges the configuration given on its command
    line into what the hooks return, in place.
    """
    names = archive_names(datasette)
    if not names:
        return {}
    result = {key: value for key, value in _metadata_at(datasette.urls.database(names[0])).items()
              if key != "databases"}
    result["databases"] = {
        name: _metadata_at(datasette.urls.database(name))["databases"][DATABASE_NAME]
        for name in names if database in (None, name)}
    return copy.deepcopy(result)
