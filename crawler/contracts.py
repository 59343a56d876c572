"""Spider contracts (`scrapy check news`) that work against any base URL.

Scrapy's `@url` takes an absolute URL, which would tie the contracts to one site; here
`@site_path /en/news` names a page by its path on the spider's base URL (`-a base_url=`
or PMKZ_BASE_URL), so the same contracts check the live site or a replica.
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
    """The archive as the spider reads it when no store pipeline runs: `scrapy check`
    runs callbacks without pipelines, so every page is new and nothing is kept."""

    def validators(self, url):
        return None

    def known_among(self, urls):
        return set()

    def list_walked(self, lang):
        return False

    def save_list_cursor(self, lang, url):
        pass


class NoArchive:
    store = _NothingStored()

    def list_end_reached(self, lang):
        pass
