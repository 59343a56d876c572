"""storage/identity.py: a page is its path, and so is an image on its page's address; an
image on another host keeps its whole URL. The crawl across ports is in
test_identity_by_path.py."""
from __future__ import annotations

from pmkz.storage import failures, identity, items

OLD, NEW, CDN = "http://127.0.0.1:8001", "http://127.0.0.1:8002", "http://cdn.example"
PAGE = "/ru/news/reviews/slug-1"


def record(base: str, image_urls: list[str]) -> dict:
    return {"url": base + PAGE, "site_id": 1, "lang": "ru", "kind": "news", "category": "reviews",
            "title": "Заголовок", "published_date": "2024-03-09", "published_at": None,
            "summary": None, "body": "Абзац.", "image_urls": image_urls}


def archived(store, url: str) -> None:
    store.save_capture({"url": url, "fetched_at": "2026-01-01T00:00:00+00:00", "status": 200,
                        "record_type": "response", "warc_file": "pmkz-1-0.warc.gz", "warc_offset": 0,
                        "warc_length": 10}, run_id=None)


def test_a_page_is_found_gone_or_live_at_any_address(store):
    store.save_item({**record(OLD, []), "summary": "Из списка.", "field_sources": {"summary": "listing"}})
    assert store.item_status(NEW + PAGE) == "live"
    assert store.listed_summary(NEW + PAGE) == "Из списка."
    assert store.item_status(NEW + "/ru/news/reviews/slug-2") is None
    assert store.mark_gone(NEW + PAGE)
    assert store.item_status(OLD + PAGE) == "gone"


def test_an_image_on_the_pages_address_moves_with_it_and_a_foreign_one_keeps_its_host(store):
    own, foreign = OLD + "/img/1.jpg", CDN + "/img/1.jpg"
    store.save_item(record(OLD, [own, foreign]))
    store.save_images(OLD + PAGE, [{"url": foreign, "path": "cd/cdn.jpg", "sha1": "c"}])
    urls, files = items.stored_images(store.db, NEW + PAGE)
    assert urls == [NEW + "/img/1.jpg", foreign]
    # The page's own image was never downloaded: the foreign file of the same path is not it.
    assert files == {foreign: ("cd/cdn.jpg", "c")}
    store.save_images(OLD + PAGE, [{"url": own, "path": "ow/own.jpg", "sha1": "o"}])
    assert items.stored_images(store.db, NEW + PAGE)[1] == {NEW + "/img/1.jpg": ("ow/own.jpg", "o"), foreign: ("cd/cdn.jpg", "c")}


def test_a_state_names_its_images_where_the_page_is_now_if_the_page_was_archived_there(store):
    archived(store, OLD + PAGE)
    store.save_item(record(NEW, []))
    listed = [OLD + "/img/1.jpg", CDN + "/img/2.jpg", "http://127.0.0.1:8003/img/3.jpg"]
    assert identity.at_current_address(store.db, NEW + PAGE, listed) == [
        NEW + "/img/1.jpg", CDN + "/img/2.jpg", "http://127.0.0.1:8003/img/3.jpg"]


def test_an_image_failure_moves_with_its_page(store):
    own = OLD + "/img/1.jpg"
    store.save_item(record(OLD, [own]))
    store.record_failure(own, "image", "HTTP 500", run_id=None, item_url=OLD + PAGE)
    store.save_item(record(NEW, [NEW + "/img/1.jpg"]))
    # The page is asked for again at its new address, where the image then arrives.
    assert items.pages_with_failed_images(store.db) == [NEW + PAGE]
    store.clear_failures([NEW + PAGE, NEW + "/img/1.jpg"])
    assert failures.urls(store.db, ("image",)) == []


def test_a_page_that_failed_at_an_old_address_is_cleared_by_its_success_at_the_new_one(store):
    store.record_failure(OLD + PAGE, "parse", "no headline", run_id=None)
    store.record_failure(CDN + "/img/2.jpg", "image", "HTTP 500", run_id=None, item_url=OLD + "/ru/news/x-2")
    store.move_page_failures(NEW)
    assert failures.urls(store.db, ("parse",)) == [NEW + PAGE]
    store.save_item(record(NEW, []))
    store.clear_failures([NEW + PAGE])
    assert failures.urls(store.db, ("parse", "fetch")) == [] and failures.urls(store.db, ("image",)) == [CDN + "/img/2.jpg"]
