"""The items search box, in word forms: the box's text becomes an FTS5 query over the
stem index (pmkz.storage.search), so `правительство` finds `Правительства` and
`правительством`, `Үкімет` finds `Үкіметтің`, and `word*`, `OR`, `NOT`, `-word` and
"quoted phrases" work as typed.

Datasette's own search filter runs the MATCH (metadata.yaml: `fts_table: items_search`,
`searchmode: raw`); this filter runs after it and hands it the stemmed query instead of
the typed text, which stays in the box and in the page's description.
"""
from __future__ import annotations

from datasette.filters import FilterArguments

from pmkz.storage import search

TABLE = "items"
HELP = ('Finds every form of a word (правительство: правительства, правительством…); '
        '"exact phrase", prefix*, A OR B, NOT word or -word.')
# A query with no word in it matches nothing, in valid FTS5.
NOTHING = '""'


def filter_arguments(request, database: str, table: str, datasette):
    if table != TABLE or "_search" not in request.args:
        return None

    async def inner():
        typed = request.args.get("_search", "")
        query = search.fts_query(typed)
        suggest = []
        db = datasette.get_database(database)
        if query is None or not await _hits(db, query):
            suggest = [await _first_with_hits(db, prefixes) for prefixes in search.prefixes_to_try(typed)]
        return FilterArguments([], {"search": query or NOTHING}, [], {
            "pmkz_search": {"typed": typed, "query": query,
                            "suggest": [s.replace('"', "") for s in suggest if s]},
        })

    return inner


async def _hits(db, query: str) -> bool:
    rows = await db.execute(
        f"SELECT 1 FROM {search.TABLE} WHERE {search.TABLE} MATCH ? LIMIT 1", [query])
    return bool(rows.rows)


async def _first_with_hits(db, prefixes: list[str]) -> str | None:
    for prefix in prefixes:
        if await _hits(db, prefix):
            return prefix
    return None
