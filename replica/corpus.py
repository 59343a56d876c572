"""The replica's history: `build_site(articles, epoch, seed)` makes the whole site.

At epoch 0 each language has `articles` articles spread over 2016..late 2026, newest
first; the English ones include the seed article of seed-record.txt at its place in
date order. Epochs (replica.epochs) then move history forward one day each.
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from pmkz.site import LANGUAGES

from pmkz.replica import clock, epochs, ids
from pmkz.replica.model import Article, Site
from pmkz.replica.seeding import rng

# The oldest id era (replica.ids.ERAS) holds about 25,000 ids per language.
MAX_ARTICLES = 50000
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


def _dates(seed: int, lang: str, count: int) -> list[datetime]:
    """`count` publication times, one in each of `count` equal slots of the history, so
    any site of 20 or more articles has some on each side of the 2024 time-zone switch."""
    r = rng(seed, "dates", lang)
    days = (clock.NOW - clock.FIRST_DAY).days
    return [
        publication_time(r, clock.FIRST_DAY + timedelta(days=int(days * (i + r.random()) / count)))
        for i in range(count)
    ]


def _base(seed: int, lang: str, count: int) -> list[Article]:
    """Epoch 0 of one language, newest first."""
    entries = [(when, ("base", i)) for i, when in enumerate(_dates(seed, lang, count))]
    seed_page = seed_article(seed) if lang == "en" and count else None
    if seed_page:
        # The seed article takes the place of the one in the slot its date falls in.
        slot = int((seed_page.published - clock.FIRST_DAY) / (clock.NOW - clock.FIRST_DAY) * count)
        entries[slot] = (seed_page.published, None)
    entries.sort(key=lambda entry: entry[0])
    numbers = ids.assign(seed, lang, [when for when, _ in entries], {seed_page.site_id} if seed_page else set())
    articles = [
        seed_page if key is None else Article(seed=seed, lang=lang, key=key, site_id=site_id, published=when)
        for (when, key), site_id in zip(entries, numbers)
    ]
    return articles[::-1]


def build_site(articles: int, epoch: int = 0, seed: int = 0) -> Site:
    if not 0 <= articles <= MAX_ARTICLES:
        raise ValueError(f"articles must be between 0 and {MAX_ARTICLES}, not {articles}")
    if epoch < 0:
        raise ValueError(f"epoch must be 0 or more, not {epoch}")
    live = {lang: _base(seed, lang, articles) for lang in LANGUAGES}
    ever = {lang: {a.site_id: a for a in live[lang]} for lang in LANGUAGES}
    for e in range(1, epoch + 1):
        for lang in LANGUAGES:
            live[lang] = epochs.advance(seed, e, lang, live[lang], ever[lang])
    return Site(seed=seed, epoch=epoch, now=clock.NOW + timedelta(days=epoch), live=live, ever=ever)
