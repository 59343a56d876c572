"""Against the live primeminister.kz: skipped, never faked, when it cannot be reached."""
from __future__ import annotations

import socket
import urllib.request

import pytest

LIVE = "https://primeminister.kz"


def live_site_reachable() -> bool:
    try:
        socket.create_connection(("primeminister.kz", 443), timeout=5).close()
        return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.requires_internet,
    pytest.mark.skipif(not live_site_reachable(), reason="primeminister.kz is not reachable from here"),
]


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "pmkz tests (press-release archiver)"})
    return urllib.request.urlopen(request, timeout=30).read()


@pytest.mark.parametrize("prefix", ["ru", "kz", "en"])
def test_live_list_and_newest_article_parse(prefix):
    from pmkz.crawler.parsing import parse_article, parse_listing

    listing = parse_listing(fetch(f"{LIVE}/{prefix}/news"), f"{LIVE}/{prefix}/news")
    assert listing.article_urls, "no article links found on the live list page"
    record = parse_article(fetch(listing.article_urls[0]), listing.article_urls[0])
    assert record["title"] and record["published_date"] and record["body"]
