"""Issue 23's acceptance on a faked clock (libfaketime, scripts/install-test-tools.sh):
1,000 articles a language at 300 requests an hour, a backfill and then 13 hourly
incremental crawls, never a `--full`. The schedule's other checks over simulated days
are in test_revisit_faketime.py; this one is a module of its own so that a second test
worker runs it beside them.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from helpers import LIBFAKETIME, check_week, run_week

pytestmark = pytest.mark.skipif(not LIBFAKETIME.exists(), reason="libfaketime is not installed (scripts/install-test-tools.sh)")


@pytest.mark.slow
def test_every_change_is_found_within_the_sweep_at_a_small_budget(tmp_path, faked_forked):
    # Issue 23's acceptance: 3,000 items at 300 requests an hour sweep in about 10 hours
    # (the young's bands take the rest of the budget); every edit, removal and new item
    # is found within 13 hourly cycles, no cycle over the budget.
    week = run_week(tmp_path, faked_forked, articles=1000, cycles=13, period_days=7, budget=300)
    figures = check_week(week, timedelta(hours=13), budget=300)
    assert figures["found"] == 9
