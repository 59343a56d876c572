"""A reader's bad request gets a clean 4xx page from `pmkz serve`'s
Datasette, never a 500 with a traceback."""
from __future__ import annotations

import asyncio

import pytest

from pmkz.browse.app import build_datasette


@pytest.mark.parametrize("method, path, status", [
    ("post", "/pmkz/items", 405),
    ("get", "/pmkz/item_versions/abc", 404),
    ("get", "/pmkz/items?_sort=nosuch", 400),
    ("get", "/pmkz/items.json?_sort_desc=nosuch", 400),
])
def test_bad_requests_get_clean_4xx_pages(store, tmp_path, method, path, status):
    ds = build_datasette(store.path, tmp_path / "images")

    async def ask():
        await ds.invoke_startup()
        return await getattr(ds.client, method)(path)

    response = asyncio.run(ask())
    assert response.status_code == status, response.text[:500]
    assert "Traceback" not in response.text and "binding parameter" not in response.text
