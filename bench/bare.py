"""The floor the crawler is measured against: a Scrapy spider that follows the same
links as the news spider and does nothing else.

It parses nothing of its own (list links come from Scrapy's selectors), yields no items
and stores nothing, so the difference to the full crawl is what pmkz adds to Scrapy.
Given `image_paths` (a JSON file: article path -> the paths of its images, written by
the bench from the replica's own truth, never from pmkz's parser) it also fetches each
article's images, the same requests the full crawl's images pipeline makes. It reads
the sitemaps as the news spider does (robots.txt, the sitemaps it names, indexes).
"""
from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

from scrapy import Request, Spider

from pmkz.crawler.parsing.urls import is_article_url, lang_of
from pmkz.crawler.sitemaps import Unusable, read, sitemap_urls
from pmkz.site import LANG_PREFIX


class BareSpider(Spider):
    name = "bench-bare"

    def __init__(self, base_url: str, langs: str = "ru,kk,en", image_paths: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.langs = langs.split(",")
        self.image_paths = {}
        if image_paths:
            with open(image_paths, encoding="utf-8") as file:
                self.image_paths = json.load(file)

    async def start(self):
        yield Request(f"{self.base_url}/robots.txt", callback=self.parse_robots, dont_filter=True,
                      meta={"handle_httpstatus_all": True})
        for lang in self.langs:
            yield Request(f"{self.base_url}/{LANG_PREFIX[lang]}/news", callback=self.parse_list,
                          cb_kwargs={"lang": lang})

    def parse_robots(self, response):
        for url in sitemap_urls(response.body if response.status == 200 else None, self.base_url):
            yield Request(url, callback=self.parse_sitemap, dont_filter=True, meta={"handle_httpstatus_all": True})

    def parse_sitemap(self, response):
        try:
            kind, entries = read(response.body, 0) if response.status == 200 else ("", [])
        except Unusable:
            return
        for entry in entries if kind == "sitemapindex" else ():
            yield Request(entry["loc"], callback=self.parse_sitemap, dont_filter=True,
                          meta={"handle_httpstatus_all": True})

    def parse_list(self, response, lang):
        self.crawler.stats.inc_value("bench/list_pages")
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if is_article_url(url) and lang_of(url) == lang:
                yield Request(url, callback=self.parse_article)
        next_page = response.css("a[rel=next]::attr(href)").get()
        if next_page:
            yield Request(response.urljoin(next_page), callback=self.parse_list, cb_kwargs={"lang": lang})

    async def parse_article(self, response):
        self.crawler.stats.inc_value("bench/article_pages")
        # The way Scrapy's media pipelines fetch (engine.download_async: no scheduler,
        # no spider middlewares), so images cost here what they cost the full crawl's
        # images pipeline at the least.
        images = [Request(self.base_url + path) for path in self.image_paths.get(urlsplit(response.url).path, ())]
        await asyncio.gather(*(self.crawler.engine.download_async(image) for image in images))
        self.crawler.stats.inc_value("bench/images", len(images))
