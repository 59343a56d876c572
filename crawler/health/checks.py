"""The health checks: each a small named unit with one threshold setting.

A check measures one figure of a run (crawler.health.figures) as a share or a ratio,
compares it with its threshold and, when breached, says so in one sentence a person
reading an alert understands ("42% of 120 article pages had no body"). Share checks wait
for a sample of PMKZ_HEALTH_MIN_PAGES pages: three new items of which one lacks images
say nothing about the site.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Callable

MIN_PAGES_SETTING = "PMKZ_HEALTH_MIN_PAGES"
HISTORY_SETTING = "PMKZ_HEALTH_HISTORY"


@dataclass(frozen=True)
class Breach:
    check: str
    value: float
    threshold: float
    message: str


@dataclass(frozen=True)
class Check:
    name: str
    setting: str  # the threshold's setting name
    most: bool  # True: the value may be at most the threshold; False: at least
    # (figures, history, min_pages) -> (value, sample size) or None when not measurable.
    measure: Callable[[dict, list[dict], int], tuple[float, int] | None]
    # (value, sample size) -> the alert sentence, to which the limit is added.
    explain: Callable[[float, int], str]

    def judge(self, figures: dict, history: list[dict], thresholds: dict, min_pages: int) -> Breach | None:
        measured = self.measure(figures, history, min_pages)
        if measured is None:
            return None
        value, sample = measured
        threshold = float(thresholds[self.setting])
        if not ((value > threshold) if self.most else (value < threshold)):
            return None
        limit = f"{'at most' if self.most else 'at least'} {_pct(threshold)}"
        return Breach(self.name, round(value, 4), threshold, f"{self.explain(value, sample)} ({limit})")


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _share(part: int, whole: int, min_pages: int) -> tuple[float, int] | None:
    return (part / whole, whole) if whole >= max(1, min_pages) else None


def _missing(field: str) -> Callable:
    return lambda f, h, m: _share(f["missing"][field], f["pages"], m)


def _present(field: str) -> Callable:
    return lambda f, h, m: _share(f["with"][field], f["parsed"], m)


def _list_yield(figures: dict, history: list[dict], min_pages: int) -> tuple[float, int] | None:
    """The most articles one list page linked, against the median of recent runs: a
    list markup the parser no longer reads links fewer, whatever the run's mode."""
    earlier = [h["list_links_max"] for h in history if h.get("list_links_max")]
    if not earlier or not figures["list_pages"]:
        return None
    return figures["list_links_max"] / median(earlier), figures["list_pages"]


CHECKS = (
    Check("parse_failures", "PMKZ_HEALTH_MAX_PARSE_FAILURES", True,
          lambda f, h, m: _share(f["parse_failed"], f["pages"], m),
          lambda v, n: f"{_pct(v)} of {n} article pages could not be parsed"),
    Check("title", "PMKZ_HEALTH_MAX_NO_TITLE", True, _missing("title"),
          lambda v, n: f"{_pct(v)} of {n} article pages had no headline"),
    Check("published", "PMKZ_HEALTH_MAX_NO_DATE", True, _missing("published"),
          lambda v, n: f"{_pct(v)} of {n} article pages had no publication date"),
    Check("body", "PMKZ_HEALTH_MAX_NO_BODY", True, _missing("body"),
          lambda v, n: f"{_pct(v)} of {n} article pages had no body"),
    Check("summary", "PMKZ_HEALTH_MIN_SUMMARY", False, _present("summary"),
          lambda v, n: f"only {_pct(v)} of {n} parsed pages had a summary"),
    Check("images", "PMKZ_HEALTH_MIN_IMAGES", False, _present("images"),
          lambda v, n: f"only {_pct(v)} of {n} parsed pages had images"),
    Check("list_yield", "PMKZ_HEALTH_MIN_LIST_YIELD", False, _list_yield,
          lambda v, n: f"the fullest of {n} list pages linked {_pct(v)} as many articles as in recent runs"),
    Check("fetch_errors", "PMKZ_HEALTH_MAX_FETCH_ERRORS", True,
          lambda f, h, m: _share(f["fetch_failed"], f["requests"], m),
          lambda v, n: f"{_pct(v)} of {n} requests failed for good"),
    Check("retries", "PMKZ_HEALTH_MAX_RETRIES", True,
          lambda f, h, m: _share(f["retries"], f["requests"], m),
          lambda v, n: f"{_pct(v)} of {n} requests were retries"),
)


def assess(figures: dict, history: list[dict], thresholds: dict) -> list[Breach]:
    """Every check the run breaches, in CHECKS order. `history`: the figures of recent
    runs, newest first; `thresholds`: setting name -> value (Scrapy settings will do)."""
    min_pages = int(thresholds[MIN_PAGES_SETTING])
    breaches = [check.judge(figures, history, thresholds, min_pages) for check in CHECKS]
    return [breach for breach in breaches if breach is not None]
