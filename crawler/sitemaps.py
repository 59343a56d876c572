"""The site's sitemaps, read by every crawl run that is not windowed by dates.

robots.txt's `Sitemap:` lines and `/sitemap.xml` are asked for, sitemap indexes
followed, each with a conditional GET (the validators of its last read, kept in
storage/sitemaps.py; the archive middleware drops them when it holds no answer they
would confirm, and archives every answer as it does any response). Scrapy's own
sitemap utilities read them. What a sitemap says is stored by page path: a page whose
`lastmod` moved is re-checked by the run ahead of the revisit schedule, within its
budget (crawler/revisit.py), and an article page of the site no list showed is fetched
until it is stored or found not there (the spider asks for both when the lists are done).
A lastmod that moves on most of a sitemap's pages at once is taken for the file's date,
not for edits.

Nothing depends on a sitemap: one that is missing, not XML, empty or over the size
cap gives one log line and the run goes on as without it. What one costs is bounded:
MAX_SITEMAPS requests a run, indexes followed MAX_DEPTH deep, each answer within the
crawl's DOWNLOAD_MAXSIZE (a gzipped one also once unpacked), MAX_ENTRIES entries read.
"""
from __future__ import annotations

import logging
from urllib.parse import urljoin

from lxml.etree import XMLSyntaxError
from scrapy import Request
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from pmkz.crawler.middlewares.errors import failure_line
from pmkz.crawler.middlewares.hosts import host_of
from pmkz.crawler.parsing.urls import canonical_url, is_article_url
from pmkz.storage import sitemaps
from pmkz.storage.identity import path_of
from pmkz.storage.store import utc_stamp

logger = logging.getLogger(__name__)

# The sitemaps protocol's own limit on a file's entries.
MAX_ENTRIES = 50_000
# Sitemap files asked for in one run (each index and sitemap is one request).
MAX_SITEMAPS = 100
# An index's sitemaps are depth 1; an index nested in one (depth 1) is followed once more.
MAX_DEPTH = 2
# A lastmod that moved on more than this share of a sitemap's pages at once (of at least
# MASS_MOVE_MIN_PAGES) is the file's date, not edits: re-checking them all would spend
# the budget on nothing.
MASS_MOVE_SHARE = 0.5
MASS_MOVE_MIN_PAGES = 20
GZIP_MAGIC = b"\x1f\x8b\x08"
_VALIDATED = (200, 304)


class Unusable(Exception):
    """Why an answer cannot be read as a sitemap."""


def sitemap_urls(robots_body: bytes | None, base_url: str) -> list[str]:
    """The sitemaps robots.txt names on the site's own host, then `/sitemap.xml`."""
    named = sitemap_urls_from_robots(robots_body, base_url=base_url + "/") if robots_body else []
    host = host_of(base_url)
    urls = [url for url in named if host_of(url) == host]
    return list(dict.fromkeys([*urls, urljoin(base_url + "/", "sitemap.xml")]))


def read(body: bytes, max_size: int) -> tuple[str, list[dict]]:
    """(`urlset` or `sitemapindex`, its entries: dicts with `loc` and maybe `lastmod`)
    of a sitemap file, gzipped or not; Unusable says why it is none."""
    if body[:3] == GZIP_MAGIC:
        try:
            body = gunzip(body, max_size=max_size)
        except ValueError as error:  # over max_size
            raise Unusable(f"larger than {max_size} bytes unpacked") from error
        except (OSError, EOFError) as error:
            raise Unusable(f"a broken gzip file ({error})") from None
    if not body.strip():
        raise Unusable("empty")
    try:
        sitemap = Sitemap(body)
        if sitemap.type not in ("urlset", "sitemapindex"):
            raise Unusable(f"not a sitemap (its root is <{sitemap.type or '?'}>)")
        entries = []
        for entry in sitemap:
            if len(entries) == MAX_ENTRIES:
                logger.info("A sitemap lists more than %d entries: the rest are not read", MAX_ENTRIES)
                break
            entries.append(entry)
    except (XMLSyntaxError, StopIteration) as error:
        raise Unusable(f"not XML ({error or 'no element'})") from None
    return sitemap.type, entries


