"""parse_listing: one news list page -> the articles it links, their teasers and dates.

An item is the largest element around an article link that links no other article.
Inside it, the printed date is the short text that reads as a date, the heading is a
heading element (or the known heading class, or the first text), and the teaser is
the longest remaining text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pmkz.crawler.parsing.dates import parse_fast, parse_with_dateparser
from pmkz.crawler.parsing.decoding import decode_html
from pmkz.crawler.parsing.dom import (BLOCK_TAGS, in_noise_or_link_remembered, parse_document, prepare, spaced_text_of,
                                 text_of)
from pmkz.crawler.parsing.metadata import read_metadata
from pmkz.crawler.parsing.pagination import find_next_url, page_position
from pmkz.crawler.parsing.selectors import DATE_WORDS, KNOWN, Selectors, class_words
from pmkz.crawler.parsing.text import is_boilerplate, normalize_text
from pmkz.crawler.parsing.urls import LANG_OF_PREFIX, canonical_url, is_article_url, join_url, prefix_of, split_url

_TEXT_TAGS = BLOCK_TAGS | {"a", "span", "time", "strong", "b", "em"}
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_HEADING_WORDS = frozenset(("title", "heading", "head", "name", "header"))
_MAX_DATE_TEXT = 60
_MIN_TEASER = 15


@dataclass(frozen=True)
class Listing:
    article_urls: list[str] = field(default_factory=list)  # canonical, page order, unique
    teasers: dict[str, str | None] = field(default_factory=dict)
    list_dates: dict[str, str | None] = field(default_factory=dict)  # url -> YYYY-MM-DD
    next_url: str | None = None
    page: int = 1  # this page's number
    last_page: int | None = None  # the highest number the pager shows, when it shows one


def _article_target(target: str, host: str, prefix: str | None) -> str | None:
    """The canonical URL of an absolute link to an article of this host and language."""
    if split_url(target).netloc.lower() != host or not is_article_url(target):
        return None
    if prefix and LANG_OF_PREFIX[prefix_of(target)] != LANG_OF_PREFIX[prefix]:
        return None
    return canonical_url(target)


def _article_anchors(root, url: str, base: str) -> dict:
    """Anchor -> canonical URL, for links to articles of this host and language."""
    host, prefix = urlsplit(url).netloc.lower(), prefix_of(url)
    found = {}
    # href -> canonical URL or None: an item links its article two or three times
    # (picture, heading, "more"), and joining costs more than the rest of the test.
    targets: dict[str, str | None] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        if href not in targets:
            targets[href] = _article_target(join_url(base, href), host, prefix)
        if targets[href] is not None:
            found[anchor] = targets[href]
    # Links in menus and sidebars are not the list, unless the list is all there is.
    known: dict = {}
    main = {a: u for a, u in found.items() if not in_noise_or_link_remembered(a.getparent(), known)}
    return main or found


def _item(anchor, url: str, anchors: dict):
    """The largest element around `anchor` that links no other article. On a page with
    a single article nothing stops that climb, so it also ends below the page's main
    blocks and below anything holding the page's h1."""
    item = anchor
    for parent in anchor.iterancestors():
        if any(anchors.get(a, url) != url for a in parent.iter("a")):
            break
        if parent.tag in ("body", "html", "main") or next(parent.iterdescendants("h1"), None) is not None:
            break
        item = parent
    return item


def _text_blocks(item) -> list:
    """(element, text) of the outermost elements in the item that hold text and no blocks."""
    blocks = []
    # Everything inside the blocks taken so far: a set lookup, where looking for a taken
    # block among each element's ancestors walks up to the page root.
    taken: set = set()
    for element in item.iter():
        if element in taken:
            continue  # inside a block already taken
        if element.tag not in _TEXT_TAGS or any(d.tag in BLOCK_TAGS for d in element.iterdescendants()):
            continue
        text = normalize_text(text_of(element))
        if text:
            blocks.append((element, text))
            taken.update(element.iter())
    return blocks


def _item_date(item, blocks, lang: str, selectors) -> tuple[str | None, object]:
    """The item's printed date; blocks marked as dates first, so that a short title
    that mentions a date is not taken for it."""
    known = selectors.find("list_date", item)
    short = sorted(((e, t) for e, t in blocks if len(t) <= _MAX_DATE_TEXT),
                   key=lambda b: not (b[0] in known or not class_words(b[0]).isdisjoint(DATE_WORDS)))
    for element, _ in short:
        found = parse_fast(element.get("datetime") or normalize_text(spaced_text_of(element)))
        if found:
            return found.date, element
    for element, _ in short:
        found = parse_with_dateparser(normalize_text(spaced_text_of(element)), lang)
        if found:
            return found.date, element
    return None, None


def _teaser(item, blocks, date_element, selectors) -> str | None:
    for element in selectors.find("list_teaser", item):
        text = normalize_text(text_of(element))
        if text:
            return text
    rest = [(e, t) for e, t in blocks if e is not date_element]
    known = selectors.find("list_heading", item)
    heading = next((b for b in rest if b[0] in known or b[0].tag in _HEADING_TAGS), None) \
        or next((b for b in rest if not class_words(b[0]).isdisjoint(_HEADING_WORDS)), None) \
        or next(iter(rest), None)
    others = [t for e, t in rest if (e, t) != heading and len(t) >= _MIN_TEASER and not is_boilerplate(t)]
    return max(others, key=len) if others else None


def parse_listing(html: str | bytes, url: str, encoding: str | None = None, *,
                  selectors: Selectors = KNOWN) -> Listing:
    root = parse_document(decode_html(html, encoding))
    if root is None:
        return Listing()
    meta = read_metadata(root)
    prepare(root)
    base = (join_url(url, meta.base_href) or url) if meta.base_href else url
    lang = LANG_OF_PREFIX.get(prefix_of(url) or "", "ru")
    anchors = _article_anchors(root, url, base)
    urls, teasers, dates = [], {}, {}
    for anchor, article_url in anchors.items():
        if article_url in teasers:
            continue
        item = _item(anchor, article_url, anchors)
        blocks = _text_blocks(item)
        dates[article_url], date_element = _item_date(item, blocks, lang, selectors)
        teasers[article_url] = _teaser(item, blocks, date_element, selectors)
        urls.append(article_url)
    labels: dict = {}  # link texts, read once for both pager questions
    page, last_page = page_position(root, url, labels=labels)
    next_url = find_next_url(root, url, base, bool(urls), labels=labels, current=page)
    return Listing(urls, teasers, dates, next_url, page, last_page)
