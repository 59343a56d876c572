"""The article's content images: in the article region only, originals over thumbnails.

Skipped: images in furniture (header, sidebars, share rows, app badges), images that
link to another page (thumbnails of other articles), icons and logos, tiny images,
`data:` placeholders. A thumbnail linked to an image file gives way to that file.
Lazy images are read from data-src / data-original / srcset.
"""
from __future__ import annotations

import re

from pmkz.crawler.parsing.dom import in_noise_or_link
from pmkz.crawler.parsing.selectors import class_words
from pmkz.crawler.parsing.urls import join_url

_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|tiff?|avif)(?:$|[?#])", re.IGNORECASE)
_ICON = re.compile(r"logo|icon|sprite|badge|app-?store|google-?play|favicon|avatar|spacer|pixel\.", re.IGNORECASE)
_ICON_WORDS = frozenset(("logo", "icon", "badge", "avatar", "emoji"))
_LAZY_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-full")
_TINY = 50  # pixels: icons and counters, not photographs


def _largest_in_srcset(srcset: str) -> str | None:
    best, best_size = None, -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts:
            continue
        size = 1.0
        if len(parts) > 1 and parts[1][:-1].replace(".", "", 1).isdigit():
            size = float(parts[1][:-1])
        if size > best_size:
            best, best_size = parts[0], size
    return best


def _source(img) -> str | None:
    src = (img.get("src") or "").strip()
    if src and not src.startswith("data:"):
        return src
    for attribute in _LAZY_ATTRIBUTES:
        if (img.get(attribute) or "").strip():
            return img.get(attribute).strip()
    srcset = img.get("data-srcset") or img.get("srcset")
    return _largest_in_srcset(srcset) if srcset else None


def _is_tiny(img) -> bool:
    for attribute in ("width", "height"):
        value = (img.get(attribute) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= _TINY:
            return True
    return False


def _enclosing_link(img, region):
    for ancestor in img.iterancestors():
        if ancestor is region:
            return None
        if ancestor.tag == "a":
            return ancestor
    return None


def content_images(region, base_url: str):
    """(absolute URL, img element, whether the URL is a linked original) of every
    content image in page order, repeats included."""
    for img in region.iter("img"):
        if _is_tiny(img) or not class_words(img).isdisjoint(_ICON_WORDS):
            continue
        link = _enclosing_link(img, region)
        href = (link.get("href") or "").strip() if link is not None else ""
        if link is not None and not _IMAGE_FILE.search(href):
            continue
        # The link itself is expected here; furniture is looked for above it.
        if in_noise_or_link(link.getparent() if link is not None else img, region):
            continue
        source = href or _source(img)
        if not source or source.startswith("data:") or _ICON.search(source):
            continue
        url = join_url(base_url, source)
        if url:
            yield url, img, bool(href)


def collect_images(region, base_url: str) -> tuple[list[str], int]:
    """(absolute image URLs in page order, how many were linked originals)."""
    urls: list[str] = []
    linked = 0
    for url, _, is_linked in content_images(region, base_url):
        if url not in urls:
            urls.append(url)
            linked += is_linked
    return urls, linked
