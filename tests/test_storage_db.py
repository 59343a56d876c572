"""Store's database file: schema, WAL and concurrency, full-text search, bad paths."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from helpers import stored_urls
from pmkz.storage import Store, StorageError
from pmkz.storage.schema import ensure_schema


def record(n: int, title: str, body: str = "Текст.") -> dict:
    return {"url": f"http://h/ru/news/a-{n}", "site_id": n, "lang": "ru", "kind": "news",
            "category": None, "title": title, "published_date": "2024-03-09",
            "published_at": None, "summary": None, "body": body, "image_urls": []}


@pytest.fixture
def memory_db():
    db = Database(memory=True)
    ensure_schema(db)
    yield db
    db.close()


def search(db, query: str) -> list[str]:
    return [row["url"] for row in db.query(
        "SELECT items.url FROM items_fts JOIN items ON items.rowid = items_fts.rowid"
        " WHERE items_fts MATCH ? ORDER BY items.url", [query])]


def test_schema_has_the_contract_tables_and_indexes(memory_db):
    assert {"items", "images", "item_versions", "crawl_runs", "failures", "items_fts"} <= set(
        memory_db.table_names())
    indexed = {tuple(index.columns) for index in memory_db["items"].indexes}
    assert {("published_date",), ("lang", "status", "published_date")} <= indexed
    assert memory_db["images"].pks == ["item_url", "url"]
    assert memory_db["item_versions"].pks == ["item_url", "version"]
    ensure_schema(memory_db)  # idempotent


def test_full_text_search_folds_cyrillic_case_and_follows_updates(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        store.save_item(record(1, "Премьер-Министр посетил Павлодар"))
        store.save_item(record(2, "Наурыз мейрамы", "Құттықтау."))
        assert search(store.db, "премьер") == ["http://h/ru/news/a-1"]
        assert search(store.db, "наурыз") == ["http://h/ru/news/a-2"]
        assert search(store.db, "құттықтау") == ["http://h/ru/news/a-2"]
        store.save_item(record(1, "Правительство заседало"))
        assert search(store.db, "премьер") == []
        assert search(store.db, "правительство") == ["http://h/ru/news/a-1"]
        store.touch_item("http://h/ru/news/a-1")
        assert search(store.db, "заседало") == ["http://h/ru/news/a-1"]


# The full-text triggers an archive written before the Store wrote both indexes itself
# holds (sqlite-utils' insert and delete triggers, and an update trigger on the text).
OLD_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS items_ai AFTER INSERT ON items BEGIN"
    " INSERT INTO items_fts (rowid, title, summary, body) VALUES (new.rowid, new.title, new.summary, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS items_ad AFTER DELETE ON items BEGIN"
    " INSERT INTO items_fts (items_fts, rowid, title, summary, body)"
    " VALUES ('delete', old.rowid, old.title, old.summary, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS items_au AFTER UPDATE OF title, summary, body ON items BEGIN"
    " INSERT INTO items_fts (items_fts, rowid, title, summary, body)"
    " VALUES ('delete', old.rowid, old.title, old.summary, old.body);"
    " INSERT INTO items_fts (rowid, title, summary, body) VALUES (new.rowid, new.title, new.summary, new.body); END",
]


def assert_full_text_is_true(db) -> None:
    # FTS5's own check of the external-content index against items (rank 1), and a
    # stem index row per item.
    db.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    for index in ("items_fts", "items_search"):
        assert db.execute(f"SELECT count(*) FROM {index}_docsize").fetchone() == (db["items"].count,), index


def test_an_archive_with_the_old_full_text_triggers_loses_them_once_and_its_index_stays_true(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item(record(1, "Премьер-Министр посетил Павлодар"))
        for sql in OLD_TRIGGERS:
            store.db.execute(sql)
    with Store(path) as store:
        assert store.db["items"].triggers == []
        store.save_item(record(1, "Правительство заседало"))
        store.save_item(record(2, "Наурыз мейрамы"))
        with store.batch():
            store.save_item(record(3, "Посевная кампания"))
            store.save_item(record(2, "Наурыз мерекесі"))
        assert search(store.db, "премьер") == []
        assert search(store.db, "правительство") == ["http://h/ru/news/a-1"]
        assert search(store.db, "мейрамы") == []
        assert search(store.db, "мерекесі") == ["http://h/ru/news/a-2"]
        assert search(store.db, "посевная") == ["http://h/ru/news/a-3"]
        assert_full_text_is_true(store.db)


def test_rows_written_without_the_store_are_indexed_when_it_next_opens(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item(record(1, "Первая"))
        store.db.execute(
            "INSERT INTO items (url, lang, title, published_date, body, first_seen, last_seen, last_changed,"
            " content_hash) SELECT 'http://h/ru/news/a-2', lang, 'Вторая новость', published_date, body,"
            " first_seen, last_seen, last_changed, 'x' FROM items")
    with Store(path) as store:
        assert search(store.db, "вторая") == ["http://h/ru/news/a-2"]
        assert_full_text_is_true(store.db)


def test_wal_mode_and_busy_timeout(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        assert store.db.journal_mode == "wal"
        (timeout,) = store.db.execute("PRAGMA busy_timeout").fetchone()
        assert timeout >= 5000


def test_a_reader_reads_while_a_writer_holds_a_transaction(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item(record(1, "Первая"))
        reader = sqlite3.connect(path, timeout=0.1)
        try:
            with store.batch():
                store.save_item(record(2, "Вторая"))
                assert reader.execute("SELECT count(*) FROM items").fetchone() == (1,)
            assert reader.execute("SELECT count(*) FROM items").fetchone() == (2,)
        finally:
            reader.close()


def test_reopening_keeps_the_data(tmp_path):
    with Store(tmp_path / "deep" / "dir" / "pmkz.db") as store:
        store.save_item(record(1, "Первая"))
    with Store(tmp_path / "deep" / "dir" / "pmkz.db") as store:
        assert stored_urls(store.db) == {"http://h/ru/news/a-1"}


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(StorageError, match="is a directory"):
        Store(tmp_path)


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some text, long enough to look like a header" * 10)
    with pytest.raises(StorageError, match="not an SQLite database"):
        Store(path)
    assert path.read_text().startswith("just some text")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_an_unwritable_place_is_refused_without_leaving_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="cannot create directory"):
        Store(blocker / "sub" / "pmkz.db")


def test_an_unwritable_directory_is_refused_without_leaving_a_file(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # root ignores permission bits; /proc refuses new files even to root.
    target = Path("/proc") if os.geteuid() == 0 else locked
    try:
        with pytest.raises(StorageError, match="cannot open"):
            Store(target / "pmkz.db")
        assert not (target / "pmkz.db").exists()
    finally:
        locked.chmod(0o700)


def test_errors_are_one_line(tmp_path):
    with pytest.raises(StorageError) as caught:
        Store(tmp_path)
    assert "\n" not in str(caught.value)
