"""The records a perfect crawl of the replica must produce, from its source data.

Never from the crawler's parser: this is what that parser is measured against.
"""
from __future__ import annotations

from collections.abc import Iterator

from pmkz.replica import decisions
from pmkz.replica.clock import iso_local
from pmkz.replica.model import Article, Site
from pmkz.replica.render import Renderer
from pmkz.replica.versions import versions


def record(site: Site, article: Article, base_url: str) -> dict:
    """One article as the record of ARCHITECTURE.md."""
    facts = article.facts
    return {
        "url": base_url + article.path,
        "site_id": article.site_id,
        "lang": article.lang,
        "kind": facts.kind,
        "category": facts.category,
        "title": article.headline,
        "published_date": article.published.date().isoformat(),
        "published_at": iso_local(article.published) if facts.shows_time else None,
        "summary": facts.summary,
        "body": "\n\n".join(article.paragraphs),
        "image_urls": [f"{base_url}/assets/media/{name}" for name in facts.images],
        "image_captions": {f"{base_url}/assets/media/{name}": caption for name, caption in article.image_captions.items()},
        "translations": {lang: base_url + other.path for lang, other in sorted(versions(site, article).items())},
    }


def truth_records(site: Site, base_url: str, skin: str = "modern") -> Iterator[dict]:
    """Every live article's record, by language (en, kk, ru), newest first; then the
    decisions `skin` shows (under its own section path), by language, newest first."""
    base_url = base_url.rstrip("/")
    for lang in sorted(site.live):
        for article in site.live[lang]:
            yield record(site, article, base_url)
    section = Renderer(site, skin, base_url).decision_section
    for lang in sorted(site.decisions) if section else ():
        for decision in site.decisions[lang]:
            yield decisions.record(decision, section, base_url)
