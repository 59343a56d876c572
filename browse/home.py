"""What an archive's home shows before Datasette's list of tables: its items per
language, the search box, the latest changes and the saved searches (not in `pmkz serve
--public`, which keeps them private), each a link to its own page."""
from __future__ import annotations

from pmkz.site import LANGUAGE_NAMES, LANGUAGES

from . import changes

RECENT = 8


async def home_context(datasette, database: str, public: bool) -> dict:
    db = datasette.get_database(database)
    counts = {row["lang"]: row["n"] for row in await db.execute(
        "select lang, count(*) as n from items group by lang")}
    items = datasette.urls.table(database, "items")
    languages = [{"lang": lang, "language": LANGUAGE_NAMES.get(lang, lang), "count": counts[lang],
                  "href": f"{items}?lang={lang}"}
                 for lang in sorted(counts, key=lambda l: (LANGUAGES.index(l) if l in LANGUAGES else 99, l))]
    saved = [] if public or not await db.table_exists("watches") else [
        dict(row) for row in await db.execute("select id, query, lang from watches order by id")]
    base = datasette.urls.database(database)
    return {
        "database": database, "items_href": items, "total": sum(counts.values()), "languages": languages,
        "recent": await changes.changes_context(datasette, database, None, None, limit=RECENT),
        "watches": [{**watch, "href": f"{base}/-/watches/{watch['id']}"} for watch in saved],
        "base": base,
    }
