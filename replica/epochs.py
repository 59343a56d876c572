"""One epoch of the replica's history in one language: 3 new, 2 edited, 1 removed.

Each epoch is one day after "now" (replica.clock.epoch_day). Edits and the removal pick
from the articles that were live before the day's publications, so the three new ones
are always seen as new; the seed article is the fixed point of every comparison and is
never touched.

The edits are of the kinds an archive must tell apart: a recent article re-titled with a
sentence added; an older one with a sentence added (English), a comma dropped (Russian:
cosmetic) or a figure changed (Kazakh: substantive), the last one, where it can be, of
a statement published in other languages too, whose other versions stay as they were
(a divergence). One Russian publication of the day is dated three days back (backdated),
and is listed at its date, below the newer ones.
"""
from __future__ import annotations

import random

import re
from datetime import timedelta

from pmkz.replica import clock, ids, textgen
from pmkz.replica.model import Article
from pmkz.replica.seeding import rng
from pmkz.replica.versions import event_languages

RECENT = 20
PUBLICATION_HOURS = (10, 13, 16)
# The older article's edit in each language; a sentence added in the others.
OLDER_EDIT = {"ru": "comma", "kk": "figure"}
BACKDATED = ("ru", timedelta(days=3))  # the language, and how far back its first publication is dated
_FIGURE = re.compile(r"\d+")


def _reword(article: Article, r: random.Random) -> None:
    """Add a sentence to one paragraph: the kind of late correction editors make."""
    paragraphs = article.paragraphs
    i = r.randrange(len(paragraphs))
    added = textgen.added_sentence(article.seed, article.lang, article.key, article.published, " ".join(paragraphs), r)
    article.edits[i] = f"{paragraphs[i]} {added}"


def _drop_comma(article: Article, r: random.Random) -> None:
    """Drop a comma: an edit that changes no word (cosmetic)."""
    paragraphs = article.paragraphs
    with_comma = [i for i, text in enumerate(paragraphs) if ", " in text]
    if not with_comma:
        article.edits[len(paragraphs) - 1] = paragraphs[-1].rstrip(".") + "!"
        return
    i = r.choice(with_comma)
    article.edits[i] = paragraphs[i].replace(", ", " ", 1)


def _change_figure(article: Article, r: random.Random) -> None:
    """Change the first figure of a paragraph that has one (substantive)."""
    paragraphs = article.paragraphs
    i = r.choice([i for i, text in enumerate(paragraphs) if _FIGURE.search(text)])
    article.edits[i] = _FIGURE.sub(lambda m: str(int(m.group()) + r.randint(1, 9)), paragraphs[i], count=1)


def _older_pick(seed: int, lang: str, others: list[Article], r: random.Random) -> Article | None:
    """The older article to edit: for a changed figure, one with a figure, of a
    statement in other languages too where there is one."""
    if OLDER_EDIT.get(lang) == "figure":
        figured = [a for a in others if any(_FIGURE.search(text) for text in a.paragraphs)]
        translated = [a for a in figured if lang in event_languages(seed, a.key)]
        others = translated or figured
    return r.choice(others) if others else None


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
    reworded = _older_pick(seed, lang, others, r)
    edited_at = day.replace(hour=18, minute=r.randrange(60))
    if retitled:
        _retitle(retitled, r)
        _reword(retitled, r)
    if reworded:
        {"comma": _drop_comma, "figure": _change_figure}.get(OLDER_EDIT.get(lang), _reword)(reworded, r)
    for article in filter(None, (retitled, reworded)):
        article.modified = edited_at

    last_id = ids.last_current(ever.values())
    fresh = []
    for k, hour in enumerate(PUBLICATION_HOURS):
        last_id += r.randint(1, 30)
        when = day.replace(hour=hour, minute=r.randrange(60))
        if (lang, k) == (BACKDATED[0], 0):
            when -= BACKDATED[1]
        fresh.append(Article(seed=seed, lang=lang, key=("epoch", epoch, k), site_id=last_id, published=when))
    ever.update((a.site_id, a) for a in fresh)
    # Newest first, each publication at its date.
    return sorted(fresh[::-1] + [a for a in live if a is not removed], key=lambda a: a.published, reverse=True)
