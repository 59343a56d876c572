"""`list_cursors`: the list page an interrupted first walk of a language resumes from."""
from __future__ import annotations

from sqlite_utils import Database


def get(db: Database, lang: str) -> str | None:
    row = db.execute("SELECT url FROM list_cursors WHERE lang = ?", [lang]).fetchone()
    return row[0] if row else None


def save(db: Database, lang: str, url: str, now: str) -> None:
    db.execute(
        "INSERT INTO list_cursors (lang, url, saved) VALUES (?, ?, ?)"
        " ON CONFLICT(lang) DO UPDATE SET url = excluded.url, saved = excluded.saved",
        [lang, url, now])


def clear(db: Database, lang: str) -> None:
    db.execute("DELETE FROM list_cursors WHERE lang = ?", [lang])
