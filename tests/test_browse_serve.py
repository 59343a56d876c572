"""`pmkz serve`: it serves the archive, fails with one line on bad input, and its reads
never fail with "database is locked" while the crawler writes."""
from __future__ import annotations

import socket
import sqlite3
import threading
import time
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import build_archive, item_path, serve_here, serving
from helpers import sample_record as record
from pmkz.browse.app import build_datasette
from pmkz.cli import cli
from pmkz.storage import Store

READ_PATHS = ["/pmkz/items", "/pmkz/items?_search=%D0%BD%D0%B0%D1%83%D1%80%D1%8B%D0%B7",
              "/pmkz/items.json", "/pmkz/changed_this_week", "/pmkz/items_per_week",
              "/pmkz/-/volume"]


def serve_command(*args: str):
    """`pmkz serve ARGS` in this process, for the cases that end before serving."""
    return CliRunner().invoke(cli, ["serve", *args], catch_exceptions=False)


def assert_one_line_error(result, expected: str) -> None:
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pmkz serve: error: ") and expected in lines[0], lines[0]


def test_serves_the_archive_from_the_environment(tmp_path):
    db_path, images_dir, records = build_archive(tmp_path)
    with serving(db_path, images_dir) as url:
        with urllib.request.urlopen(url + "pmkz/items", timeout=10) as response:
            assert response.status == 200
            assert records[0]["title"] in response.read().decode("utf-8")
        with urllib.request.urlopen(url + item_path(records[0]["url"]).lstrip("/"), timeout=10) as response:
            assert '<img src="/pmkz/-/images/' in response.read().decode("utf-8")


@pytest.mark.parametrize("make, expected", [
    (lambda p: None, "no database at"),
    (lambda p: p.write_text("hello, I am a text file\n" * 100), "is not an SQLite database"),
    (lambda p: p.mkdir(), "is not a database file"),
    (lambda p: sqlite3.connect(p).execute("create table t (x)").connection.close(),
     "is not a pmkz database"),
])
def test_bad_database_is_one_line_on_stderr(tmp_path, make, expected):
    db_path = tmp_path / "pmkz.db"
    make(db_path)
    assert_one_line_error(serve_command("--db", str(db_path), "--port", "0"), expected)


def test_path_datasette_would_misread_is_refused(tmp_path):
    # Unquoted in Datasette's SQLite URI, "#" would cut the path and open a new file.
    db_path, _, _ = build_archive(tmp_path / "news#1")
    assert_one_line_error(serve_command("--db", str(db_path), "--port", "0"),
                          "cannot open a path containing")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news#1"]


def test_busy_port_is_one_line_on_stderr(tmp_path):
    db_path, _, _ = build_archive(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve_command("--db", str(db_path), "--port", str(port))
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}")


@pytest.fixture
def live_archive(tmp_path):
    """An archive and a Datasette on it, for tests that write to the archive."""
    db_path, images_dir, records = build_archive(tmp_path)
    ds = build_datasette(db_path, images_dir)
    yield db_path, DatasetteClient(ds), records
    for database in ds.databases.values():
        database.close()


def read_everything(client) -> None:
    for path in READ_PATHS:
        response = client.get(path)
        assert response.status == 200, f"{path}: {response.status} {response.text[:500]}"
        assert "locked" not in response.text


@pytest.mark.parametrize("begin", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
def test_reads_while_a_write_transaction_is_open(live_archive, begin):
    db_path, client, records = live_archive
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute(begin)
        writer.execute("update items set title = 'Новый заголовок про Наурыз' where url = ?",
                       [records[0]["url"]])
        read_everything(client)
        # Datasette's first connections opened while the writer held its lock, too.
        fresh = DatasetteClient(build_datasette(db_path, db_path.parent / "images"))
        read_everything(fresh)
        assert "Новый заголовок" not in client.get("/pmkz/items").text
        writer.execute("COMMIT")
    finally:
        writer.close()
    # Never immutable: what was committed shows at once. (This write bypassed the Store,
    # so the stem index behind the search box did not follow it: ask by column.)
    assert "Новый заголовок про Наурыз" in client.get(
        "/pmkz/items?title__contains=%D0%9D%D0%B0%D1%83%D1%80%D1%8B%D0%B7").text


def test_reads_during_a_crawl_never_hit_a_lock(live_archive):
    db_path, client, records = live_archive
    stop, errors, saved = threading.Event(), [], []

    def crawl():
        try:
            with Store(db_path) as store:
                n = 0
                while not stop.is_set() and n < 400:
                    rec = record(n % len(records))
                    rec = {**rec, "url": rec["url"] + f"-copy-{n}", "body": rec["body"] + f"\n\nКопия {n}."}
                    store.save_item(rec)
                    saved.append(rec["url"])
                    n += 1
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    writer = threading.Thread(target=crawl)
    writer.start()
    try:
        deadline = time.monotonic() + 3
        rounds = 0
        while time.monotonic() < deadline and writer.is_alive():
            read_everything(client)
            rounds += 1
    finally:
        stop.set()
        writer.join()
    assert not errors and saved and rounds
    total = client.get("/pmkz/items.json?_size=0").json["filtered_table_rows_count"]
    assert total == len(records) + len(saved)


def test_serve_updates_an_old_search_index_before_serving(tmp_path, monkeypatch):
    # An archive last written by an older pmkz: its stem index in the earlier layout
    # (a column per language), which this pmkz's search cannot use.
    db_path = tmp_path / "pmkz.db"
    with Store(db_path) as store:
        store.save_item({"url": "https://primeminister.kz/ru/news/a-1", "lang": "ru", "title": "Заседание",
                         "published_date": "2024-03-09", "body": "Заседание правительства."})
        store.db.execute("DROP TABLE items_search")
        store.db.execute("CREATE VIRTUAL TABLE items_search USING fts5(ru, kk, en)")
    client, ds = serve_here(monkeypatch, "--db", str(db_path), "--images-dir", str(tmp_path / "images"))
    try:
        response = client.get("/pmkz/items.json?_shape=array&_search=" + urllib.parse.quote("правительство"))
        assert [row["title"] for row in response.json] == ["Заседание"]
    finally:
        for database in ds.databases.values():
            database.close()
    with Store(db_path) as store:
        assert [c.name for c in store.db["items_search"].columns] == ["title", "summary", "body", "attachments"]
