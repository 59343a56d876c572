"""Known markup of primeminister.kz, kept as data in one place.

Selectors are the first guess of the extractors, never the only one: every field has
a structural fallback (see article.py), because the live markup is not known for sure.
SITE.md describes two markups (2019 and, unverified, 2026); their selectors are here.
To adapt to a new markup without a code change, write a TOML or JSON file of the fields
to replace (`body = ["div.news-text"]`) and point the crawler's PMKZ_SELECTORS setting
at it (`load_selectors`); the spider passes the result to parse_article / parse_listing.

A selector is any CSS selector (cssselect turns it into XPath). Its meaning is one XPath
each (`_xpath`); a field's selectors in the usual forms (`tag.class`, `.class`, `tag`)
are matched together in one pass (`_matcher`), which gives the same elements in the same
order for a fraction of the cost. Prefer `tag.class`: then only elements of that tag
are tested.
"""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path

from lxml import etree


def _xpath(selector: str) -> etree.XPath:
    if not _SIMPLE.fullmatch(selector):
        return etree.XPath(_css_to_xpath(selector))
    tag, _, cls = selector.partition(".")
    # The plain substring test first: it rejects nearly every element at a fraction of
    # the cost of the whole-word test.
    test = f"[contains(@class, '{cls}')][contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]" if cls else ""
    return etree.XPath(f"descendant-or-self::{tag or '*'}{test}")


def _css_to_xpath(selector: str) -> str:
    """Any CSS selector as an XPath from the element down (cssselect, which ships with
    Scrapy's parsel); ValueError naming the selector when it is not CSS."""
    from cssselect import GenericTranslator, SelectorError

    try:
        return GenericTranslator().css_to_xpath(selector, prefix="descendant-or-self::")
    except SelectorError as error:
        raise ValueError(f"{selector!r} is not a CSS selector ({error})") from None

# The forms matched without XPath: a lower-case tag (the HTML parser's names; XPath
# compares names as written) and a class word without white space or quotes.
_SIMPLE = re.compile(r"(?:[a-z][a-z0-9]*)?(?:\.[\w-]+)?")
# What XPath's normalize-space() treats as white space: not the no-break space.
_XML_SPACE = re.compile(r"[ \t\n\r]+")


def _has_class(element, cls: str) -> bool:
    """The XPath's class test: `cls` is a word of the class attribute."""
    value = element.get("class")
    # The substring test first, as in the XPath: it rejects nearly every element.
    return bool(value) and cls in value and cls in _XML_SPACE.split(value)


def _matcher(selectors: tuple[str, ...]):
    """root -> (selector, element) pairs at or under root, selector by selector, each
    selector's in document order: what the selectors' `_xpath`s return one after the
    other. The usual forms share one pass over the tree for all of a field's selectors
    (three for a list item's date): the elements of their tags when every selector
    names one (lxml skips the others in C), else the elements whose class attribute
    contains one of their classes, found by one XPath through the attribute (libxml2
    tests only elements that carry one), else every element."""
    if not selectors:
        return lambda root: []
    if not all(selector and _SIMPLE.fullmatch(selector) for selector in selectors):
        compiled = [(selector, _xpath(selector)) for selector in selectors]
        return lambda root: [(selector, element) for selector, xpath in compiled for element in xpath(root)]
    tests = [selector.partition(".")[::2] for selector in selectors]  # (tag or "", class or "")
    tags = {tag for tag, _ in tests}
    if "" not in tags:
        def candidates(root):
            return root.iter(*tags)
    elif all(cls for _, cls in tests):
        candidates = etree.XPath("descendant-or-self::*/@class["
                                 + " or ".join(f"contains(., '{cls}')" for _, cls in tests) + "]/parent::*")
    else:
        def candidates(root):
            return root.iter(etree.Element)  # elements only, as XPath's `*`

    def match(root) -> list:
        found: list[list] = [[] for _ in tests]
        for element in candidates(root):
            for bucket, (tag, cls) in zip(found, tests):
                if (not tag or element.tag == tag) and (not cls or _has_class(element, cls)):
                    bucket.append(element)
        return [(selector, element) for selector, bucket in zip(selectors, found) for element in bucket]

    return match


