"""Downloads each article's content images and keeps the original bytes.

Scrapy's FilesPipeline does the scheduling and the "already stored?" check; this
subclass changes what it writes (atomic, sha1-named, sha1-checked), fetches only from
the image hosts (crawler/middlewares/hosts.py), hands the store every image that
failed or was skipped, with a one-line reason, for the `failures` table, and sees that
images that failed are tried again on the page's next visit.
"""
from __future__ import annotations

import asyncio
import hashlib

from scrapy import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline, FSFilesStore
from scrapy.pipelines.media import FileException

from crawler.items import ArticleItem
from crawler.middlewares.errors import plain
from crawler.middlewares.hosts import IMAGE_META, SiteHosts
from crawler.pipelines.image_files import image_path, remove_dead_partials, sha1_of_file, write_atomically


class AtomicFilesStore(FSFilesStore):
    """FSFilesStore that renames complete files into place and checksums with sha1."""

    def persist_file(self, path, buf, info, meta=None, headers=None):
        write_atomically(self.basedir, path, buf.getvalue())

    def stat_file(self, path, info):
        absolute = self._get_filesystem_path(path)
        try:
            modified = absolute.stat().st_mtime
        except OSError:
            return {}
        return {"last_modified": modified, "checksum": sha1_of_file(absolute)}


class OriginalImagesPipeline(FilesPipeline):
    STORE_SCHEMES = {**FilesPipeline.STORE_SCHEMES, "": AtomicFilesStore, "file": AtomicFilesStore}

    def open_spider(self, spider=None):
        super().open_spider()
        spider = self.crawler.spider
        self.hosts = SiteHosts.from_settings(self.crawler.settings, spider.base_url)
        removed = remove_dead_partials(self.store.basedir)
        if removed:
            spider.logger.info("Removed %d image files left half-written by an earlier crawl", removed)

    def file_path(self, request, response=None, info=None, *, item=None):
        # From the URL alone: the "already stored?" check runs before any response.
        return image_path(request.url)

    async def file_downloaded(self, response, request, info, *, item=None):
        # In a thread: the write ends in an fsync, a few milliseconds of waiting on the
        # disk per image that would otherwise stop the whole crawl (hashing large data
        # and the write both release the GIL). The item still waits for its images.
        return await asyncio.to_thread(_write_and_hash, self.store.basedir, self.file_path(request), response.body)

    def get_media_requests(self, item, info):
        # Only articles carry images; 304s, gone pages and failures pass straight through.
        if not isinstance(item, ArticleItem):
            return []
        return [Request(url, callback=NO_CALLBACK, meta={IMAGE_META: True}) for url in self._fetchable(item)]

    async def media_downloaded(self, response, request, info, *, item=None):
        if response.status != 200:
            raise FileException(f"HTTP {response.status}")
        return await super().media_downloaded(response, request, info, item=item)

    def media_failed(self, failure, request, info):
        if isinstance(failure.value, FileException):  # already says what went wrong
            raise failure.value
        raise FileException(plain(failure.value)) from failure.value

    def item_completed(self, results, item, info):
        # Scrapy keeps every image's result for the whole crawl (info.downloaded): memory
        # that grows with the crawl. An image serves its own article; one asked for again
        # is found on disk by the stat check, never downloaded twice.
        info.downloaded.clear()
        if not isinstance(item, ArticleItem):
            return item
        stored, failed = [], []
        for url, (ok, value) in zip(self._fetchable(item), results):
            if ok:
                stored.append({"url": value["url"], "path": value["path"], "sha1": value["checksum"]})
            else:
                failed.append({"url": url, "error": _describe(value)})
        if failed:
            # No validators for a page whose images did not all arrive: its next visit
            # (a re-check of the newest items, or the daily full one) is then a full GET,
            # and the missing images are fetched again; the stored ones are not.
            item["etag"] = item["last_modified"] = None
        failed += [{"url": url, "error": self.hosts.refusal(url, image=True)}
                   for url in item.get("image_urls") or [] if not self.hosts.image_allowed(url)]
        item["images"] = stored
        item["image_failures"] = failed
        return item

    def _fetchable(self, item) -> list[str]:
        return [url for url in item.get("image_urls") or [] if self.hosts.image_allowed(url)]


def _write_and_hash(root, relative: str, data: bytes) -> str:
    write_atomically(root, relative, data)
    return hashlib.sha1(data).hexdigest()


def _describe(failure) -> str:
    message = str(failure.value) or type(failure.value).__name__
    return message.splitlines()[0][:300]
