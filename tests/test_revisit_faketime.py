"""The revisit schedule over simulated days: incremental crawls every simulated hour under
libfaketime (Debian's `faketime`, scripts/install-test-tools.sh), never a `--full`.

The crawler reads the real clock; the test fakes it per crawl process, starting at the
replica's own time. Backfill at epoch 0, then the replica moves to epoch 1 (per language
3 new, 2 edited, 1 removed) and the cycles begin: every change must be found within the
period, edits of items younger than 3 days within a day, and no cycle may spend more than
the budget plus its list pages and new items (the sweep spends what the budget allows: a
small archive is re-checked every few cycles).

The default suite runs a faithful smaller version: a 6-hour period over 8 cycles (the
period and two cycles more, as the week's 168), 40 articles a language at 30 requests an
hour. There the period binds: the budget the young leave would sweep the archive in more
than 6 hours (with the period at 7 days, one of the changes is still unfound after 10
cycles), so the sweep spreads the changes over the first cycles and the last is found
about 4 hours in. The issue's full week (1,000 articles a language, 168 cycles) runs with
PMKZ_SLOW_TESTS=1.
Issue 23's acceptance at the budget's limit is in test_revisit_sweep_faketime.py, a
module of its own so that a second test worker runs it beside these.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

from helpers import (
    LIBFAKETIME, WEEK_CRAWL, EpochReplica, changes_of_epoch_1, check_week, connect, faked_clock, path_of, run_week,
    summary,
)

pytestmark = pytest.mark.skipif(not LIBFAKETIME.exists(), reason="libfaketime is not installed (scripts/install-test-tools.sh)")


@pytest.mark.slow
def test_every_change_is_found_within_the_period_without_a_full_run(tmp_path, faked_forked):
    week = run_week(tmp_path, faked_forked, articles=40, cycles=8, period_days=0.25, budget=30)
    check_week(week, timedelta(hours=6), budget=30)


@pytest.mark.skipif(os.environ.get("PMKZ_SLOW_TESTS") != "1", reason="the full week takes minutes: PMKZ_SLOW_TESTS=1")
def test_a_week_of_hourly_cycles_over_1000_articles_a_language(tmp_path, faked_forked):
    week = run_week(tmp_path, faked_forked, articles=1000, cycles=168, period_days=7)
    check_week(week, timedelta(days=7))


def test_a_crawl_with_the_clock_ahead_hides_no_later_change(tmp_path, faked_forked):
    """Check times written by a clock 30 days ahead are not 'checked in the future': the
    next crawl with the right clock re-checks those pages and finds every change."""
    site = EpochReplica("--articles", "20", "--decisions", "0")
    try:
        before = site.at(0).truth()
        ahead = faked_forked.run(site.current.url, tmp_path, *WEEK_CRAWL,
                                 env=faked_clock(datetime.now(timezone.utc) + timedelta(days=30)))
        assert summary(ahead)["status"] == "ok", ahead.stderr
        replica = site.at(1)
        changes = changes_of_epoch_1(before, replica.truth())
        right = faked_forked.run(replica.url, tmp_path, *WEEK_CRAWL)  # the real clock
        assert summary(right)["status"] == "ok", right.stderr
    finally:
        site.current.stop()
    db = connect(tmp_path / "pmkz.db")
    try:
        found = {path_of(url): event for url, event in db.execute(
            "SELECT url, event FROM item_events WHERE event IN ('changed', 'gone')")}
        future = db.execute("SELECT count(*) FROM revisits WHERE checked > ?",
                            [datetime.now(timezone.utc).isoformat()]).fetchone()[0]
    finally:
        db.close()
    assert found == {path: event for path, (event, _) in changes.items()}
    assert len(found) == 9
    # Each page re-checked with the right clock has a check time from it.
    assert future == 0
