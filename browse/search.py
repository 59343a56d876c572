"""The items search box, in word forms: the box's text becomes a query over the stem
index (pmkz.storage.search), so `правительство` finds `Правительства` and
`правительством`, `Үкімет` finds `Үкіметтің`, and `word*`, `OR`, `NOT`, `-word` and
"exact phrases" work as typed; so does `?_search_title=` (or summary, body).

Datasette's own search filter runs the MATCH (metadata.yaml: `fts_table: items_search`,
`searchmode: raw`); this filter runs after it and hands it the stemmed query instead of
the typed text, which stays in the box and in the page's description. An exact phrase
adds a clause of its own (its words as printed, from items_fts).
"""
from __future__ import annotations

from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

from pmkz.storage import search

TABLE = "items"
HELP = ('Finds every form of a word (правительство: правительства, правительством…), Kazakh typed in '
        'Latin letters too (Ükımet: Үкімет); "exact phrase" as printed, prefix*, A OR B, NOT word or -word.')
# A query with no word in it matches nothing, in valid FTS5.
NOTHING = '""'


def _searches(request) -> list[tuple[str, str | None, str]]:
    """(Datasette's parameter, column, typed text) of each search in the URL, named as
    Datasette's search filter names them: `_search` alone when given, else each
    `_search_<column>` as search_<i>."""
    if "_search" in request.args:
        return [("search", None, request.args["_search"])]
    keys = [key for key in request.args if key.startswith("_search_")]
    return [(f"search_{i}", key.split("_search_", 1)[1], request.args[key]) for i, key in enumerate(keys)]


def filter_arguments(request, database: str, table: str, datasette):
    searches = _searches(request) if table == TABLE else []
    if not searches:
        return None

    async def inner():
        db = datasette.get_database(database)
        where, params, context = [], {}, {}
        lang = searched_language(request.args)
        for param, column, typed in searches:
            if column is not None and column not in search.COLUMNS:
                continue  # Datasette's filter answers "Cannot search by that column"
            try:
                # On a connection: a prefix also finds the printed words it begins.
                query = await db.execute_fn(
                    lambda conn, typed=typed, column=column: search.compile_query(typed, column, conn, lang))
            except search.QueryTooLarge as error:
                raise BadRequest(f"Search not run: {error}.") from None
            params[param] = query.fts if query else NOTHING
            if query and query.exact:
                sql, values = query.exact
                names = [f"pmkz_{param}_{n}" for n in range(len(values))]
                where.append("rowid IN (" + _named(sql, names) + ")")
                params.update(zip(names, values))
            if not await _hits(db, query):
                context = {"typed": typed, "query": query.shown if query else None, "suggest": [],
                           "exact": bool(query and query.exact)}
                if column is None:
                    context["suggest"] = await db.execute_fn(lambda conn: search.suggest_prefixes(conn, typed))
        return FilterArguments(where, params, [], {"pmkz_search": context} if context else {})

    return inner


def _named(sql: str, names: list[str]) -> str:
    # Datasette's params are named; the SQL's own text holds no `?` but its parameters.
    parts = sql.split("?")
    return parts[0] + "".join(f":{name}{part}" for name, part in zip(names, parts[1:]))


def searched_language(args) -> str | None:
    """The language the items are limited to (the lang facet's), if one: a Latin word
    is asked as Kazakh typed in Latin letters in Kazakh items (pmkz.storage.search)."""
    return args.get("lang") or args.get("lang__exact") or None


async def _hits(db, query) -> bool:
    if query is None:
        return False
    sql, params = query.rowids()
    return bool((await db.execute(sql + " LIMIT 1", params)).rows)
