"""What a page says about itself: meta tags, JSON-LD, `<title>`, canonical link.

Read before anything is stripped from the tree (JSON-LD lives in `<script>`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import etree

from pmkz.crawler.parsing.decoding import decode_html
from pmkz.crawler.parsing.dom import parse_document
from pmkz.crawler.parsing.text import normalize_text
from pmkz.crawler.parsing.urls import split_url

# Compiled XPath: iterfind's ElementPath walks every element of the page in Python.
# Through the attribute: libxml2 then tests only elements that carry one. An itemprop
# may hold several names ("datePublished dateCreated").
_ITEMPROP_PUBLISHED = etree.XPath(
    "descendant::*/@itemprop[contains(concat(' ', normalize-space(.), ' '), ' datePublished ')]/parent::*")
# Meta names and properties of the publication date, the most specific first: a page
# may carry several, and a bare "date" is sometimes the day the page was generated.
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "datepublished", "date_published", "published_time", "published-date", "publish-date", "publish_date",
    "publishdate", "pubdate", "sailthru.date", "parsely-pub-date", "dc.date.issued", "dcterms.issued",
    "dc.date.created", "dcterms.created", "dc.date", "dcterms.date", "citation_publication_date",
    "citation_date", "originalpublicationdate", "article_date_original", "article.published",
    "datecreated", "created", "date", "pdate", "displaydate",
)
_PUBLISHED_RANK = {name: rank for rank, name in enumerate(_PUBLISHED_META)}
# JSON-LD keys of the publication date, best first, and the types whose date it is:
# a WebPage's or an Organization's date is not the article's.
_LD_DATES = ("datePublished", "dateCreated", "uploadDate")
_LD_ARTICLE = ("article", "posting", "report", "news", "blog")
# Declared languages: <html lang> first, then these metadata names.
_LANGUAGE_META = ("og:locale", "content-language", "dc.language", "language", "inlanguage")


@dataclass
class Metadata:
    html_title: str | None = None
    og_title: str | None = None
    twitter_title: str | None = None
    ld_headline: str | None = None
    description: str | None = None  # og:description, else description, else JSON-LD
    published: str | None = None  # as written: ISO from meta/JSON-LD, or printed text
    canonical: str | None = None
    og_url: str | None = None
    site_name: str | None = None  # og:site_name, else application-name
    base_href: str | None = None
    # Where `description` and `published` came from, for the record's field_sources:
    # "meta:<tag name>", "meta:json-ld" or "meta:itemprop".
    description_source: str | None = None
    published_source: str | None = None
    language: str | None = None  # as declared: "en-US", "ru", ...
    _published_rank: int = 10**6  # of `published` among the sources, lower is better
    # <link rel="alternate" hreflang="kk" href="...">: language -> href as written.
    alternates: dict = field(default_factory=dict)


def _json_ld_objects(data):
    """Every dict in a JSON-LD document, @graph and nested lists included, in document
    order. A stack, not recursion: a page's JSON may nest as deep as the decoder allows."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            yield value
            stack.extend(reversed([v for v in value.values() if isinstance(v, (list, dict))]))


_LENIENT_JSON = json.JSONDecoder(strict=False)


def _load_json(text: str):
    """JSON-LD as pages write it: in comments or CDATA, with raw newlines in strings, and
    with stray text after the document (a brace too many, a second object)."""
    for mark in ("<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"):
        text = text.replace(mark, "")
    try:
        return _LENIENT_JSON.raw_decode(text.strip())[0]
    except (ValueError, RecursionError):  # nested deeper than the decoder goes: no metadata
        return None


