"""The revisit policy: which stored pages an incremental run re-checks, and in what order.

A pure function of the stored state (when each item was published, last changed and
last checked) and the time, so a restart or a missed cycle changes nothing and a
simulated clock tests it. Two rules, after the refresh-policy literature (a uniform
sweep with a bias to the young beats chasing change frequencies) and NewsDiffs' bands:

- the young (published or last changed less than a month ago) are re-checked by their
  age: every cycle under a day, every 3 hours under a week, daily under a month;
  editors correct within hours, and an item edited once is likely edited again;
- every item, old or young, live or gone, is re-checked by a sweep at the pace the
  budget allows: N items at B requests an hour (the budget's share the young leave) are
  each re-checked within about N / B hours, the sweep's limit, and never less often
  than once per `period`, an upper bound. The sweep keeps the archive's check times as
  fresh as an even sweep over the limit would (ranked stalest first, the item of rank i
  checked within about limit * (1 - i / N)): each cycle checks the fewest stalest items
  that restores that, which is the budget's share of the time since the last run. An
  idle run moments after another has nothing to sweep; right after a backfill, when
  every item was checked at once, the sweep releases B items an hour, never all of them.

A last check whose time is unknown (stored after now: written while the clock was ahead,
then set back) counts as the stalest there can be, never as fresh: the item is due at
once, among the first, and that check stores a true time.

Each rule looks one `cycle` ahead (a check due before the next cycle is made now), so
that with cycles at most `cycle` apart no item waits longer than its interval. What is
due is taken most overdue first (time since the last check over the item's interval),
up to the hourly `budget`'s share of the time since the archive's last check (a cycle's
at most): hourly runs each spend up to the budget, runs closer together share it. Pages
a sitemap says changed (crawler/sitemaps.py: their lastmod moved) go ahead of the
schedule, within that same share.
"""
from __future__ import annotations

import heapq
from array import array
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime, timedelta
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from pmkz.site import SITE_TIMEZONE

SITE_ZONE = ZoneInfo(SITE_TIMEZONE)
HOUR = 3600.0
DAY = 24 * HOUR
# The check time of an item whose last check is unknown: older than any real one.
UNKNOWN_CHECK = 0.0
# (under this age, re-checked at least this often), youngest first: NewsDiffs' bands.
YOUNG_BANDS = ((timedelta(days=1), timedelta(0)), (timedelta(days=7), timedelta(hours=3)),
               (timedelta(days=30), timedelta(days=1)))


@dataclass(frozen=True)
class Policy:
    # The longest the sweep may take, however small the budget.
    period: timedelta = timedelta(days=7)
    cycle: timedelta = timedelta(hours=1)
    # Requests an hour; the default leaves seven eighths of the polite rate (about two
    # requests a second) to lists, new items and retries.
    budget: int = 900
    bands: tuple[tuple[timedelta, timedelta], ...] = YOUNG_BANDS

    def __post_init__(self):
        if not self.period > self.cycle:
            raise ValueError(f"the revisit period must be longer than a cycle ({self.cycle})")
        if self.budget < 1:
            raise ValueError(f"the revisit budget must be 1 request an hour or more, not {self.budget}")

    @cached_property
    def _band_seconds(self) -> tuple[tuple[float, float], ...]:
        # In seconds once: a plan asks every item's interval twice.
        period = self.period.total_seconds()
        return (*((under.total_seconds(), min(every.total_seconds(), period)) for under, every in self.bands),
                (float("inf"), period))

    def interval(self, age: float) -> float:
        """Seconds between checks of an item `age` seconds old (negative: published
        after the clock's now, which counts as young); the period past the bands."""
        for under, every in self._band_seconds:
            if age < under:
                return every

    def hourly_cost(self, interval: float) -> float:
        """Requests an hour an item re-checked every `interval` seconds takes (a cycle ahead)."""
        return HOUR / max(interval - self.cycle.total_seconds(), self.cycle.total_seconds())


@dataclass(frozen=True)
class ItemState:
    url: str
    published: float  # POSIX seconds
    checked: float  # POSIX seconds of the last check (or of the first fetch), or UNKNOWN_CHECK
    changed: float | None = None  # POSIX seconds of the last change found, if any

    def age(self, now: float) -> float:
        """How long ago it was published, or last changed if that is later."""
        return now - max(self.published, self.changed or self.published)


def policy_from(settings) -> Policy:
    """The policy of the crawl's settings (checked in crawler/settings.py)."""
    return Policy(period=timedelta(days=settings.getfloat("PMKZ_REVISIT_PERIOD_DAYS")),
                  budget=settings.getint("PMKZ_REVISIT_BUDGET"))


def plan(items: list[ItemState], now: datetime | float, policy: Policy = Policy(),
         last_check: float | None = None, ahead: Callable[[int], list[str]] | None = None,
         spent: int = 0) -> list[str]:
    """The URLs to re-check now, most overdue first, at most `policy.budget`."""
    return plan_stalest_first(lambda: sorted(items, key=lambda item: item.checked), len(items), now, policy,
                              last_check, ahead, spent)


