"""Where an interrupted walk down a news list may resume.

While a run walks a language's list to its end (a first backfill), the cursor is the
deepest list page whose articles, and those of every page before it, have all been
through the pipelines. It is saved as it moves, in the same database stream as the
items, so after a kill the next run starts walking again from there instead of from
page 1 (which it still visits, but only down to the first page with nothing new).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Page:
    url: str
    waiting: set[str]


@dataclass
class ListCursor:
    lang: str
    pages: list[_Page] = field(default_factory=list)
    # Every article URL handled in this run: a list page may repeat an article of the
    # page before (the list shifts as news is published), which is not fetched twice.
    done: set[str] = field(default_factory=set)
    position: str | None = None  # the URL of the deepest page fully handled

    def page_listed(self, url: str, article_urls: list[str]) -> str | None:
        """A walked list page and the articles it sends for; returns a new position, if any."""
        self.pages.append(_Page(url, set(article_urls) - self.done))
        return self._advance()

    def article_handled(self, url: str) -> str | None:
        """An article's item went through the pipelines; returns a new position, if any."""
        self.done.add(url)
        for page in self.pages:
            if url in page.waiting:
                page.waiting.discard(url)
                return self._advance()
        return None

    def _advance(self) -> str | None:
        moved = None
        while self.pages and not self.pages[0].waiting:
            moved = self.pages.pop(0).url
        if moved:
            self.position = moved
        return moved
