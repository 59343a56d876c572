"""parse_article: one article page -> one record (ARCHITECTURE.md, "The record").

Each field is found in layers: the page's metadata, then the known selectors
(selectors.py), then the page's structure, so that a markup never seen before still
parses. The record's `field_sources` says which layer gave each field found:
"meta:<where>", "selector:<selector>", "h1", "lead", "switcher" or "structure". The
page is parsed once with lxml; every extractor walks that one tree.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from pmkz.crawler.parsing.captions import find_captions
from pmkz.crawler.parsing.container import find_container, headline_container
from pmkz.crawler.parsing.dates import SITE_ZONE
from pmkz.crawler.parsing.decoding import decode_html
from pmkz.crawler.parsing.dom import common_ancestor, contains, parse_document, prepare, text_of
from pmkz.crawler.parsing.headline import find_headline
from pmkz.crawler.parsing.images import collect_images
from pmkz.crawler.parsing.summary import find_lead, find_summary
from pmkz.crawler.parsing.metadata import read_metadata
from pmkz.crawler.parsing.paragraphs import extract_paragraphs, picture_blocks, teaser_cards
from pmkz.crawler.parsing.published import date_by_htmldate, date_of_url, find_published
from pmkz.crawler.parsing.selectors import KNOWN, Selectors
from pmkz.crawler.parsing.text import GALLERY_TITLES, normalize_text, strip_site_suffix
from pmkz.crawler.parsing.translations import find_translations, lang_of_code
from pmkz.crawler.parsing.urls import (
    article_link_test, canonical_url, category_of, is_article_url, join_url, lang_of, non_article_reason, site_id_of,
)

# Any of these near the start says the text is HTML at all (not an image, PDF or JSON).
_MARKUP = re.compile(r"<(?:!doctype|html|head|body|div|p|h1|meta|title|article|main)\b", re.IGNORECASE)
_GALLERY_SLUG = re.compile(r"^(?:fotootchet|foto|photo)")
_GALLERY_LINKED_IMAGES = 4  # a grid of this many linked originals is a photo report
# Less text than this is a view counter or a byline left over where the body should be
# (a body the page builds with script), never an article, not even a photo caption.
_MIN_BODY = 30


class NotAnArticle(ValueError):
    """The page has no headline, no publication date or no body; the message says which.

    `missing` names the record field that was not found ("title", "published",
    "body"), or is None when the page is no article page at all (a list, a PDF): run
    health counts pages by the field they lacked. `found` holds the field_sources of
    the fields found before it, for reports of what a markup still yields.
    """

    def __init__(self, message: str, missing: str | None = None, found: dict | None = None):
        super().__init__(message)
        self.missing = missing
        self.found = found or {}


def _is_gallery(url: str, meta, linked_images: int) -> bool:
    names = (meta.og_title, meta.html_title and strip_site_suffix(meta.html_title))
    if any(name and normalize_text(name).casefold() in GALLERY_TITLES for name in names):
        return True
    slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return bool(_GALLERY_SLUG.match(slug)) or linked_images >= _GALLERY_LINKED_IMAGES


def body_by_trafilatura(html: str, url: str) -> list[str]:
    """trafilatura's paragraphs of the page, for a page whose body our layers refuse: it knows more layouts, at several times
    the cost of the whole parse."""
    # Imported here: it costs the start-up of every command, and few pages need it.
    import trafilatura

    try:
        extracted = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    except Exception:  # a third-party extractor's failure is no body, never a failed parse
        return []
    paragraphs = [text for line in (extracted or "").split("\n") if (text := normalize_text(line))]
    return paragraphs if _reads_as_prose(paragraphs) else []


# The end of a sentence: a full stop, question or exclamation mark (also CJK ones).
_SENTENCE_END = re.compile(r"[.!?…。！？](?:[\"'»”’)\]]*)(?:\s|$)")


def _reads_as_prose(paragraphs: list[str]) -> bool:
    """At least half the text in sentences: paragraphs of eight words or more with a
    sentence's end. An extractor given a page with no article to read (its text drawn
    by a script, say) falls back to menus, headlines and link lists, which are short
    lines without full stops: that is no body, not a wrong one."""
    in_sentences = sum(len(p) for p in paragraphs if len(p.split()) >= 8 and _SENTENCE_END.search(p))
    return in_sentences >= _MIN_BODY and 2 * in_sentences >= sum(map(len, paragraphs))


def _body_container(root, selectors: Selectors, is_article):
    """(element holding the body, source, whether the page is a list of teasers): a
    configured body selector that holds text, else the structural finder's choice."""
    for selector, element in selectors.matches("body", root):
        if normalize_text(text_of(element)):
            return element, f"selector:{selector}", False
    container, lists = find_container(root, is_article)
    return container, "structure", container is None and lists


