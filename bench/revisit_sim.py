"""The revisit policy (crawler/revisit.py) simulated over a large archive: hourly cycles,
new items published as the live site does, edits and removals at random moments to
items of random ages; the time from each change to the check that finds it, and the
requests an hour the re-checks cost. No crawling: the policy is a pure function of the
stored state and the time, so a simulated clock is all it needs.
"""
from __future__ import annotations

import random
import statistics
from datetime import datetime, timezone

from pmkz.crawler.revisit import DAY, HOUR, ItemState, Policy, plan

START = datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp()
PER_DAY = 18  # new items a day, all languages
CHANGES = 300
DAYS = 14  # changes happen in the first half, so each can be found


def simulate(count: int, policy: Policy = Policy(), seed: int = 0) -> dict:
    """`count` items, as if the schedule had run a long time: checks spread over the period."""
    r = random.Random(seed)
    period = policy.period.total_seconds()
    span = count / PER_DAY * DAY
    items = {}
    for i in range(count):
        published = START - span * (i + r.random()) / count
        age = START - published
        checked = START - r.random() * min(policy.interval(age) or HOUR, period)
        items[f"u{i}"] = ItemState(f"u{i}", published, max(checked, published))
    changes = []  # (when, url, young)
    for _ in range(CHANGES):
        when = START + r.random() * (DAYS / 2) * DAY
        if r.random() < 0.5:  # an edit soon after publication, as editors make them
            url = min(items.values(), key=lambda item: abs(item.published - (when - r.random() * 3 * DAY))).url
        else:
            url = r.choice(list(items))
        changes.append((when, url, when - items[url].published < 3 * DAY))
    found: dict[int, float] = {}
    per_hour = []
    fresh = 0
    for hour in range(1, DAYS * 24 + 1):
        now = START + hour * HOUR
        for _ in range(PER_DAY // 24 + (hour % 24 < PER_DAY % 24)):
            url = f"n{fresh}"
            fresh += 1
            items[url] = ItemState(url, now - r.random() * HOUR, now)
        due = plan(list(items.values()), now, policy)
        per_hour.append(len(due))
        for url in due:
            items[url] = ItemState(url, items[url].published, now)
        due_set = set(due)
        for k, (when, url, _) in enumerate(changes):
            if k not in found and when <= now and url in due_set:
                found[k] = now - when
    latency = sorted(found.values())
    young = sorted(found[k] for k, change in enumerate(changes) if change[2] and k in found)
    hours = lambda seconds: round(seconds / HOUR, 1)  # noqa: E731
    return {
        "items": count,
        "changes": len(changes), "found": len(found),
        "latency_median_h": hours(statistics.median(latency)),
        "latency_p95_h": hours(latency[int(0.95 * (len(latency) - 1))]),
        "latency_max_h": hours(latency[-1]),
        "young_latency_max_h": hours(young[-1]) if young else None,
        "requests_per_hour_mean": round(statistics.mean(per_hour), 1),
        "requests_per_hour_max": max(per_hour),
        "budget": policy.budget,
    }


def revisit_figures(sizes=(3000, 30000)) -> list[dict]:
    return [simulate(count) for count in sizes]


if __name__ == "__main__":
    for figures in revisit_figures():
        print(figures)
