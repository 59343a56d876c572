"""How table pages list rows: which columns come first, which are hidden, headlines
that link to the item's reading page and saved searches to theirs, and the crawler's
UTC stamps shown in site time (UTC on hover; JSON and CSV keep the stamps).

Configured per table in metadata.yaml under `plugins: pmkz: tables:` with `first` (shown
first, in that order) and `hidden` (left out of the HTML table; JSON and CSV keep them).
"""
from __future__ import annotations

from datasette.utils import tilde_encode
from markupsafe import Markup

from .sitetime import time_tag

# The columns of the archive's tables and queries that hold the crawler's UTC stamps.
STAMP_COLUMNS = frozenset((
    "first_seen", "last_seen", "last_changed", "valid_from", "replaced_at", "changed_at", "started", "ended",
    "first_failed", "last_failed", "fetched_at", "at", "found_at", "created", "checked", "completed", "saved"))


def column_order(names: list[str], config: dict | None) -> list[str]:
    config = config or {}
    hidden = set(config.get("hidden", []))
    first = [name for name in config.get("first", []) if name in names and name not in hidden]
    return first + [name for name in names if name not in hidden and name not in first]


def stamp_cell(column: str, value) -> Markup | None:
    """A stamp column's value as site time, or None to leave the cell as Datasette shows it."""
    if column not in STAMP_COLUMNS or not isinstance(value, str) or len(value) <= 10:
        return None
    shown = time_tag(value)
    return shown if shown.startswith("<time") else None


def watch_link(datasette, database: str, row, value) -> Markup | None:
    """A saved search's query as a link to its page (browse/watch_page.py)."""
    if not isinstance(value, str) or "id" not in row.keys():
        return None
    return Markup('<a href="{}/-/watches/{}">{}</a>').format(datasette.urls.database(database), row["id"], value)


def title_link(datasette, database: str, row, value) -> Markup | None:
    """A headline as a link to its item page, where the row also carries the item URL."""
    if not isinstance(value, str) or "url" not in row.keys() or not row["url"]:
        return None
    href = datasette.urls.row(database, "items", tilde_encode(row["url"]))
    return Markup('<a href="{}">{}</a>').format(href, value)
