"""What the news spider yields: one item type per outcome of fetching an article page."""
from __future__ import annotations

import scrapy

RECORD_FIELDS = (
    "url", "site_id", "lang", "kind", "category", "title", "published_date",
    "published_at", "summary", "body", "image_urls", "image_captions", "translations", "field_sources",
    "decision_number", "decision_date", "attachment_urls",
)


class ArticleItem(scrapy.Item):
    """A parsed article page: the record of ARCHITECTURE.md plus fetch details."""

    url = scrapy.Field()
    site_id = scrapy.Field()
    lang = scrapy.Field()
    kind = scrapy.Field()
    category = scrapy.Field()
    title = scrapy.Field()
    published_date = scrapy.Field()
    published_at = scrapy.Field()
    summary = scrapy.Field()
    body = scrapy.Field()
    image_urls = scrapy.Field()
    image_captions = scrapy.Field()  # image URL -> its caption (crawler/parsing/captions.py)
    # lang -> URL of the page's other language versions, and which layer of the parser
    # gave each field (crawler/parsing/article.py).
    translations = scrapy.Field()
    field_sources = scrapy.Field()
    # A decision's (crawler/parsing/decision.py): its number, own date and attached files.
    decision_number = scrapy.Field()
    decision_date = scrapy.Field()
    attachment_urls = scrapy.Field()
    # HTTP validators, kept so the next visit can be a conditional GET.
    etag = scrapy.Field()
    last_modified = scrapy.Field()
    # The archived response (`captures.id`) it was parsed from, when the archive is on.
    capture_id = scrapy.Field()
    # Filled by the images pipeline: stored originals, and images that failed.
    images = scrapy.Field()
    image_failures = scrapy.Field()
    # Filled by the attachments pipeline: the stored files and their text.
    attachments = scrapy.Field()

    def record(self) -> dict:
        """The fields the store keeps, as plain values (the store encodes them)."""
        return {name: self.get(name) for name in RECORD_FIELDS}


class PageUnchanged(scrapy.Item):
    """The site answered 304 Not Modified to a conditional GET."""

    url = scrapy.Field()
    # Filled by the images pipeline: the stored item's images that were missing.
    images = scrapy.Field()
    image_failures = scrapy.Field()


class PageGone(scrapy.Item):
    """A known page now answers 404/410 or redirects away from the article."""

    url = scrapy.Field()
    reason = scrapy.Field()
    redirect_to = scrapy.Field()  # where it redirects, or None for a 404/410


class PageFailed(scrapy.Item):
    """A page that could not be fetched or parsed; recorded, never dropped."""

    url = scrapy.Field()
    kind = scrapy.Field()  # "fetch" or "parse"
    error = scrapy.Field()
    raw_html = scrapy.Field()
