"""How table pages list rows: which columns come first, which are hidden, headlines
that link to the item's reading page and saved searches to theirs.

Configured per table in metadata.yaml under `plugins: pmkz: tables:` with `first` (shown
first, in that order) and `hidden` (left out of the HTML table; JSON and CSV keep them).
"""
from __future__ import annotations

from datasette.utils import tilde_encode
from markupsafe import Markup


def column_order(names: list[str], config: dict | None) -> list[str]:
    config = config or {}
    hidden = set(config.get("hidden", []))
    first = [name for name in config.get("first", []) if name in names and name not in hidden]
    return first + [name for name in names if name not in hidden and name not in first]


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
