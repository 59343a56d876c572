"""Run health checks as a table of cases built from crawl stats, as spidermon's tests do:
no crawl, just the figures a run would leave and the verdict on them."""
from __future__ import annotations

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from pmkz.crawler import health
from pmkz.crawler.health.checks import CHECKS, assess
from pmkz.crawler.health.figures import PREFIX
from pmkz.crawler.health.verdict import thresholds_from

DEFAULTS = Settings()
DEFAULTS.setmodule("pmkz.crawler.settings")


def run_stats(pages=200, failed=None, summary=0.9, images=0.7, list_pages=10, list_max=20,
              requests=400, retries=0, fetch_failed=0) -> dict:
    """Crawl stats of a run: `failed` maps a missing field ("body", or None for a page
    that is no HTML) to how many pages lacked it; the rest parsed."""
    failed = failed or {}
    parse_failed = sum(failed.values())
    parsed = pages - parse_failed
    stats = {
        PREFIX + "pages": pages, PREFIX + "parsed": parsed, PREFIX + "parse_failed": parse_failed,
        PREFIX + "with/summary": round(parsed * summary), PREFIX + "with/images": round(parsed * images),
        PREFIX + "list_pages": list_pages, PREFIX + "list_links": list_pages * list_max,
        PREFIX + "list_links_max": list_max, PREFIX + "fetch_failed": fetch_failed,
        "downloader/request_count": requests, "retry/count": retries,
    }
    stats.update({f"{PREFIX}missing/{name}": n for name, n in failed.items() if name})
    return stats


def past(list_max=20) -> dict:
    return health.figures_from_stats(run_stats(list_max=list_max))


CASES = [
    # (case, stats, history, threshold overrides, breached checks)
    ("healthy", run_stats(), [past()] * 3, {}, []),
    ("healthy without history", run_stats(), [], {}, []),
    ("42% without a body", run_stats(failed={"body": 84}), [past()], {}, ["parse_failures", "body"]),
    ("3% without a body is tolerated", run_stats(failed={"body": 6}), [past()], {}, []),
    ("exactly at the limit", run_stats(failed={"body": 10}), [past()], {}, []),
    ("no headline", run_stats(failed={"title": 20}), [], {}, ["parse_failures", "title"]),
    ("no date", run_stats(failed={"published": 12}), [], {}, ["parse_failures", "published"]),
    ("pages that are no HTML", run_stats(failed={None: 30}), [], {}, ["parse_failures"]),
    ("too few pages to judge", run_stats(pages=6, failed={"body": 6}), [], {}, []),
    ("the sample guard lowered", run_stats(pages=6, failed={"body": 6}), [],
     {"PMKZ_HEALTH_MIN_PAGES": 5}, ["parse_failures", "body"]),
    ("summaries gone", run_stats(summary=0.3), [], {}, ["summary"]),
    ("images gone", run_stats(images=0.1), [], {}, ["images"]),
    ("list reads few links", run_stats(list_max=4), [past(20), past(20), past(18)], {}, ["list_yield"]),
    ("list a little shorter", run_stats(list_max=12), [past(20)], {}, []),
    ("list with nothing to compare", run_stats(list_max=4), [], {}, []),
    ("requests failing for good", run_stats(fetch_failed=60), [], {}, ["fetch_errors"]),
    ("many retries", run_stats(retries=240), [], {}, ["retries"]),
    ("a threshold raised in settings", run_stats(failed={"body": 84}), [],
     {"PMKZ_HEALTH_MAX_NO_BODY": 0.5, "PMKZ_HEALTH_MAX_PARSE_FAILURES": 0.5}, []),
]


@pytest.mark.parametrize("case, stats, history, overrides, breached", CASES, ids=[c[0] for c in CASES])
def test_verdict(case, stats, history, overrides, breached):
    settings = DEFAULTS.copy()
    settings.setdict(overrides, priority="cmdline")
    breaches = assess(health.figures_from_stats(stats), history, thresholds_from(settings))
    assert [b.check for b in breaches] == breached


def test_alert_sentences_say_what_went_missing():
    [failures, body] = assess(health.figures_from_stats(run_stats(failed={"body": 84})), [], thresholds_from(DEFAULTS))
    assert body.message == "42% of 200 article pages had no body (at most 5%)"
    assert failures.message == "42% of 200 article pages could not be parsed (at most 5%)"
    assert (body.value, body.threshold) == (0.42, 0.05)


def test_every_check_has_its_own_threshold_setting():
    settings = [check.setting for check in CHECKS]
    assert len(set(settings)) == len(settings) == len({check.name for check in CHECKS})
    assert all(DEFAULTS.get(name) is not None for name in settings)


def test_the_spiders_counts_become_the_figures():
    stats = get_crawler().stats
    record = {"field_sources": {"title": "h1", "published": "selector:div.date", "body": "structure",
                                "summary": "meta:og:description"}}
    for _ in range(3):
        health.count_page(stats, record)
    health.count_parse_failure(stats, "body")
    health.count_list_page(stats, 20)
    health.count_list_page(stats, 3)
    health.count_fetch_failure(stats)
    # As crawler/sections.py counts them: a home page read, a section's two list pages.
    stats.inc_value("pmkz/sections/ru/home_pages")
    stats.inc_value("pmkz/sections/ru/decisions/pages", 2)
    stats.inc_value("pmkz/sections/ru/decisions/items", 20)
    figures = health.figures_from_stats(stats.get_stats())
    assert (figures["pages"], figures["parsed"], figures["parse_failed"]) == (4, 3, 1)
    assert figures["missing"] == {"title": 0, "published": 0, "body": 1}
    assert figures["with"] == {"summary": 3, "images": 0, "translations": 0}
    assert figures["sources"]["published"] == {"selector:div.date": 3}
    assert (figures["list_pages"], figures["list_links"], figures["list_links_max"]) == (2, 23, 20)
    assert figures["fetch_failed"] == 1
    assert figures["section_pages"] == 3
