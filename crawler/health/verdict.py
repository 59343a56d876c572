"""The verdict on a completed run: `ok`, or `degraded` with its reasons.

The run's figures and breaches are kept as JSON in `crawl_runs.health` either way, so
that later runs compare with them and a person can see why a run was judged as it was.
"""
from __future__ import annotations

from dataclasses import asdict

from pmkz.crawler.health.checks import CHECKS, HISTORY_SETTING, MIN_PAGES_SETTING, assess
from pmkz.crawler.health.figures import figures_from_stats


def thresholds_from(settings) -> dict:
    """Setting name -> threshold, for every check and the sample guard."""
    return {name: settings.getfloat(name) for name in (*(c.setting for c in CHECKS), MIN_PAGES_SETTING)}


def assess_run(settings, stats: dict, store, run_id: int) -> tuple[str, str | None]:
    """("ok", None) or ("degraded", the breached checks' sentences in one line).

    `stats`: the crawl's stats; `store`: the run's Store, which keeps the verdict."""
    figures = figures_from_stats(stats)
    history = [h["figures"] for h in store.recent_health(run_id, settings.getint(HISTORY_SETTING))]
    breaches = assess(figures, history, thresholds_from(settings))
    store.record_health(run_id, {"figures": figures, "breaches": [asdict(b) for b in breaches]})
    if not breaches:
        return "ok", None
    return "degraded", "; ".join(breach.message for breach in breaches)
