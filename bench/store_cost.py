"""Store cost: upserting N records into an empty database in one batch, then again.

The records are the replica's truth (real headlines and bodies in all three languages,
so full-text indexing costs what it costs on the site's text). The first pass inserts
every record as new; the second finds every one unchanged.
"""
from __future__ import annotations

import json
import math
import time
from itertools import islice
from pathlib import Path

from pmkz.replica import build_site, truth_records
from pmkz.storage import Store


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


def store_cost(count: int, workdir: Path) -> dict:
    batch = records(count)
    with Store(workdir / "store-bench.db") as store:
        run_id = store.start_run("http://127.0.0.1:8123", "full")
        new = _upsert_all(store, batch, run_id)
        unchanged = _upsert_all(store, batch, run_id)
    return {"records": len(batch), "new_s": round(new, 3), "unchanged_s": round(unchanged, 3)}
