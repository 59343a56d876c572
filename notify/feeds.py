"""Writing the Atom feeds beside the database: whole or not at all.

The feeds themselves (per language and per saved search, with removals and edit diffs)
are rendered by notify/watches.py; `pmkz serve` renders the same from the database.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

ENTRIES = 100


def _replace(path: Path, data: bytes) -> None:
    # Readers polling the file never see half of it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".feed-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
