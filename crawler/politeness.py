"""Crawl-rate settings: polite for the live site, relaxed only for a loopback replica.

Retry backoff is part of it: a failing site gets room to recover, a replica on this
machine does not need it (Retry-After is honoured either way).
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

POLITE = {
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "DOWNLOAD_DELAY": 0.5,
    "CONCURRENT_REQUESTS": 8,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    # Seconds before the first retry of a failed request, doubled for each further one.
    "PMKZ_RETRY_BACKOFF": 1.0,
}

# A replica on this machine: no one to be polite to, so go as fast as Scrapy can.
# robots.txt is still obeyed so that its handling stays tested.
LOOPBACK = {
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "PMKZ_RETRY_BACKOFF": 0.05,
}


def is_loopback(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def rate_settings(base_url: str) -> dict:
    return dict(LOOPBACK if is_loopback(base_url) else POLITE)
