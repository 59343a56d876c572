"""Decisions in storage: their fields as the items table keeps them, their attachments'
rows and full-text search, and a failed attachment asking for its decision again."""
from __future__ import annotations

import json

from helpers import item_record
from pmkz.storage import Store, attachments, items, search

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


def found_by(store, text: str) -> set[str]:
    sql, params = search.matching(text)
    return {url for (url,) in store.db.execute(f"SELECT url FROM items WHERE rowid IN ({sql})", params)}


def test_the_items_search_finds_a_decision_by_a_word_only_its_attachment_holds(store):
    store.save_item(decision())
    store.save_item(item_record(2))
    assert found_by(store, "агролесомелиорация") == set()
    text = "Порядок агролесомелиорации земель."
    attachments.save(store.db, PAGE, [{"url": FILE, "path": "ab/ab.pdf", "text": text}])
    assert found_by(store, "агролесомелиорация") == {PAGE}  # another form: the stem index
    assert found_by(store, '"порядок агролесомелиорации"') == {PAGE}  # a phrase as printed
    # The phrase as one term among others: the SQL chains it as it chains a word.
    assert found_by(store, 'совещание OR "порядок агролесомелиорации"') == found_by(store, "совещание") | {PAGE}
    assert found_by(store, 'совещание -"порядок агролесомелиорации"') == found_by(store, "совещание") - {PAGE}
    # The item's text edited: its index row written again keeps its files' words.
    store.save_item(decision(body="Новый текст постановления."))
    assert found_by(store, "агролесомелиорация") == {PAGE}
    # Its file's text changed: the old words are forgotten, the new ones found.
    attachments.save(store.db, PAGE, [{"url": FILE, "path": "ab/ab.pdf", "text": "Субсидирование животноводства."}])
    assert found_by(store, "агролесомелиорация") == set()
    assert found_by(store, "животноводство") == {PAGE}


def test_a_batchs_new_decision_is_indexed_with_the_files_saved_in_the_batch(store):
    with store.batch():
        store.save_item(decision())
        attachments.save(store.db, PAGE, [{"url": FILE, "path": "ab/ab.pdf", "text": "Агролесомелиорация."}])
    assert found_by(store, "агролесомелиорации") == {PAGE}
    assert search.index_is_current(store.db)


def test_an_index_without_the_attachments_column_is_made_again_on_open(tmp_path):
    db_path = tmp_path / "pmkz.db"
    with Store(db_path) as store:
        store.save_item(decision())
        attachments.save(store.db, PAGE, [{"url": FILE, "path": "ab/ab.pdf", "text": "Агролесомелиорация."}])
        # The stem index as the layout before this one made it: the item's own columns.
        store.db.execute(f"DROP TABLE {search.TABLE}")
        store.db.execute(f"CREATE VIRTUAL TABLE {search.TABLE} USING fts5(title, summary, body)")
        store.db.execute(f"INSERT INTO {search.TABLE}_config (k, v) VALUES ('pmkz_layout', 2)")
        store.db.execute(f"INSERT INTO {search.TABLE} (rowid, title, summary, body) SELECT rowid, title, summary, body FROM items")
        store.db.conn.commit()
    with Store(db_path) as store:
        assert found_by(store, "агролесомелиорации") == {PAGE}


def test_the_index_holds_at_most_the_first_files_of_an_item(store):
    from pmkz.storage.search.index import ATTACHED_FILES

    store.save_item(decision())
    words = [f"zq{chr(97 + n)}" for n in range(ATTACHED_FILES + 2)]
    attachments.save(store.db, PAGE, [{"url": f"{FILE}-{n:02d}", "path": "ab/ab.pdf", "text": word}
                                      for n, word in enumerate(words)])
    assert found_by(store, words[ATTACHED_FILES - 1]) == {PAGE}
    assert found_by(store, words[ATTACHED_FILES]) == set()
