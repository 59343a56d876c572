"""`list_walks` (which languages' news lists a run walked to their end) and
`list_cursors` (the list page an interrupted first walk of a language resumes from)."""
from __future__ import annotations

from sqlite_utils import Database


def list_walked(db: Database, lang: str) -> bool:
    return db.execute("SELECT 1 FROM list_walks WHERE lang = ?", [lang]).fetchone() is not None


def mark_list_walked(db: Database, lang: str, now: str) -> None:
    """The list was walked to its end: no resume position is needed any more."""
    db["list_walks"].upsert({"lang": lang, "completed": now}, pk="lang")
    db.execute("DELETE FROM list_cursors WHERE lang = ?", [lang])


def list_cursor(db: Database, lang: str) -> str | None:
    row = db.execute("SELECT url FROM list_cursors WHERE lang = ?", [lang]).fetchone()
    return row[0] if row else None


def save_list_cursor(db: Database, lang: str, url: str, now: str) -> None:
    db.execute(
        "INSERT INTO list_cursors (lang, url, saved) VALUES (?, ?, ?)"
        " ON CONFLICT(lang) DO UPDATE SET url = excluded.url, saved = excluded.saved",
        [lang, url, now])
