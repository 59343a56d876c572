"""The publication date of an article page.

Layers: the page's metadata (article:published_time, JSON-LD, microdata); then the
date printed in the article header: elements after the headline, closest first, those
whose class says "date" or "time" before the others, then the few elements just before
the headline. Dates in links to other articles, sidebars, "read also" blocks and footers
are never read, and the header scan ends where a "read also" block starts (on the site's
own pages a date in any link is another page's). Off the site, when nothing else was
found, the few elements right under the headline are read even in a row whose class
names navigation. Every candidate goes through the fast patterns first; dateparser
only sees them if none matched.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from pmkz.crawler.parsing.dates import (
    SITE_ZONE, ParsedDate, parse_fast, parse_iso, parse_site_date, parse_with_dateparser,
)
from pmkz.crawler.parsing.dom import is_noise, lineage
from pmkz.crawler.parsing.selectors import DATE_WORDS, NOISE_ROLES, NOISE_TAGS, class_words
from pmkz.crawler.parsing.text import READ_ALSO, normalize_text
from pmkz.crawler.parsing.urls import is_article_url

_FOLLOWING = 80  # elements after the headline: its header, and some way into the body
_PRECEDING = 15  # a date printed above the headline
_HEADER = 10  # elements right after the headline: its byline and date row
_ITEM_DEPTH = 2  # a list item's date sits this close to the item's link
_MAX_DATE_TEXT = 100  # longer texts are prose that mentions a date, not a dateline
# Compiled once: element.xpath() would compile the expression again on every page.
_FOLLOWING_ELEMENTS = etree.XPath(f"following::*[position() <= {_FOLLOWING}]")
_PRECEDING_ELEMENTS = etree.XPath(f"preceding::*[position() <= {_PRECEDING}]")
# A whole date in the URL's path: /2019/11/18/, /2019-11-18-slug, /20191118/.
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)([/_-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)")


def _header_elements(anchor, region, selectors):
    """(element, source) of elements that may hold the printed date, most likely first.
    `anchor` is the headline, or the body container when the headline came from
    metadata."""
    if region is not None:
        yield from ((element, f"selector:{selector}") for selector, element in selectors.matches("date", region))
    if anchor is None:
        return
    following = _FOLLOWING_ELEMENTS(anchor)
    for index, element in enumerate(following):
        if READ_ALSO.match((element.text or "").strip()):
            following = following[:index]
            break
    yield from ((e, "structure") for e in following if not class_words(e).isdisjoint(DATE_WORDS))
    yield from ((e, "structure") for e in following)
    # Above the headline, only within its own header block.
    parent = anchor.getparent()
    scope = parent.getparent() if parent is not None else None
    preceding = _PRECEDING_ELEMENTS(anchor)
    yield from ((e, "structure") for e in reversed(preceding) if scope is None or scope in e.iterancestors())


def _links_an_article(element, is_article) -> bool:
    """A block that links another article is an item of a list, its date that item's."""
    return any(is_article(a.get("href") or "") for a in element.iter("a"))


def _in_noise_or_link_away(element, stop, is_article, by_class: bool = True) -> bool:
    """Whether the element sits in furniture or in a link that leads to another article
    (`is_article` None: in any link), below `stop` (the anchor's lineage). `by_class`:
    whether a class word makes furniture, or only a tag or role does."""
    while element is not None and id(element) not in stop:
        if element.tag == "a" and (is_article is None or is_article(element.get("href") or "")):
            return True
        if is_noise(element) if by_class else element.tag in NOISE_TAGS or element.get("role") in NOISE_ROLES:
            return True
        element = element.getparent()
    return False


def _is_list_item(element, stop, is_article) -> bool:
    """The element links another article, or (off the site, `is_article` given) its
    parent or grandparent below `stop` does: a date there is that item's (`<div
    class="item"><a href="...">Headline</a><div class="when"><span>date</span></div></div>`)."""
    if _links_an_article(element, is_article or is_article_url):
        return True
    if is_article is None:
        return False
    for _, ancestor in zip(range(_ITEM_DEPTH), element.iterancestors()):
        if id(ancestor) in stop:
            return False
        if _links_an_article(ancestor, is_article):
            return True
    return False


def _short_text(element) -> str | None:
    """The element's text, spaced and normalised, or None when it is longer than a date
    line: the reading stops there, for the header scan passes whole articles too."""
    parts, length = [], 0
    for text in element.itertext():
        if not text.isspace():
            length += len(text)
            if length > _MAX_DATE_TEXT * 2:
                return None
        parts.append(text)
    text = normalize_text(" ".join(parts))
    return text if text and len(text) <= _MAX_DATE_TEXT else None


