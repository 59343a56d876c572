"""The replica's history: `build_site(articles, epoch, seed)` makes the whole site.

At epoch 0 each language has `articles` articles, newest first: the newest published
`per_day` a day up to "now", as the live site publishes, and a fifth of them spread
thinly back to 2016, so the time-zone switch of 2024 and every id era stay in any site
of 20 or more. `per_day` 0 spreads all of them evenly over 2016..late 2026. The English
ones include the seed article of seed-record.txt at its place in date order. Epochs
(replica.epochs) then move history forward one day each.
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from pmkz.replica.labels import LANGUAGES

from pmkz.replica import clock, epochs, ids
from pmkz.replica import decisions as government
from pmkz.replica.model import Article, Site
from pmkz.replica.seeding import rng

# The oldest id era (replica.ids.ERAS) holds about 25,000 ids per language.
MAX_ARTICLES = 50000
# Several press releases a day per language: 1,000 articles reach back months, not years.
PER_DAY = 6.0
# The share of a site's articles in the thin tail back to 2016 (with `per_day`).
TAIL_SHARE = 0.2
SEED_FILE = Path(__file__).parent / "data" / "seed_article.json"


def seed_article(seed: int) -> Article:
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return Article(
        seed=seed, lang=data["lang"], key=("seed",), site_id=data["site_id"],
        published=datetime.fromisoformat(data["published"]), data=data,
    )


def publication_time(r: random.Random, day: datetime) -> datetime:
    """A time of day on `day`: office hours mostly, the night now and then."""
    hour = r.randrange(24) if r.random() < 0.1 else r.randint(8, 20)
    when = day.replace(hour=hour, minute=r.randrange(60))
    if clock.AVOID[0] <= when < clock.AVOID[1]:
        when += timedelta(hours=4)
    return when


def _spread(r: random.Random, first: datetime, last: datetime, count: int) -> list[datetime]:
    """`count` publication times, one in each of `count` equal slots from first to last."""
    seconds = (last - first).total_seconds()
    return [
        publication_time(r, (first + timedelta(seconds=seconds * (i + r.random()) / count)).replace(hour=0, minute=0, second=0, microsecond=0))
        for i in range(count)
    ]


def _dates(seed: int, lang: str, count: int, per_day: float) -> list[datetime]:
    """`count` publication times, oldest first, so that any site of 20 or more articles
    has some on each side of the 2024 time-zone switch."""
    r = rng(seed, "dates", lang) if not per_day else rng(seed, "dates", lang, per_day)
    tail = round(count * TAIL_SHARE)
    recent = timedelta(days=(count - tail) / per_day) if per_day else None
    if not per_day or clock.NOW - recent <= clock.FIRST_DAY + (clock.NOW - clock.FIRST_DAY) / 2:
        days = (clock.NOW - clock.FIRST_DAY).days
        return [
            publication_time(r, clock.FIRST_DAY + timedelta(days=int(days * (i + r.random()) / count)))
            for i in range(count)
        ]
    start = clock.NOW - recent
    return sorted(_spread(r, clock.FIRST_DAY, start, tail) + _spread(r, start, clock.NOW - timedelta(days=1), count - tail))


def _base(seed: int, lang: str, count: int, per_day: float) -> list[Article]:
    """Epoch 0 of one language, newest first."""
    entries = [(when, ("base", i)) for i, when in enumerate(_dates(seed, lang, count, per_day))]
    seed_page = seed_article(seed) if lang == "en" and count else None
    if seed_page:
        # The seed article takes the place of the one in the slot its date falls in
        # (the one published last before it).
        slot = max(0, sum(when <= seed_page.published for when, _ in entries) - 1)
        entries[slot] = (seed_page.published, None)
    entries.sort(key=lambda entry: entry[0])
    numbers = ids.assign(seed, lang, [when for when, _ in entries], {seed_page.site_id} if seed_page else set())
    articles = [
        seed_page if key is None else Article(seed=seed, lang=lang, key=key, site_id=site_id, published=when)
        for (when, key), site_id in zip(entries, numbers)
    ]
    return articles[::-1]


def build_site(articles: int, epoch: int = 0, seed: int = 0, per_day: float = PER_DAY,
               decisions: int = 0) -> Site:
    if not 0 <= articles <= MAX_ARTICLES:
        raise ValueError(f"articles must be between 0 and {MAX_ARTICLES}, not {articles}")
    if epoch < 0:
        raise ValueError(f"epoch must be 0 or more, not {epoch}")
    if not 0 <= per_day <= 1000:
        raise ValueError(f"per_day must be between 0 and 1000, not {per_day}")
    live = {lang: _base(seed, lang, articles, per_day) for lang in LANGUAGES}
    ever = {lang: {a.site_id: a for a in live[lang]} for lang in LANGUAGES}
    for e in range(1, epoch + 1):
        for lang in LANGUAGES:
            live[lang] = epochs.advance(seed, e, lang, live[lang], ever[lang])
    return Site(seed=seed, epoch=epoch, now=clock.NOW + timedelta(days=epoch), live=live, ever=ever,
                decisions=government.build(seed, decisions))
