"""A run's revisit bookkeeping: when each page was checked, pages that come back after
they were gone, and pages found gone, held to the run's end so that a mass
disappearance (crawler/health/disappearance.py) marks nothing gone. The store pipeline
tells it each item it writes; the crawl run (crawler/crawl_run.py) settles it at close.
A page's answer (its record, a 304, or gone) also confirms its sitemap lastmod
(storage/sitemaps.py); a failed fetch confirms nothing, so a moved page stays due."""
from __future__ import annotations

from pmkz.crawler.health.disappearance import MIN_PAGES_SETTING, SHARE_SETTING, mass_disappearance
from pmkz.crawler.items import ArticleItem, PageFailed, PageGone, PageUnchanged
from pmkz.storage import Store, sitemaps


class RevisitLog:
    def __init__(self, settings):
        self.share = settings.getfloat(SHARE_SETTING)
        self.min_pages = settings.getint(MIN_PAGES_SETTING)
        self.held: dict[str, str | None] = {}  # url -> where it redirects, or None
        self.rechecked = 0  # known pages this run had an answer from

    def hold(self, store: Store, item: PageGone) -> None:
        url = item["url"]
        if store.item_status(url) is not None and url not in self.held:
            self.held[url] = item.get("redirect_to")
            self.rechecked += 1

    def before_write(self, store: Store, item) -> bool:
        """True when the item's page was gone and answers again."""
        if not isinstance(item, (ArticleItem, PageUnchanged)):
            return False
        status = store.item_status(item["url"])
        self.rechecked += status is not None
        return status == "gone"

    def after_write(self, store: Store, item, returned: bool, run_id: int | None) -> None:
        if returned:
            store.record_return(item["url"], run_id=run_id)
        if isinstance(item, (ArticleItem, PageUnchanged, PageFailed)):
            store.record_check(item["url"])
        if isinstance(item, (ArticleItem, PageUnchanged)):
            sitemaps.confirm(store.db, item["url"])

    def settle(self, store: Store, run_id: int | None) -> tuple[int, str | None]:
        """Mark the held pages gone unless they are a mass disappearance: (how many were
        marked, the alert or None)."""
        alert = mass_disappearance(list(self.held.items()), self.rechecked, self.share, self.min_pages)
        marked = 0
        if alert is None:
            with store.batch():
                for url in self.held:
                    marked += store.mark_gone(url, run_id=run_id)
                    store.record_check(url)
                    sitemaps.confirm(store.db, url)
        self.held.clear()
        return marked, alert
