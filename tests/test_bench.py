"""`pmkz bench --quick --json` runs the whole suite and reports every figure.

Benchmarks measure; tests do not time. This only checks that each step ran against
the replica and produced its figures, with their targets judged.
"""
from __future__ import annotations

import json
import numbers

import pytest

from pmkz.bench.crawls import DECISIONS
from pmkz.bench.report import table
from pmkz.bench.search import table as search_table
from helpers import pmkz_here

pytestmark = pytest.mark.slow

FIGURES = {
    "throughput": ["ratio", "ratio_no_images", "ratio_full_to_bare_pages_only", "pages",
                   "image_requests_per_page"],
    "parse": ["median_ms", "p95_ms", "pages"],
    "dates": ["fast_per_s", "dateparser_per_s", "speedup", "texts"],
    "store": ["records", "new_s", "unchanged_s"],
    "memory": ["crawl_pages", "small_stored", "small_peak_mb", "large_stored", "large_peak_mb", "ratio",
               "small_peak_mb_no_images", "large_peak_mb_no_images", "ratio_no_images"],
    "idle": ["small_items", "small_requests", "large_items", "large_requests"],
}
TARGETS = ["parse_median_ms", "date_speedup", "store_new_s", "memory_ratio",
           "memory_ratio_no_images", "idle_requests", "reparse_s"]


def bench(*args: str) -> dict:
    """`pmkz bench ARGS --json` in this process (its crawls and replicas run in processes
    of their own, as ever): the figures it prints."""
    result = pmkz_here("bench", *args, "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def figures():
    return bench("--quick")


def test_quick_bench_reports_every_figure_as_json(figures):
    assert figures["quick"] is True
    for section, names in FIGURES.items():
        for name in names:
            value = figures[section][name]
            assert isinstance(value, numbers.Real) and value > 0, (section, name, value)
    assert figures["dates"]["equal"] is True and figures["dates"]["mismatches"] == []
    throughput = figures["throughput"]
    # Articles, decisions and one list page per language.
    assert throughput["pages"] == 3 * 10 + 3 * DECISIONS + 3
    for variant in ("bare", "bare_images", "full", "full_no_images"):
        assert throughput["pages_per_s"][variant] > 0
    # Each pair compared makes the same requests; the images add some.
    assert throughput["requests"]["full"] == throughput["requests"]["bare_images"]
    assert throughput["requests"]["full_no_images"] == throughput["requests"]["bare"]
    assert throughput["requests"]["full"] > throughput["requests"]["full_no_images"]
    # The same crawl, into a database holding more stored pages the second time.
    assert figures["memory"]["large_stored"] > figures["memory"]["small_stored"] == 3 * (10 + DECISIONS)
    assert figures["idle"]["large_items"] > figures["idle"]["small_items"]
    # The raw archive: its disk per 1,000 pages, and reparse over a crawl of 30 pages.
    reparse = figures["warc"]["reparse"]
    assert reparse["pages"] == 30 and reparse["changed_pages_per_s"] > 0 and reparse["unchanged_pages_per_s"] > 0
    for disk in (figures["warc"]["with_images"], reparse["disk"]):
        assert disk["mb_per_1000_pages"]["warc"] > 0 and 0 < disk["warc_share"] < 1
    # One long edit stored with its diff, and read back as a reader does.
    edit = figures["store"]["long_edit"]
    assert edit["paragraphs"] == 300 and all(edit[k] > 0 for k in ("store_s", "changed_this_week_ms", "version_page_ms"))
    for name in TARGETS:
        assert set(figures["targets"][name]) == {"value", "target", "met"}
        assert isinstance(figures["targets"][name]["met"], bool)


def test_the_table_shows_each_figure(figures):
    text = table(figures)
    for words in ("bare Scrapy spider", "full pipeline", "parse per page", "dates, speed-up",
                  "store, 300 new records", "peak memory", "idle cycle requests", "QUICK",
                  "WARC per 1,000 pages", "reparse, 30 captured pages",
                  "store an edit of 300 paragraphs", "changed this week / its version page"):
        assert words in text


def test_quick_search_bench_measures_recall_precision_and_speed():
    figures = bench("--search", "--quick")
    for lang in ("ru", "kk"):
        result = figures["quality"][lang]
        assert result["queries"] >= 10 and len(result["words"]) == result["queries"]
        for name in ("before_recall", "after_recall", "before_precision", "after_precision"):
            assert 0 <= result[name] <= 1
        # The replica prints other forms than the word searched: the exact form misses some.
        assert result["after_recall"] > result["before_recall"]
        for row in result["words"]:
            assert row["truth"] > 0 and row["forms"]
    speed = figures["speed"]
    assert speed["items"] == 2_000 and speed["searches"] > 0 and speed["target_p95_ms"] == 100
    assert 0 < speed["median_ms"] <= speed["p95_ms"]
    assert figures["phrase_speed"]["items"] == 2_000 and figures["phrase_speed"]["searches"] > 0
    # The longest word the box takes, with no hits: its suggestions found the word's
    # dictionary form as the longest prefix an item's words begin with.
    assert figures["no_hits"]["suggested"] == ["правительство*"] and figures["no_hits"]["median_ms"] > 0
    text = search_table(figures)
    assert "one-word search on 2,000 items" in text and "search with an exact phrase on 2,000 items" in text
    assert "a 1,000-character word with no hits" in text
