"""The headline users want: the article's own h1, else the page's metadata.

Never a page name: galleries carry `<title>Images | primeminister.kz</title>` and
og:title "Images", and a site logo may be an h1 too (a linked image, a link home, the
site's name as `<title>` and og:site_name give it). Of several h1s the one that prints
the metadata's title wins, and an h1 that links another article is that article's.
"""
from __future__ import annotations

import re
from lxml import etree

from pmkz.crawler.parsing.dom import contains, doc_index, in_noise_or_link, text_of
from pmkz.crawler.parsing.selectors import NOISE_TAGS
from pmkz.crawler.parsing.text import is_generic_title, normalize_text, strip_site_suffix
from pmkz.crawler.parsing.urls import split_url

# A link to a home page ("/", "/ru", "https://primeminister.kz/en/") marks a logo.
_HOME_PATH = re.compile(r"^/?(?:ru|kz|kk|en)?/?$")
# Top-level headings: h1, and what script-built pages use instead (ARIA level 1).
# Reached through the attribute (`//@aria-level/parent::*`): libxml2 then tests only
# elements that carry it, where `//*[@aria-level]` tests every element (40% slower).
_TOP_HEADINGS = etree.XPath("//h1 | //@aria-level[.='1']/parent::*[@role='heading']")
_TITLE_PARTS = re.compile(r"\s+[|—–-]\s+")  # as text.strip_site_suffix cuts a `<title>`
# An h1 in these is a box's heading ("More on ..."), never the page's.
_ASIDE_TAGS = ("aside", "nav")
# Shorter than this, one title inside another is a coincidence, not the same headline.
_MIN_CONTAINED = 20
# Below the h1s, elements that may print the page's headline, biggest first; any other
# element ranks after these.
_HEADING_RANK = {"h2": 0, "h3": 1, "h4": 2, "h5": 3, "h6": 4}
_TEXT_ROOM = 3
_BODY_TEXTS = etree.XPath("/descendant::body/descendant::text()[normalize-space()]")
# Blocks a headline split over inline elements is printed in.
_TITLE_HOLDERS = frozenset(("div", "p", "h2", "h3", "h4", "h5", "h6", "header", "section", "span", "strong", "b"))


def _is_logo(h1) -> bool:
    if next(h1.iterdescendants("img"), None) is not None:
        return True
    links = (*h1.iter("a"), *h1.iterancestors("a"))
    return any(_HOME_PATH.match(split_url(a.get("href") or "").path) for a in links if a.get("href") is not None)


# Typography that differs between a page's heading and its metadata.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                        "»": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "})


def _title_key(text: str) -> str:
    """A title compared with another: case, quote marks, dashes and a final stop aside."""
    return text.translate(_PLAIN).casefold().rstrip(" .")


def _usable(text: str) -> bool:
    return bool(text) and not is_generic_title(text)


def _meta_titles(meta, site_names: set[str]) -> list[tuple[str, str]]:
    """(source, title) of the metadata's headlines, the site's name cut off."""
    return [(source, _without_site_name(normalize_text(strip_site_suffix(candidate or "")), site_names))
            for source, candidate in (("json-ld", meta.ld_headline), ("og:title", meta.og_title),
                                      ("twitter:title", meta.twitter_title), ("title", meta.html_title))]


def _without_site_name(title: str, site_names: set[str]) -> str:
    """"Headline | Example News" -> "Headline": a name of the site at either end goes."""
    for separator in _TITLE_PARTS.finditer(title):
        if _title_key(title[separator.end():]) in site_names:
            return title[:separator.start()]
        if _title_key(title[:separator.start()]) in site_names:
            return title[separator.end():]
    return title


def _same_title(text: str, titles: set[str]) -> bool:
    """The text is one of the titles (`_title_key`s), or one holds the other: metadata
    titles are often cut short or carry a suffix."""
    text = _title_key(text)
    return text in titles or len(text) >= _MIN_CONTAINED and any(
        len(title) >= _MIN_CONTAINED and (text in title or title in text) for title in titles)


def _site_names(meta) -> set[str]:
    """The site's name as the page gives it: og:site_name; without one, the last or first
    part of a `<title>` cut by separators when it is the shorter ("Headline | Site")."""
    if meta.site_name:
        return {_title_key(normalize_text(meta.site_name))}
    parts = [_title_key(normalize_text(part)) for part in _TITLE_PARTS.split(meta.html_title or "")]
    if len(parts) < 2:
        return set()
    longest = max(map(len, parts))
    return {part for part in (parts[0], parts[-1]) if part and len(part) < longest}


