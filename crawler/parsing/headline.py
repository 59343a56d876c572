"""The headline users want: the article's own h1, else the page's metadata.

Never a page name: galleries carry `<title>Images | primeminister.kz</title>` and
og:title "Images", and a site logo may be an h1 too.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from pmkz.crawler.parsing.dom import contains, doc_index, in_noise_or_link, text_of
from pmkz.crawler.parsing.text import is_generic_title, normalize_text, strip_site_suffix

# A link to a home page ("/", "/ru", "https://primeminister.kz/en/") marks a logo.
_HOME_PATH = re.compile(r"^/?(?:ru|kz|kk|en)?/?$")
# Top-level headings: h1, and what script-built pages use instead (ARIA level 1).
# Reached through the attribute (`//@aria-level/parent::*`): libxml2 then tests only
# elements that carry it, where `//*[@aria-level]` tests every element (40% slower).
_TOP_HEADINGS = etree.XPath("//h1 | //@aria-level[.='1']/parent::*[@role='heading']")


def _is_logo(h1) -> bool:
    if next(h1.iterdescendants("img"), None) is not None:
        return True
    links = (*h1.iter("a"), *h1.iterancestors("a"))
    return any(_HOME_PATH.match(urlsplit(a.get("href") or "").path) for a in links if a.get("href") is not None)


def _usable(text: str) -> bool:
    return bool(text) and not is_generic_title(text)


def _nearest(candidates, container):
    """The h1 nearest the body: inside it, else the last one before it, else the first
    one after it."""
    if container is None or len(candidates) == 1:
        return candidates[0]
    at = doc_index(container)

    def distance(pair):
        element = pair[1]
        if contains(container, element):
            return 0
        index = doc_index(element)
        return at - index if index < at else 10**9 + index - at

    return min(candidates, key=distance)


def find_headline(root, container, meta, selectors):
    """(headline text, its element or None, source), or (None, None, None) when the page
    has none. Source: "selector:<selector>", "h1", or "meta:<where>".

    The page's own heading comes before its metadata here: photo reports carry the
    generic og:title "Images", and metadata titles are often shortened.
    """
    for selector, element in selectors.matches("title", root):
        text = normalize_text(text_of(element))
        if _usable(text) and not in_noise_or_link(element):
            return text, element, f"selector:{selector}"
    h1s = []
    for element in _TOP_HEADINGS(root):
        text = normalize_text(text_of(element))
        if _usable(text) and not _is_logo(element):
            h1s.append((text, element))
    if h1s:
        return (*_nearest(h1s, container), "h1")
    for source, candidate in (("json-ld", meta.ld_headline), ("og:title", meta.og_title),
                              ("twitter:title", meta.twitter_title), ("title", meta.html_title)):
        text = normalize_text(strip_site_suffix(candidate or ""))
        if _usable(text):
            return text, None, f"meta:{source}"
    return None, None, None
