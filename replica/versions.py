"""Which articles are one statement in several languages: the replica's translations.

The replica draws each language's history on its own, so language versions are a
relation laid over the articles: the articles of one slot of history in each language
(base slot i, or an epoch's k-th publication) are one event in the languages drawn for
it, when two or more are. The relation is fixed when the articles are made, so a
version removed later leaves a dead link on the others, as a CMS that keeps its
translation links does. The seed article has no other versions.
"""
from __future__ import annotations

from pmkz.replica.labels import LANGUAGES

from pmkz.replica.model import Article, Site
from pmkz.replica.seeding import unit

SHARE = 0.6  # chance that an event has a version in a given language


def event_languages(seed: int, key: tuple) -> tuple[str, ...]:
    """The languages the event of `key` was published in; () for a single language."""
    langs = tuple(lang for lang in LANGUAGES if unit(seed, "versions", lang, *key) < SHARE)
    return langs if len(langs) >= 2 else ()


def versions(site: Site, article: Article) -> dict[str, Article]:
    """lang -> the article's version in each other language it has one in."""
    if article.is_seed or article.lang not in (langs := event_languages(site.seed, article.key)):
        return {}
    found = {lang: site.by_key(lang, article.key) for lang in langs if lang != article.lang}
    return {lang: other for lang, other in found.items() if other is not None}
