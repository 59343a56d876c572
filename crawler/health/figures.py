"""What a crawl run measured for its health check, kept in Scrapy's crawl stats.

The spider counts as it goes (`count_page`, `count_parse_failure`, `count_list_page`,
`count_fetch_failure`); `figures_from_stats` turns the stats into the plain dict that
the checks read and that `crawl_runs.health` keeps, so checks run on stats alone.
"""
from __future__ import annotations

PREFIX = "pmkz/health/"
# Where crawler/sections.py counts the home pages and section list pages it asked for.
SECTIONS = "pmkz/sections/"
# Fields a parse needs (their absence is a parse failure) and fields a page may lack.
REQUIRED = ("title", "published", "body")
OPTIONAL = ("summary", "images", "translations")


def count_page(stats, record: dict) -> None:
    """An article page that parsed: which optional fields it had, and every field's layer."""
    stats.inc_value(PREFIX + "pages")
    stats.inc_value(PREFIX + "parsed")
    sources = record.get("field_sources") or {}
    for name in OPTIONAL:
        if sources.get(name):
            stats.inc_value(f"{PREFIX}with/{name}")
    for name, source in sources.items():
        stats.inc_value(f"{PREFIX}source/{name}/{source}")


def count_parse_failure(stats, missing: str | None) -> None:
    """An article page that did not parse; `missing` is the field it lacked, if one."""
    stats.inc_value(PREFIX + "pages")
    stats.inc_value(PREFIX + "parse_failed")
    if missing:
        stats.inc_value(f"{PREFIX}missing/{missing}")


def count_list_page(stats, article_links: int) -> None:
    stats.inc_value(PREFIX + "list_pages")
    stats.inc_value(PREFIX + "list_links", article_links)
    # The fullest list page shows the list's page size, whether the run walked one page
    # or fifty, and whatever the partly filled or empty last page held.
    stats.max_value(PREFIX + "list_links_max", article_links)


def count_fetch_failure(stats) -> None:
    stats.inc_value(PREFIX + "fetch_failed")


def figures_from_stats(stats: dict) -> dict:
    """The run's health figures from a crawl-stats dict (`crawler.stats.get_stats()`)."""
    def value(name: str) -> int:
        return int(stats.get(PREFIX + name, 0))

    sources: dict[str, dict[str, int]] = {}
    for key, count in stats.items():
        if key.startswith(PREFIX + "source/"):
            name, source = key[len(PREFIX + "source/"):].split("/", 1)
            sources.setdefault(name, {})[source] = int(count)
    return {
        "pages": value("pages"),
        "parsed": value("parsed"),
        "parse_failed": value("parse_failed"),
        "missing": {name: value(f"missing/{name}") for name in REQUIRED},
        "with": {name: value(f"with/{name}") for name in OPTIONAL},
        "sources": {name: dict(sorted(counts.items())) for name, counts in sorted(sources.items())},
        "list_pages": value("list_pages"),
        "list_links": value("list_links"),
        "list_links_max": value("list_links_max"),
        "requests": int(stats.get("downloader/request_count", 0)),
        "retries": int(stats.get("retry/count", 0)),
        "fetch_failed": value("fetch_failed"),
        # What reading the menus and walking the sections beside the news cost.
        "section_pages": sum(int(count) for key, count in stats.items()
                             if key.startswith(SECTIONS) and key.endswith(("/pages", "/home_pages"))),
    }
