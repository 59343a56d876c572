"""The verdict on a run: how it ended (`end_status`), and on a completed one `ok`, or
`degraded` with its reasons (`assess_run`).

The run's figures and breaches are kept as JSON in `crawl_runs.health` either way, so
that later runs compare with them and a person can see why a run was judged as it was.
"""
from __future__ import annotations

from dataclasses import asdict

from pmkz.crawler.health.checks import CHECKS, HISTORY_SETTING, MIN_PAGES_SETTING, assess
from pmkz.crawler.health.figures import figures_from_stats
from pmkz.storage import runs

# How Scrapy's close reason maps onto crawl_runs.status: a run ended early by a signal
# or by one of Scrapy's CLOSESPIDER_* limits is partial, not failed.
RUN_STATUS = {"finished": "ok", "shutdown": "interrupted", "closespider_itemcount": "interrupted",
              "closespider_pagecount": "interrupted", "closespider_timeout": "interrupted",
              "closespider_timeout_no_item": "interrupted", "closespider_errorcount": "interrupted"}


def end_status(reason: str, stats: dict, base_url: str) -> tuple[str, str | None]:
    """The run's status and error line from how it ended: failed when no list page was
    read, else by Scrapy's close reason."""
    if not stats.get("pmkz/list_pages", 0):
        error = stats.get("pmkz/first_list_error") or "no answer"
        return "failed", f"cannot read the news list at {base_url}: {error}"
    # A limit that ended the run early is named; an ordinary end or a signal is not.
    return RUN_STATUS.get(reason, "failed"), None if reason in ("finished", "shutdown") else reason


def thresholds_from(settings) -> dict:
    """Setting name -> threshold, for every check and the sample guard."""
    return {name: settings.getfloat(name) for name in (*(c.setting for c in CHECKS), MIN_PAGES_SETTING)}


def assess_run(settings, stats: dict, db, run_id: int) -> tuple[str, str | None]:
    """("ok", None) or ("degraded", the breached checks' sentences in one line).

    `stats`: the crawl's stats; `db`: the run's database, which keeps the verdict."""
    figures = figures_from_stats(stats)
    history = [h["figures"] for h in runs.recent_health(db, run_id, settings.getint(HISTORY_SETTING))]
    breaches = assess(figures, history, thresholds_from(settings))
    runs.record_health(db, run_id, {"figures": figures, "breaches": [asdict(b) for b in breaches]})
    if not breaches:
        return "ok", None
    return "degraded", "; ".join(breach.message for breach in breaches)
