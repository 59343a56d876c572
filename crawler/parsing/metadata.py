"""What a page says about itself: meta tags, JSON-LD, `<title>`, canonical link.

Read before anything is stripped from the tree (JSON-LD lives in `<script>`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from pmkz.crawler.parsing.decoding import decode_html
from pmkz.crawler.parsing.dom import parse_document
from pmkz.crawler.parsing.text import normalize_text

# Compiled XPath: iterfind's ElementPath walks every element of the page in Python.
# Through the attribute: libxml2 then tests only elements that carry one.
_ITEMPROP_PUBLISHED = etree.XPath("descendant::*/@itemprop[.='datePublished']/parent::*")
_PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished",
                   "pubdate", "publishdate", "dc.date.issued", "dc.date", "date")


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
    base_href: str | None = None
    # Where `description` and `published` came from, for the record's field_sources:
    # "meta:<tag name>", "meta:json-ld" or "meta:itemprop".
    description_source: str | None = None
    published_source: str | None = None
    # <link rel="alternate" hreflang="kk" href="...">: language -> href as written.
    alternates: dict = field(default_factory=dict)


def _json_ld_objects(data):
    """Every dict in a JSON-LD document, @graph and nested lists included."""
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_objects(item)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (list, dict)):
                yield from _json_ld_objects(value)


def _read_json_ld(script_text: str, meta: Metadata, descriptions: dict) -> None:
    try:
        data = json.loads(script_text)
    except ValueError:
        return
    for obj in _json_ld_objects(data):
        if isinstance(obj.get("headline"), str) and not meta.ld_headline:
            meta.ld_headline = normalize_text(obj["headline"])
        if isinstance(obj.get("datePublished"), str) and not meta.published:
            meta.published, meta.published_source = obj["datePublished"], "meta:json-ld"
        if isinstance(obj.get("description"), str) and obj.get("headline"):
            descriptions.setdefault("ld", obj["description"])


def read_metadata(root) -> Metadata:
    meta = Metadata()
    descriptions: dict[str, str] = {}
    for element in root.iter("meta", "link", "title", "base", "script"):
        tag = element.tag
        if tag == "meta":
            key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
            content = element.get("content")
            if not key or content is None:
                continue
            if key == "og:title":
                meta.og_title = meta.og_title or normalize_text(content)
            elif key == "twitter:title":
                meta.twitter_title = meta.twitter_title or normalize_text(content)
            elif key in ("og:description", "description", "twitter:description"):
                descriptions.setdefault(key, content)
            elif key == "og:url":
                meta.og_url = meta.og_url or content.strip()
            elif key in _PUBLISHED_META and not meta.published:
                meta.published, meta.published_source = content, f"meta:{key}"
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
        if url and urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
            return url
    return None
