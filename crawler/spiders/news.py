"""The news spider: each language's press list, newest first, to every article page.

Incremental by default: a language whose list was once walked to its end is walked only
until a list page holds nothing new (pages it links that are stored already are not
fetched again), and the stored pages the revisit policy says are due (crawler/revisit.py:
young ones every run, the rest at least once a period, within a budget of requests an
hour) are re-checked with conditional GETs, so an idle run costs a handful of requests
however much is stored. An incremental run keeps its list position as it goes, so a
killed one resumes there and no new item waits. `full` re-checks every known page.
Pages that failed in earlier runs are tried again.

Every run not windowed by dates reads the site's sitemaps (crawler/sitemaps.py) beside
the lists. When the lists are done (the spider is idle), an incremental run re-checks
first the pages whose sitemap lastmod moved, then what the schedule says, within one
budget; and any run fetches the article pages a sitemap listed that no list showed.

Lists are followed by what each page links as its next page; 2019-style lists
(`/<p>/news/page/N`, no "next" link) by page number until a page lists nothing or is
not found. The parsers get the site's selectors from the PMKZ_SELECTORS setting (a TOML
or JSON file, crawler/parsing/selectors.py) when it is set. What each page yielded is
counted for the run's health check (crawler.health).

The spider reads what is already stored (known pages, validators, the resume position)
from the crawl run (crawler/crawl_run.py), which owns the database, through
`crawler.get_extension`, and tells it how far it walked each list; everything it finds
goes out as items.

Run as `pmkz crawl` or `scrapy crawl news -a base_url=... -a langs=ru,en -a full=1`.
"""
from __future__ import annotations

from datetime import datetime, timezone

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import TextResponse

from pmkz.crawler import health, progress, revisit
from pmkz.crawler.sitemaps import SitemapReader, conditional_headers, validators_of
from pmkz.crawler.crawl_run import CrawlRun, NothingStored
from pmkz.crawler.items import ArticleItem, PageFailed, PageGone, PageUnchanged
from pmkz.crawler.list_walk import DateWindow, ListCursor
from pmkz.crawler.middlewares.archive import CAPTURE_META
from pmkz.crawler.middlewares.errors import error_line, failure_line
from pmkz.crawler.parsing import NotAnArticle, parse_listing
from pmkz.crawler.parsing.decision import is_decision_url
from pmkz.crawler.parsing.pages import parse_page
from pmkz.crawler.parsing.sections import section_filter
from pmkz.crawler.parsing.selectors import KNOWN, load_selectors
from pmkz.crawler.parsing.urls import canonical_url, is_article_url, lang_of
from pmkz.crawler.politeness import rate_settings
from pmkz.crawler.sections import SectionWalk
from pmkz.storage import failures, identity, items, list_walks, revisits, runs, sitemaps
from pmkz.storage.identity import rebase
from pmkz.storage.store import utc_stamp
from pmkz.site import LANG_PREFIX, LANGUAGES, parse_langs

# Answers the article callback handles itself instead of Scrapy dropping them.
ARTICLE_STATUSES = [304, 404, 410]
# Articles go before the next list page: a page's articles are done before the walk
# moves on, so the resume position keeps up and the queue stays one page deep.
ARTICLE_PRIORITY = 1
# Answers to a list page after the first that mean the list ended there.
LIST_END_STATUSES = [404, 410]
# Pages a sitemap listed that no list showed, asked for so many at a time.
UNLISTED_SLICE = 500
# Marks a request for such a page: an answer that it is not there is kept, so it is not
# asked for again.
SITEMAP_ONLY_META = "pmkz_sitemap_only"


