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

