"""The replica's pages, rendered on request from the templates of one skin.

A skin is a directory of templates with the same names: `modern` models the current
markup of SITE.md, `classic` the 2019 one. Directories named in the PMKZ_REPLICA_SKINS
environment variable (os.pathsep-separated) add skins of their own: markups that
tests keep to themselves, so that no parser can have been written against them.

A skin's optional `skin.json` says how its lists are paged ("paging": "query" for
`/<p>/news?page=N` from 1 with numbered links, "path" for `/<p>/news/page/N` from 0
with no links at all, answering past the end with an empty page unless "past_end" is
"not found") and which skin's templates it falls back to ("extends"). "sitemap" gives
the skin a sitemap, named in robots.txt: "lastmod" an index of one sitemap a language,
each page with its <lastmod> (when it was published or last edited), "plain" one
sitemap of every page without it. "list_lag": N keeps a language's N newest articles
off its news list (a list served from a cache): only the sitemap shows them.
"""
from __future__ import annotations

import json
import math
import os
import threading
from collections import OrderedDict
from pathlib import Path
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pmkz.replica.labels import LANG_PREFIX

from pmkz.replica import article_page, clock, datefmt, decisions
from pmkz.replica.labels import CATEGORY_NAMES, LABELS, STATIC_PAGES, SWITCHER
from pmkz.replica.model import Article, Site

TEMPLATES = Path(__file__).parent / "templates"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_STYLES = ("lastmod", "plain")
EXTRA_SKINS = "PMKZ_REPLICA_SKINS"
PER_PAGE = 20
HOME_ITEMS = 10
# Rendered article pages kept (about 40 KB each): all of a benchmark's 900.
ARTICLE_CACHE_PAGES = 2000


def skin_dirs() -> dict[str, Path]:
    """Skin name -> its template directory."""
    roots = [TEMPLATES, *(Path(p) for p in os.environ.get(EXTRA_SKINS, "").split(os.pathsep) if p)]
    return {d.name: d for root in roots if root.is_dir() for d in sorted(root.iterdir()) if d.is_dir()}


def skins() -> list[str]:
    return sorted(skin_dirs())