def parse_article(html: str | bytes, url: str, encoding: str | None = None, *,
                  selectors: Selectors = KNOWN) -> dict:
    """The record of one article page, plus `translations` and `field_sources`;
    NotAnArticle when the page is not one.

    `encoding` is what the transport declared (HTTP Content-Type), for bytes input.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"bad URL: not an http(s) URL: {url}")
    on_site = lang_of(url) is not None  # the site's URL scheme: /ru/, /kz/, /en/ sections
    reason = non_article_reason(url) if on_site else None
    if reason:
        raise NotAnArticle(f"no article: {urlsplit(url).path} is {reason}")
    text = decode_html(html, encoding)
    if not _MARKUP.search(text[:65536]):
        raise NotAnArticle("no headline: not an HTML page")
    root = parse_document(text)
    if root is None:
        raise NotAnArticle("no headline: the page is empty")
    meta = read_metadata(root)
    lang = lang_of(url) if on_site else lang_of_code(meta.language)
    prepare(root)

    # The page's own clock and links: the site's for its pages, the page's elsewhere.
    zone = SITE_ZONE if on_site else None
    is_article = None if on_site else article_link_test(url)
    container, body_source, a_list = _body_container(root, selectors, is_article or is_article_url)
    title, headline, title_source = find_headline(root, container, meta, selectors, is_article)
    if not title:
        raise NotAnArticle("no headline", missing="title")
    if body_source == "structure" and headline is not None and container is not None:
        container = headline_container(root, container, headline, is_article or is_article_url)
    region = common_ancestor(headline, container) if headline is not None and container is not None else container
    published, date_element, published_source = find_published(meta, headline, region, lang, selectors,
                                                                zone, is_article)
    if published is None:
        published, published_source = date_of_url(url, zone), "url"
    if published is None:
        published, published_source = date_by_htmldate(text, url, extensive=not on_site, zone=zone), "htmldate"
    if published is None:
        raise NotAnArticle("no publication date", missing="published", found={"title": title_source})
    found = {"title": title_source, "published": published_source}
    lead, lead_element = find_lead(region, headline, container) if container is not None else (None, None)
    paragraphs = []
    if container is not None:
        start = headline if headline is not None and contains(container, headline) else None
        # The site prints its lead as the summary, apart from the body; elsewhere a
        # paragraph marked as the lead or summary is the article's first.
        skip = [e for e in (headline, date_element, lead_element if on_site else None) if e is not None]
        skip += teaser_cards(container, url) + picture_blocks(container)
        paragraphs = extract_paragraphs(container, skip, start)
    if sum(map(len, paragraphs)) < _MIN_BODY and not a_list:
        try:
            paragraphs, body_source = body_by_trafilatura(text, url), "trafilatura"
        except ImportError as error:  # an install without it (or its dependencies) still refuses cleanly
            reason = " ".join(str(error).split())
            raise NotAnArticle(f"no body (the trafilatura layer cannot run: {reason})", missing="body",
                               found=found) from None
    if sum(map(len, paragraphs)) < _MIN_BODY:
        raise NotAnArticle("no body", missing="body", found=found)
    if region is None:
        region = root
    base = (join_url(url, meta.base_href) or url) if meta.base_href else url
    image_urls, linked = collect_images(region, base)
    summary, summary_source = find_summary(meta, lead)
    translations, translations_source = find_translations(root, meta, url, base)
    sources = {
        "title": title_source, "published": published_source, "body": body_source,
        "summary": summary_source, "images": "structure" if image_urls else None,
        "translations": translations_source,
    }
    return {
        "url": canonical_url(url),
        "site_id": site_id_of(url) if on_site else None,
        "lang": lang,
        "kind": "gallery" if on_site and _is_gallery(url, meta, linked) else "news",
        "category": category_of(url) if on_site else None,
        "title": title,
        "published_date": published.date,
        "published_at": published.at,
        "summary": summary,
        "body": "\n\n".join(paragraphs),
        "image_urls": image_urls,
        "image_captions": find_captions(region, base, title) if image_urls else {},
        "translations": translations,
        "field_sources": {name: source for name, source in sources.items() if source},
    }
