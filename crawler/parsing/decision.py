"""A government decision's page as a record of kind `decision`.

What is known of the live site (SITE.md) is the address alone: `/<p>/decisions/<ddmmyyyy>-
<number>`, the decision's own date and number. So those come from the address, under
whatever section the site keeps them (the section is found from its menus,
crawler/sections.py); the rest from the page, by structure rather than class names:

- title: the page's `<h1>`;
- body: the paragraphs of the h1's nearest ancestor that holds paragraphs, after the h1;
- publication date: the first short line outside the body that prints a date other than
  the decision's own (a page that shows no other date was published that day);
- attachment_urls: links to documents (PDF, Word, RTF, OpenDocument, spreadsheets, zip
  archives), in page order, wherever on the page outside its header and footer;
- translations: links to the same decision (same date and number) in another language.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import PurePosixPath

from pmkz.crawler.parsing.article import NotAnArticle
from pmkz.crawler.parsing.dates import parse_fast
from pmkz.crawler.parsing.decoding import decode_html
from pmkz.crawler.parsing.dom import parse_document, prepare, text_of
from pmkz.crawler.parsing.text import is_boilerplate, normalize_text
from pmkz.crawler.parsing.urls import canonical_url, join_url, lang_of, split_url

DECISION_PATH = re.compile(
    r"^/(?P<prefix>ru|kz|kk|en)/(?P<section>[^/]+(?:/[^/]+)*)/(?P<day>\d{2})(?P<month>\d{2})(?P<year>\d{4})-(?P<number>\d+)/?$")
DOCUMENT_EXTENSIONS = frozenset((".pdf", ".doc", ".docx", ".rtf", ".odt", ".xls", ".xlsx", ".zip"))
# Page furniture whose links and dates are never the decision's.
_FURNITURE = frozenset(("header", "footer", "nav"))
# A date line ("Опубликовано: 22.01.2024") is short; a paragraph that cites a date is not.
_DATE_LINE_LONGEST = 120


def decision_key(url: str) -> tuple[str, date, str] | None:
    """(section path, decision date, number) of a decision's address, or None."""
    match = DECISION_PATH.match(split_url(url.strip()).path)
    if not match:
        return None
    try:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None
    return match["section"], day, match["number"]


def is_decision_url(url: str) -> bool:
    return decision_key(url) is not None


def is_document_url(url: str) -> bool:
    return PurePosixPath(split_url(url).path).suffix.lower() in DOCUMENT_EXTENSIONS


def _in_furniture(element) -> bool:
    return any(ancestor.tag in _FURNITURE for ancestor in element.iterancestors())


def _container(h1):
    """The h1's nearest ancestor holding paragraphs: the decision's own block."""
    for ancestor in h1.iterancestors():
        if ancestor.tag in _FURNITURE or ancestor.tag == "body":
            break
        if any(True for _ in ancestor.iter("p")):
            return ancestor
    return h1.getparent()


def _after(element, first) -> bool:
    return element.sourceline is None or first.sourceline is None or element.sourceline >= first.sourceline


def _body(container, h1) -> list:
    paragraphs = []
    for p in container.iter("p"):
        if not _after(p, h1) or any(a.tag == "a" for a in p.iterancestors()):
            continue
        text = normalize_text(text_of(p))
        if text and not is_boilerplate(text):
            paragraphs.append((p, text))
    return paragraphs


def _published(root, decided: date, body_elements: set) -> str | None:
    """The first short date line outside the body printing a date other than `decided`."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element in body_elements or element.tag in ("p", "a", "title"):
            continue
        if any(child.tag not in ("span", "b", "strong", "time", "em", "i") for child in element):
            continue  # only the innermost lines: a block's text is its lines'
        text = normalize_text(text_of(element))
        if not text or len(text) > _DATE_LINE_LONGEST or _in_furniture(element):
            continue
        parsed = parse_fast(text)
        if parsed and parsed.date != decided.isoformat():
            return parsed.date
    return None


def _links(root, url: str) -> tuple[list[str], dict[str, str]]:
    """The page's document links (page order, once each) and its other-language versions."""
    _, decided, number = decision_key(url)
    slug = f"{decided:%d%m%Y}-{number}"
    own_lang = lang_of(url)
    attachments, translations = [], {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        target = canonical_url(join_url(url, href))
        if is_document_url(target):
            if not _in_furniture(anchor):
                attachments.append(target)
            continue
        key = decision_key(target)
        lang = lang_of(target)
        if key and f"{key[1]:%d%m%Y}-{key[2]}" == slug and lang and lang != own_lang:
            translations.setdefault(lang, target)
    return list(dict.fromkeys(attachments)), translations


def parse_decision(html: str | bytes, url: str, encoding: str | None = None) -> dict:
    """The record of a decision page at `url`; NotAnArticle when the address is no
    decision's or the page has no title or no body."""
    key = decision_key(url)
    if key is None:
        raise NotAnArticle(f"{url} is not a decision's address (<section>/<ddmmyyyy>-<number>)")
    _, decided, number = key
    root = parse_document(decode_html(html, encoding))
    if root is None:
        raise NotAnArticle("no markup", "title")
    prepare(root)
    h1 = next((h for h in root.iter("h1") if normalize_text(text_of(h))), None)
    if h1 is None:
        raise NotAnArticle("no <h1> title on the decision page", "title")
    paragraphs = _body(_container(h1), h1)
    if not paragraphs:
        raise NotAnArticle("no paragraphs on the decision page", "body", {"title": "h1"})
    published = _published(root, decided, {p for p, _ in paragraphs})
    attachments, translations = _links(root, url)
    return {
        "url": canonical_url(url),
        "site_id": None,
        "lang": lang_of(url),
        "kind": "decision",
        "category": None,
        "title": normalize_text(text_of(h1)),
        "published_date": published or decided.isoformat(),
        "published_at": None,
        "summary": None,
        "body": "\n\n".join(text for _, text in paragraphs),
        "image_urls": [],
        "translations": translations,
        "decision_number": number,
        "decision_date": decided.isoformat(),
        "attachment_urls": attachments,
        "field_sources": {"title": "h1", "body": "structure", "decision_number": "url", "decision_date": "url",
                          "published_date": "structure" if published else "url"},
    }

