"""A first-contact check of a site: each language's news list and its first articles,
parsed as a crawl would parse them, with the layer that gave each field.

`check_site` does the fetching and parsing and returns a `LiveReport`; the `pmkz
check-live` command prints it. The robots.txt of the site is obeyed, and requests to
anything but a loopback replica are spaced out.
"""
from __future__ import annotations

import time
import urllib.robotparser
from collections import Counter
from dataclasses import dataclass, field

from pmkz.crawler.health.fetch import Fetched, fetch
from pmkz.crawler.parsing import NotAnArticle, parse_listing
from pmkz.crawler.parsing.pages import parse_page
from pmkz.crawler.parsing.sections import SectionFilter, parse_section_page, section_roots
from pmkz.crawler.parsing.selectors import KNOWN, Selectors
from pmkz.crawler.politeness import is_loopback
from pmkz.site import LANG_PREFIX

FIELDS = ("title", "published", "body", "summary", "images", "translations")
REQUIRED = ("title", "published", "body")
DELAY = 1.0  # seconds between requests to a real site


@dataclass
class PageResult:
    url: str
    sources: dict = field(default_factory=dict)  # field -> layer, for a page that parsed
    error: str | None = None  # why it did not parse or could not be fetched
    fetched: bool = True  # False: the page's failure is the site's, not the parser's


@dataclass
class LangResult:
    lang: str
    list_url: str
    links: int = 0
    next_url: str | None = None
    error: str | None = None
    pages: list[PageResult] = field(default_factory=list)


@dataclass
class SectionResult:
    """A section a language's home page links (crawler/parsing/sections.py), what its
    first page leads to, and its first item page parsed."""
    lang: str
    name: str
    root_url: str
    items: int = 0
    next_url: str | None = None
    error: str | None = None
    pages: list[PageResult] = field(default_factory=list)


@dataclass
class LiveReport:
    base_url: str
    langs: list[LangResult] = field(default_factory=list)
    sections: list[SectionResult] = field(default_factory=list)

    @property
    def checked(self) -> list[PageResult]:
        """Article pages fetched (parsed or not); fetch failures are not the parser's."""
        return [p for lang in self.langs for p in lang.pages if p.fetched]

    def coverage(self, name: str) -> float | None:
        pages = self.checked
        return sum(1 for p in pages if name in p.sources) / len(pages) if pages else None

    def layers(self, name: str) -> Counter:
        return Counter(p.sources[name] for p in self.checked if name in p.sources)

    def problems(self, min_coverage: float) -> list[str]:
        """Why coverage is too low, one phrase each; empty when it is fine."""
        found = [f"{lang.lang}: {lang.error or 'the list links no articles'}" for lang in self.langs if not lang.links]
        if not self.checked:
            return found or ["no article page could be checked"]
        for name in REQUIRED:
            share = self.coverage(name)
            if share < min_coverage:
                found.append(f"{name} {share:.0%} (want {min_coverage:.0%})")
        found += [f"section {s.name} ({s.lang}): {page.url} {page.error}"
                  for s in self.sections for page in s.pages if page.error and page.fetched]
        return found


class _Polite:
    """Fetches in order, obeying robots.txt, with a pause between requests."""

    def __init__(self, base_url: str):
        self.delay = 0.0 if is_loopback(base_url) else DELAY
        self.last = None
        self.robots = urllib.robotparser.RobotFileParser()
        answer = self.get(base_url + "/robots.txt")  # Unreachable propagates: no site
        self.robots.parse(answer.body.decode("utf-8", "replace").splitlines() if answer.status == 200 else [])

    def get(self, url: str) -> Fetched:
        if self.last is not None and self.delay:
            time.sleep(max(0.0, self.last + self.delay - time.monotonic()))
        try:
            return fetch(url)
        finally:
            self.last = time.monotonic()

    def allowed(self, url: str) -> bool:
        return self.robots.can_fetch("pmkz", url)


def _check_article(client: _Polite, url: str, selectors: Selectors) -> PageResult:
    if not client.allowed(url):
        return PageResult(url, error="robots.txt disallows it", fetched=False)
    answer = client.get(url)
    if answer.status != 200:
        return PageResult(url, error=f"HTTP {answer.status}", fetched=False)
    try:
        record = parse_page(answer.body, answer.url, encoding=answer.charset, selectors=selectors)
    except NotAnArticle as error:
        return PageResult(url, sources=error.found, error=str(error))
    return PageResult(url, sources=record["field_sources"])


def _check_sections(client: _Polite, report: LiveReport, lang: str, wanted: SectionFilter,
                    selectors: Selectors) -> None:
    """The sections the language's home page links, each with its first item page."""
    home = f"{report.base_url}/{LANG_PREFIX[lang]}/"
    answer = client.get(home) if client.allowed(home) else None
    if answer is None or answer.status != 200:
        why = "robots.txt disallows it" if answer is None else f"HTTP {answer.status}"
        report.sections.append(SectionResult(lang, "-", home, error=f"the home page: {why}"))
        return
    for name, root in section_roots(answer.body, answer.url, answer.charset).items():
        if not wanted.wants(name):
            continue
        result = SectionResult(lang, name, root)
        report.sections.append(result)
        page = client.get(root) if client.allowed(root) else None
        if page is None or page.status != 200:
            result.error = "robots.txt disallows it" if page is None else f"HTTP {page.status}"
            continue
        listed = parse_section_page(page.body, page.url, root, page.charset)
        result.items, result.next_url = len(listed.item_urls), listed.next_url
        result.pages = [_check_article(client, url, selectors) for url in listed.item_urls[:1]]


def check_site(base_url: str, langs: list[str], articles: int, selectors: Selectors = KNOWN,
               sections: SectionFilter = SectionFilter()) -> LiveReport:
    """Fetch and parse; raises crawler.health.fetch.Unreachable when nothing answers."""
    base_url = base_url.rstrip("/")
    client = _Polite(base_url)
    report = LiveReport(base_url)
    for lang in langs:
        result = LangResult(lang, f"{base_url}/{LANG_PREFIX[lang]}/news")
        report.langs.append(result)
        answer = client.get(result.list_url)
        if answer.status != 200:
            result.error = f"the list answered HTTP {answer.status}"
            continue
        listing = parse_listing(answer.body, answer.url, encoding=answer.charset, selectors=selectors)
        result.links, result.next_url = len(listing.article_urls), listing.next_url
        result.pages = [_check_article(client, url, selectors) for url in listing.article_urls[:articles]]
    for lang in langs:
        _check_sections(client, report, lang, sections, selectors)
    return report
