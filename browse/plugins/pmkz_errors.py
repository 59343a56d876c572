"""Datasette's answers to a reader's mistakes: clean 4xx pages, never a 500 with a
traceback (issue 14). A misspelt search parameter, a POST to a table, a row key of the wrong type (`/pmkz/
item_versions/abc`) and a sort by a column that does not exist are the reader's request
gone wrong, not the server's.
"""
from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.handle_exception import handle_exception as datasette_error_page
from datasette.utils.asgi import BadRequest
from datasette.views.base import DatasetteError


def client_error(request, exception) -> DatasetteError | None:
    """The 4xx error the exception stands for, or None for a real server error."""
    if isinstance(exception, AssertionError) and "only POST to a canned query" in str(exception):
        return DatasetteError("This page can only be read: only canned queries take a POST.",
                              title="Method not allowed", status=405)
    if isinstance(exception, sqlite3.ProgrammingError) and "binding parameter" in str(exception):
        return DatasetteError("No row has that key.", title="Not found", status=404)
    if isinstance(exception, DatasetteError) and exception.status == 500 and str(exception.message).startswith(
            "Cannot sort table by"):
        return DatasetteError(exception.message, title="Bad request", status=400)
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    error = client_error(request, exception)
    if error is None:
        return None
    return datasette_error_page(datasette, request, error)


@hookimpl(tryfirst=True, specname="filters_from_request")
def refuse_misspelt_search(request, database, table, datasette):
    # Before Datasette's search filter, which takes every `_search...` parameter for
    # `_search` or `_search_<column>` and fails (IndexError) on any other.
    misspelt = [key for key in request.args if key.startswith("_search")
                and key not in ("_search", "_searchmode") and not key.startswith("_search_")]
    if misspelt:
        raise BadRequest(f"Unknown parameter {misspelt[0]}: search with _search= or _search_<column>=.")
    return None
