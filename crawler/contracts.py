"""Spider contracts (`scrapy check news`) that work against any base URL.

Scrapy's `@url` takes an absolute URL, which would tie the contracts to one site; here
`@site_path /en/news` names a page by its path on the spider's base URL (`-a base_url=`
or PMKZ_BASE_URL), so the same contracts check the live site or a replica: plain
`scrapy check` starts a replica for them (crawler/scrapy_commands/check.py).
"""
from __future__ import annotations

from scrapy.contracts import Contract


class SitePathContract(Contract):
    """@site_path /en/news"""

    name = "site_path"

    def __init__(self, method, *args):
        super().__init__(method, *args)
        self.spider = method.__self__  # contracts are read from the spider's bound callbacks

    def adjust_request_args(self, args: dict) -> dict:
        args["url"] = self.spider.base_url + self.args[0]
        return args


class _NothingStored:
    """The archive as the spider reads it when no store pipeline runs (`scrapy check`,
    which runs callbacks without pipelines, and a feed export not asked to store,
    crawler/scrapy_commands/crawl.py): every page is new and nothing is kept."""

    def validators(self, url):
        return None

    def known_among(self, urls):
        return set()

    def listed_summary(self, url):
        return None

    def list_walked(self, lang):
        return False

    def list_cursor(self, lang):
        return None

    def save_list_cursor(self, lang, url):
        pass

    def urls_to_recheck(self, lang, **window):
        return []

    def checks_since(self, since, **clock):
        return 0

    def revisit_states(self, langs, **clock):
        return iter(())

    def count_items(self, langs):
        return 0

    def pages_with_failed_images(self):
        return []

    def failed_urls(self, kinds):
        return []

    def pages_to_save_again(self):
        return []


class NoArchive:
    store = _NothingStored()

    def list_end_reached(self, lang):
        pass
