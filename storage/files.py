"""Files beside the database: written so that a reader or a crash never sees them
half-written, and named from URLs, never from page content."""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator

DEFAULT_DB_STEM = "pmkz"


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a temporary file next to `path`; on success it replaces `path` in one rename.

    On any exception the temporary file is removed and `path` is left as it was.
    """
    # Exclusive creation under a random name rather than mkstemp: mkstemp makes files
    # private (0600), an export should get the usual umask permissions.
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, mode.replace("w", "x"), **kwargs) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def beside(db_path: Path, what: str) -> Path:
    """The folder `what` of the archive at `db_path`: `what/` beside the default pmkz.db,
    `<name>-what/` beside any other (data/demo.db: data/demo-feeds), so that two archives
    in one folder never share one."""
    db_path = Path(db_path)
    return db_path.with_name(what if db_path.stem == DEFAULT_DB_STEM else f"{db_path.stem}-{what}")


def url_digest(url: str, length: int = 16) -> str:
    """A short hex digest of a URL, for file names that must not come from page content."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:length]