def _links_elsewhere(h1, is_article) -> bool:
    """The h1 is wholly a link to another article ("read also" set as a heading)."""
    if any(is_article(a.get("href") or "") for a in h1.iterancestors("a")):
        return True
    linked = [a for a in h1.iter("a") if is_article(a.get("href") or "")]
    return bool(linked) and (len(normalize_text("".join(t for a in linked for t in a.itertext())))
                             >= len(normalize_text(text_of(h1))))


def _printed_title(root, titles: list[tuple[str, str]]):
    """(text, element, source) of the element printing the metadata's title that the page
    shows biggest and first, or None: the page's headline set in an h2, or in a styled
    <div> above a smaller h1 (a kicker or subtitle), where no h1 prints it. Headings rank
    by level, any other element below them; of equals the first in the page wins."""
    wanted = {_title_key(title): source for source, title in titles if _usable(title)}
    if not wanted:
        return None
    shortest, longest = min(map(len, wanted)), max(map(len, wanted))
    best, best_rank = None, len(_HEADING_RANK) + 1
    seen = set()
    for text in _BODY_TEXTS(root):
        if len(text) > _TEXT_ROOM * longest:  # a paragraph, even with the page's indentation
            continue
        element = text.getparent()
        if text.is_tail:
            element = element.getparent()
        # The text's element, or the nearest block around it: a title split over <span>s.
        for candidate in (element, next((e for e in element.iterancestors() if e.tag in _TITLE_HOLDERS), None)):
            if candidate is None or candidate in seen:
                continue
            seen.add(candidate)
            printed = _without_times(candidate)
            if not shortest <= len(printed) <= longest or _title_key(printed) not in wanted:
                continue
            rank = _HEADING_RANK.get(candidate.tag, len(_HEADING_RANK))
            # Only a link or a menu disqualifies it: a heading printing this page's own
            # title is its headline even in a box whose class reads as furniture.
            if rank < best_rank and not any(a.tag == "a" or a.tag in NOISE_TAGS
                                            for a in (candidate, *candidate.iterancestors())):
                best, best_rank = (printed, candidate, f"meta:{wanted[_title_key(printed)]}"), rank
    return best


def _without_times(element) -> str:
    """The element's text without the dates printed in it (`<time>Jun 17</time> Headline`)."""
    text = text_of(element)
    for time in element.iter("time"):
        text = text.replace(text_of(time), " ", 1)
    return normalize_text(text)


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


def find_headline(root, container, meta, selectors, is_article=None):
    """(headline text, its element or None, source), or (None, None, None) when the page
    has none. Source: "selector:<selector>", "h1", or "meta:<where>".

    The page's own heading comes before its metadata here: photo reports carry the
    generic og:title "Images", and metadata titles are often shortened. `is_article`:
    the page's test of a link to another article, off the site's own pages.
    """
    for selector, element in selectors.matches("title", root):
        text = normalize_text(text_of(element))
        if _usable(text) and not in_noise_or_link(element):
            return text, element, f"selector:{selector}"
    site_names = _site_names(meta)
    titles = _meta_titles(meta, site_names)
    folded = {_title_key(title) for _, title in titles if title}
    site_names -= folded
    h1s = []
    for element in _TOP_HEADINGS(root):
        text = normalize_text(text_of(element))
        if (_usable(text) and not _is_logo(element) and _title_key(text) not in site_names
                and next(element.iterancestors(*_ASIDE_TAGS), None) is None
                and not (is_article is not None and _links_elsewhere(element, is_article))):
            h1s.append((text, element))
    printing = [(text, element) for text, element in h1s if _same_title(text, folded)]
    if printing:
        return (*_nearest(printing, container), "h1")
    # No h1 prints the metadata's title: a lower heading that prints it exactly is the
    # headline (the h1 is a logo's or a sidebar's), else the h1 nearest the body.
    printed = _printed_title(root, titles)
    if printed is not None:
        return printed
    if h1s:
        return (*_nearest(h1s, container), "h1")
    for source, text in titles:
        if _usable(text):
            return text, None, f"meta:{source}"
    return None, None, None
