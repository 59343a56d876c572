"""The revisit policy (crawler/revisit.py) on a simulated clock: a pure function of the
stored state and the time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pmkz.crawler.revisit import ItemState, Policy, item_state, plan, plan_stalest_first, sweep_hours
from pmkz.storage import Store, revisits
from pmkz.storage.store import utc_stamp

NOW = datetime(2026, 11, 10, 12, tzinfo=timezone.utc).timestamp()
HOUR, DAY = 3600, 86400


def item(name: str, age_days: float, checked_hours_ago: float, changed_days_ago: float | None = None) -> ItemState:
    return ItemState(name, NOW - age_days * DAY, NOW - checked_hours_ago * HOUR,
                     None if changed_days_ago is None else NOW - changed_days_ago * DAY)


def due_among_fresh(*items: ItemState) -> list[str]:
    """What is due among 1,000 old items checked just now, at a budget that sweeps them
    in 100 hours: only what the bands of the young make due."""
    fresh = [item(f"fresh{i}", 100, 0) for i in range(1000)]
    return plan([*items, *fresh], NOW, Policy(budget=10))


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


def test_the_young_are_checked_as_often_as_newsdiffs_does():
    # Every cycle under a day, every 3 hours under a week, daily under a month; a
    # check due before the next cycle is made now.
    assert due_among_fresh(item("hours", 0.2, 0.9)) == ["hours"]
    assert due_among_fresh(item("days", 3, 1)) == []
    assert due_among_fresh(item("days", 3, 2.5)) == ["days"]
    assert due_among_fresh(item("weeks", 20, 20)) == []
    assert due_among_fresh(item("weeks", 20, 23.5)) == ["weeks"]
    assert due_among_fresh(item("old", 100, 23.5)) == []


def test_an_item_that_changed_recently_is_checked_as_if_it_were_young():
    assert due_among_fresh(item("edited", 400, 2.5, changed_days_ago=2)) == ["edited"]
    assert due_among_fresh(item("edited-long-ago", 400, 2.5, changed_days_ago=200)) == []


def test_an_item_published_after_the_clock_counts_as_young():
    assert plan([item("future", -30, 1)], NOW, Policy()) == ["future"]


def test_nothing_is_due_right_after_a_backfill_then_the_sweep_paces_itself_to_the_budget():
    # 3,000 old items all checked by a backfill an instant ago: an idle run, seconds
    # later, has nothing due; from then on the sweep takes the budget's share each
    # hour, not all at once.
    items = [item(f"u{i}", 100 + i / 10, 0) for i in range(3000)]
    policy = Policy(budget=90)
    assert plan(items, NOW + 60, policy) == []
    per_cycle, checks = simulate(items, policy, 48)
    assert max(per_cycle) <= 90
    assert sum(per_cycle[-24:]) >= 24 * 90 * 0.9


def test_every_item_is_checked_within_the_archive_over_the_budget():
    # 3,000 old items at 90 requests an hour: a sweep every 3000 / 90 = 33 hours, not
    # every period (7 days), whatever the state it starts from.
    items = [item(f"u{i}", 100 + i / 7, (i * 37) % 160) for i in range(3000)]
    policy = Policy(budget=90)
    limit = sweep_hours(items, NOW, policy)
    assert limit == pytest.approx(3000 / 90)
    _, checks = simulate(items, policy, 6 * 24)
    waits = [at - before for times in checks.values() for before, at in zip(times, times[1:])]
    assert waits and max(waits) <= (limit + 2) * HOUR
    last = {i.url: max(checks.get(i.url, [i.checked])) for i in items}
    assert all(NOW + 6 * DAY - at <= (limit + 2) * HOUR for at in last.values())


def test_every_item_is_checked_within_the_period_with_hourly_cycles():
    items = [item(f"u{i}", i / 7, (i * 37) % 160) for i in range(2000)]
    _, checks = simulate(items, Policy(), 21 * 24)
    last = {i.url: i.checked for i in items}
    for url, times in checks.items():
        for at in times:
            assert at - last[url] <= 7 * DAY
            last[url] = at
    assert all(NOW + 21 * DAY - at <= 7 * DAY for at in last.values())


def test_the_budget_caps_a_cycle():
    items = [item(f"u{i}", 0.1, 2) for i in range(50)]
    assert len(plan(items, NOW, Policy(budget=20))) == 20


def test_a_run_spends_the_budgets_share_of_the_time_since_the_last_check():
    # Hourly runs each spend the budget (the last run's checks a few minutes into the
    # hour do not halve the next one); runs closer together share it.
    items = [item(f"u{i}", 0.1, 2) for i in range(50)]
    due = lambda last_check: plan(items, NOW, Policy(budget=20), last_check)  # noqa: E731
    assert len(due(NOW - 58 * 60)) == 19
    assert len(due(NOW - 2 * HOUR)) == 20
    assert len(due(NOW - 15 * 60)) == 5
    assert due(NOW - 60) == []


def test_pages_a_sitemap_says_changed_go_first_and_count_against_the_share():
    items = [item(f"u{i}", 0.1, 2) for i in range(50)]
    asked = []

    def moved(allowance):
        asked.append(allowance)
        return ["u40", "u41", "u42"]

    due = plan(items, NOW, Policy(budget=20), NOW - 15 * 60, ahead=moved)
    assert asked == [5] and due[:3] == ["u40", "u41", "u42"] and len(due) == len(set(due)) == 5
    # The sitemap's own reads come off the share first, and cap what it moved.
    asked.clear()
    assert plan(items, NOW, Policy(budget=20), NOW - 15 * 60, ahead=moved, spent=3) == ["u40", "u41"]
    assert asked == [2]


def test_most_overdue_first_when_the_budget_is_short():
    items = [item("checked-long-ago", 400, 10 * 24), item("young", 0.1, 1), item("daily", 2, 30)]
    assert plan(items, NOW, Policy(budget=1)) == ["checked-long-ago"]


def test_the_policy_is_checked():
    with pytest.raises(ValueError):
        Policy(budget=0)
    with pytest.raises(ValueError):
        Policy(period=timedelta(minutes=30))
    old = [item(f"u{i}", 100, 1) for i in range(1000)]
    assert sweep_hours(old, NOW, Policy()) == pytest.approx(1000 / 900)
    # The period bounds the sweep when the budget cannot keep up.
    assert sweep_hours(old * 300, NOW, Policy()) == 7 * 24
    # The young's bands take their share of the budget first: 24 items of the last
    # day, one request each an hour (a cycle ahead).
    young = [item(f"y{i}", 0.5, 0) for i in range(24)]
    assert sweep_hours(old + young, NOW, Policy(budget=124)) == pytest.approx(1024 / 100)


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


def test_the_stored_state_carries_when_a_fetch_last_found_a_change(tmp_path):
    now = datetime.now(timezone.utc)
    record = {"site_id": 1, "lang": "ru", "kind": "news", "category": None, "published_date": "2025-01-01",
              "published_at": None, "summary": None, "image_urls": []}
    with Store(tmp_path / "pmkz.db") as store:
        for name in ("edited", "untouched", "reparsed"):
            store.save_item({**record, "url": f"http://h/ru/news/{name}-1", "title": name, "body": "B."},
                            now=now - timedelta(days=3))
        store.save_item({**record, "url": "http://h/ru/news/edited-1", "title": "edited", "body": "C."},
                        now=now - timedelta(days=2))
        store.save_item({**record, "url": "http://h/ru/news/reparsed-1", "title": "reparsed", "body": "C."},
                        now=now - timedelta(days=2), reparsed=True)
        states = {s.url.split("/")[-1]: s for s in
                  (item_state(*row) for row in revisits.states(store.db, ["ru"], utc_stamp(now)))}
    assert states["edited-1"].changed == pytest.approx((now - timedelta(days=2)).timestamp(), abs=1)
    assert states["edited-1"].age(now.timestamp()) == pytest.approx(2 * DAY, abs=1)
    assert states["untouched-1"].changed is None and states["reparsed-1"].changed is None
