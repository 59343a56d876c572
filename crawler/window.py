"""The publication-date window of a crawl (`--since` / `--until`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
