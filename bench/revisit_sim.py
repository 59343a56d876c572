"""The revisit policy (crawler/revisit.py) simulated over a large archive: hourly cycles,
new items published as the live site does, edits and removals at random moments to
items of random ages; the time from each change to the check that finds it (next to
the sweep's limit N / B, and for the young next to their band's interval), and the
requests an hour the re-checks cost. With `sitemap`, the site's sitemap gives each
changed page's new lastmod, so the next cycle re-checks it ahead of the schedule, within
the same budget. No crawling: the
policy is a pure function of the stored state and the time, so a simulated clock is all
it needs.
"""
from __future__ import annotations

import random
import statistics
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone

from pmkz.crawler.revisit import DAY, HOUR, ItemState, Policy, plan, sweep_hours

START = datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp()
PER_DAY = 18  # new items a day, all languages
CHANGES = 300
DAYS = 14  # changes happen in the first half, so each can be found


def simulate(count: int, policy: Policy = Policy(), seed: int = 0, sitemap: bool = False) -> dict:
    """`count` items, as if the schedule had run a long time: checks spread over the
    sweep's limit, or the young's interval."""
    r = random.Random(seed)
    span = count / PER_DAY * DAY
    published = [START - span * (i + r.random()) / count for i in range(count)]
    limit = sweep_hours((ItemState(f"u{i}", at, START) for i, at in enumerate(published)), START, policy) * HOUR
    items = {}
    for i, at in enumerate(published):
        checked = START - r.random() * min(policy.interval(START - at) or HOUR, limit)
        items[f"u{i}"] = ItemState(f"u{i}", at, max(checked, at))
    changes = []  # (when, url, the interval of its band then: the period for the old)
    for _ in range(CHANGES):
        when = START + r.random() * (DAYS / 2) * DAY
        if r.random() < 0.5:  # an edit soon after publication, as editors make them
            url = min(items.values(), key=lambda item: abs(item.published - (when - r.random() * 3 * DAY))).url
        else:
            url = r.choice(list(items))
        changes.append((when, url, policy.interval(when - items[url].published)))
    found: dict[int, float] = {}
    per_hour = []
    fresh = 0
    for hour in range(1, DAYS * 24 + 1):
        now = START + hour * HOUR
        for _ in range(PER_DAY // 24 + (hour % 24 < PER_DAY % 24)):
            url = f"n{fresh}"
            fresh += 1
            items[url] = ItemState(url, now - r.random() * HOUR, now)
        moved = [url for k, (when, url, _) in enumerate(changes) if sitemap and k not in found and when <= now]
        due = plan(list(items.values()), now, policy, ahead=lambda n: moved[:n])
        per_hour.append(len(due))
        due_set = set(due)
        changed = set()
        for k, (when, url, _) in enumerate(changes):
            if k not in found and when <= now and url in due_set:
                found[k] = now - when
                changed.add(url)
        for url in due:
            item = items[url]
            items[url] = ItemState(url, item.published, now, now if url in changed else item.changed)
    latency = sorted(found.values())
    period = policy.period.total_seconds()
    young = [(found[k], interval) for k, (_, _, interval) in enumerate(changes) if interval < period and k in found]
    hours = lambda seconds: round(seconds / HOUR, 1)  # noqa: E731
    return {
        "items": count, "sitemap": sitemap,
        "changes": len(changes), "found": len(found),
        "limit_h": hours(limit),
        "latency_median_h": hours(statistics.median(latency)),
        "latency_p95_h": hours(latency[int(0.95 * (len(latency) - 1))]),
        "latency_max_h": hours(latency[-1]),
        "young_changes": len(young),
        # A young item's change found later than its band's interval (a cycle at least).
        "young_over_band": sum(after > max(interval, policy.cycle.total_seconds()) for after, interval in young),
        "requests_per_hour_mean": round(statistics.mean(per_hour), 1),
        "requests_per_hour_max": max(per_hour),
        "budget": policy.budget,
    }


def revisit_figures(sizes=(3000, 30000, 90000), sitemap=(False, True)) -> list[dict]:
    """Each size without and with a sitemap, in that order; on two processes, as each
    simulation is minutes of one core at the largest size."""
    runs = [(count, with_sitemap) for with_sitemap in sitemap for count in sizes]
    if len(runs) == 1:
        return [simulate(runs[0][0], sitemap=runs[0][1])]
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(simulate, count, sitemap=with_sitemap) for count, with_sitemap in runs]
        return [future.result() for future in futures]


if __name__ == "__main__":
    for figures in revisit_figures():
        print(figures)