@dataclass(frozen=True)
class Selectors:
    title: tuple[str, ...] = ("h1.main-news-item__head",)
    date: tuple[str, ...] = ("div.date", ".article__date")
    # The element holding the body paragraphs. None known for sure: the structural
    # finder does this on both known markups, so it stays empty unless configured.
    body: tuple[str, ...] = ()
    list_item: tuple[str, ...] = ("a.item", ".main__article")
    list_heading: tuple[str, ...] = (".main__article-heading",)
    list_teaser: tuple[str, ...] = (".main__article-text",)
    list_date: tuple[str, ...] = (".main__article-date", ".article__date", ".date")
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    def find(self, field_name: str, root) -> list:
        """Elements under `root` matching the selectors of one field, in selector order."""
        return [element for _, element in self.matches(field_name, root)]

    def matches(self, field_name: str, root) -> list[tuple[str, object]]:
        """(selector, element) pairs of one field, in selector order: the selector
        names the layer in a record's field_sources."""
        selectors = tuple(getattr(self, field_name))
        if selectors not in self._compiled:
            self._compiled[selectors] = _matcher(selectors)
        return self._compiled[selectors](root)


KNOWN = Selectors()
FIELDS = tuple(f.name for f in fields(Selectors) if not f.name.startswith("_"))


def load_selectors(path: str | Path) -> Selectors:
    """The known selectors with the fields a TOML or JSON file gives replaced.

    Raises ValueError with a one-line message for an unreadable or malformed file.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except OSError as error:
        raise ValueError(f"cannot read selectors file {path}: {error.strerror or error}") from None
    except ValueError as error:  # JSONDecodeError and TOMLDecodeError both are
        raise ValueError(f"selectors file {path} is not valid: {error}") from None
    changes = {}
    for name, value in data.items():
        if name not in FIELDS:
            raise ValueError(f"selectors file {path}: unknown field {name!r} (known: {', '.join(FIELDS)})")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise ValueError(f"selectors file {path}: {name} must be a CSS selector or a list of them")
        for selector in values:
            try:
                _xpath(selector.strip())
            except (ValueError, etree.XPathError) as error:
                raise ValueError(f"selectors file {path}: {name}: {error}") from None
        changes[name] = tuple(v.strip() for v in values)
    return replace(KNOWN, **changes)

# Class and id words that mark page furniture, never content. Matched against the
# words of a class attribute split on spaces, `-` and `_` ("news-share__item" -> share).
NOISE_WORDS = frozenset((
    "share", "sharing", "social", "socials", "breadcrumb", "breadcrumbs", "navi",
    "nav", "navbar", "menu", "related", "readmore", "also", "tags", "banner",
    "subscribe", "print", "comments", "sidebar", "pagination", "pager", "footer",
    "badge", "badges", "ads", "advert", "logo", "widget", "counter", "views", "apps",
))
# Elements that are furniture by their tag, and ARIA roles that say the same.
NOISE_TAGS = frozenset(("nav", "aside", "footer", "form", "button", "menu"))
NOISE_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "menu"))
# Words of a class that mark a lead/teaser block, and a printed date.
LEAD_WORDS = frozenset(("lead", "intro", "annotation", "anons", "subtitle", "excerpt", "summary", "teaser",
                        "chapo", "standfirst", "vorspann"))
DATE_WORDS = frozenset(("date", "time", "published", "pubdate", "datetime"))

_WORD_SPLIT = re.compile(r"[\s_-]+")
_NO_WORDS: frozenset[str] = frozenset()


@lru_cache(maxsize=4096)
def _words(value: str) -> frozenset[str]:
    # Pages repeat a few dozen class strings many times over: split each once.
    return frozenset(_WORD_SPLIT.split(value.lower()))


def class_words(element) -> frozenset[str]:
    """The words of an element's class and id attributes, lower-cased."""
    cls, ident = element.get("class"), element.get("id")
    if not cls and not ident:
        return _NO_WORDS
    return _words(f"{cls or ''} {ident or ''}")


def class_attr_words(element) -> frozenset[str]:
    """The words of an element's class attribute alone, lower-cased: for a heading,
    whose id is its anchor, spelt from its own words ("nav_nur_die_folie")."""
    cls = element.get("class")
    return _words(cls) if cls else _NO_WORDS
