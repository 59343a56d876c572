"""What an article is, beyond its date and id: drawn from its key when first needed.

A site of 30,000 articles per language must start in seconds, and most articles are
never looked at in a given run, so nothing here runs until a page, a list or the truth
asks for the article.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pmkz.replica.labels import LANGUAGES

from pmkz.replica import textgen
from pmkz.replica.seeding import rng

CATEGORIES = ("reviews", "digital_office", "asset_recovery", "viziti_i_poezdki")
MAX_IMAGES = 16


@dataclass(frozen=True)
class Facts:
    kind: str  # "news" or "gallery"
    category: str | None
    headline: str
    slug: str
    shows_time: bool
    summary: str | None
    images: tuple[str, ...]


def image_names(lang: str, site_id: int, count: int, style: float) -> tuple[str, ...]:
    """Names in the site's forms (`img-9262.jpeg`, `5_72.jpg`); the number encodes the
    owner, so the server finds an image's article without a table of every image."""
    names = []
    for k in range(1, count + 1):
        n = (site_id * len(LANGUAGES) + LANGUAGES.index(lang)) * MAX_IMAGES + k
        names.append(f"img-{n}.jpeg" if style < 0.6 else f"{k}_{n}.jpg" if style < 0.9 else f"{n}.png")
    return tuple(names)


def image_owner(name: str) -> tuple[str, int] | None:
    """(lang, site_id) of the article an image name was made for, or None."""
    number = name.rsplit(".", 1)[0].rsplit("-", 1)[-1].rsplit("_", 1)[-1]
    if not number.isdigit():
        return None
    owner = int(number) // MAX_IMAGES
    return LANGUAGES[owner % len(LANGUAGES)], owner // len(LANGUAGES)


def draw(seed: int, lang: str, key: tuple, published: datetime, site_id: int) -> Facts:
    r = rng(seed, "article", lang, *key)
    kind = "gallery" if r.random() < 0.08 else "news"
    if kind == "gallery":
        category = "viziti_i_poezdki" if r.random() < 0.6 else None
        count = r.randint(5, 12)
    else:
        category = r.choice(CATEGORIES) if r.random() < 0.12 else None
        count = r.choices((0, 1, 2), (3, 4, 3))[0]
    ctx = textgen.context(seed, lang, key, published)
    headline = textgen.headline(lang, ctx, r, kind)
    has_summary = r.random() < (0.3 if kind == "gallery" else 0.93)
    return Facts(
        kind=kind, category=category, headline=headline, slug=textgen.slug(lang, ctx, r, headline),
        shows_time=r.random() >= 0.05, summary=textgen.summary(lang, ctx, r) if has_summary else None,
        images=image_names(lang, site_id, count, r.random()),
    )


def given(data: dict) -> Facts:
    """The facts of an article given as data (the seed article)."""
    return Facts(
        kind=data["kind"], category=data["category"], headline=data["headline"], slug=data["slug"],
        shows_time=data["shows_time"], summary=data["summary"],
        images=image_names(data["lang"], data["site_id"], data["image_count"], 0.0),
    )
