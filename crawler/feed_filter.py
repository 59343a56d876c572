"""Feed exports (`scrapy crawl news -O out.jsonl`) hold article items only.

The spider also yields what happened to pages that are not new articles (a 304, a page
gone, a failure) so that the store pipeline records them; a feed of the crawl's records
has no place for those `{"url": ...}` stubs. A feed that names its own `item_classes`
keeps them.
"""
from __future__ import annotations

from scrapy.extensions.feedexport import FeedExporter


class ArticleFeeds(FeedExporter):
    def _load_filter(self, feed_options):
        feed_options.setdefault("item_classes", ["pmkz.crawler.items.ArticleItem"])
        return super()._load_filter(feed_options)