def _first_text(value) -> str | None:
    """A string, or the first string of a list, or an object's "@value"."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value")
    return value if isinstance(value, str) and value.strip() else None


def _is_article_type(obj: dict) -> bool:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and any(word in k.lower() for word in _LD_ARTICLE) for k in kinds)


def _read_json_ld(script_text: str, meta: Metadata, descriptions: dict) -> None:
    data = _load_json(script_text)
    if data is None:
        return
    for obj in _json_ld_objects(data):
        headline = _first_text(obj.get("headline"))
        if headline and not meta.ld_headline:
            meta.ld_headline = normalize_text(headline)
        # An article's own date ranks with article:published_time; another object's
        # (the web page's, an image's) just below every meta name.
        rank = -1 if _is_article_type(obj) else len(_PUBLISHED_META)
        for offset, key in enumerate(_LD_DATES):
            stamp = _first_text(obj.get(key))
            if stamp and rank + offset * 0.1 < meta._published_rank:
                meta.published, meta.published_source = stamp, "meta:json-ld"
                meta._published_rank = rank + offset * 0.1
                break
        if isinstance(obj.get("description"), str) and obj.get("headline"):
            descriptions.setdefault("ld", obj["description"])
        language = _first_text(obj.get("inLanguage"))
        if language and not meta.language:
            meta.language = language


def read_metadata(root) -> Metadata:
    meta = Metadata()
    descriptions: dict[str, str] = {}
    for element in root.iter("meta", "link", "title", "base", "script"):
        tag = element.tag
        if tag == "meta":
            key = (element.get("property") or element.get("name") or element.get("itemprop")
                   or element.get("http-equiv") or "").lower().strip()
            content = element.get("content")
            if not key or content is None:
                continue
            if " " in key:  # itemprop="datePublished dateCreated"
                key = min(key.split(), key=lambda name: _PUBLISHED_RANK.get(name, 10**6))
            if key == "og:title":
                meta.og_title = meta.og_title or normalize_text(content)
            elif key == "twitter:title":
                meta.twitter_title = meta.twitter_title or normalize_text(content)
            elif key in ("og:description", "description", "twitter:description"):
                descriptions.setdefault(key, content)
            elif key == "og:url":
                meta.og_url = meta.og_url or content.strip()
            elif key in ("og:site_name", "application-name"):
                meta.site_name = meta.site_name or content.strip() or None
            elif _PUBLISHED_RANK.get(key, 10**6) < meta._published_rank and content.strip():
                meta.published, meta.published_source = content, f"meta:{key}"
                meta._published_rank = _PUBLISHED_RANK[key]
            elif key in _LANGUAGE_META and not meta.language:
                meta.language = content
        elif tag == "link":
            rel = (element.get("rel") or "").lower().split()
            if "canonical" in rel:
                meta.canonical = meta.canonical or (element.get("href") or "").strip() or None
            elif "alternate" in rel and element.get("hreflang") and element.get("href"):
                meta.alternates.setdefault(element.get("hreflang").strip().lower(), element.get("href").strip())
        elif tag == "title" and meta.html_title is None:
            meta.html_title = normalize_text("".join(element.itertext()))
        elif tag == "base" and element.get("href"):
            meta.base_href = meta.base_href or element.get("href").strip()
        elif tag == "script" and (element.get("type") or "").lower() == "application/ld+json":
            _read_json_ld(element.text or "", meta, descriptions)
    meta.language = root.get("lang") or root.get("xml:lang") or meta.language
    if not meta.published:
        # Microdata on the page body: <time itemprop="datePublished" datetime="...">.
        for element in _ITEMPROP_PUBLISHED(root):
            printed = " ".join(element.itertext())
            meta.published = element.get("datetime") or element.get("content") or printed or None
            meta.published_source = "meta:itemprop"
            break
    for key in ("og:description", "description", "twitter:description", "ld"):
        if normalize_text(descriptions.get(key) or ""):
            meta.description = normalize_text(descriptions[key])
            meta.description_source = "meta:json-ld" if key == "ld" else f"meta:{key}"
            break
    return meta


def page_url(html: str | bytes, encoding: str | None = None) -> str | None:
    """The absolute URL a saved page declares for itself (canonical link, og:url)."""
    root = parse_document(decode_html(html, encoding))
    if root is None:
        return None
    meta = read_metadata(root)
    for url in (meta.canonical, meta.og_url):
        if url and split_url(url).scheme in ("http", "https") and split_url(url).netloc:
            return url
    return None