def _limit(count: int, young_cost: float, policy: Policy) -> float:
    """Seconds the sweep takes over `count` items at the budget's share the young's
    `young_cost` (requests an hour) leaves, at most the period."""
    share = max(policy.budget - young_cost, 1.0)
    return min(count / share * HOUR, policy.period.total_seconds())


def sweep_hours(items: Iterable[ItemState], now: datetime | float, policy: Policy = Policy()) -> float:
    """Hours within which the sweep re-checks every one of `items` (N / B)."""
    now = now.timestamp() if isinstance(now, datetime) else float(now)
    count, young_cost = 0, 0.0
    period = policy.period.total_seconds()
    for item in items:
        count += 1
        interval = policy.interval(item.age(now))
        if interval < period:
            young_cost += policy.hourly_cost(interval)
    return _limit(count, young_cost, policy) / HOUR


def allowance(now: float, policy: Policy, last_check: float | None) -> int:
    """Re-checks a run may make: with `last_check` (the archive's latest check before
    now), the budget's share of the time since, up to a cycle's: hourly runs each spend
    the budget, runs closer together share it."""
    if last_check is None:
        return policy.budget
    elapsed = min(max(now - last_check, 0.0), policy.cycle.total_seconds())
    return int(policy.budget * elapsed / policy.cycle.total_seconds())


def plan_stalest_first(stalest: Callable[[], Iterable[ItemState]], count: int, now: datetime | float,
                       policy: Policy = Policy(), last_check: float | None = None,
                       ahead: Callable[[int], list[str]] | None = None, spent: int = 0) -> list[str]:
    """`plan` over an archive read twice, stalest first, by `stalest()` (the database's
    cursor): memory stays a number per item and the budget's worth of URLs, however
    large the archive; the run's share of the budget as `allowance` says. `ahead(n)`
    gives up to n URLs known to have changed (a sitemap's lastmod moved): they go
    first, counted against the same share, as are the `spent` requests the run made
    already (reading the sitemaps)."""
    now = now.timestamp() if isinstance(now, datetime) else float(now)
    share = max(allowance(now, policy, last_check) - spent, 0)
    first = ahead(share)[:share] if ahead and share else []
    due = _due(stalest, count, now, policy, share - len(first), set(first))
    return first + due


def _due(stalest: Callable[[], Iterable[ItemState]], count: int, now: float, policy: Policy,
         allowance: int, skip: set[str]) -> list[str]:
    """The schedule's `allowance` most overdue URLs but those in `skip`."""
    if allowance <= 0 or not count:
        return []
    cycle = policy.cycle.total_seconds()
    period = policy.period.total_seconds()
    checked = array("d")
    young_cost = 0.0
    for item in stalest():
        checked.append(item.checked)
        interval = policy.interval(item.age(now))
        if interval < period:
            young_cost += policy.hourly_cost(interval)
    n = len(checked)  # the archive may have grown between the count and the read
    if not n:
        return []
    # The sweep: the fewest stalest items whose check now leaves every other item at
    # least as fresh as an even sweep would at its new rank. The line trails a cycle
    # behind now, so a run right after another finds nothing to sweep; the stalest item
    # is then due once it is a cycle past the limit, and checked within the next cycle:
    # the line moves at the budget's share, the period bounds it whatever the budget.
    span = max(min(_limit(n, young_cost, policy), period - 2 * cycle), cycle / n)
    # How many ranks each item would have to move down to be on the line (in place:
    # one number per item).
    for rank in range(n):
        checked[rank] = (now - cycle - span * (1 - rank / n) - checked[rank]) * n / span
    most = array("d", [float("-inf")]) * (n + 1)
    for rank in range(n - 1, -1, -1):
        most[rank] = max(checked[rank], most[rank + 1])
    del checked
    sweep = next(q for q in range(n + 1) if q >= most[q])
    del most
    limit = span + 2 * cycle
    # The most overdue, kept in a heap of the allowance's size; ties go to the stalest.
    due: list[tuple[float, int, str]] = []
    for rank, item in enumerate(stalest()):
        if rank >= n:
            break
        if item.url in skip:
            continue
        interval = policy.interval(item.age(now))
        since = now - item.checked
        if rank < sweep or since >= interval - cycle:
            overdue = since / max(interval, cycle) if rank >= sweep else max(since / limit, 1.0)
            entry = (overdue, -rank, item.url)
            if len(due) < allowance:
                heapq.heappush(due, entry)
            elif entry > due[0]:
                heapq.heapreplace(due, entry)
    return [url for _, _, url in sorted(due, reverse=True)]


def item_state(url: str, published_date: str, published_at: str | None, checked: str | None,
               changed: str | None = None) -> ItemState:
    """An item's state from its stored columns; a page printed without its time counts
    from the start of its day, site time; a last check the storage does not know (None)
    is UNKNOWN_CHECK; `changed`, when a change was last found (None: never)."""
    published = datetime.fromisoformat(published_at) if published_at else \
        datetime.fromisoformat(published_date).replace(tzinfo=SITE_ZONE)
    return ItemState(url, published.timestamp(),
                     UNKNOWN_CHECK if checked is None else datetime.fromisoformat(checked).timestamp(),
                     None if changed is None else datetime.fromisoformat(changed).timestamp())
