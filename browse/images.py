"""Serving the local copies of item images from the images dir.

Pages show images from here, never hot-linked from the site. The files are whatever the
site served, so the type is read from the bytes (not trusted from a name) and anything
that is not a known raster image goes out as an inert download: an SVG or HTML file
saved as an "image" must never run script on the archive's own origin.
"""
from __future__ import annotations

from pathlib import Path

from datasette.utils.asgi import NotFound, asgi_send_file

# Leading bytes -> content type, for the formats the crawler keeps.
_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
]
FALLBACK_TYPE = "application/octet-stream"
HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    # A stored file never changes under its name (named from the image URL's hash,
    # replaced only by the same bytes), so browsers may keep it.
    "cache-control": "max-age=86400",
}


def content_type(head: bytes) -> str:
    """The image type that `head` (the file's first bytes) starts with."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return FALLBACK_TYPE


def resolve(images_dir: Path, relative: str) -> Path | None:
    """The file `relative` names inside `images_dir`, or None if it is not a file there
    (missing, a directory, or a path that climbs out with `..` or a symlink)."""
    root = images_dir.resolve()
    try:
        target = (root / relative).resolve()
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


async def send_image(send, images_dir: Path, relative: str) -> None:
    target = resolve(images_dir, relative)
    if target is None:
        raise NotFound(f"No image {relative}")
    with target.open("rb") as handle:
        head = handle.read(16)
    await asgi_send_file(send, target, content_type=content_type(head), headers=dict(HEADERS))
