"""Plausible government-press text in Russian, Kazakh and English, from the phrase banks.

An article's wording is fixed by its context (who was Prime Minister that day, which
ministry, region and topic it is about, its figures), drawn from the key of the article,
so a headline made now and a body made later on demand speak of the same things.
"""
from __future__ import annotations

import random
from datetime import datetime

from pmkz.replica import phrases_en, phrases_kk, phrases_ru, translit
from pmkz.replica.seeding import rng

BANKS = {"ru": phrases_ru, "kk": phrases_kk, "en": phrases_en}


def _in_office(table: list[tuple[str, str, str]], day: str) -> tuple[str, str, str]:
    return [row for row in table if row[0] <= day][-1]


def context(seed: int, lang: str, key: tuple, published: datetime) -> dict:
    """The context of the article with this key: the same every time it is asked for."""
    return _draw_context(lang, rng(seed, "context", lang, *key), published)


def _draw_context(lang: str, r: random.Random, published: datetime) -> dict:
    bank = BANKS[lang]
    day = published.date().isoformat()
    _, pm, pm_gen = _in_office(bank.PRIME_MINISTERS, day)
    _, head, head_gen = _in_office(bank.HEADS_OF_STATE, day)
    return {
        "pm": pm, "pm_gen": pm_gen, "head": head, "head_gen": head_gen,
        **r.choice(bank.MINISTRIES), **r.choice(bank.REGIONS), "topic": r.choice(bank.TOPICS),
        "n": r.randint(5, 19), "pct": r.randint(3, 45), "pct2": r.randint(80, 99),
        "bn": r.randint(10, 900), "jobs": r.randint(1, 15),
        "published": published, "year": published.year, "year_prev": published.year - 1,
    }


def _fill(template: str, ctx: dict) -> str:
    text = template.format(**ctx)
    return text[0].upper() + text[1:]


def headline(lang: str, ctx: dict, r: random.Random, kind: str, avoid: str | None = None) -> str:
    """A headline; with `avoid`, one that differs from it (a re-titled article)."""
    bank = BANKS[lang]
    templates = bank.GALLERY_HEADLINES if kind == "gallery" else bank.HEADLINES
    for template in r.sample(templates, len(templates)):
        text = _fill(template, ctx)
        if text != avoid:
            return text
    raise ValueError(f"no {lang} headline other than {avoid!r}")


def summary(lang: str, ctx: dict, r: random.Random) -> str:
    return _fill(r.choice(BANKS[lang].SUMMARIES), ctx)


def slug(lang: str, ctx: dict, r: random.Random, text: str) -> str:
    """The URL slug of headline `text`. Some old English pages carry a Kazakh slug."""
    if lang == "en" and ctx["year"] < 2020 and r.random() < 0.2:
        text = headline("kk", _draw_context("kk", r, ctx["published"]), r, "news")
    return translit.slug(text, r)


def body(seed: int, lang: str, key: tuple, kind: str, published: datetime) -> list[str]:
    """The paragraphs: a lead, then sentences in ones to threes, now and then a quote."""
    bank = BANKS[lang]
    ctx = context(seed, lang, key, published)
    r = rng(seed, "body", lang, *key)
    sentences = r.sample(bank.SENTENCES, len(bank.SENTENCES))
    quotes = r.sample(bank.QUOTES, len(bank.QUOTES))
    count = r.randint(1, 3) if kind == "gallery" else r.randint(3, 8)
    paragraphs = [_fill(r.choice(bank.LEADS), ctx)]
    while len(paragraphs) < count and sentences:
        if quotes and r.random() < 0.25:
            paragraphs.append(_fill(quotes.pop(), ctx))
            continue
        take = min(len(sentences), r.randint(1, 3))
        paragraphs.append(" ".join(_fill(sentences.pop(), ctx) for _ in range(take)))
    return paragraphs


def added_sentence(seed: int, lang: str, key: tuple, published: datetime, present: str, r: random.Random) -> str:
    """A sentence of the article's own context that `present` does not contain yet."""
    ctx = context(seed, lang, key, published)
    for template in r.sample(BANKS[lang].SENTENCES, len(BANKS[lang].SENTENCES)):
        text = _fill(template, ctx)
        if text not in present:
            return text
    raise ValueError("every sentence is already there")
