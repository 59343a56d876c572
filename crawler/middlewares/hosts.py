"""Only the site's own hosts are fetched: pages from the base URL's host, images from
PMKZ_IMAGE_HOSTS (default: the base URL's host too).

Checked on every request, redirects included, before any byte is sent. The images
pipeline marks its requests with IMAGE_META; robots.txt may be read on any allowed host.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pmkz.crawler.middlewares.errors import OffsiteRequest

IMAGE_META = "pmkz_image"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class SiteHosts:
    pages: frozenset[str]
    images: frozenset[str]

    @classmethod
    def from_settings(cls, settings, base_url: str) -> "SiteHosts":
        base = host_of(base_url)
        images = {h.strip().lower() for h in settings.getlist("PMKZ_IMAGE_HOSTS") if h.strip()}
        return cls(frozenset({base}), frozenset(images or {base}))

    def image_allowed(self, url: str) -> bool:
        return host_of(url) in self.images

    def refusal(self, url: str, *, image: bool = False, robots: bool = False) -> str | None:
        """Why `url` may not be fetched, or None when it may."""
        host = host_of(url)
        allowed = self.pages | self.images if robots else self.images if image else self.pages
        if host in allowed:
            return None
        what = "an image host (PMKZ_IMAGE_HOSTS)" if image else "the site's host"
        return f"not fetched: {host or url} is not {what}"


class SiteHostsOnly:
    def __init__(self, crawler):
        self.crawler = crawler
        self._hosts: SiteHosts | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def hosts(self) -> SiteHosts:
        # Built on first use: the spider's own base_url (`-a base_url=`) wins over the setting.
        if self._hosts is None:
            base = getattr(self.crawler.spider, "base_url", None) or self.crawler.settings["PMKZ_BASE_URL"]
            self._hosts = SiteHosts.from_settings(self.crawler.settings, base)
        return self._hosts

    def process_request(self, request):
        if not hasattr(self.crawler.spider, "base_url"):
            return None  # not our spider: `scrapy shell URL` fetches what it is given
        robots = bool(request.meta.get("dont_obey_robotstxt")) and urlsplit(request.url).path == "/robots.txt"
        refusal = self.hosts.refusal(request.url, image=bool(request.meta.get(IMAGE_META)), robots=robots)
        if refusal:
            self.crawler.stats.inc_value("pmkz/offsite_refused")
            raise OffsiteRequest(refusal)
        return None
