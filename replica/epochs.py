"""One epoch of the replica's history in one language: 3 new, 2 edited, 1 removed.

Each epoch is one day after "now" (replica.clock.epoch_day). Edits and the removal pick
from the articles that were live before the day's publications, so the three new ones
are always seen as new; the seed article is the fixed point of every comparison and is
never touched.
"""
from __future__ import annotations

import random

from pmkz.replica import clock, ids, textgen
from pmkz.replica.model import Article
from pmkz.replica.seeding import rng

RECENT = 20
PUBLICATION_HOURS = (10, 13, 16)


def _reword(article: Article, r: random.Random) -> None:
    """Add a sentence to one paragraph: the kind of late correction editors make."""
    paragraphs = article.paragraphs
    i = r.randrange(len(paragraphs))
    added = textgen.added_sentence(article.seed, article.lang, article.key, article.published, " ".join(paragraphs), r)
    article.edits[i] = f"{paragraphs[i]} {added}"


def _retitle(article: Article, r: random.Random) -> None:
    ctx = textgen.context(article.seed, article.lang, article.key, article.published)
    article.retitled = textgen.headline(article.lang, ctx, r, article.facts.kind, avoid=article.headline)


def advance(seed: int, epoch: int, lang: str, live: list[Article], ever: dict[int, Article]) -> list[Article]:
    """The live list (newest first) after `epoch`; `ever` gains the new articles."""
    r = rng(seed, "epoch", epoch, lang)
    day = clock.epoch_day(epoch)
    recent = [a for a in live[:RECENT] if not a.is_seed]
    older = [a for a in live[RECENT:] if not a.is_seed]
    removed = r.choice(recent) if recent else None
    recent = [a for a in recent if a is not removed]
    retitled = r.choice(recent) if recent else None
    others = older or [a for a in recent if a is not retitled]
    reworded = r.choice(others) if others else None
    edited_at = day.replace(hour=18, minute=r.randrange(60))
    for article in filter(None, (retitled, reworded)):
        if article is retitled:
            _retitle(article, r)
        _reword(article, r)
        article.modified = edited_at

    last_id = ids.last_current(ever.values())
    fresh = []
    for k, hour in enumerate(PUBLICATION_HOURS):
        last_id += r.randint(1, 30)
        when = day.replace(hour=hour, minute=r.randrange(60))
        fresh.append(Article(seed=seed, lang=lang, key=("epoch", epoch, k), site_id=last_id, published=when))
    ever.update((a.site_id, a) for a in fresh)
    return fresh[::-1] + [a for a in live if a is not removed]
