"""The floor the crawler is measured against: a Scrapy spider that follows the same
links as the news spider and does nothing else.

It parses nothing of its own (list links come from Scrapy's selectors), yields no items
and stores nothing, so the difference to the full crawl is what pmkz adds to Scrapy.
Given `image_paths` (a JSON file: item path -> the paths of its `images` and of a
decision's `attachments`, written by the bench from the replica's own truth, never from
pmkz's parser) it also fetches each item's files, the same requests the full crawl's
images (unless `images` is empty) and attachments pipelines make. It reads
the sitemaps as the news spider does (robots.txt, the sitemaps it names, indexes), and
walks the sections beside the news its first run walks (each language's home page, every
section its menus link, their item pages and next pages), through the same pure
functions of crawler/parsing/sections.py; a decision's attached files are not fetched.
"""
from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

from scrapy import Request, Spider

from pmkz.crawler.parsing.sections import SectionFilter, parse_section_page, section_roots
from pmkz.crawler.parsing.urls import is_article_url, lang_of
from pmkz.crawler.sitemaps import Unusable, read, sitemap_urls
from pmkz.site import LANG_PREFIX


class BareSpider(Spider):
    name = "bench-bare"

    def __init__(self, base_url: str, langs: str = "ru,kk,en", image_paths: str | None = None,
                 images: str = "1", **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.langs = langs.split(",")
        self.image_paths = {}
        if image_paths:
            with open(image_paths, encoding="utf-8") as file:
                self.image_paths = json.load(file)
        self.kinds = ("images", "attachments") if images else ("attachments",)

    async def start(self):
        yield Request(f"{self.base_url}/robots.txt", callback=self.parse_robots, dont_filter=True,
                      meta={"handle_httpstatus_all": True})
        for lang in self.langs:
            yield Request(f"{self.base_url}/{LANG_PREFIX[lang]}/news", callback=self.parse_list,
                          cb_kwargs={"lang": lang})
            yield Request(f"{self.base_url}/{LANG_PREFIX[lang]}/", callback=self.parse_home, dont_filter=True)

    def parse_home(self, response):
        for name, root in section_roots(response.body, response.url, response.encoding).items():
            if not SectionFilter().wants(name):  # the news, walked from its list above
                continue
            yield Request(root, callback=self.parse_section, cb_kwargs={"root": root},
                          meta={"handle_httpstatus_list": [404, 410]})

    def parse_section(self, response, root):
        if response.status != 200:
            return
        page = parse_section_page(response.body, response.url, root, response.encoding)
        for url in page.item_urls:
            yield Request(url, callback=self.parse_article)
        if page.next_url and page.item_urls:
            yield Request(page.next_url, callback=self.parse_section, cb_kwargs={"root": root},
                          meta={"handle_httpstatus_list": [404, 410]})

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
        files = self.image_paths.get(urlsplit(response.url).path, {})
        images = [Request(self.base_url + path) for kind in self.kinds for path in files.get(kind, ())]
        await asyncio.gather(*(self.crawler.engine.download_async(image) for image in images))
        self.crawler.stats.inc_value("bench/images", len(images))
