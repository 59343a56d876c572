"""Where an archive's notifications live, and writing its Atom feeds: whole or not at all.

Feeds and the outbox belong to their database, as images do: `feeds/` and
`webhook-outbox/` beside the default `pmkz.db`, `<name>-feeds/` and
`<name>-webhook-outbox/` beside any other (data/demo.db: data/demo-feeds), so two
archives in one folder never overwrite each other's feeds or send each other's messages.

The feeds themselves (per language and per saved search, with removals and edit diffs)
are rendered by notify/watches.py; `pmkz serve` renders the same from the database.
"""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from pmkz.storage.files import atomic_open

log = logging.getLogger(__name__)

DEFAULT_DB_STEM = "pmkz"


def beside(db_path: Path, what: str) -> Path:
    """The folder `what` of the archive at `db_path`."""
    db_path = Path(db_path)
    return db_path.with_name(what if db_path.stem == DEFAULT_DB_STEM else f"{db_path.stem}-{what}")


def feeds_dir_beside(db_path: Path) -> Path:
    return beside(db_path, "feeds")


def outbox_beside(db_path: Path) -> Path:
    return beside(db_path, "webhook-outbox")


def write_feed(path: Path, render) -> str | None:
    """Render and write one feed; None when written, else one line saying why not, so
    that one feed that cannot be written never stops the others."""
    try:
        data = render()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Readers polling the file never see half of it; the usual permissions (0644).
        with atomic_open(path, "wb") as handle:
            handle.write(data)
    except (OSError, ValueError, sqlite3.Error) as error:
        log.error("feed %s not written: %s", path, error)
        return f"{path.name}: {error}"
    return None
