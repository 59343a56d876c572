"""Fetches the files a decision attaches, keeps them beside the images, reads their text.

Each of an item's `attachment_urls` is fetched through Scrapy's downloader, as images
are (its middlewares: the site's hosts only, retries, the size cap, and the raw archive,
which keeps every response byte for byte as WARC), written under the images dir the way
images are (storage/images.py: a name from the URL's hash, written whole or not at all)
and its sha1 taken; a file stored before is not fetched again. Its text is read on a
thread (crawler/parsing/attachment_text.py, bounded in bytes, pages and time) and goes
with the item as `attachments` rows, which the store pipeline writes (storage/
attachments.py). A file that failed goes in `image_failures` beside failed images, and
the item keeps no validators, so its next visit is a full GET that tries it again.
"""
from __future__ import annotations

import asyncio
import hashlib
import mimetypes
from pathlib import Path

from scrapy import Request
from scrapy.http.request import NO_CALLBACK

from pmkz.crawler.crawl_run import CrawlRun
from pmkz.crawler.items import ArticleItem
from pmkz.crawler.middlewares.errors import plain
from pmkz.crawler.parsing.attachment_text import NoText, extract_text
from pmkz.crawler.parsing.decision import DOCUMENT_EXTENSIONS
from pmkz.storage import attachments
from pmkz.storage.images import image_path, write_image

STATS = "pmkz/attachments/"


class AttachmentsPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.root = Path(crawler.settings["PMKZ_IMAGES_DIR"])

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        if not isinstance(item, ArticleItem) or not item.get("attachment_urls"):
            return item
        stored = attachments.stored(self.crawler.get_extension(CrawlRun).db, item["url"])
        results = await asyncio.gather(*(self._file(url, stored.get(url))
                                         for url in dict.fromkeys(item["attachment_urls"])))
        item["attachments"] = [r for r in results if "sha1" in r]
        failed = [r for r in results if "error" in r]
        if failed:
            item["etag"] = item["last_modified"] = None
            item["image_failures"] = [*(item.get("image_failures") or []), *failed]
        return item

    async def _file(self, url: str, stored: dict | None) -> dict:
        """The attachment's row (url, path, sha1, content_type, size, text, text_error),
        or {url, error}."""
        stats = self.crawler.stats
        relative = image_path(url, extensions=DOCUMENT_EXTENSIONS)
        if stored and (self.root / stored["path"]).is_file():
            # An attached file is a decision's published text: it is not edited in place.
            stats.inc_value(STATS + "already_stored")
            return {c: stored[c] for c in attachments.COLUMNS if c != "item_url"}
        if (self.root / relative).is_file():
            # Written whole by an earlier run that ended before its row was stored (a
            # kill): the file is the one served, never fetched and written again.
            stats.inc_value(STATS + "already_stored")
            data = await asyncio.to_thread((self.root / relative).read_bytes)
            return {"url": url, "path": relative, "sha1": hashlib.sha1(data).hexdigest(),
                    "content_type": mimetypes.guess_type(relative)[0],
                    **await self._text(data)}
        try:
            response = await self.crawler.engine.download_async(Request(url, callback=NO_CALLBACK))
        except Exception as error:  # what the downloader's middlewares gave up on
            stats.inc_value(STATS + "failed")
            return {"url": url, "error": f"attachment: {plain(error)}"}
        if response.status != 200 or not response.body:
            stats.inc_value(STATS + "failed")
            return {"url": url, "error": f"attachment: HTTP {response.status}" if response.status != 200
                    else "attachment: an empty file"}
        try:
            sha1 = await asyncio.to_thread(write_image, self.root, relative, response.body)
        except OSError as error:
            stats.inc_value(STATS + "not_written")
            return {"url": url, "kind": "save", "error": f"cannot write the attachment: {error.strerror or error}"}
        stats.inc_value(STATS + "downloaded")
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or None
        return {"url": url, "path": relative, "sha1": sha1, "content_type": content_type,
                **await self._text(response.body)}

    async def _text(self, data: bytes) -> dict:
        try:
            text = await asyncio.to_thread(extract_text, data)
        except NoText as reason:
            self.crawler.stats.inc_value(STATS + "no_text")
            return {"size": len(data), "text": None, "text_error": str(reason)}
        return {"size": len(data), "text": text, "text_error": None}
