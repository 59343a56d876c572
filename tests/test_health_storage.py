"""Where run health is kept: the `degraded` status, `crawl_runs.health`, and the new
columns that databases made before them gain on open."""
from __future__ import annotations

import sqlite3

import pytest

from pmkz.storage import Store, runs


def test_a_degraded_run_keeps_its_health_and_later_runs_read_it(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        first = store.start_run("http://site", "incremental")
        runs.record_health(store.db, first, {"figures": {"list_links_max": 20}, "breaches": []})
        store.finish_run(first, "ok", {}, requests=10)
        second = store.start_run("http://site", "incremental")
        runs.record_health(store.db, second, {"figures": {"list_links_max": 3}, "breaches": [{"check": "body"}]})
        store.finish_run(second, "degraded", {}, requests=10, error="42% of 100 article pages had no body")
        failed = store.start_run("http://site", "incremental")
        store.finish_run(failed, "failed", {}, requests=1, error="cannot read the news list")
        latest = store.start_run("http://site", "incremental")
        assert [h["figures"]["list_links_max"] for h in runs.recent_health(store.db, latest, 5)] == [3, 20]
        assert runs.recent_health(store.db, latest, 1) == [{"figures": {"list_links_max": 3}, "breaches": [{"check": "body"}]}]
        assert runs.get(store.db, second)["status"] == "degraded"


def test_running_is_no_final_status(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        run_id = store.start_run("http://site", "full")
        with pytest.raises(ValueError, match="ok, degraded, failed or interrupted"):
            store.finish_run(run_id, "running", {}, requests=0)


def test_an_older_database_gains_the_new_columns(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE items (url TEXT PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO items VALUES ('http://site/en/news/a-1', 'A')")
        conn.execute("CREATE TABLE crawl_runs (id INTEGER PRIMARY KEY, started TEXT, status TEXT)")
    conn.close()
    with Store(path) as store:
        assert {"translations", "field_sources", "summary"} <= set(store.db["items"].columns_dict)
        assert "health" in store.db["crawl_runs"].columns_dict
        assert store.db.execute("SELECT title, translations FROM items").fetchall() == [("A", None)]
