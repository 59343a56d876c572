"""Store cost: upserting N records into an empty database in one batch, then again.

The records are the replica's truth (real headlines and bodies in all three languages,
so full-text indexing costs what it costs on the site's text). The first pass inserts
every record as new; the second finds every one unchanged.

Then the first EDITS records edited as an editor corrects a release (a figure changed, a
sentence added to its last paragraph): the time to store each new version with its word
diff and significance, and the diff's own share of it. And the cost of one long edit: storing it
with its changes (neighbours swapped, then every paragraph reworded), and reading it
back as an anonymous reader does ("changed this week", the version page).
"""
from __future__ import annotations

import json
import math
import re
import time
from itertools import islice
from pathlib import Path

from pmkz.replica import build_site, truth_records
from pmkz.storage import Store, diffs


def records(count: int) -> list[dict]:
    """`count` truth records, JSON objects as JSON text as the spider's items give them."""
    site = build_site(articles=math.ceil(count / 3))
    return [
        {key: json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, dict) else value
         for key, value in record.items()}
        for record in islice(truth_records(site, "http://127.0.0.1:8123"), count)
    ]


def _upsert_all(store: Store, batch: list[dict], run_id: int) -> float:
    start = time.perf_counter()
    with store.batch():
        for record in batch:
            store.save_item(record, run_id=run_id)
    return time.perf_counter() - start


def long_edit_cost(paragraphs: int, workdir: Path) -> dict:
    """An edit of a page of `paragraphs` paragraphs that swaps every pair of neighbours
    (what made difflib quadratic): the time to store it, and to answer "changed this week"
    and its version page as `pmkz serve --public` does."""
    from datasette.utils import tilde_encode
    from datasette.utils.testing import TestClient

    from pmkz.browse.app import build_datasette

    before = [f"Абзац {n} длинной статьи о работе Правительства." for n in range(paragraphs)]
    after = list(before)
    for n in range(0, paragraphs - 1, 2):
        after[n], after[n + 1] = after[n + 1], after[n]
    record = {"url": "https://primeminister.kz/ru/news/long-1", "lang": "ru", "title": "Длинная статья",
              "published_date": "2024-03-09", "body": "\n\n".join(before)}
    reworded = [p.replace("работе", "деятельности") for p in after]
    db_path = workdir / "long-edit.db"
    with Store(db_path) as store:
        store.save_item(record)
        start = time.perf_counter()
        store.save_item({**record, "body": "\n\n".join(after)})
        stored = time.perf_counter() - start
        # Every paragraph edited in place: words compared until the edit's budget is spent.
        start = time.perf_counter()
        store.save_item({**record, "body": "\n\n".join(reworded)})
        stored_reworded = time.perf_counter() - start
    ds = build_datasette(db_path, workdir / "long-edit-images", public=True)
    try:
        client = TestClient(ds)
        client.get("/pmkz/items")  # connections opened, as on a running server

        def answer_ms(path: str) -> float:
            start = time.perf_counter()
            response = client.get(path)
            assert response.status == 200, f"{path}: {response.status}"
            return round((time.perf_counter() - start) * 1000, 1)

        return {"paragraphs": paragraphs, "store_s": round(stored, 3), "reworded_store_s": round(stored_reworded, 3),
                "changed_this_week_ms": answer_ms("/pmkz/changed_this_week.json"),
                "version_page_ms": answer_ms(f"/pmkz/item_versions/{tilde_encode(record['url'])},1")}
    finally:
        for database in ds.databases.values():
            database.close()


# Records edited: an edit's cost does not depend on how many there are.
EDITS = 1000


def _corrected(record: dict) -> dict:
    """The record as an editor corrects it: its first figure changed, a sentence added."""
    body = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), record["body"], count=1)
    return {**record, "body": body + " Информация уточняется."}


def store_cost(count: int, workdir: Path) -> dict:
    batch = records(count)
    edited = [_corrected(record) for record in batch[:EDITS]]
    with Store(workdir / "store-bench.db") as store:
        run_id = store.start_run("http://127.0.0.1:8123", "full")
        new = _upsert_all(store, batch, run_id)
        unchanged = _upsert_all(store, batch, run_id)
        versions = _upsert_all(store, edited, run_id)
    start = time.perf_counter()
    for old, now in zip(batch, edited):
        diffs.significance(diffs.compare(old["body"], now["body"], old["title"], now["title"]))
    diff = time.perf_counter() - start
    return {"records": len(batch), "new_s": round(new, 3), "unchanged_s": round(unchanged, 3),
            "version_ms": round(versions * 1000 / len(edited), 3), "diff_ms": round(diff * 1000 / len(edited), 3)}
