"""URL rules of primeminister.kz: canonical form, language section, id and category.

Article URLs look like `/<p>/news/<slug>-<id>` or `/<p>/news/<category>/<slug>-<id>`,
<p> being the site's language prefix (`ru`, `kz`, `en`; `kk` accepted as well). A slug
has letters: `/news/archive/2023-11-03` is a calendar page, not an article.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from pmkz.crawler.parsing.text import xml_safe
from pmkz.site import LANG_OF_PREFIX


# Possessive quantifiers (`++`) where giving characters back can never lead to a match,
# and the slug's letter found by a lookahead: written as `[^/]*[^\W\d_][^/]*-\d+`, the
# same pattern backtracks over every letter of a long slug (3x slower, on every link).
_ARTICLE_PATH = re.compile(
    r"^/(?P<prefix>ru|kz|kk|en)/news/(?:(?P<category>[^/]++)/)?(?P<slug>(?=[^/]*?[^\W\d_])[^/]*-\d++)/?$"
)
_SITE_ID = re.compile(r"-(\d+)/?$")
# Pages that are never articles, whatever they contain: news lists and decisions.
_NEWS_LIST_PATH = re.compile(r"^/(?:ru|kz|kk|en)/news(?:(?:/[^/]++)?/page/\d++)?/?$")
_DECISION_PATH = re.compile(r"^/(?:ru|kz|kk|en)/decisions(?:/|$)")


# A page asks about the same links many times over (body finder, date, translations,
# list items) and every page repeats the menus and sidebars: answers are kept per URL.
_URL_CACHE = 4096


_NO_URL = urlsplit("")


def split_url(url: str) -> SplitResult:
    """urlsplit(url), or the parts of an empty URL where urllib refuses one (a host
    bracket left open, `http://[x`): a page's odd link is no link, never a failed parse."""
    try:
        return urlsplit(url)
    except ValueError:
        return _NO_URL


@lru_cache(maxsize=_URL_CACHE)
def canonical_url(url: str) -> str:
    """The URL without query and fragment: the key an article is stored under."""
    parts = split_url(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


# What makes urljoin() do more than put scheme and host before a link's absolute path:
# a query, fragment or parameters, white space it removes, dot segments it resolves.
_NOT_PLAIN = ("?", "#", ";", "\t", "\r", "\n", "/.")


def join_url(base: str, href: str) -> str:
    """urljoin(base, href), without its parsing for the common link `/ru/news/...`.

    For a plain absolute path urljoin keeps only the base's scheme and host, so the
    result is spelled out directly; anything else goes to urljoin. "" when no URL can
    be made of the two (see split_url).
    """
    # A link may name characters (`&#1;`) no stored URL, feed or JSON message may carry.
    href = xml_safe(href)
    if href[:1] == "/" and href[1:2] != "/" and not any(mark in href for mark in _NOT_PLAIN):
        scheme, netloc = split_url(base)[:2]
        if netloc and scheme in ("http", "https"):
            return f"{scheme}://{netloc}{href}"
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def _path(url: str) -> str:
    return split_url(url.strip()).path


def lang_of(url: str) -> str | None:
    """'ru', 'kk' or 'en' from the URL's first path segment, else None."""
    first = _path(url).lstrip("/").split("/", 1)[0].lower()
    return LANG_OF_PREFIX.get(first)


def prefix_of(url: str) -> str | None:
    """The site's language prefix as written in the URL ('ru', 'kz', 'kk', 'en')."""
    first = _path(url).lstrip("/").split("/", 1)[0].lower()
    return first if first in LANG_OF_PREFIX else None


def site_id_of(url: str) -> int | None:
    """The number that ends the URL's slug (`...-31656` -> 31656), else None."""
    match = _SITE_ID.search(_path(url))
    return int(match.group(1)) if match else None


def category_of(url: str) -> str | None:
    """The segment between `news/` and the slug (`reviews`, ...), else None."""
    match = _ARTICLE_PATH.match(_path(url))
    return match.group("category") if match else None


@lru_cache(maxsize=_URL_CACHE)
def is_article_url(url: str) -> bool:
    """True for news article URLs; list pages (`/news/page/3`) and decisions are not."""
    return _ARTICLE_PATH.match(_path(url)) is not None


def non_article_reason(url: str) -> str | None:
    """Why a URL can never be an article page (decisions, news lists), else None.

    Only these known forms are refused up front: an article whose URL lacks the usual
    trailing id is still parsed on its content.
    """
    path = _path(url)
    if _DECISION_PATH.match(path):
        return "a decisions page, not a news article"
    if _NEWS_LIST_PATH.match(path):
        return "a news list page, not an article"
    return None


# Off the site's URL scheme an article link is told by its path: a slug of several words
# (`/harbour-bridge-reopens-after-repairs/`), a shorter one under a date or number
# (`/2019/11/18/bridge-reopens/`), or a long number (`/a/30657941.html`); and no segment
# naming a list (`/tag/...`, `/author/...`).
_LIST_SEGMENTS = frozenset((
    "tag", "tags", "category", "categories", "author", "authors", "topic", "topics", "section",
    "sections", "search", "page", "label", "labels", "archive", "archives", "feed", "rss", "user",
    "users", "profile", "profiles",
))
_SLUG_WORDS = 4  # words of a slug: fewer is a section's name ("/news/", "/about-us/")
_DATED_SLUG_WORDS = 2
_WORD = re.compile(r"[^\W_]+")
_LONG_NUMBER = re.compile(r"\d{5,}")
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)


def _bare_host(netloc: str) -> str:
    host = netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=_URL_CACHE)
def _elsewhere_article(page_url: str, href: str) -> bool:
    url = join_url(page_url, href.strip())
    parts, page = split_url(url), split_url(page_url)
    if parts.scheme not in ("http", "https") or _bare_host(parts.netloc) != _bare_host(page.netloc):
        return False
    if parts.path.rstrip("/") == page.path.rstrip("/"):
        return False  # the page itself (a permalink, a comment's anchor)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments or not _LIST_SEGMENTS.isdisjoint(segments):
        return False
    if any(_LONG_NUMBER.search(s) for s in segments):
        return True
    words = [w for w in _WORD.findall(_PAGE_SUFFIX.sub("", segments[-1])) if not w.isdigit()]
    dated = any(s.isdigit() for s in segments[:-1])
    return len(words) >= (_DATED_SLUG_WORDS if dated else _SLUG_WORDS)


def article_link_test(page_url: str):
    """href -> whether it links another article, for a page at `page_url`.

    The site's own pages know their article URLs (`is_article_url`); a page of another
    site is judged by the shape of its links to its own host, the page itself excepted."""
    if lang_of(page_url) is not None:
        return is_article_url
    return lambda href: _elsewhere_article(page_url, href)
