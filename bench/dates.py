"""Dates per second: the fast path against dateparser, on every form the replica prints.

The texts come from the replica's own date printer (replica.datefmt), in every form of
every language, with and without the time, for every month over both sides of the
2024-03-01 change of offset. Both readers must agree on every text.
"""
from __future__ import annotations

import time
from datetime import datetime

from pmkz.crawler.parsing.dates import parse_site_date, parse_with_dateparser
from pmkz.replica import datefmt

FAST_REPEATS = 20


def replica_date_texts() -> list[tuple[str, str]]:
    """(text, lang) of every date form the replica prints, over 2023-2024."""
    texts = []
    for lang, forms in datefmt.FORMS.items():
        for year in (2023, 2024):
            for month in range(1, 13):
                when = datetime(year, month, 1 + (month * 7) % 28, (month * 5) % 24, (month * 13) % 60)
                for form in forms:
                    for shows_time in (True, False):
                        texts.append((datefmt.article_date(lang, when, shows_time, _Pick(form)), lang))
                texts.append((datefmt.list_date(when), lang))
    return list(dict.fromkeys(texts))


class _Pick:
    """Stands in for the replica's random stream: always picks `form`."""

    def __init__(self, form):
        self.form = form

    def choice(self, options):
        return self.form


def _rate(reader, texts, repeats: int) -> tuple[float, list]:
    start = time.perf_counter()
    for _ in range(repeats):
        results = [reader(text, lang) for text, lang in texts]
    return repeats * len(texts) / (time.perf_counter() - start), results


def date_speed() -> dict:
    texts = replica_date_texts()
    parse_with_dateparser(*texts[0])  # dateparser loads its language data on first use
    fast_rate, fast = _rate(parse_site_date, texts, FAST_REPEATS)
    slow_rate, slow = _rate(parse_with_dateparser, texts, 1)
    mismatches = [f"{text!r} ({lang}): fast {a}, dateparser {b}"
                  for (text, lang), a, b in zip(texts, fast, slow) if a != b or a is None]
    return {
        "texts": len(texts),
        "fast_per_s": round(fast_rate),
        "dateparser_per_s": round(slow_rate),
        "speedup": round(fast_rate / slow_rate, 1),
        "equal": not mismatches,
        "mismatches": mismatches[:5],
    }
