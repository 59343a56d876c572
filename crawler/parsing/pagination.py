"""The next page of a news list.

In order: a `rel=next` link; a link that says "next" or "load more" (class, aria-label
or text in any of the site's languages); the link numbered one more than the current
page; an arrow.
2019-style lists (`/<p>/news/page/N`) had no next link at all: their next page is N+1
while pages still hold articles (the caller stops on an empty one).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree

from pmkz.crawler.parsing.dom import text_of
from pmkz.crawler.parsing.selectors import class_words
from pmkz.crawler.parsing.text import normalize_text
from pmkz.crawler.parsing.urls import is_article_url, join_url, split_url

# Including the "load more" buttons of lists that grow in place: without script their
# link is the next page.
_NEXT_WORDS = re.compile(r"^(?:next|next page|далее|дальше|вперед|вперёд|следующая|следующая страница|келесі|келесі бет"
                         r"|load more|show more|more news|показать ещ[её]|показать больше|загрузить ещ[её]"
                         r"|тағы көрсету|тағы жүктеу|көбірек көрсету)\W*$",
                         re.IGNORECASE)
_ARROWS = frozenset(("›", "→", "»", ">", ">>", "⟩", "→→"))
_PAGE_IN_PATH = re.compile(r"^(?P<head>.*/news(?:/[^/]+)?/page/)(?P<number>\d+)/?$")
_CURRENT_WORDS = frozenset(("active", "current", "selected"))
# Both reached through the attribute (`descendant::*/@class[...]/parent::*`): libxml2
# then tests only elements that carry it, not every element of the page.
_CURRENT_CANDIDATES = etree.XPath(
    "descendant::*/@class[" + " or ".join(f"contains(., '{w}')" for w in sorted(_CURRENT_WORDS)) + "]/parent::*"
)
# Compiled XPath: iterfind's ElementPath walks every element of the page in Python.
_ARIA_CURRENT = etree.XPath("descendant::*/@aria-current[.='page']/parent::*")
_PAGER_WORDS = frozenset(("pagination", "pager", "pages", "paging", "paginator", "page"))
_PAGE_IN_HREF = re.compile(r"page|[?&]p=", re.IGNORECASE)


def _usable_href(anchor, base: str, current: str) -> str | None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    url = join_url(base, href)
    if url == current or split_url(url).netloc != split_url(current).netloc or is_article_url(url):
        return None
    return url


def _current_page(root, url: str) -> int:
    """The page number shown as current, else the one in the URL, else 1."""
    for element in _ARIA_CURRENT(root):
        text = normalize_text(text_of(element))
        if text.isdigit():
            return int(text)
    for element in _CURRENT_CANDIDATES(root):
        if not class_words(element).isdisjoint(_CURRENT_WORDS):
            text = normalize_text(text_of(element))
            if text.isdigit():
                return int(text)
    query = parse_qs(urlsplit(url).query)
    for key in ("page", "p", "PAGEN_1"):
        if query.get(key, [""])[0].isdigit():
            return int(query[key][0])
    match = _PAGE_IN_PATH.match(urlsplit(url).path)
    return int(match["number"]) if match else 1


def _in_pager(anchor) -> bool:
    """A numbered link belongs to pagination, not to a calendar or a list of years."""
    if _PAGE_IN_HREF.search(anchor.get("href") or ""):
        return True
    for ancestor in list(anchor.iterancestors())[:3]:
        if ancestor.tag == "nav" or not class_words(ancestor).isdisjoint(_PAGER_WORDS):
            return True
    return False


def _label(anchor, labels: dict) -> str:
    """The link's text in normal form; `labels` keeps it for the page's other tests, as
    every test below reads the text of every link on the page."""
    if anchor not in labels:
        labels[anchor] = normalize_text(text_of(anchor))
    return labels[anchor]


def find_next_url(root, url: str, base: str, has_articles: bool, *,
                  labels: dict | None = None, current: int | None = None) -> str | None:
    """The next list page's URL, or None. `labels` (see _label) and `current` (this
    page's number, _current_page) may come from page_position on the same page."""
    labels = {} if labels is None else labels
    for element in root.iter("link", "a"):
        if "next" in (element.get("rel") or "").lower().split():
            found = _usable_href(element, base, url)
            if found:
                return found
    anchors = [a for a in root.iter("a") if a.get("href")]
    for anchor in anchors:
        label = f"{anchor.get('aria-label') or ''} {anchor.get('title') or ''}".strip()
        if "next" in class_words(anchor) or _NEXT_WORDS.match(_label(anchor, labels)) \
                or (label and _NEXT_WORDS.match(label)):
            found = _usable_href(anchor, base, url)
            if found:
                return found
    wanted = str((_current_page(root, url) if current is None else current) + 1)
    for anchor in anchors:
        if _label(anchor, labels) == wanted and _in_pager(anchor):
            found = _usable_href(anchor, base, url)
            if found:
                return found
    for anchor in anchors:
        if _label(anchor, labels) in _ARROWS:
            found = _usable_href(anchor, base, url)
            if found:
                return found
    match = _PAGE_IN_PATH.match(urlsplit(url).path)
    if match and has_articles:
        return urljoin(url, f"{match['head']}{int(match['number']) + 1}")
    return None


def page_position(root, url: str, *, labels: dict | None = None) -> tuple[int, int | None]:
    """(this page's number, the highest page number the pager links, or None).

    Only for showing progress: lists that print no page numbers give (n, None).
    `labels`: see _label.
    """
    labels = {} if labels is None else labels
    numbers = [
        int(text) for anchor in root.iter("a")
        if (text := _label(anchor, labels)).isdigit() and _in_pager(anchor)
    ]
    current = _current_page(root, url)
    return current, max([current, *numbers]) if numbers else None
