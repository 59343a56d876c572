"""The reader's pages on a large archive: the changed-this-week list (all edits, one
significance), the archive's home, the changed_this_week canned query, and an edited
item's page and compare page, on an archive of `items` items of which `edits` were edited
this week; and an item of `long_paragraphs` paragraphs edited twice, its versions
compared (the diff computed on request) and its page with its last edit.

Each page is asked as a reader asks it, through Datasette in-process (as bench/
store_cost.py's long edit is), `ROUNDS` times; its median and slowest answer are given.
"""
from __future__ import annotations

import statistics
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pmkz.storage import Store

ROUNDS = 5
SITE = "https://primeminister.kz"
LANGS = ("ru", "kk", "en")
OLD = "2024-05-01T10:00:00+00:00"


def _record(n: int) -> dict:
    lang = LANGS[n % 3]
    return {
        "url": f"{SITE}/{'kz' if lang == 'kk' else lang}/news/reviews/item-{n}", "site_id": n, "lang": lang,
        "kind": "news", "category": "reviews", "title": f"Заседание Правительства номер {n}",
        "published_date": f"20{10 + n % 14:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}", "published_at": None,
        "summary": f"Рассмотрены вопросы развития региона {n}.",
        "body": f"Премьер-министр провёл заседание номер {n}.\n\nОбсуждены бюджет и планы на {n % 50} лет."
                "\n\nПоручено завершить работу к осени.",
        "image_urls": [],
    }


def _edited(record: dict, n: int) -> dict:
    """Every fifth edit cosmetic (letter case), the others a sum changed (substantive)."""
    if n % 5 == 0:
        return {**record, "body": record["body"].replace("Поручено", "ПОРУЧЕНО")}
    return {**record, "body": record["body"].replace("планы на", "планы на 12 млрд тенге и")}


def build(db_path: Path, items: int, edits: int, long_paragraphs: int) -> dict:
    """The archive; returns the edited items' and the long item's URLs."""
    now = datetime.now(timezone.utc)
    long_item = {**_record(items), "url": f"{SITE}/ru/news/reviews/long-item",
                 "body": "\n\n".join(f"Абзац {n} длинной статьи о работе Правительства." for n in range(long_paragraphs))}
    with Store(db_path) as store:
        with store.batch():
            for n in range(items):
                store.save_item(_record(n), now=OLD)
            store.save_item(long_item, now=OLD)
        with store.batch():
            # Spread over the last few days, newest last.
            for n in range(edits):
                store.save_item(_edited(_record(n), n), now=now - timedelta(seconds=60 * (edits - n)))
        body = long_item["body"].split("\n\n")
        for step in (1, 2):
            body = [p.replace("работе", "деятельности") if i % (50 * step) == step else p for i, p in enumerate(body)]
            store.save_item({**long_item, "body": "\n\n".join(body)}, now=now - timedelta(hours=3 - step))
    return {"edited": _record(1)["url"], "long": long_item["url"]}


def reader_pages(items: int, edits: int, long_paragraphs: int, workdir: Path) -> dict:
    from datasette.utils import tilde_encode
    from datasette.utils.testing import TestClient

    from pmkz.browse.app import build_datasette

    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "reader-pages.db"
    start = time.perf_counter()
    urls = build(db_path, items, edits, long_paragraphs)
    built = time.perf_counter() - start
    ds = build_datasette(db_path, workdir / "images")
    try:
        client = TestClient(ds)
        client.get("/pmkz/items")  # connections opened, as on a running server

        def timed(path: str) -> dict:
            times = []
            for _ in range(ROUNDS):
                begin = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - begin) * 1000)
                assert response.status == 200, f"{path}: {response.status}"
            return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}

        def compare(url: str) -> str:
            return "/pmkz/-/compare?" + urllib.parse.urlencode({"url": url, "from": 1, "to": "current"})

        return {
            "items": items, "edits": edits, "long_paragraphs": long_paragraphs, "build_s": round(built, 1),
            "changes": timed("/pmkz/-/changes"),
            "changes_cosmetic": timed("/pmkz/-/changes?significance=cosmetic"),
            "home": timed("/"),
            "canned_query": timed("/pmkz/changed_this_week.json"),
            "item_page": timed(f"/pmkz/items/{tilde_encode(urls['edited'])}"),
            "compare": timed(compare(urls["edited"])),
            "long_item_page": timed(f"/pmkz/items/{tilde_encode(urls['long'])}"),
            "long_compare": timed(compare(urls["long"])),
        }
    finally:
        for database in ds.databases.values():
            database.close()
