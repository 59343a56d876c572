"""The floor the crawler is measured against: a Scrapy spider that follows the same
list and article links as the news spider and does nothing else.

It parses nothing of its own (links come from Scrapy's selectors), yields no items and
stores nothing, so the difference to the full crawl is what pmkz adds to Scrapy.
"""
from __future__ import annotations

from scrapy import Request, Spider

from crawler.parsing.urls import is_article_url, lang_of
from pmkz.config import LANG_PREFIX


class BareSpider(Spider):
    name = "bench-bare"

    def __init__(self, base_url: str, langs: str = "ru,kk,en", **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.langs = langs.split(",")

    async def start(self):
        for lang in self.langs:
            yield Request(f"{self.base_url}/{LANG_PREFIX[lang]}/news", callback=self.parse_list,
                          cb_kwargs={"lang": lang})

    def parse_list(self, response, lang):
        self.crawler.stats.inc_value("bench/list_pages")
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if is_article_url(url) and lang_of(url) == lang:
                yield Request(url, callback=self.parse_article)
        next_page = response.css("a[rel=next]::attr(href)").get()
        if next_page:
            yield Request(response.urljoin(next_page), callback=self.parse_list, cb_kwargs={"lang": lang})

    def parse_article(self, response):
        self.crawler.stats.inc_value("bench/article_pages")
