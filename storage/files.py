"""Files beside the database: written so that a reader or a crash never sees them
half-written, and named from URLs, never from page content."""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator


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


def url_digest(url: str, length: int = 16) -> str:
    """A short hex digest of a URL, for file names that must not come from page content."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:length]
