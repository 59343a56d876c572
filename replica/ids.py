"""Article ids: unique per language, in the lengths the site used era by era.

SITE.md: 12793 in 2016, six digits in 2021, seven and eight in 2022, 29000-31800 in
2025-2026. Ids are not a reliable order across eras; within the current one they grow.
"""
from __future__ import annotations

from datetime import datetime

from pmkz.replica.seeding import rng

# (first day of the era, id range). The current era's range widens when a big site
# needs more ids; the oldest era's capacity is what bounds the site's size.
ERAS = [
    (datetime(2016, 1, 1), range(1000, 26000)),
    (datetime(2020, 1, 1), range(100000, 1000000)),
    (datetime(2022, 1, 1), range(1000000, 100000000)),
    (datetime(2024, 1, 1), range(26000, 31800)),
]
CURRENT_ERA, CURRENT_IDS = ERAS[-1]


def assign(seed: int, lang: str, dates: list[datetime], reserved: set[int]) -> list[int]:
    """Ids for `dates` (oldest first), unique, era by era, none of them in `reserved`."""
    r = rng(seed, "ids", lang)
    ids = [0] * len(dates)
    ends = [start for start, _ in ERAS[1:]] + [datetime.max]
    for (start, pool), end in zip(ERAS, ends):
        slots = [i for i, when in enumerate(dates) if start <= when < end]
        current = start == CURRENT_ERA
        if current:
            pool = range(pool.start, max(pool.stop, pool.start + 2 * len(slots)))
        picks = [n for n in r.sample(pool, len(slots) + len(reserved)) if n not in reserved][: len(slots)]
        for i, n in zip(slots, sorted(picks) if current else picks):
            ids[i] = n
    return ids


def last_current(articles) -> int:
    """The highest id of the current era so far: new articles continue from it."""
    return max((a.site_id for a in articles if a.published >= CURRENT_ERA), default=CURRENT_IDS.start)
