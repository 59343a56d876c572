"""The replica's source data: articles and the site that holds them.

An article is made from its key, date and id; everything else (replica.facts) and its
body (replica.textgen) are drawn on first use, so building a big site costs little and a
page costs only the articles it shows. Edits of later epochs are kept beside what was
drawn, never mixed into it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from pmkz.replica.labels import LANG_PREFIX

from pmkz.replica import facts, textgen
from pmkz.replica.seeding import rng

LANG_OF_PREFIX = {prefix: lang for lang, prefix in LANG_PREFIX.items()}
ARTICLE_PATH = re.compile(r"/([a-z]+)/news/(?:[a-z_]+/)?[a-z0-9-]+-(\d+)")


@dataclass(eq=False)
class Article:
    seed: int
    lang: str
    key: tuple  # what the drawn facts and body are derived from
    site_id: int
    published: datetime  # naive, site-local
    data: dict | None = None  # facts and paragraphs given as data (the seed article)
    retitled: str | None = None
    edits: dict[int, str] = field(default_factory=dict)  # paragraph index -> edited text
    modified: datetime | None = None

    @cached_property
    def facts(self) -> facts.Facts:
        if self.data is not None:
            return facts.given(self.data)
        return facts.draw(self.seed, self.lang, self.key, self.published, self.site_id)

    @cached_property
    def base_paragraphs(self) -> tuple[str, ...]:
        if self.data is not None:
            return tuple(self.data["paragraphs"])
        return tuple(textgen.body(self.seed, self.lang, self.key, self.facts.kind, self.published))

    @property
    def headline(self) -> str:
        return self.retitled or self.facts.headline

    @property
    def paragraphs(self) -> list[str]:
        return [self.edits.get(i, text) for i, text in enumerate(self.base_paragraphs)]

    @property
    def image_captions(self) -> dict[str, str]:
        """Image name -> the caption printed with it: a line of its own stream (drawing
        it moves no other fact), never the article's headline."""
        r = rng(self.seed, "captions", self.lang, *self.key)
        ctx = textgen.context(self.seed, self.lang, self.key, self.published)
        return {name: textgen.headline(self.lang, ctx, r, "news", avoid=self.headline) for name in self.facts.images}

    @cached_property
    def path(self) -> str:
        category = f"{self.facts.category}/" if self.facts.category else ""
        return f"/{LANG_PREFIX[self.lang]}/news/{category}{self.facts.slug}-{self.site_id}"

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published

    @property
    def is_seed(self) -> bool:
        return self.data is not None


@dataclass
class Site:
    seed: int
    epoch: int
    now: datetime
    live: dict[str, list[Article]]  # lang -> live articles, newest first
    ever: dict[str, dict[int, Article]]  # lang -> site_id -> every article, removed ones too
    # lang -> the government's decisions, newest published first (replica.decisions)
    decisions: dict[str, list] = field(default_factory=dict)

    @cached_property
    def _live_index(self) -> dict[tuple[str, int], int]:
        return {(a.lang, a.site_id): i for articles in self.live.values() for i, a in enumerate(articles)}

    @cached_property
    def _key_index(self) -> dict[tuple[str, tuple], Article]:
        return {(a.lang, a.key): a for articles in self.ever.values() for a in articles.values()}

    def by_key(self, lang: str, key: tuple) -> Article | None:
        """The article (live or removed) of `lang` drawn from `key`, or None."""
        return self._key_index.get((lang, key))

    def find(self, path: str) -> Article | None:
        """The live article at `path`; its id finds it, so slugs are drawn only for it."""
        match = ARTICLE_PATH.fullmatch(path)
        if not match or match[1] not in LANG_OF_PREFIX:
            return None
        lang, site_id = LANG_OF_PREFIX[match[1]], int(match[2])
        if (lang, site_id) not in self._live_index:
            return None
        article = self.ever[lang][site_id]
        return article if article.path == path else None

    def neighbours(self, article: Article, count: int) -> list[Article]:
        """The `count` articles after this one in its list, wrapping: its "read also"."""
        articles = self.live[article.lang]
        start = self._live_index[article.lang, article.site_id]
        picks = [articles[(start + k) % len(articles)] for k in range(1, count + 1)]
        return [a for a in dict.fromkeys(picks) if a is not article]

    def image_article(self, name: str) -> Article | None:
        """The article (live or removed) whose image `name` is, or None."""
        owner = facts.image_owner(name)
        article = owner and self.ever[owner[0]].get(owner[1])
        return article if article and name in article.facts.images else None
