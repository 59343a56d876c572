"""The `sections` table: what the site's menus offered, per language, and what each gave.

One row per (language, section name): its root URL, whether its pages led to item pages
(then later runs walk it without asking the menus again), how many item links its
first page held, and when the menus were last read (crawler/sections.py).
"""
from __future__ import annotations

from sqlite_utils import Database

TABLE = "sections"


def ensure(db: Database) -> None:
    db[TABLE].create({"lang": str, "name": str, "root_url": str, "followed": int, "items": int,
                      "discovered": str}, pk=("lang", "name"), not_null=["root_url", "discovered"],
                     if_not_exists=True)


def seen(db: Database, lang: str, name: str, root_url: str, now: str) -> None:
    """A home page links the section: what its pages gave before stays until they answer."""
    db.execute(
        f"INSERT INTO {TABLE} (lang, name, root_url, followed, items, discovered) VALUES (?, ?, ?, 0, 0, ?)"
        " ON CONFLICT (lang, name) DO UPDATE SET root_url = excluded.root_url, discovered = excluded.discovered",
        [lang, name, root_url, now])


def found(db: Database, lang: str, name: str, root_url: str, followed: bool, items: int, now: str) -> None:
    """The section's first page answered: whether it leads to items, and how many it links."""
    db.execute(
        f"INSERT INTO {TABLE} (lang, name, root_url, followed, items, discovered) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (lang, name) DO UPDATE SET root_url = excluded.root_url, followed = excluded.followed,"
        " items = excluded.items, discovered = excluded.discovered",
        [lang, name, root_url, int(followed), items, now])


def followed(db: Database, lang: str) -> list[tuple[str, str]]:
    """(name, root URL) of the language's sections that lead to item pages."""
    return [tuple(row) for row in db.execute(
        f"SELECT name, root_url FROM {TABLE} WHERE lang = ? AND followed ORDER BY name", [lang])]


def last_discovered(db: Database, lang: str) -> str | None:
    (when,) = db.execute(f"SELECT max(discovered) FROM {TABLE} WHERE lang = ?", [lang]).fetchone()
    return when


def every(db: Database) -> list[dict]:
    return list(db.query(f"SELECT * FROM {TABLE} ORDER BY lang, name"))
