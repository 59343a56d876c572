"""Image originals on disk: where each one goes, and how it is written.

File names come from a hash of the image URL, never from the page, so no URL can
steer a write outside the images dir. Writes go to a temporary file under `.partial/`
and are renamed into place, so a crawl killed mid-write never leaves a truncated file
under a final name; the temporary name carries the writer's pid, so the next crawl can
remove what a dead one left without touching a live one's.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from .runs import process_alive

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
PARTIAL_DIR = ".partial"


def image_path(url: str, extensions: frozenset[str] | set[str] = IMAGE_EXTENSIONS) -> str:
    """Relative path of an image: `ab/ab12...ef.jpg` from the sha1 of its URL.

    Only a known extension from the URL (of an image, or of `extensions`: a decision's
    attached documents are kept the same way) is kept; anything else is `.bin`.
    """
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()
    ext = PurePosixPath(urlsplit(url).path).suffix.lower()
    if ext not in extensions:
        ext = ".bin"
    return f"{digest[:2]}/{digest}{ext}"


def sha1_of_file(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_image(root: Path, relative: str, data: bytes) -> str:
    """Write an image original under the images dir; returns the sha1 of its bytes."""
    write_atomically(root, relative, data)
    return hashlib.sha1(data).hexdigest()


def write_atomically(root: Path, relative: str, data: bytes) -> None:
    """Write `data` to `root/relative`: complete under its final name, or not at all."""
    path = Path(root, relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(root, PARTIAL_DIR)
    partial.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=partial, prefix=f"{os.getpid()}-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_dead_partials(root: Path) -> int:
    """Delete the temporary files of writers that are gone (killed mid-write); returns
    how many. A live crawl's files are left alone."""
    removed = 0
    for tmp in Path(root, PARTIAL_DIR).glob("*.part"):
        pid = tmp.name.split("-", 1)[0]
        if not (pid.isdigit() and process_alive(int(pid))):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed

