"""What a walk down a news list needs: the date window it keeps to, and where an
interrupted first walk resumes.

The window is `--since` / `--until`. The cursor: while a run walks a language's list to
its end (a first backfill), it is the deepest list page whose articles, and those of
every page before it, have all been through the pipelines. It is saved as it moves, in
the same database stream as the items, so after a kill the next run starts walking again
from there instead of from page 1 (which it still visits, but only down to the first
page with nothing new).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Enough for the articles of many list pages; a list shifts by a few at a time.
DONE_KEPT = 2000


@dataclass(frozen=True)
class DateWindow:
    since: str | None = None  # inclusive, YYYY-MM-DD
    until: str | None = None  # inclusive, YYYY-MM-DD

    @classmethod
    def from_strings(cls, since: str | None, until: str | None) -> "DateWindow":
        window = cls(_iso(since, "since"), _iso(until, "until"))
        if window.since and window.until and window.since > window.until:
            raise ValueError(f"--since {window.since} is after --until {window.until}")
        return window

    def excludes(self, published_date: str | None) -> bool:
        """True when a known date lies outside the window; unknown dates are kept."""
        if not published_date:
            return False
        return bool(
            (self.since and published_date < self.since)
            or (self.until and published_date > self.until)
        )

    def all_older(self, dates: list[str]) -> bool:
        """True when a list page holds only items older than the window: stop paging."""
        return bool(self.since and dates and all(d < self.since for d in dates))


def _iso(value: str | None, name: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f"--{name} must be a date like 2024-03-09, not {value!r}") from None


@dataclass
class _Page:
    url: str
    waiting: set[str]


@dataclass
class ListCursor:
    lang: str
    pages: list[_Page] = field(default_factory=list)
    # Article URLs handled lately: a list page may repeat an article of the page before
    # (the list shifts as news is published), which is not fetched twice. Only the
    # latest DONE_KEPT are remembered, so a backfill of the whole archive stays small.
    done: dict[str, None] = field(default_factory=dict)
    position: str | None = None  # the URL of the deepest page fully handled

    def page_listed(self, url: str, article_urls: list[str]) -> str | None:
        """A walked list page and the articles it sends for; returns a new position, if any."""
        self.pages.append(_Page(url, {u for u in article_urls if u not in self.done}))
        return self._advance()

    def article_handled(self, url: str) -> str | None:
        """An article's item went through the pipelines; returns a new position, if any."""
        self.done[url] = None
        if len(self.done) > DONE_KEPT:
            del self.done[next(iter(self.done))]
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
