"""The site's sections, read from its own pages: no list of them is written down here.

The live site's menus are unknown (SITE.md), so a section is what a language's home page
links: every first path segment under the language's prefix (`/ru/decisions/...` is the
section `decisions`). A section's page then shows whether it is worth following: it is
when it links item pages under its own path (an address ending in a number: `-<id>`, or
a decision's `<ddmmyyyy>-<number>`). News is walked by the spider's own lists.

`PMKZ_SECTIONS` chooses among what is found: names to follow only those (`decisions,
documents`), names with a leading `-` to leave those out (`-about`); empty follows all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pmkz.crawler.parsing.decision import is_decision_url, is_document_url
from pmkz.crawler.parsing.decoding import decode_html
from pmkz.crawler.parsing.dom import parse_document
from pmkz.crawler.parsing.pagination import find_next_url
from pmkz.crawler.parsing.urls import canonical_url, join_url, prefix_of, split_url

# The spider's own lists; never a section of this walk.
NEWS = "news"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# An item page's last segment ends in a number: `slug-31656`, `19012024-20`.
_ITEM_SEGMENT = re.compile(r"[^/]*[^\W_][^/]*-\d+|\d+")
_PAGE_SEGMENT = re.compile(r"page|\d+")
# Sections taken from one home page: each costs a request when the menus are read, and a
# page is free to link any number of paths.
MAX_SECTIONS = 40


@dataclass(frozen=True)
class SectionFilter:
    only: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()

    def wants(self, name: str) -> bool:
        return name != NEWS and name not in self.excluded and (not self.only or name in self.only)


def section_filter(text: str | None) -> SectionFilter:
    """PMKZ_SECTIONS as a filter; ValueError naming the first bad name."""
    only, excluded = set(), set()
    for part in (text or "").split(","):
        part = part.strip().lower()
        if not part:
            continue
        name = part.removeprefix("-")
        if not _NAME.fullmatch(name):
            raise ValueError(f"PMKZ_SECTIONS: {part!r} is not a section name (letters, digits, _ and -)")
        (excluded if part.startswith("-") else only).add(name)
    return SectionFilter(frozenset(only), frozenset(excluded))


def _segments(url: str) -> list[str]:
    return [s for s in split_url(url).path.split("/") if s]


def section_roots(html: str | bytes, url: str, encoding: str | None = None) -> dict[str, str]:
    """Section name -> its root URL (`<base>/<prefix>/<name>`), for every section the
    page at `url` (a language's home page) links under its language, in link order; the
    first MAX_SECTIONS of them."""
    root = parse_document(decode_html(html, encoding))
    prefix = prefix_of(url)
    if root is None or prefix is None:
        return {}
    host = split_url(url).netloc
    origin = f"{split_url(url).scheme}://{host}"
    found: dict[str, str] = {}
    for anchor in root.iter("a"):
        target = canonical_url(join_url(url, (anchor.get("href") or "").strip()))
        if split_url(target).netloc != host or is_document_url(target):
            continue
        segments = _segments(target)
        if len(segments) < 2 or segments[0] != prefix:
            continue
        name = segments[1].lower()
        if _NAME.fullmatch(name) and not name.isdigit():
            found.setdefault(name, f"{origin}/{prefix}/{name}")
            if len(found) == MAX_SECTIONS:
                break
    return found


@dataclass
class SectionPage:
    item_urls: list[str] = field(default_factory=list)  # page order, once each
    next_url: str | None = None


def is_item_url(url: str, root_url: str) -> bool:
    """An item page of the section at `root_url`: under its path, ending in a number."""
    root, segments = _segments(root_url), _segments(url)
    if len(segments) <= len(root) or segments[:len(root)] != root or is_document_url(url):
        return False
    if any(_PAGE_SEGMENT.fullmatch(s) for s in segments[len(root):-1]) and segments[-1].isdigit():
        return False  # `/page/3`: a list page
    return is_decision_url(url) or bool(_ITEM_SEGMENT.fullmatch(segments[-1]))


def parse_section_page(html: str | bytes, url: str, root_url: str, encoding: str | None = None) -> SectionPage:
    """The item pages a section's list page links, and its next page."""
    root = parse_document(decode_html(html, encoding))
    if root is None:
        return SectionPage()
    items = []
    for anchor in root.iter("a"):
        target = canonical_url(join_url(url, (anchor.get("href") or "").strip()))
        if is_item_url(target, root_url):
            items.append(target)
    items = list(dict.fromkeys(items))
    next_url = find_next_url(root, url, url, bool(items))
    if next_url and not _segments(next_url)[:len(_segments(root_url))] == _segments(root_url):
        next_url = None  # a pager that leaves the section is not this section's
    return SectionPage(items, next_url)