class NewsSpider(Spider):
    name = "news"

    def __init__(self, base_url=None, langs=None, since=None, until=None, full=False, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url
        self.langs = parse_langs(langs)
        self.window = DateWindow.from_strings(since, until)
        self.full = full not in (False, None, "", "0", "false", "no")
        self.cursors = {}  # lang -> ListCursor, while an incremental run walks the list
        self.revisiting = False  # an incremental run: the revisit policy picks re-checks
        self.sitemaps: SitemapReader | None = None  # a run not windowed by dates reads them
        self._planned = False  # the revisit plan was made (once the lists are done)
        self._last_check: str | None = None  # the archive's last check before this run
        self._unlisted_after: str | None = None  # where the walk over unlisted pages is
        self._crawl_run = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.base_url = (spider.base_url or crawler.settings["PMKZ_BASE_URL"]).rstrip("/")
        if not crawler.settings.frozen:
            # `scrapy crawl news -a base_url=...`: the rate that suits that site (polite for
            # the live site, full speed for a replica on loopback); `pmkz crawl` sets its own.
            crawler.settings.setdict(rate_settings(spider.base_url), priority="spider")
        if spider.langs is None:
            spider.langs = list(crawler.settings.getlist("PMKZ_LANGS") or LANGUAGES)
        path = crawler.settings.get("PMKZ_SELECTORS")
        spider.selectors = load_selectors(path) if path else KNOWN
        # The sections beside the news, found from the site's menus (crawler/sections.py).
        spider.section_walk = SectionWalk(spider, section_filter(crawler.settings.get("PMKZ_SECTIONS")))
        return spider

    @property
    def crawl_run(self) -> CrawlRun | NothingStored:
        """The crawl run: it owns the database the spider reads what is stored from (under
        `scrapy check`, which stores nothing, an empty one)."""
        if self._crawl_run is None:
            self._crawl_run = self.crawler.get_extension(CrawlRun) or NothingStored()
        return self._crawl_run

    async def start(self):
        recheck = self.settings.getint("PMKZ_RECHECK_NEWEST", 20)
        windowed = bool(self.window.since or self.window.until)
        self.crawler.signals.connect(self.item_handled, signal=signals.item_scraped)
        self.crawler.signals.connect(self.lists_done, signal=signals.spider_idle)
        db = self.crawl_run.db
        self.revisiting = not (self.full or windowed)
        # A run that stores nothing (a feed export alone) has nothing to re-check, and no
        # sitemap state to keep.
        storing = isinstance(self.crawl_run, CrawlRun)
        self._planned = not storing
        if storing:
            # Read before this run checks anything: its own checks are not the last run's.
            self._last_check = revisits.last_check(db, runs.get(db, self.crawl_run.run_id)["started"])
        for lang in self.langs:
            walk = self.full or windowed or not list_walks.list_walked(db, lang)
            first_page = f"{self.base_url}/{LANG_PREFIX[lang]}/news"
            resume_at = None
            if self.revisiting:
                # Keep a resumable position (a first backfill, or new items over several
                # pages), and resume from the last one if an earlier run was interrupted.
                self.cursors[lang] = ListCursor(lang)
                resume_at = list_walks.list_cursor(db, lang)
                resume_at = resume_at and rebase(resume_at, self.base_url)
            if resume_at and resume_at != first_page:  # page 1 twice would be a dropped duplicate
                # Page 1 only down to what is known; the walk goes on from the position,
                # at least to the page after it.
                yield self.list_request(first_page, lang, walk=False, first=True)
                yield self.list_request(resume_at, lang, walk=walk, resumed=True)
            else:
                yield self.list_request(first_page, lang, walk=walk, first=True)
            for request in self.section_walk.start_requests(lang, walk):
                yield request
            if not self.revisiting:
                newest = None if self.full else recheck
                for known_url in items.urls_to_recheck(db, lang, newest, self.window.since, self.window.until):
                    yield self.article_request(known_url, recheck=self.full)
        if storing and not windowed:
            self.sitemaps = SitemapReader(self)
            self._unlisted_after = ""
            yield self.sitemaps.start_request()
        if self.revisiting:
            for known_url in items.pages_with_failed_images(db):
                if lang_of(known_url) in self.langs:
                    yield self.article_request(known_url)
        # Pages that failed, and pages that could not be saved whole (a full disk).
        for failed_url in [*failures.urls(db, ("fetch", "parse")), *failures.pages_to_save_again(db)]:
            if (is_article_url(failed_url) or is_decision_url(failed_url)) and lang_of(failed_url) in self.langs:
                yield self.article_request(failed_url)

    def lists_done(self):
        """Idle: the lists (and the sitemaps) are done. Re-checks, then the pages only a
        sitemap listed, a slice at a time; the run ends when none is left."""
        requests = []
        if self.revisiting and not self._planned:
            self._planned = True
            requests = [self.article_request(url, recheck=True) for url in self.revisit_plan()]
        while not requests and self._unlisted_after is not None:
            requests = self._unlisted_slice()
        if requests:
            for request in requests:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def revisit_plan(self) -> list[str]:
        """The stored pages the revisit policy says are due now, within the budget; those
        whose sitemap lastmod moved first. Reading the sitemaps counts against the
        budget: it is re-reading what is known, as a re-check is."""
        db = self.crawl_run.db
        now = datetime.now(timezone.utc)
        last = self._last_check
        moved: list[str] = []

        def sitemap_moved(allowance: int) -> list[str]:
            moved.extend(sitemaps.moved(db, self.langs, allowance))
            return moved

        due = revisit.plan_stalest_first(
            lambda: (revisit.item_state(*row) for row in revisits.states(db, self.langs, utc_stamp(now))),
            revisits.count(db, self.langs), now, revisit.policy_from(self.settings),
            last_check=last and datetime.fromisoformat(last).timestamp(), ahead=sitemap_moved,
            spent=self.sitemaps.asked if self.sitemaps else 0)
        self.crawler.stats.set_value("pmkz/revisits", len(due))
        self.crawler.stats.set_value("pmkz/sitemaps/moved", len(moved))
        return due

    def _unlisted_slice(self) -> list[Request]:
        """Requests for the next slice of pages a sitemap listed, none of them stored
        or found not there before; [] with the walk ended when none is left."""
        found = sitemaps.unlisted(self.crawl_run.db, self._unlisted_after, UNLISTED_SLICE)
        if not found:
            self._unlisted_after = None
            return []
        self._unlisted_after = found[-1][0]
        requests = [self.article_request(url) for _, url in found if lang_of(url) in self.langs]
        for request in requests:
            request.meta[SITEMAP_ONLY_META] = True
        self.crawler.stats.inc_value("pmkz/sitemaps/unlisted", len(requests))
        return requests

    def list_request(self, url, lang, walk, first=False, resumed=False):
        # Past the first page, a 404 or 410 ends a list; on the first it is a failure.
        meta = {} if first else {"handle_httpstatus_list": LIST_END_STATUSES}
        return Request(url, callback=self.parse_list, errback=self.list_failed,
                       cb_kwargs={"lang": lang, "walk": walk, "resumed": resumed}, meta=meta)

    def parse_list(self, response, lang, walk, resumed=False):
        """A news list page: its articles, then its next page.

        @site_path /en/news
        @cb_kwargs {"lang": "en", "walk": true}
        @returns requests 2
        """
        if response.status in LIST_END_STATUSES:
            # A page after the first that is not there: a list numbered past its end
            # (2019-style lists are walked by guessing page N+1), not a failure.
            if walk:
                self.crawl_run.list_end_reached(lang)
            return
        self.crawler.stats.inc_value("pmkz/list_pages")
        listing = parse_listing(response.body, response.url, selectors=self.selectors)
        health.count_list_page(self.crawler.stats, len(listing.article_urls))
        wanted = [url for url in listing.article_urls if not self.window.excludes(listing.list_dates.get(url))]
        if self.revisiting or self.full:
            # Stored pages are re-checked when the revisit policy says so (or all of
            # them, by a full run), not because a list links them.
            known = identity.known_among(self.crawl_run.db, wanted)
            wanted = [url for url in wanted if url not in known]
        for url in wanted:
            yield self.article_request(url, teaser=listing.teasers.get(url))
        if lang in self.cursors:
            self._save_position(lang, self.cursors[lang].page_listed(response.url, wanted))
        if not listing.next_url or not listing.article_urls:
            if walk:
                self.crawl_run.list_end_reached(lang)
            progress.note_list_page(self.crawler.stats, lang, listing, following=False)
            return
        dates = [d for d in listing.list_dates.values() if d]
        something_new = len(identity.known_among(self.crawl_run.db, listing.article_urls)) < len(set(listing.article_urls))
        following = not self.window.all_older(dates) and (walk or something_new or resumed)
        progress.note_list_page(self.crawler.stats, lang, listing, following=following)
        if not following:
            if lang in self.cursors and list_walks.list_walked(self.crawl_run.db, lang):
                # Caught up with the list: a completed run needs no position.
                self.crawl_run.list_end_reached(lang)
            return
        yield self.list_request(listing.next_url, lang, walk=walk)

    def item_handled(self, item, response, spider):
        """An item went through every pipeline: its page counts as done for the cursor."""
        url = item.get("url")
        cursor = self.cursors.get(lang_of(url)) if url and is_article_url(url) else None
        if cursor:
            self._save_position(cursor.lang, cursor.article_handled(url))

    def _save_position(self, lang, page_url):
        if page_url:
            self.crawl_run.list_position(lang, page_url)

    def article_request(self, url, teaser=None, recheck=False):
        """`recheck`: a stored page, asked for once per run; exempt from the duplicate
        filter, which would otherwise drop every re-check redirected to a place an
        earlier one was redirected to, unrecorded."""
        # A stored page is asked for where the site is now: an item is its path, and the
        # address it was last fetched at may be an old one (storage/identity.py).
        url = rebase(url, self.base_url)
        return Request(
            url, headers=conditional_headers(items.validators(self.crawl_run.db, url)),
            callback=self.parse_article_page, errback=self.article_failed,
            meta={"handle_httpstatus_list": ARTICLE_STATUSES, "teaser": teaser}, priority=ARTICLE_PRIORITY,
            dont_filter=recheck,
        )

    def parse_article_page(self, response):
        """An article page: its record, or what happened to the page.

        @site_path /en/news/prime-minister-instructs-to-strengthen-control-over-return-31656
        @returns items 1 1
        @returns requests 0 0
        @scrapes url lang title published_date body image_urls
        """
        requested = canonical_url(response.request.meta.get("redirect_urls", [response.url])[0])
        if response.status == 304:
            yield PageUnchanged(url=requested)
            return
        if response.meta.get(SITEMAP_ONLY_META) and (response.status in (404, 410) or
                                                     canonical_url(response.url) != requested):
            # Listed, but not there: not asked for again.
            with self.crawl_run.writes.item() as store:
                sitemaps.mark_tried(store.db, [identity.path_of(requested)], utc_stamp())
        if response.status in (404, 410):
            yield PageGone(url=requested, reason=f"HTTP {response.status}")
            return
        if canonical_url(response.url) != requested:
            yield PageGone(url=requested, reason=f"redirects to {response.url}", redirect_to=canonical_url(response.url))
            if not is_article_url(response.url):
                return
        item = self.article_item(response)
        if item is not None:
            yield item

    def article_item(self, response):
        """The page's ArticleItem; PageFailed when it does not parse; None when it is
        outside the date window."""
        url = canonical_url(response.url)
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            health.count_parse_failure(stats, None)
            return PageFailed(url=url, kind="parse", error="not an HTML page", raw_html=response.body)
        try:
            record = parse_page(response.body, url, response.encoding, selectors=self.selectors)
        except NotAnArticle as error:
            health.count_parse_failure(stats, error.missing)
            return PageFailed(url=url, kind="parse", error=str(error), raw_html=response.body)
        except Exception as error:  # a parser bug: recorded, never dropped
            self.logger.exception("parsing %s failed", url)
            health.count_parse_failure(stats, None)
            return PageFailed(url=url, kind="parse", error=f"parser error: {error_line(error)}", raw_html=response.body)
        teaser = response.meta.get("teaser")
        if record["summary"] is None and not teaser:
            # A re-check comes from the revisit plan, not a list: the teaser stored then.
            stored = identity.stored_url(self.crawl_run.db, url)
            teaser = stored and items.listed_summary(self.crawl_run.db, stored)
        if record["summary"] is None and teaser:
            record["summary"] = teaser
            record["field_sources"]["summary"] = "listing"
        if record["kind"] != "decision":  # a decision has no lead nor images to count
            health.count_page(stats, record)
        if self.window.excludes(record["published_date"]):
            return None
        item = ArticleItem(**record)
        item["etag"], item["last_modified"] = validators_of(response)
        item["capture_id"] = response.meta.get(CAPTURE_META)
        return item

    def article_failed(self, failure):
        request = failure.request
        url = canonical_url(request.meta.get("redirect_urls", [request.url])[0])
        health.count_fetch_failure(self.crawler.stats)
        yield PageFailed(url=url, kind="fetch", error=failure_line(failure), raw_html=None)

    def list_failed(self, failure):
        error = failure_line(failure)
        health.count_fetch_failure(self.crawler.stats)
        if not self.crawler.stats.get_value("pmkz/first_list_error"):
            self.crawler.stats.set_value("pmkz/first_list_error", error)
        yield PageFailed(url=canonical_url(failure.request.url), kind="fetch", error=error, raw_html=None)

