"""The publication date of an article page.

Layers: the page's metadata (article:published_time, JSON-LD, microdata); then the
date printed in the article header: elements after the headline, closest first, those
whose class says "date" or "time" before the others, then the few elements just before
the headline. Dates in links, sidebars, "read also" blocks and footers are never read,
and the header scan ends where a "read also" block starts. Every candidate goes through
the fast patterns first; dateparser only sees them if none matched.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from pmkz.crawler.parsing.dates import ParsedDate, parse_fast, parse_iso, parse_site_date, parse_with_dateparser
from pmkz.crawler.parsing.dom import in_noise_or_link, lineage, spaced_text_of
from pmkz.crawler.parsing.selectors import DATE_WORDS, class_words
from pmkz.crawler.parsing.text import READ_ALSO, normalize_text
from pmkz.crawler.parsing.urls import is_article_url

_FOLLOWING = 80  # elements after the headline: its header, and some way into the body
_PRECEDING = 15  # a date printed above the headline
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


def _links_an_article(element) -> bool:
    """A block that links another article is an item of a list, its date that item's."""
    return any(is_article_url(a.get("href") or "") for a in element.iter("a"))


def _texts(anchor, region, selectors):
    """(text, element, source) of every candidate, skipping links and furniture."""
    stop = lineage(anchor) if anchor is not None else None
    seen = set()
    for element, source in _header_elements(anchor, region, selectors):
        if element in seen or in_noise_or_link(element, stop) or _links_an_article(element):
            continue
        seen.add(element)
        text = normalize_text(spaced_text_of(element))
        stamp = element.get("datetime") if element.tag == "time" else None
        # A machine-readable date-time beats the printed text, a bare date does not:
        # `<time datetime="2024-03-09">9 March 2024, 14:35</time>` has the time printed.
        if stamp and ":" in stamp:
            yield stamp, element, source
        if text and len(text) <= _MAX_DATE_TEXT:
            yield text, element, source
        if stamp and ":" not in stamp:
            yield stamp, element, source


def _with_time_beside(found: ParsedDate, element) -> ParsedDate:
    """A date printed without time may have it in a sibling: `<span class="date">06.01.2026
    </span><span class="time">12:40</span>`; their parent reads "06.01.2026 12:40"."""
    parent = element.getparent()
    if found.at is not None or parent is None:
        return found
    text = normalize_text(spaced_text_of(parent))
    fuller = parse_fast(text) if len(text) <= _MAX_DATE_TEXT else None
    return fuller if fuller is not None and fuller.date == found.date and fuller.at else found


def find_printed_date(headline, region, lang, selectors, slow: bool = True):
    """(ParsedDate, element, source) of the date printed near the headline, or
    (None, None, None). `slow`: whether dateparser may try the texts the fast patterns
    did not read."""
    tried = []
    for text, element, source in _texts(headline if headline is not None else region, region, selectors):
        found = parse_fast(text)
        if found:
            return _with_time_beside(found, element), element, source
        tried.append((text, element, source))
    for text, element, source in tried if slow else ():
        found = parse_with_dateparser(text, lang)
        if found:
            return found, element, source
    return None, None, None


def find_published(meta, headline, region, lang, selectors) -> tuple[ParsedDate | None, object, str | None]:
    """(publication date, the element that printed it or None, source).

    The printed date is looked for even when the metadata has one: its element must
    not be read as a body paragraph, and it may carry the time that the metadata lacks.
    Source: the metadata's ("meta:article:published_time", ...) when it gave the date
    and time, else the printed date's ("selector:div.date" or "structure").
    """
    declared = None
    if meta.published:
        declared = parse_iso(meta.published) or parse_site_date(meta.published, lang)
    printed, element, source = find_printed_date(headline, region, lang, selectors, slow=declared is None)
    if declared is None:
        return printed, element, source
    if printed is not None and printed.date == declared.date:
        return (printed, element, source) if declared.at is None else (declared, element, meta.published_source)
    return declared, None, meta.published_source


def date_of_url(url: str) -> ParsedDate | None:
    """The date a URL's path spells out in full (year, month and day), else None: a
    last hint, since it may be the day the story was filed rather than published."""
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    return parse_fast(f"{match[1]}-{match[3]}-{match[4]}")


def date_by_htmldate(html: str, url: str, extensive: bool) -> ParsedDate | None:
    """htmldate's publication date, for pages whose date nothing above found: it reads many more page layouts, at a cost.
    `extensive`: whether it may take any date in the text, which on the site's own
    pages, whose date forms the layers above know, is a copyright year on an error page."""
    # Imported here: it costs the start-up of every command, and few pages need it.
    from htmldate import find_date

    try:
        found = find_date(html, url=url, original_date=True, extensive_search=extensive)
    except Exception:  # a third-party reader's failure is no date, never a failed parse
        return None
    return parse_fast(found) if found else None
