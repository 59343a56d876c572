"""Decisions in storage: their fields as the items table keeps them, their attachments'
rows and full-text search, and a failed attachment asking for its decision again."""
from __future__ import annotations

import json

from helpers import item_record
from pmkz.storage import attachments, items

PAGE = "http://127.0.0.1:8123/ru/decisions/19012024-20"
FILE = "http://127.0.0.1:8123/upload/docs/ru/19012024-20.pdf"


def decision(**changes) -> dict:
    return item_record(1, url=PAGE, kind="decision", site_id=None, decision_number="20",
                       decision_date="2024-01-19", attachment_urls=[FILE], image_urls=[], **changes)


def test_a_decision_keeps_its_number_date_and_attachment_urls_and_news_has_none(store):
    store.save_item(decision())
    store.save_item(item_record(2))
    rows = {r["kind"]: r for r in store.db.query("SELECT * FROM items")}
    assert (rows["decision"]["decision_number"], rows["decision"]["decision_date"]) == ("20", "2024-01-19")
    assert json.loads(rows["decision"]["attachment_urls"]) == [FILE]
    assert rows["news"]["attachment_urls"] is None and rows["news"]["decision_number"] is None


def test_attachment_text_is_searchable_and_found_by_its_item(store):
    store.save_item(decision())
    attachments.save(store.db, PAGE, [{"url": FILE, "path": "ab/ab.pdf", "sha1": "0" * 40, "size": 10,
                                       "content_type": "application/pdf", "text": "Порядок агролесомелиорации."}])
    assert attachments.items_with_words(store.db, "агролесомелиорации") == [PAGE]
    assert attachments.items_with_words(store.db, 'NEAR "(') == []  # typed text is never FTS5 syntax
    assert attachments.stored(store.db, PAGE)[FILE]["sha1"] == "0" * 40


def test_a_decision_whose_attachment_failed_is_asked_for_again(store):
    store.save_item(decision())
    store.record_failure(FILE, "image", "attachment: HTTP 500", run_id=None, item_url=PAGE)
    assert items.pages_with_failed_images(store.db) == [PAGE]


def test_a_section_read_again_in_the_menus_stays_followed_until_its_page_says_otherwise(store):
    from pmkz.storage import sections

    root = "http://127.0.0.1:8123/ru/decisions"
    sections.seen(store.db, "ru", "decisions", root, "2026-11-01T00:00:00+00:00")
    sections.found(store.db, "ru", "decisions", root, True, 20, "2026-11-01T00:00:01+00:00")
    sections.seen(store.db, "ru", "decisions", root, "2026-11-08T00:00:00+00:00")
    assert sections.followed(store.db, "ru") == [("decisions", root)]
    assert sections.last_discovered(store.db, "ru") == "2026-11-08T00:00:00+00:00"
    sections.found(store.db, "ru", "decisions", root, False, 0, "2026-11-08T00:00:01+00:00")
    assert sections.followed(store.db, "ru") == []


def test_jsonl_export_gives_a_decisions_fields_as_values(store, tmp_path):
    from pmkz.storage.export.records import export_items

    store.save_item(decision())
    store.save_item(item_record(2))
    export_items(store.path, "jsonl", tmp_path / "items.jsonl")
    rows = {r["kind"]: r for r in map(json.loads, (tmp_path / "items.jsonl").read_text(encoding="utf-8").splitlines())}
    assert (rows["decision"]["attachment_urls"], rows["decision"]["decision_date"]) == ([FILE], "2024-01-19")
    assert rows["news"]["attachment_urls"] is None
