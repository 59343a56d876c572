"""Downloads each article's content images and keeps the original bytes.

Scrapy's FilesPipeline does the scheduling and the "already stored?" check; this
subclass changes what it writes (atomic, sha1-named, sha1-checked) and records the
images that failed so the store can list them in `failures`.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from scrapy.pipelines.files import FilesPipeline, FSFilesStore

from crawler.items import ArticleItem
from crawler.pipelines.image_files import image_path, sha1_of_file, write_atomically


class AtomicFilesStore(FSFilesStore):
    """FSFilesStore that renames complete files into place and checksums with sha1."""

    def persist_file(self, path, buf, info, meta=None, headers=None):
        write_atomically(self._get_filesystem_path(path), buf.getvalue())

    def stat_file(self, path, info):
        absolute = self._get_filesystem_path(path)
        try:
            modified = absolute.stat().st_mtime
        except OSError:
            return {}
        return {"last_modified": modified, "checksum": sha1_of_file(absolute)}


class OriginalImagesPipeline(FilesPipeline):
    STORE_SCHEMES = {**FilesPipeline.STORE_SCHEMES, "": AtomicFilesStore, "file": AtomicFilesStore}

    def file_path(self, request, response=None, info=None, *, item=None):
        # From the URL alone: the "already stored?" check runs before any response.
        return image_path(request.url)

    def file_downloaded(self, response, request, info, *, item=None):
        path = self.file_path(request, response=response, info=info, item=item)
        write_atomically(Path(self.store.basedir, path), response.body)
        return hashlib.sha1(response.body).hexdigest()

    def get_media_requests(self, item, info):
        # Only articles carry images; 304s, gone pages and failures pass straight through.
        return super().get_media_requests(item, info) if isinstance(item, ArticleItem) else []

    def item_completed(self, results, item, info):
        if not isinstance(item, ArticleItem):
            return item
        stored, failed = [], []
        requested = list(item.get("image_urls") or [])
        for url, (ok, value) in zip(requested, results):
            if ok:
                stored.append({"url": value["url"], "path": value["path"], "sha1": value["checksum"]})
            else:
                failed.append({"url": url, "error": _describe(value)})
        item["images"] = stored
        item["image_failures"] = failed
        return item


def _describe(failure) -> str:
    message = str(failure.value) or type(failure.value).__name__
    return message.splitlines()[0][:300]
