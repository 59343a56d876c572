"""Where and how image originals are written to disk.

File names come from a hash of the image URL, never from the page, so no URL can
steer a write outside the images dir. Writes go to a temporary name and are renamed
into place, so a crawl killed mid-write never leaves a truncated file under a final name.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"}


def image_path(url: str) -> str:
    """Relative path of an image: `ab/ab12...ef.jpg` from the sha1 of its URL.

    Only a known image extension from the URL is kept; anything else is `.bin`.
    """
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()
    ext = PurePosixPath(urlsplit(url).path).suffix.lower()
    if ext not in IMAGE_EXTENSIONS:
        ext = ".bin"
    return f"{digest[:2]}/{digest}{ext}"


def sha1_of_file(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
