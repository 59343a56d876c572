"""The newest items an incremental run re-checks are those of the site's first list
page, ties within a day included: an idle run then costs the same at any size."""
from __future__ import annotations

from pmkz.storage import items


def record(site_id: int, published_at: str | None, day: str = "2026-10-24") -> dict:
    return {"url": f"http://h/ru/news/a-{site_id}", "site_id": site_id, "lang": "ru", "kind": "news",
            "category": None, "title": f"Новость {site_id}", "published_date": day,
            "published_at": published_at, "summary": None, "body": "Текст.", "image_urls": []}


def test_a_page_without_its_time_keeps_its_place_in_the_day(store):
    # Published after the 10:55 page, printed without a time: first on the list, and its
    # id is the higher one.
    store.save_item(record(31740, "2026-10-24T10:55:00+05:00"))
    store.save_item(record(31742, None))
    store.save_item(record(31700, "2026-10-23T18:00:00+05:00", day="2026-10-23"))
    assert items.urls_to_recheck(store.db, "ru", 2, None, None) == ["http://h/ru/news/a-31742", "http://h/ru/news/a-31740"]