class SitemapReader:
    """One run's reading of the site's sitemaps, for the spider: requests and callbacks."""

    def __init__(self, spider):
        self.spider = spider
        self.asked = 0

    @property
    def db(self):
        return self.spider.crawl_run.db

    def start_request(self) -> Request:
        self.asked += 1
        return Request(f"{self.spider.base_url}/robots.txt", callback=self.parse_robots,
                       errback=self.robots_failed, dont_filter=True, meta={"handle_httpstatus_all": True})

    def parse_robots(self, response):
        body = response.body if response.status == 200 else None
        for url in sitemap_urls(body, self.spider.base_url):
            yield from self.request(url, depth=0, parent=None)

    def robots_failed(self, failure):
        yield from self.request(f"{self.spider.base_url}/sitemap.xml", depth=0, parent=None)

    def request(self, url: str, depth: int, parent: str | None):
        """The sitemap's request, conditional when it was read before; none past the bounds."""
        if depth > MAX_DEPTH or self.asked >= MAX_SITEMAPS:
            self._unused(url, f"past the bounds ({MAX_SITEMAPS} sitemaps a run, indexes {MAX_DEPTH} deep)")
            return
        self.asked += 1
        yield Request(url, headers=conditional_headers(sitemaps.validators(self.db, url)),
                      callback=self.parse_sitemap, errback=self.sitemap_failed,
                      dont_filter=True, meta={"handle_httpstatus_all": True},
                      cb_kwargs={"depth": depth, "parent": parent})

    def parse_sitemap(self, response, depth: int, parent: str | None):
        url = response.request.url
        stats = self.spider.crawler.stats
        if response.status == 304:
            stats.inc_value("pmkz/sitemaps/unchanged")
            with self.spider.crawl_run.writes.item() as store:
                sitemaps.record_unchanged(store.db, url, utc_stamp())
            for listed in sitemaps.listed_in(self.db, url):
                yield from self.request(listed, depth + 1, parent=url)
            return
        if response.status not in _VALIDATED:
            self._unused(url, f"HTTP {response.status}")
            return
        try:
            kind, entries = read(response.body, self.spider.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        except Unusable as error:
            self._unused(url, str(error))
            return
        stats.inc_value("pmkz/sitemaps/read")
        host = host_of(self.spider.base_url)
        with self.spider.crawl_run.writes.item() as store:
            etag, last_modified = validators_of(response)
            sitemaps.record_read(store.db, url, parent=parent, kind=kind, entries=len(entries),
                                 etag=etag, last_modified=last_modified, now=utc_stamp())
            if kind == "urlset":
                pages = {canonical_url(e["loc"]): e.get("lastmod") or None for e in entries
                         if host_of(e["loc"]) == host and is_article_url(e["loc"])}
                sitemaps.save_pages(store.db, pages.items(), url, utc_stamp(),
                                    baseline=self._moved_at_once(store.db, url, pages))
                stats.inc_value("pmkz/sitemaps/pages", len(pages))
        if kind == "sitemapindex":
            # Newest first, so the bound on sitemaps a run keeps the ones that move.
            listed = sorted(entries, key=lambda e: e.get("lastmod") or "", reverse=True)
            for entry in listed:
                if host_of(entry["loc"]) == host:
                    yield from self.request(entry["loc"], depth + 1, parent=url)

    def _moved_at_once(self, db, url: str, pages: dict[str, str | None]) -> bool:
        """Whether the lastmod of most of the sitemap's pages moved since its last read:
        then none of the moves is taken for an edit (one log line)."""
        before = sitemaps.lastmods(db, url)
        moves = sum(path_of(page) in before and before[path_of(page)] != lastmod for page, lastmod in pages.items())
        if len(before) < MASS_MOVE_MIN_PAGES or moves <= MASS_MOVE_SHARE * len(before):
            return False
        self.spider.crawler.stats.inc_value("pmkz/sitemaps/moved_at_once")
        logger.info("Sitemap %s: the lastmod of %d of its %d pages moved at once; taken for the file's date,"
                    " not edits", url, moves, len(before))
        return True

    def sitemap_failed(self, failure):
        self._unused(failure.request.url, failure_line(failure))

    def _unused(self, url: str, why: str) -> None:
        self.spider.crawler.stats.inc_value("pmkz/sitemaps/unused")
        logger.info("Sitemap %s not used: %s", url, why)


def validators_of(response) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) of an answer, for the next conditional GET."""
    values = (response.headers.get(name) for name in (b"ETag", b"Last-Modified"))
    return tuple(value.decode("latin-1") if value else None for value in values)


def conditional_headers(validators: tuple[str | None, str | None] | None) -> dict[str, str]:
    """The headers of a conditional GET from stored (ETag, Last-Modified), if any."""
    etag, last_modified = validators or (None, None)
    return {name: value for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if value}