def _texts(anchor, region, selectors, is_article, elements=None):
    """(text, element, source) of every candidate, skipping furniture and other articles'
    links and list items. `elements`: (element, source) to read instead of the header's,
    where a class word does not make furniture."""
    stop = lineage(anchor) if anchor is not None else {}
    seen = set()
    by_class = elements is None
    for element, source in elements if elements is not None else _header_elements(anchor, region, selectors):
        if element in seen:
            continue
        seen.add(element)
        text = _short_text(element)
        stamp = element.get("datetime") if element.tag == "time" else None
        if (text is None and not stamp or _in_noise_or_link_away(element, stop, is_article, by_class)
                or _is_list_item(element, stop, is_article)):
            continue
        # A machine-readable date-time beats the printed text, a bare date does not:
        # `<time datetime="2024-03-09">9 March 2024, 14:35</time>` has the time printed.
        if stamp and ":" in stamp:
            yield stamp, element, source
        if text:
            yield text, element, source
        if stamp and ":" not in stamp:
            yield stamp, element, source


def _with_time_beside(found: ParsedDate, element, zone) -> ParsedDate:
    """A date printed without time may have it in a sibling: `<span class="date">06.01.2026
    </span><span class="time">12:40</span>`; their parent reads "06.01.2026 12:40"."""
    parent = element.getparent()
    if found.at is not None or parent is None:
        return found
    text = _short_text(parent)
    fuller = parse_fast(text, zone) if text else None
    return fuller if fuller is not None and fuller.date == found.date and fuller.at else found


def find_printed_date(headline, region, lang, selectors, slow: bool = True, zone=SITE_ZONE, is_article=None):
    """(ParsedDate, element, source) of the date printed near the headline, or
    (None, None, None). `slow`: whether dateparser may try the texts the fast patterns
    did not read. `zone`: the page's clock (dates.py); `is_article`: the page's test of
    a link to another article, None on the site's own pages, where no date in a link is
    the page's."""
    anchor = headline if headline is not None else region
    tried = []
    for text, element, source in _texts(anchor, region, selectors, is_article):
        found = parse_fast(text, zone)
        if found:
            return _with_time_beside(found, element, zone), element, source
        tried.append((text, element, source))
    for text, element, source in tried if slow else ():
        found = parse_with_dateparser(text, lang, zone)
        if found:
            return found, element, source
    if slow and is_article is not None and anchor is not None:
        # Elsewhere a page may print its date right under the headline in a row whose
        # class names navigation (`<ul class="nav meta">`): read there as a last resort.
        header = [(e, "structure") for e in _FOLLOWING_ELEMENTS(anchor)[:_HEADER]]
        for text, element, source in _texts(anchor, region, selectors, is_article, header):
            found = parse_fast(text, zone)
            if found:
                return _with_time_beside(found, element, zone), element, source
    return None, None, None


def find_published(meta, headline, region, lang, selectors, zone=SITE_ZONE,
                   is_article=None) -> tuple[ParsedDate | None, object, str | None]:
    """(publication date, the element that printed it or None, source).

    The printed date is looked for even when the metadata has one: its element must
    not be read as a body paragraph, and it may carry the time that the metadata lacks.
    Source: the metadata's ("meta:article:published_time", ...) when it gave the date
    and time, else the printed date's ("selector:div.date" or "structure").
    """
    declared = None
    if meta.published:
        declared = parse_iso(meta.published, zone) or parse_site_date(meta.published, lang, zone)
    printed, element, source = find_printed_date(headline, region, lang, selectors, slow=declared is None,
                                                 zone=zone, is_article=is_article)
    if declared is None:
        return printed, element, source
    if printed is not None and printed.date == declared.date:
        return (printed, element, source) if declared.at is None else (declared, element, meta.published_source)
    return declared, None, meta.published_source


def date_of_url(url: str, zone=SITE_ZONE) -> ParsedDate | None:
    """The date a URL's path spells out in full (year, month and day), else None: a
    last hint, since it may be the day the story was filed rather than published."""
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    return parse_fast(f"{match[1]}-{match[3]}-{match[4]}", zone)


def date_by_htmldate(html: str, url: str, extensive: bool, zone=SITE_ZONE) -> ParsedDate | None:
    """htmldate's publication date, for pages whose date nothing above found: it reads many more page layouts, at a cost.
    `extensive`: whether it may take any date in the text, which on the site's own
    pages, whose date forms the layers above know, is a copyright year on an error page."""
    # Imported here: it costs the start-up of every command, and few pages need it.
    from htmldate import find_date

    try:
        found = find_date(html, url=url, original_date=True, extensive_search=extensive)
    except Exception:  # a third-party reader's failure is no date, never a failed parse
        return None
    return parse_fast(found, zone) if found else None
