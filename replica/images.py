"""Small real image files, generated from their names: the same name, the same bytes.

Each content image is a gradient between two colours of its own plus grain, so no two
files are alike and every download can be checked byte for byte. Thumbnails are the
same picture, smaller. Site furniture (logo, icons) is made the same way.
"""
from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image

from pmkz.replica.seeding import rng

FULL_SIZE = (120, 80)
THUMB_SIZE = (60, 40)
FURNITURE = {"logo.png": (48, 48), "favicon.png": (16, 16), "no-image.png": (60, 40),
             "icon-telegram.png": (24, 24), "icon-facebook.png": (24, 24), "app-android.png": (32, 32)}
CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


def content_type(name: str) -> str | None:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None


@lru_cache(maxsize=None)
def _mask(angle: int, size: tuple[int, int]) -> Image.Image:
    """The gradient at `angle` degrees: rotating and shrinking the 256 x 256 gradient was
    most of an image's cost, and there are only 360 angles (to each size)."""
    return Image.linear_gradient("L").rotate(angle).resize(size)


def _picture(name: str, size: tuple[int, int]) -> Image.Image:
    r = rng("image", name)
    first = Image.new("RGB", size, tuple(r.randrange(256) for _ in range(3)))
    second = Image.new("RGB", size, tuple(r.randrange(256) for _ in range(3)))
    picture = Image.composite(first, second, _mask(r.randrange(360), size))
    grain = Image.frombytes("L", size, r.randbytes(size[0] * size[1])).convert("RGB")
    return Image.blend(picture, grain, 0.15)


def _encode(picture: Image.Image, name: str) -> bytes:
    out = io.BytesIO()
    if content_type(name) == "image/png":
        picture.save(out, format="PNG")
    else:
        picture.save(out, format="JPEG", quality=80)
    return out.getvalue()


@lru_cache(maxsize=4096)
def media(name: str, thumb: bool = False) -> bytes:
    """The bytes of /assets/media/NAME, or of its thumbnail."""
    picture = _picture(name, FULL_SIZE)
    if thumb:
        picture = picture.resize(THUMB_SIZE)
    return _encode(picture, name)


@lru_cache(maxsize=None)
def furniture(name: str) -> bytes | None:
    """The bytes of /assets/img/NAME, or None for a name the site does not have."""
    size = FURNITURE.get(name)
    return _encode(_picture(name, size), name) if size else None
