"""The revisit policy (crawler/revisit.py) on a simulated clock: a pure function of the
stored state and the time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pmkz.crawler.revisit import ItemState, Policy, item_state, pass_hours, plan, plan_stalest_first
from pmkz.storage import Store, revisits
from pmkz.storage.store import utc_stamp

NOW = datetime(2026, 11, 10, 12, tzinfo=timezone.utc).timestamp()
HOUR, DAY = 3600, 86400


def item(name: str, age_days: float, checked_hours_ago: float) -> ItemState:
    return ItemState(name, NOW - age_days * DAY, NOW - checked_hours_ago * HOUR)


def simulate(items: list[ItemState], policy: Policy, hours: int, start: float = NOW):
    """Hourly cycles; returns (checks per cycle, {url: [check times]})."""
    state = {i.url: i for i in items}
    per_cycle, checks = [], {}
    for hour in range(1, hours + 1):
        now = start + hour * HOUR
        due = plan(list(state.values()), now, policy)
        per_cycle.append(len(due))
        for url in due:
            state[url] = ItemState(url, state[url].published, now)
            checks.setdefault(url, []).append(now)
    return per_cycle, checks


def test_a_young_item_is_due_every_cycle_a_days_old_one_daily():
    policy = Policy()
    assert plan([item("young", 0.2, 0.9)], NOW, policy) == ["young"]
    assert plan([item("days", 3, 20)], NOW, policy) == []
    assert plan([item("days", 3, 23.5)], NOW, policy) == ["days"]


def test_an_item_published_after_the_clock_counts_as_young():
    assert plan([item("future", -30, 1)], NOW, Policy()) == ["future"]


def test_nothing_is_due_right_after_a_backfill_then_the_sweep_paces_itself():
    # 3,000 old items all checked by a backfill an instant ago.
    items = [item(f"u{i}", 100 + i / 10, 0) for i in range(3000)]
    assert plan(items, NOW, Policy()) == []
    per_cycle, checks = simulate(items, Policy(), 7 * 24)
    # About N / (period - cycle) an hour, never all at once.
    assert max(per_cycle) <= 3000 / 167 + 2
    assert set(checks) == {i.url for i in items}


def test_every_item_is_checked_within_the_period_with_hourly_cycles():
    items = [item(f"u{i}", i / 7, (i * 37) % 160) for i in range(2000)]
    _, checks = simulate(items, Policy(), 21 * 24)
    last = {i.url: i.checked for i in items}
    for url, times in checks.items():
        for at in times:
            assert at - last[url] <= 7 * DAY
            last[url] = at
    assert all(NOW + 21 * DAY - at <= 7 * DAY for at in last.values())


def test_the_budget_caps_a_cycle_and_counts_what_the_last_hour_spent():
    items = [item(f"u{i}", 0.1, 2) for i in range(50)]
    assert len(plan(items, NOW, Policy(budget=20))) == 20
    assert len(plan(items, NOW, Policy(budget=20), spent=15)) == 5
    assert plan(items, NOW, Policy(budget=20), spent=30) == []


def test_most_overdue_first_when_the_budget_is_short():
    items = [item("checked-long-ago", 400, 10 * 24), item("young", 0.1, 1), item("daily", 2, 30)]
    assert plan(items, NOW, Policy(budget=1)) == ["checked-long-ago"]


def test_the_policy_is_checked():
    with pytest.raises(ValueError):
        Policy(budget=0)
    with pytest.raises(ValueError):
        Policy(period=timedelta(minutes=30))
    assert pass_hours(1000, Policy()) == 168
    assert pass_hours(300_000, Policy()) == 300_000 / 900


def test_item_state_reads_the_stored_columns():
    state = item_state("u", "2026-11-01", None, "2026-11-02T00:00:00+00:00")
    assert state.published == datetime(2026, 10, 31, 19, tzinfo=timezone.utc).timestamp()  # UTC+5
    assert item_state("u", "2026-11-01", "2026-11-01T14:35:00+05:00", "2026-11-02T00:00:00+00:00").published \
        == datetime(2026, 11, 1, 9, 35, tzinfo=timezone.utc).timestamp()


def test_a_check_time_in_the_future_is_due_at_once_and_first(tmp_path):
    """A check stored while the clock was 30 days ahead is unknown, not fresh."""
    now = datetime.now(timezone.utc)
    with Store(tmp_path / "pmkz.db") as store:
        for name, checked in (("fresh", now - timedelta(hours=1)), ("ahead", now + timedelta(days=30)),
                              ("overdue", now - timedelta(days=8))):
            store.save_item({"url": f"http://h/ru/news/{name}-1", "site_id": 1, "lang": "ru", "kind": "news",
                             "category": None, "title": name, "published_date": "2026-01-01", "published_at": None,
                             "summary": None, "body": "B.", "image_urls": []}, now=checked)
            store.record_check(f"http://h/ru/news/{name}-1", now=checked)

        def due(budget):
            return plan_stalest_first(lambda: (item_state(*row) for row in revisits.states(store.db, ["ru"], utc_stamp(now))),
                                      revisits.count(store.db, ["ru"]), now, Policy(budget=budget))

        assert due(900) == ["http://h/ru/news/ahead-1", "http://h/ru/news/overdue-1"]
        assert due(1) == ["http://h/ru/news/ahead-1"]
        # Checks in the future have spent nothing of this hour's budget.
        assert store.checks_since(now - timedelta(hours=1)) == 1