def skin_options(skin: str) -> dict:
    path = skin_dirs()[skin] / "skin.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


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
        dirs = skin_dirs()
        if skin not in dirs:
            raise ValueError(f"unknown skin {skin!r} (known: {', '.join(skins())})")
        self.site, self.skin, self.base_url = site, skin, base_url
        options = skin_options(skin)
        self.paging = options.get("paging", "query")
        self.empty_past_end = options.get("past_end", "empty") == "empty"  # else 404
        self.sitemap_style = options.get("sitemap")  # None: the skin has no sitemap
        if self.sitemap_style not in (None, *SITEMAP_STYLES):
            raise ValueError(f"skin {skin!r}: sitemap must be one of {', '.join(SITEMAP_STYLES)}")
        self.list_lag = int(options.get("list_lag", 0))
        self.template_dirs = [dirs[skin]] + ([dirs[options["extends"]]] if "extends" in options else [])
        # Where this skin keeps the government's decisions, when the site has any.
        self.decision_section = decisions.section_of(skin, self.template_dirs) if any(site.decisions.values()) else None
        # auto_reload off: templates do not change while a replica serves, and checking
        # their files' mtimes on every page was a quarter of the replica's work.
        self.env = Environment(
            loader=FileSystemLoader(self.template_dirs), autoescape=True, undefined=StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, auto_reload=False,
        )
        # Rendered article pages, newest use last. A page is a function of the article's
        # state and the site's day (other-language versions come and go with the day), so
        # that is the key. Crawls, tests and benchmarks then measure the crawler, not the
        # replica's templates: the real site's CPU is not on the crawler's machine.
        self._articles: OrderedDict[tuple, str] = OrderedDict()
        self._articles_lock = threading.Lock()  # the server answers on many threads

    def _render(self, template: str, lang: str, **context) -> str:
        context.setdefault("translations", {})  # lang -> path of this page's other versions
        section = self.decision_section
        context.setdefault("decisions_menu", section and {
            "path": f"/{LANG_PREFIX[lang]}/{section}", "label": decisions.MENU_LABELS[section][lang]})
        return self.env.get_template(template).render(
            lang=lang, prefix=LANG_PREFIX[lang], prefixes=LANG_PREFIX, labels=LABELS[lang],
            switcher=SWITCHER, category_names=CATEGORY_NAMES, year=self.site.now.year, **context,
        )

    def list_path(self, prefix: str, page: int) -> str:
        """The path of list page `page` (counted from 1) in this skin's paging."""
        if self.paging == "path":
            return f"/{prefix}/news/page/{page - 1}"
        return f"/{prefix}/news" if page == 1 else f"/{prefix}/news?page={page}"

    def _items(self, articles: list[Article]) -> list[dict]:
        return [
            {"path": a.path, "headline": a.headline, "summary": a.facts.summary,
             "date": datefmt.list_date(a.published), "thumb": article_page.thumbnail(a)}
            for a in articles
        ]

    def home(self, lang: str) -> str:
        return self._render("home.html", lang, items=self._items(self.site.live[lang][:HOME_ITEMS]))

    def news_list(self, lang: str, page: int) -> str | None:
        """List page `page` (from 1), or None past the end; page 1 exists even when empty.
        Path-paged lists answer past their end too, with no items, unless the skin says
        `"past_end": "not found"`: their readers find the end only so."""
        articles = self.site.live[lang][self.list_lag:]
        pages = max(1, math.ceil(len(articles) / PER_PAGE))
        if page < 1 or page > pages and not (self.paging == "path" and self.empty_past_end):
            return None
        prefix = LANG_PREFIX[lang]
        return self._render(
            "list.html", lang, page=page, pages=pages, window=page_window(page, pages) if page <= pages else [],
            items=self._items(articles[(page - 1) * PER_PAGE: page * PER_PAGE]),
            page_url=lambda n: self.list_path(prefix, n),
        )

    def article(self, article: Article) -> str:
        key = (article.path, article.last_modified, self.site.now)
        with self._articles_lock:
            page = self._articles.get(key)
            if page is not None:
                self._articles.move_to_end(key)
                return page
        page = self._render("article.html", article.lang, **article_page.context(self.site, article, self.base_url))
        with self._articles_lock:
            self._articles[key] = page
            if len(self._articles) > ARTICLE_CACHE_PAGES:
                self._articles.popitem(last=False)
        return page

    def decision(self, decision: decisions.Decision) -> str:
        return self._render("decision.html", decision.lang, **decisions.page_context(decision, self.decision_section))

    def decision_list(self, lang: str, page: int) -> str | None:
        context = decisions.list_context(self.site.decisions[lang], lang, self.decision_section, page)
        return context and self._render("decision_list.html", lang, **context)

    def sitemap_paths(self) -> list[str]:
        """The paths robots.txt names: the skin's sitemap, if it has one."""
        return ["/sitemap.xml"] if self.sitemap_style else []

    def sitemap(self, name: str) -> str | None:
        """The sitemap file `name` (`sitemap.xml`, or `sitemap-<prefix>.xml` of the
        "lastmod" style's index), or None when the skin has no such file."""
        if self.sitemap_style == "plain" and name == "sitemap.xml":
            return self._urlset([a for lang in sorted(self.site.live) for a in self.site.live[lang]], lastmod=False)
        if self.sitemap_style != "lastmod":
            return None
        if name == "sitemap.xml":
            entries = "".join(
                f"<sitemap><loc>{self.base_url}/sitemap-{LANG_PREFIX[lang]}.xml</loc>"
                f"<lastmod>{clock.iso_local(max(a.last_modified for a in articles))}</lastmod></sitemap>"
                for lang, articles in sorted(self.site.live.items()) if articles)
            return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">{entries}</sitemapindex>\n'
        lang = next((lang for lang, prefix in LANG_PREFIX.items() if name == f"sitemap-{prefix}.xml"), None)
        return self._urlset(self.site.live[lang], lastmod=True) if lang in self.site.live else None

    def _urlset(self, articles: list[Article], lastmod: bool) -> str:
        entries = "".join(
            f"<url><loc>{escape(self.base_url + a.path)}</loc>"
            + (f"<lastmod>{clock.iso_local(a.last_modified)}</lastmod>" if lastmod else "") + "</url>"
            for a in articles)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">{entries}</urlset>\n'

    def static(self, lang: str, name: str) -> str | None:
        page = STATIC_PAGES.get(name, {}).get(lang)
        if page is None:
            return None
        title, paragraphs = page
        return self._render("page.html", lang, title=title, paragraphs=paragraphs)

    def not_found(self, lang: str) -> str:
        return self._render("not_found.html", lang)

    def stylesheet(self) -> str:
        return next(d / "main.css" for d in self.template_dirs if (d / "main.css").exists()).read_text(encoding="utf-8")
