"""Downloads each article's content images and keeps the original bytes.

For every image of an article (from the image hosts only, crawler/middlewares/hosts.py):
a file already archived under its name is not downloaded again; any other is fetched
through Scrapy's downloader (its middlewares: retries, redirects, size cap), written
atomically under a name from the hash of its URL, and its sha1 taken. The item goes on
with `images` (url, path, sha1 of each stored image) and `image_failures` (url and a
one-line reason for each image that failed or was refused), which the store pipeline
writes; an article whose images did not all arrive keeps no validators, so its next
visit is a full GET that tries them again. An image file that cannot be written (a full
disk) is a failure of kind `save`: the store pipeline records it with its page, and the
next run fetches that page again.

A page that answers 304 Not Modified still gets the images its stored item references
but that are missing on disk or were never fetched (a crawl with --no-images, a file
deleted): they are fetched on the item's next visit.

Not Scrapy's FilesPipeline: its bookkeeping (fingerprints, waiting lists, a cached
result per image) costs the crawl's thread more than the download itself; this fetches
the way it does (engine.download_async) and nothing more.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from scrapy import Request
from scrapy.http.request import NO_CALLBACK

from pmkz.crawler.crawl_run import CrawlRun
from pmkz.crawler.items import ArticleItem, PageUnchanged
from pmkz.crawler.middlewares.errors import plain
from pmkz.crawler.middlewares.hosts import IMAGE_META, SiteHosts
from pmkz.storage import items
from pmkz.storage.images import image_path, remove_dead_partials, sha1_of_file, write_image

STATS = "pmkz/images/"


class OriginalImagesPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.root = Path(crawler.settings["PMKZ_IMAGES_DIR"])

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        base_url = getattr(spider, "base_url", None) or self.crawler.settings["PMKZ_BASE_URL"]
        self.hosts = SiteHosts.from_settings(self.crawler.settings, base_url)
        self.root.mkdir(parents=True, exist_ok=True)
        removed = remove_dead_partials(self.root)
        if removed:
            spider.logger.info("Removed %d image files left half-written by an earlier crawl", removed)

    async def process_item(self, item):
        # Articles carry images, and 304s the stored item's; gone pages and failures pass.
        if isinstance(item, PageUnchanged):
            return await self._fill_in(item)
        if not isinstance(item, ArticleItem):
            return item
        urls = list(dict.fromkeys(item.get("image_urls") or []))
        return await self._images(item, urls)

    async def _fill_in(self, item):
        """The stored item's images that are missing on disk or were never fetched."""
        urls, stored = self._stored_images(item["url"])
        missing = [url for url in dict.fromkeys(urls)
                   if url not in stored or not (self.root / stored[url][0]).is_file()]
        if missing:
            self.crawler.stats.inc_value(STATS + "filled_in", len(missing))
            await self._images(item, missing)
        return item

    async def _images(self, item, urls: list[str]):
        fetchable = [url for url in urls if self.hosts.image_allowed(url)]
        _, stored = self._stored_images(item["url"])
        results = await asyncio.gather(*(self._image(url, stored.get(url)) for url in fetchable))
        stored = [result for result in results if "sha1" in result]
        failed = [result for result in results if "error" in result]
        if failed and isinstance(item, ArticleItem):
            item["etag"] = item["last_modified"] = None
        failed += [{"url": url, "error": self.hosts.refusal(url, image=True)}
                   for url in urls if url not in fetchable]
        item["images"] = stored
        item["image_failures"] = failed
        return item

    def _stored_images(self, item_url: str) -> tuple[list[str], dict[str, tuple[str, str]]]:
        """The image URLs the stored item references, and url -> (path, sha1) of those
        archived, from the crawl run's database."""
        return items.stored_images(self.crawler.get_extension(CrawlRun).db, item_url)

    async def _image(self, url: str, stored: tuple[str, str] | None = None) -> dict:
        """{url, path, sha1} of the archived image, or {url, error}. `stored`: the file
        and sha1 of this image of the item as archived before (under another address)."""
        stats = self.crawler.stats
        if stored and (self.root / stored[0]).is_file():
            stats.inc_value(STATS + "already_stored")
            return {"url": url, "path": stored[0], "sha1": stored[1]}
        relative = image_path(url)
        if (self.root / relative).is_file():
            # Archived by an earlier visit or article: an original never changes.
            stats.inc_value(STATS + "already_stored")
            sha1 = await asyncio.to_thread(sha1_of_file, self.root / relative)
            return {"url": url, "path": relative, "sha1": sha1}
        request = Request(url, callback=NO_CALLBACK, meta={IMAGE_META: True})
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as error:  # what the downloader's middlewares gave up on
            stats.inc_value(STATS + "failed")
            return {"url": url, "error": plain(error)}
        if response.status != 200:
            stats.inc_value(STATS + "failed")
            return {"url": url, "error": f"HTTP {response.status}"}
        if not response.body:
            stats.inc_value(STATS + "failed")
            return {"url": url, "error": "an empty file"}
        # On a thread: a safe write (write, fsync, rename) waits for the disk, and the
        # reactor goes on downloading meanwhile.
        try:
            sha1 = await asyncio.to_thread(write_image, self.root, relative, response.body)
        except OSError as error:
            stats.inc_value(STATS + "not_written")
            return {"url": url, "kind": "save",
                    "error": f"cannot write the image file: {error.strerror or error}"}
        stats.inc_value(STATS + "downloaded")
        return {"url": url, "path": relative, "sha1": sha1}
