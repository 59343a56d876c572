"""The revisit policy: which stored pages an incremental run re-checks, and in what order.

A pure function of the stored state (when each item was published and last checked)
and the time, so a restart or a missed cycle changes nothing and a simulated clock
tests it. Three rules, after the refresh-policy literature (a uniform sweep with a bias
to the young beats chasing change frequencies):

- young items (published less than `young` ago) are re-checked every cycle: editors
  correct within hours;
- items of the last `daily_until` are re-checked once a day;
- every item, old or young, live or gone, is re-checked at least once per `period`,
  by a sweep that keeps the archive's check times as fresh as an even sweep over the
  period would (ranked stalest first, the item of rank i checked within about
  period * (1 - i / N)): each cycle checks the fewest stalest items that restores that.
  Right after a backfill, when every item was checked at once, that releases N / period
  items an hour instead of all of them a period later; in the steady state it checks
  each item once per period.

A last check whose time is unknown (stored after now: written while the clock was ahead,
then set back) counts as the stalest there can be, never as fresh: the item is due at
once, among the first, and that check stores a true time.

Each rule looks one `cycle` ahead (a check due before the next cycle is made now), so
that with cycles at most `cycle` apart no item waits longer than its interval. What is
due is taken most overdue first (time since the last check over the item's interval),
up to what the hourly `budget` has left: a run never spends more than the budget, minus
what the archive's checks of the last hour already spent.
"""
from __future__ import annotations

import heapq
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from pmkz.site import SITE_TIMEZONE

SITE_ZONE = ZoneInfo(SITE_TIMEZONE)
HOUR = 3600.0
DAY = 24 * HOUR
# The check time of an item whose last check is unknown: older than any real one.
UNKNOWN_CHECK = 0.0


@dataclass(frozen=True)
class Policy:
    period: timedelta = timedelta(days=7)
    young: timedelta = timedelta(days=1)
    daily_until: timedelta = timedelta(days=7)
    cycle: timedelta = timedelta(hours=1)
    # Requests an hour; the default leaves seven eighths of the polite rate (about two
    # requests a second) to lists, new items and retries.
    budget: int = 900

    def __post_init__(self):
        if not self.period > self.cycle:
            raise ValueError(f"the revisit period must be longer than a cycle ({self.cycle})")
        if self.budget < 1:
            raise ValueError(f"the revisit budget must be 1 request an hour or more, not {self.budget}")

    def interval(self, age: float) -> float:
        """Seconds between checks of an item `age` seconds old (negative: published
        after the clock's now, which counts as young)."""
        if age < self.young.total_seconds():
            return 0.0
        period = self.period.total_seconds()
        if age < self.daily_until.total_seconds():
            return min(DAY, period)
        return period


@dataclass(frozen=True)
class ItemState:
    url: str
    published: float  # POSIX seconds
    checked: float  # POSIX seconds of the last check (or of the first fetch), or UNKNOWN_CHECK


def policy_from(settings) -> Policy:
    """The policy of the crawl's settings (checked in crawler/settings.py)."""
    return Policy(period=timedelta(days=settings.getfloat("PMKZ_REVISIT_PERIOD_DAYS")),
                  budget=settings.getint("PMKZ_REVISIT_BUDGET"))


def plan(items: list[ItemState], now: datetime | float, policy: Policy = Policy(), spent: int = 0) -> list[str]:
    """The URLs to re-check now, most overdue first, at most `policy.budget - spent`."""
    return plan_stalest_first(lambda: sorted(items, key=lambda item: item.checked), len(items), now, policy, spent)


def plan_stalest_first(stalest: Callable[[], Iterable[ItemState]], count: int, now: datetime | float,
                       policy: Policy = Policy(), spent: int = 0) -> list[str]:
    """`plan` over an archive read twice, stalest first, by `stalest()` (the database's
    cursor): memory stays a number per item and the budget's worth of URLs, however
    large the archive."""
    now = now.timestamp() if isinstance(now, datetime) else float(now)
    allowance = max(0, policy.budget - spent)
    if not allowance or not count:
        return []
    cycle = policy.cycle.total_seconds()
    period = policy.period.total_seconds()
    # The sweep: the fewest stalest items whose check now leaves every other item at
    # least as fresh as an even sweep would at its new rank. A cycle's checks are a
    # cycle old by the next one: the line allows that, and the stalest item is due a
    # cycle before the period is up.
    n = count
    span = max(period - 2 * cycle, cycle)
    # How many ranks each item would have to move down to be on the line.
    deficits = array("d", ((now - cycle - span * (1 - rank / n) - item.checked) * n / span
                           for rank, item in enumerate(stalest())))
    n = len(deficits)  # the archive may have grown between the count and the read
    most = array("d", [float("-inf")]) * (n + 1)
    for rank in range(n - 1, -1, -1):
        most[rank] = max(deficits[rank], most[rank + 1])
    del deficits
    sweep = next(q for q in range(n + 1) if q >= most[q])
    del most
    # The most overdue, kept in a heap of the allowance's size; ties go to the stalest.
    due: list[tuple[float, int, str]] = []
    for rank, item in enumerate(stalest()):
        if rank >= n:
            break
        interval = policy.interval(now - item.published)
        since = now - item.checked
        if rank < sweep or since >= interval - cycle:
            overdue = since / max(interval, cycle) if rank >= sweep else max(since / period, 1.0)
            entry = (overdue, -rank, item.url)
            if len(due) < allowance:
                heapq.heappush(due, entry)
            elif entry > due[0]:
                heapq.heapreplace(due, entry)
    return [url for _, _, url in sorted(due, reverse=True)]


def pass_hours(count: int, policy: Policy = Policy()) -> float:
    """Hours a complete pass over `count` items takes: the period, or longer when the
    budget cannot check them all within it (then the bound no longer holds)."""
    return max(policy.period.total_seconds() / HOUR, count / policy.budget)


def item_state(url: str, published_date: str, published_at: str | None, checked: str | None) -> ItemState:
    """An item's state from its stored columns; a page printed without its time counts
    from the start of its day, site time; a last check the storage does not know (None)
    is UNKNOWN_CHECK."""
    published = datetime.fromisoformat(published_at) if published_at else \
        datetime.fromisoformat(published_date).replace(tzinfo=SITE_ZONE)
    return ItemState(url, published.timestamp(),
                     UNKNOWN_CHECK if checked is None else datetime.fromisoformat(checked).timestamp())
