"""Feed exports (`scrapy crawl news -O out.jsonl`) hold article items only.

The spider also yields what happened to pages that are not new articles (a 304, a page
gone, a failure) so that the store pipeline records them; a feed of the crawl's records
has no place for those `{"url": ...}` stubs. A Scrapy add-on (ADDONS in
crawler/settings.py): every feed, `-o`/`-O` ones included, gets Scrapy's `item_classes`
feed option set to ArticleItem; a feed that names its own `item_classes` keeps them.
"""
from __future__ import annotations

ARTICLES_ONLY = ["pmkz.crawler.items.ArticleItem"]


class ArticleFeeds:
    def update_settings(self, settings) -> None:
        feeds = settings.getdict("FEEDS")
        if feeds:
            settings.set("FEEDS", {uri: {"item_classes": ARTICLES_ONLY, **options} for uri, options in feeds.items()},
                         priority=settings.getpriority("FEEDS"))
