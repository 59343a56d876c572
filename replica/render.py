"""The replica's pages, rendered on request from the templates of one skin.

A skin is a directory under replica/templates/ with the same template names; `modern`
models the current markup of SITE.md, and a `classic` one (the 2019 markup) can sit
beside it without a change here.
"""
from __future__ import annotations

import math
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pmkz.config import LANG_PREFIX

from replica import article_page, datefmt
from replica.labels import CATEGORY_NAMES, LABELS, STATIC_PAGES, SWITCHER
from replica.model import Article, Site

TEMPLATES = Path(__file__).parent / "templates"
PER_PAGE = 20
HOME_ITEMS = 10


def skins() -> list[str]:
    return sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir())


def page_window(page: int, pages: int) -> list[int | None]:
    """Numbered pagination links: first, last and two either side; None marks a gap."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    window: list[int | None] = []
    for n in shown:
        if window and n - window[-1] > 1:
            window.append(None)
        window.append(n)
    return window


class Renderer:
    def __init__(self, site: Site, skin: str, base_url: str):
        if skin not in skins():
            raise ValueError(f"unknown skin {skin!r} (known: {', '.join(skins())})")
        self.site, self.skin, self.base_url = site, skin, base_url
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES / skin), autoescape=True, undefined=StrictUndefined,
            trim_blocks=True, lstrip_blocks=True,
        )

    def _render(self, template: str, lang: str, **context) -> str:
        return self.env.get_template(template).render(
            lang=lang, prefix=LANG_PREFIX[lang], prefixes=LANG_PREFIX, labels=LABELS[lang],
            switcher=SWITCHER, category_names=CATEGORY_NAMES, year=self.site.now.year, **context,
        )

    def _items(self, articles: list[Article]) -> list[dict]:
        return [
            {"path": a.path, "headline": a.headline, "summary": a.facts.summary,
             "date": datefmt.list_date(a.published), "thumb": article_page.thumbnail(a)}
            for a in articles
        ]

    def home(self, lang: str) -> str:
        return self._render("home.html", lang, items=self._items(self.site.live[lang][:HOME_ITEMS]))

    def news_list(self, lang: str, page: int) -> str | None:
        """List page `page` (from 1), or None past the end; page 1 exists even when empty."""
        articles = self.site.live[lang]
        pages = max(1, math.ceil(len(articles) / PER_PAGE))
        if not 1 <= page <= pages:
            return None
        prefix = LANG_PREFIX[lang]
        return self._render(
            "list.html", lang, page=page, pages=pages, window=page_window(page, pages),
            items=self._items(articles[(page - 1) * PER_PAGE: page * PER_PAGE]),
            page_url=lambda n: f"/{prefix}/news" if n == 1 else f"/{prefix}/news?page={n}",
        )

    def article(self, article: Article) -> str:
        return self._render("article.html", article.lang, **article_page.context(self.site, article, self.base_url))

    def static(self, lang: str, name: str) -> str | None:
        page = STATIC_PAGES.get(name, {}).get(lang)
        if page is None:
            return None
        title, paragraphs = page
        return self._render("page.html", lang, title=title, paragraphs=paragraphs)

    def not_found(self, lang: str) -> str:
        return self._render("not_found.html", lang)

    def stylesheet(self) -> str:
        return (TEMPLATES / self.skin / "main.css").read_text(encoding="utf-8")
