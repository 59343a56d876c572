"""The sections beside the news: found from each language's home page, walked when they
lead to item pages (crawler/parsing/sections.py says what a section and an item page are).

A language's menus are read on its first walk, on a full run, and when they were last
read `REDISCOVER_DAYS` ago or more; in between, a run walks only the sections that led to
items before (storage/sections.py), from their first page until a page holds nothing
new (every page on a first walk or a full run), so an idle run costs one request per
followed section. Item pages go through the spider's article requests: a decision's
address is parsed as a decision (crawler/parsing/decision.py), any other as an article.

What each section yielded is counted in the crawl stats (`pmkz/sections/<lang>/<name>/
...`) and kept in the `sections` table, for `pmkz check-live` and `pmkz status`.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from scrapy import Request

from pmkz.crawler.middlewares.errors import failure_line
from pmkz.crawler.parsing.sections import SectionFilter, parse_section_page, section_roots
from pmkz.site import LANG_PREFIX
from pmkz.storage import identity, sections
from pmkz.storage.identity import rebase
from pmkz.storage.store import utc_stamp

REDISCOVER_DAYS = 7
STATS = "pmkz/sections/"
# A section root that is not there is no section: the callback sees the answer.
NOT_THERE = [404, 410]


class SectionWalk:
    def __init__(self, spider, wanted: SectionFilter):
        self.spider, self.wanted = spider, wanted

    @property
    def db(self):
        return self.spider.crawl_run.db

    def _due(self, lang: str, walking: bool) -> bool:
        last = sections.last_discovered(self.db, lang)
        if walking or self.spider.full or last is None:
            return True
        return datetime.fromisoformat(last) <= datetime.now(timezone.utc) - timedelta(days=REDISCOVER_DAYS)

    def start_requests(self, lang: str, walking: bool) -> list[Request]:
        """The language's home page when its menus are due to be read, else the first
        page of each section that led to items before."""
        if self._due(lang, walking):
            home = f"{self.spider.base_url}/{LANG_PREFIX[lang]}/"
            return [Request(home, callback=self.parse_home, errback=self.failed, cb_kwargs={"lang": lang},
                            dont_filter=True)]
        # A section is kept by its root's path: the site may be at another address now.
        followed = [(name, rebase(root, self.spider.base_url)) for name, root in sections.followed(self.db, lang)]
        return [self._request(root, root, lang, name, first=False, walk=False)
                for name, root in followed if self.wanted.wants(name)]

    def _request(self, url: str, root: str, lang: str, name: str, first: bool, walk: bool) -> Request:
        return Request(url, callback=self.parse_section, errback=self.failed,
                       cb_kwargs={"root": root, "lang": lang, "name": name, "first": first, "walk": walk},
                       meta={"handle_httpstatus_list": NOT_THERE})

    def parse_home(self, response, lang: str):
        """A language's home page: every section its links name, the wanted ones asked for."""
        now = utc_stamp(datetime.now(timezone.utc))
        self.spider.crawler.stats.inc_value(f"{STATS}{lang}/home_pages")
        for name, root in section_roots(response.body, response.url, getattr(response, "encoding", None)).items():
            # Every name is kept, news and the unwanted too: the menus were read.
            sections.seen(self.db, lang, name, root, now)
            if self.wanted.wants(name):
                self.spider.crawler.stats.inc_value(f"{STATS}{lang}/{name}/found")
                yield self._request(root, root, lang, name, first=True, walk=True)

    def parse_section(self, response, root: str, lang: str, name: str, first: bool, walk: bool):
        """A section's list page: its new item pages, then its next page."""
        stats = self.spider.crawler.stats
        if response.status in NOT_THERE:
            return
        page = parse_section_page(response.body, response.url, root, getattr(response, "encoding", None))
        stats.inc_value(f"{STATS}{lang}/{name}/pages")
        stats.inc_value(f"{STATS}{lang}/{name}/items", len(page.item_urls))
        if first:
            sections.found(self.db, lang, name, root, bool(page.item_urls), len(page.item_urls),
                           utc_stamp(datetime.now(timezone.utc)))
        # Stored pages are re-checked by the revisit policy (all of them by a full run, which
        # would otherwise ask for each twice), as the news lists' are.
        known = identity.known_among(self.db, page.item_urls)
        wanted = [url for url in page.item_urls if url not in known]
        for url in wanted:
            yield self.spider.article_request(url)
        if page.next_url and page.item_urls and (walk or wanted):
            yield self._request(page.next_url, root, lang, name, first=False, walk=walk)

    def failed(self, failure):
        """A home or section page that could not be fetched: logged and counted; the
        sections stay as they were found before."""
        self.spider.crawler.stats.inc_value(STATS + "fetch_failed")
        self.spider.logger.warning("Section page %s not fetched: %s", failure.request.url, failure_line(failure))
