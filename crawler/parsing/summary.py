"""The summary: the page's own description unless it is the site's generic one, else a
lead paragraph printed between the headline and the body."""
from __future__ import annotations

from lxml import etree

from pmkz.crawler.parsing.dates import parse_fast
from pmkz.crawler.parsing.dom import contains, in_noise_or_link, is_block, lineage, text_of
from pmkz.crawler.parsing.selectors import LEAD_WORDS, class_words
from pmkz.crawler.parsing.text import is_boilerplate, is_site_description, normalize_text

_MIN_LEAD = 40  # shorter texts between headline and body are bylines, dates, captions
_WINDOW = 40
_FIGURE = ("figure", "figcaption")
# Compiled once: element.xpath() would compile the expression again on every page.
_FOLLOWING = etree.XPath(f"following::*[position() <= {_WINDOW}]")


def _lead_text(element) -> str | None:
    text = normalize_text(text_of(element))
    # The length test first: the date patterns cost more, and only a short text is a dateline.
    if not text or is_boilerplate(text) or len(text) < _MIN_LEAD and parse_fast(text):
        return None
    links = sum(len(normalize_text(text_of(a))) for a in element.iter("a"))
    return text if links * 2 < len(text) else None


def _in_figure(element, stop) -> bool:
    while element is not None and id(element) not in stop:
        if element.tag in _FIGURE:
            return True
        element = element.getparent()
    return False


def find_lead(region, headline, container):
    """(lead text, element) or (None, None): a block with a lead/intro class near the
    top of the article; else, when the headline is outside the body, the first prose
    block between them."""
    if headline is not None:
        window = _FOLLOWING(headline)
    else:
        window = [e for _, e in zip(range(_WINDOW), region.iter())]
    stop = lineage(region)
    for element in window:
        if (not class_words(element).isdisjoint(LEAD_WORDS) and not in_noise_or_link(element, stop)):
            text = _lead_text(element)
            if text:
                return text, element
    if headline is None or contains(container, headline):
        return None, None
    body = lineage(container)
    for element in window:
        if id(element) in body:  # the body starts: no lead before it
            break
        if any(is_block(c) for c in element) or _in_figure(element, stop) or in_noise_or_link(element, stop):
            continue
        text = _lead_text(element)
        if text and len(text) >= _MIN_LEAD:
            return text, element
    return None, None


def find_summary(meta, lead: str | None) -> tuple[str | None, str | None]:
    """(summary, source): the page's description ("meta:og:description", ...) unless it
    is the site's generic one, else the lead printed on the page ("lead")."""
    if meta.description and not is_site_description(meta.description):
        return meta.description, meta.description_source
    return lead, "lead" if lead else None
