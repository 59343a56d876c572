"""Batches: full-text indexing deferred to the batch's end stays correct, items are
written whole, and the rolling batch of the store pipeline commits as it says."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from helpers import stored_urls
from pmkz.storage import Store
from pmkz.storage.rolling_batch import RollingBatch


def record(n: int, title: str, body: str = "Текст.") -> dict:
    return {"url": f"http://h/ru/news/a-{n}", "site_id": n, "lang": "ru", "kind": "news",
            "category": None, "title": title, "published_date": "2024-03-09",
            "published_at": None, "summary": None, "body": body, "image_urls": []}


def search(store: Store, query: str) -> list[str]:
    return [url for (url,) in store.db.execute(
        "SELECT items.url FROM items_fts JOIN items ON items.rowid = items_fts.rowid"
        " WHERE items_fts MATCH ? ORDER BY items.url", [query])]


def assert_index_matches_items(store: Store) -> None:
    # FTS5's own check of an external-content index against its table (rank 1).
    store.db.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")
    for index in ("items_fts", "items_search"):
        (indexed,) = store.db.execute(f"SELECT count(*) FROM {index}_docsize").fetchone()
        assert indexed == store.db["items"].count, index
    # The Store writes both indexes itself: nothing else writes to them behind its back.
    assert store.db["items"].triggers == []


def test_new_items_of_a_batch_are_found_in_any_case_after_it(store):
    store.save_item(record(1, "Наурыз мейрамы"))
    with store.batch():
        store.save_item(record(2, "Премьер-Министр посетил Павлодар"))
        store.save_item(record(3, "Құттықтау", "Правительство заседало."))
    assert search(store, "премьер") == ["http://h/ru/news/a-2"]
    assert search(store, "ПРАВИТЕЛЬСТВО") == ["http://h/ru/news/a-3"]
    assert search(store, "наурыз") == ["http://h/ru/news/a-1"]
    assert_index_matches_items(store)
    store.save_item(record(4, "После пакета"))  # outside a batch: indexed at once
    assert search(store, "пакета") == ["http://h/ru/news/a-4"]
    assert_index_matches_items(store)


def test_an_item_new_and_edited_in_one_batch_is_found_by_its_new_text_only(store):
    with store.batch():
        assert store.save_item(record(1, "Первый заголовок")) == "new"
        assert store.save_item(record(1, "Второй заголовок")) == "changed"
        store.save_item(record(2, "Соседняя новость"))
    assert search(store, "первый") == []
    assert search(store, "второй") == ["http://h/ru/news/a-1"]
    assert_index_matches_items(store)


def test_edits_after_a_batch_keep_the_index_in_sync(store):
    with store.batch():
        store.save_item(record(1, "Старый заголовок"))
    store.save_item(record(1, "Новый заголовок"))
    store.touch_item("http://h/ru/news/a-1")
    assert search(store, "старый") == []
    assert search(store, "новый") == ["http://h/ru/news/a-1"]
    assert_index_matches_items(store)


def test_a_failed_item_inside_a_batch_is_undone_whole(store):
    with store.batch():
        store.save_item(record(1, "Первая"))
        with pytest.raises(RuntimeError):
            with store.batch():
                store.save_item(record(2, "Вторая"))
                store.save_images("http://h/ru/news/a-2", [{"url": "http://h/2.jpg", "path": "a/b.jpg", "sha1": "x"}])
                raise RuntimeError("the image row could not be written")
        store.save_item(record(3, "Третья"))
    assert stored_urls(store.db) == {"http://h/ru/news/a-1", "http://h/ru/news/a-3"}
    assert store.db["images"].count == 0
    assert [e["url"] for e in store.db["item_events"].rows] == ["http://h/ru/news/a-1", "http://h/ru/news/a-3"]
    assert search(store, "третья") == ["http://h/ru/news/a-3"]
    assert_index_matches_items(store)


def test_a_rolled_back_batch_leaves_table_and_index_as_they_were(store):
    store.save_item(record(1, "Первая"))
    with pytest.raises(RuntimeError):
        with store.batch():
            store.save_item(record(2, "Вторая"))
            raise RuntimeError("crawl died")
    assert stored_urls(store.db) == {"http://h/ru/news/a-1"}
    assert_index_matches_items(store)
    store.save_item(record(3, "Третья"))
    assert search(store, "третья") == ["http://h/ru/news/a-3"]


def test_a_batch_indexes_its_new_items_at_its_end(store):
    indexed = "SELECT count(*) FROM items_fts_docsize"
    with store.batch():
        store.save_item(record(1, "Первая"))
        store.save_item(record(2, "Вторая"))
        assert store.db.execute(indexed).fetchone() == (0,)  # deferred: one index write at the end
    assert store.db.execute(indexed).fetchone() == (2,)
    assert search(store, "вторая") == ["http://h/ru/news/a-2"]


def test_an_edit_undone_by_a_savepoint_leaves_the_index_as_it_was(store):
    store.save_item(record(1, "Первая"))
    with store.batch():
        with pytest.raises(RuntimeError):
            with store.batch():
                assert store.save_item(record(1, "Исправленная")) == "changed"
                raise RuntimeError("the item's images could not be written")
        store.save_item(record(2, "Вторая"))
    assert search(store, "первая") == ["http://h/ru/news/a-1"]
    assert search(store, "исправленная") == []
    assert_index_matches_items(store)


def test_rolling_batch_commits_every_n_items_and_at_close(store, tmp_path):
    writes = RollingBatch(store, max_items=2, max_seconds=3600)
    reader = sqlite3.connect(tmp_path / "pmkz.db")
    try:
        committed = lambda: reader.execute("SELECT count(*) FROM items").fetchone()[0]
        for n in (1, 2, 3):
            with writes.item():
                store.save_item(record(n, f"Новость {n}"))
        assert committed() == 2 and writes.pending == 1
        writes.close()
        assert committed() == 3 and writes.pending == 0
    finally:
        reader.close()
    assert_index_matches_items(store)


def test_rolling_batch_commits_once_its_time_is_up(store):
    now = [0.0]
    writes = RollingBatch(store, max_items=1000, max_seconds=2.0, clock=lambda: now[0])
    with writes.item():
        store.save_item(record(1, "Первая"))
    assert writes.pending == 1
    now[0] = 2.5
    with writes.item():
        store.save_item(record(2, "Вторая"))
    assert writes.pending == 0 and not store.db.conn.in_transaction


KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from pmkz.storage import Store
    from pmkz.storage.rolling_batch import RollingBatch
    store = Store(sys.argv[1])
    writes = RollingBatch(store, max_items=100, max_seconds=3600)
    for n in range(250):
        url = f"http://h/ru/news/a-{n}"
        with writes.item():
            store.save_item({"url": url, "site_id": n, "lang": "ru", "kind": "news", "category": None,
                             "title": f"Новость номер {n}", "published_date": "2024-03-09", "published_at": None,
                             "summary": None, "body": "Текст.", "image_urls": [f"http://h/{n}.jpg"]}, run_id=1)
            store.save_images(url, [{"url": f"http://h/{n}.jpg", "path": f"{n}.jpg", "sha1": "x"}])
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_killed_writer_loses_only_its_uncommitted_items_and_never_half_of_one(tmp_path):
    path = tmp_path / "pmkz.db"
    result = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], capture_output=True, text=True)
    assert result.returncode == -signal.SIGKILL, result.stderr
    with Store(path) as store:
        items = stored_urls(store.db)
        assert len(items) == 200
        assert {row["item_url"] for row in store.db["images"].rows} == items
        assert {row["url"] for row in store.db["item_events"].rows} == items
        assert_index_matches_items(store)
        assert search(store, "номер") and len(search(store, "номер")) == 200
    assert not os.path.exists(f"{path}-journal")



def test_rolling_batch_calls_before_commit_while_the_items_are_still_uncommitted(store, tmp_path):
    # The raw archive fsyncs its files there: it must run before the rows are committed.
    reader = sqlite3.connect(tmp_path / "pmkz.db")
    seen = []
    try:
        writes = RollingBatch(store, max_items=2, max_seconds=3600,
                              before_commit=lambda: seen.append(reader.execute("SELECT count(*) FROM items").fetchone()[0]))
        for n in (1, 2, 3):
            with writes.item():
                store.save_item(record(n, f"Новость {n}"))
        writes.close()
        assert seen == [0, 2] and reader.execute("SELECT count(*) FROM items").fetchone()[0] == 3
    finally:
        reader.close()


def test_a_failing_before_commit_rolls_the_batch_back_and_the_next_one_commits(store, tmp_path):
    # The archive could not make its files durable: the rows naming them are not committed.
    discarded = []

    def before_commit():
        if not discarded:
            raise OSError("fsync failed")

    writes = RollingBatch(store, max_items=2, max_seconds=3600, before_commit=before_commit,
                          on_discard=lambda: discarded.append(True))
    with writes.item():
        store.save_item(record(1, "Новость 1"))
    with pytest.raises(OSError):
        with writes.item():
            store.save_item(record(2, "Новость 2"))
    assert discarded == [True] and writes.pending == 0 and not store.db.conn.in_transaction
    with writes.item():
        store.save_item(record(3, "Новость 3"))
    writes.close()
    reader = sqlite3.connect(tmp_path / "pmkz.db")
    try:
        assert [u for (u,) in reader.execute("SELECT url FROM items ORDER BY url")] == [record(3, "")["url"]]
    finally:
        reader.close()
