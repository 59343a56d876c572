"""Store: item transitions, versions, validators, images, failures and runs."""
from __future__ import annotations

import json

import pytest

from helpers import T0, T1, T2, T3, stored_urls
from helpers import item_record as record
from pmkz.storage import Store, content_hash, failures, items, runs

def item(store, url):
    return store.db["items"].get(url)


def test_new_item_is_inserted_live_with_its_times(store):
    assert store.save_item(record(), etag='"e1"', last_modified="Sat, 09 Mar 2024", now=T0) == "new"
    row = item(store, record()["url"])
    assert (row["first_seen"], row["last_seen"], row["last_changed"]) == (T0, T0, T0)
    assert row["status"] == "live"
    assert json.loads(row["image_urls"]) == record()["image_urls"]
    assert row["content_hash"] == content_hash(record())
    assert items.validators(store.db, row["url"]) == ('"e1"', "Sat, 09 Mar 2024")


def test_resaving_the_same_record_is_unchanged_and_idempotent(store):
    store.save_item(record(), now=T0)
    before = item(store, record()["url"])
    assert store.save_item(record(), now=T1) == "unchanged"
    assert store.save_item(record(), now=T1) == "unchanged"
    after = item(store, record()["url"])
    assert after == {**before, "last_seen": T1}
    assert store.db["item_versions"].count == 0


def test_unchanged_content_keeps_metadata_current_without_a_version(store):
    store.save_item(record(), now=T0)
    moved = record(image_urls=["http://cdn/1.jpg"], published_at="2024-03-09T15:00:00+05:00")
    assert store.save_item(moved, etag='"e2"', now=T1) == "unchanged"
    row = item(store, moved["url"])
    assert json.loads(row["image_urls"]) == ["http://cdn/1.jpg"]
    assert row["published_at"] == "2024-03-09T15:00:00+05:00"
    assert (row["last_changed"], row["etag"]) == (T0, '"e2"')
    assert store.db["item_versions"].count == 0


def test_changed_content_keeps_the_earlier_state_as_a_version(store):
    first = record()
    store.save_item(first, now=T0)
    assert store.save_item(record(title="Новый заголовок"), now=T1) == "changed"
    assert store.save_item(record(title="Новый заголовок", body="Третий."), now=T2) == "changed"
    row = item(store, first["url"])
    assert (row["title"], row["body"], row["first_seen"], row["last_changed"]) == (
        "Новый заголовок", "Третий.", T0, T2)
    versions = list(store.db["item_versions"].rows_where(order_by="version"))
    assert [(v["version"], v["title"], v["valid_from"], v["replaced_at"]) for v in versions] == [
        (1, first["title"], T0, T1), (2, "Новый заголовок", T1, T2)]
    assert versions[0]["body"] == first["body"]
    assert versions[0]["content_hash"] == content_hash(first)
    assert json.loads(versions[0]["image_urls"]) == first["image_urls"]


def test_gone_items_are_kept_and_come_back_live(store):
    store.save_item(record(), now=T0)
    url = record()["url"]
    assert store.mark_gone(url, now=T1) is True
    assert store.mark_gone(url, now=T1) is False
    assert item(store, url)["status"] == "gone"
    assert stored_urls(store.db, "status = 'live'") == set()
    assert store.save_item(record(), now=T2) == "unchanged"
    assert item(store, url)["status"] == "live"
    assert store.mark_gone("http://unknown/") is False


def test_touch_moves_last_seen_only(store):
    store.save_item(record(), now=T0)
    assert store.touch_item(record()["url"], now=T1) is True
    row = item(store, record()["url"])
    assert (row["last_seen"], row["last_changed"]) == (T1, T0)
    assert store.touch_item("http://unknown/", now=T1) is False


def test_validators(store):
    store.save_item(record(1), now=T0)
    store.save_item(record(2, lang="kk", url="http://h/kz/news/x-2"), etag='"x"', now=T0)
    assert items.validators(store.db, record(1)["url"]) is None
    assert items.validators(store.db, "http://h/kz/news/x-2") == ('"x"', None)
    assert items.validators(store.db, "http://unknown/") is None


def test_a_record_without_its_required_fields_is_refused(store):
    with pytest.raises(ValueError, match="lacks title"):
        store.save_item(record(title=""))
    assert store.db["items"].count == 0


def test_batch_commits_once_and_rolls_back_on_error(store, tmp_path):
    with store.batch():
        store.save_item(record(1))
        with Store(tmp_path / "pmkz.db") as reader:
            assert reader.db["items"].count == 0  # not committed yet
    assert store.db["items"].count == 1
    with pytest.raises(RuntimeError):
        with store.batch():
            store.save_item(record(2))
            raise RuntimeError("crawl died")
    assert stored_urls(store.db) == {record(1)["url"]}


def test_images_are_upserted(store):
    rows = [{"url": "http://h/a.jpg", "path": "ab/abc.jpg", "sha1": "abc"}]
    store.save_images("http://h/item-1", rows)
    store.save_images("http://h/item-1", rows)
    assert list(store.db["images"].rows) == [{"item_url": "http://h/item-1", **rows[0]}]


def test_failures_count_attempts_and_keep_raw_html_named_by_url_hash(store, tmp_path):
    raw = tmp_path / "raw"
    url = "http://h/ru/news/../../etc/passwd"
    store.record_failure(url, "parse", "no headline", run_id=1, raw_html=b"<html>", raw_dir=raw, now=T0)
    store.record_failure(url, "fetch", "HTTP 500", run_id=2, now=T1)
    row = store.db["failures"].get(url)
    assert (row["kind"], row["error"], row["attempts"], row["run_id"]) == ("fetch", "HTTP 500", 2, 2)
    assert (row["first_failed"], row["last_failed"]) == (T0, T1)
    saved = [p for p in raw.iterdir()]
    assert [p.name for p in saved] == [saved[0].stem + ".html"] and len(saved[0].stem) == 16
    assert row["raw_html_path"] == str(saved[0]) and saved[0].read_bytes() == b"<html>"
    assert failures.clear(store.db, url) == 1
    assert failures.clear(store.db, url) == 0
    with pytest.raises(ValueError):
        store.record_failure(url, "dns", "x", run_id=None)


def test_a_page_and_its_images_clear_their_failures_together(store):
    for url, kind in (("http://h/a", "fetch"), ("http://h/a.jpg", "image"), ("http://h/b", "parse")):
        store.record_failure(url, kind, "HTTP 500", run_id=1, now=T0)
    assert store.clear_failures(["http://h/a", "http://h/a.jpg", "http://h/never-failed.jpg"]) == 2
    assert failures.urls(store.db, ("fetch", "parse", "image")) == ["http://h/b"]
    assert store.clear_failures([]) == 0


def test_runs_start_running_and_finish_with_counts(store):
    first = store.start_run("http://h", "full", now=T0)
    second = store.start_run("http://h", "incremental", now=T1)
    store.finish_run(first, "ok", {"new": 3, "unchanged": 2}, 12, now=T2)
    store.finish_run(second, "failed", {}, 1, error="cannot read the news list", now=T3)
    newest, oldest = runs.last(store.db, 2)
    assert (newest["id"], newest["status"], newest["error"], newest["ended"]) == (
        second, "failed", "cannot read the news list", T3)
    assert {k: oldest[k] for k in ("requests", "new", "changed", "unchanged", "gone", "failed")} == {
        "requests": 12, "new": 3, "changed": 0, "unchanged": 2, "gone": 0, "failed": 0}
    assert (oldest["started"], oldest["mode"], oldest["base_url"]) == (T0, "full", "http://h")
    with pytest.raises(ValueError):
        store.finish_run(first, "running", {}, 0)
    with pytest.raises(ValueError):
        store.finish_run(first, "ok", {"weird": 1}, 0)


def test_content_hash_covers_title_summary_body_only():
    assert content_hash(record()) == content_hash(record(image_urls=[], site_id=9))
    assert content_hash(record()) != content_hash(record(summary="Другой лид."))
    # The separator keeps a word moving between fields from hashing the same.
    assert content_hash(record(title="a", summary="bc")) != content_hash(record(title="ab", summary="c"))
    assert content_hash(record(summary=None)) == content_hash(record(summary=""))
    assert len(content_hash(record())) == 64


def test_times_are_utc_with_seconds(store):
    store.save_item(record(), now="2024-03-09T14:35:07.123+05:00")
    assert item(store, record()["url"])["first_seen"] == "2024-03-09T09:35:07+00:00"
    with pytest.raises(ValueError):
        store.save_item(record(2), now="2024-03-09T14:35:07")


def stored_changes(store, url: str) -> list[list]:
    return [[[c["op"], c["text"]] for c in json.loads(v["body_changes"])]
            for v in store.db["item_versions"].rows_where("item_url = ?", [url], order_by="version")]


def test_an_edit_stores_what_it_changed_with_the_version(store):
    url = record()["url"]
    store.save_item(record(), now=T0)
    store.save_item(record(body="Первый абзац.\n\nИсправленный второй.\n\nТретий."), now=T1)
    store.save_item(record(title="Другой", body="Первый абзац.\n\nИсправленный второй.\n\nТретий."), now=T2)
    assert stored_changes(store, url) == [
        [["~", "Исправленный второй."], ["+", "Третий."]],
        [["title", "Другой"]],  # the headline changed, the body did not
    ]


def test_a_long_page_with_neighbours_swapped_stores_each_move(store):
    # The page that took difflib a quadratic half a minute per reader: its diff is
    # found once, exactly, when the edit is stored.
    url = record()["url"]
    before = [f"Абзац номер {n}." for n in range(12_000)]
    after = list(before)
    for n in range(0, len(after) - 1, 2):
        after[n], after[n + 1] = after[n + 1], after[n]
    store.save_item(record(body="\n\n".join(before)), now=T0)
    store.save_item(record(body="\n\n".join(after)), now=T1)
    [changes] = stored_changes(store, url)
    # Each swapped pair keeps one paragraph in place and moves the other across it.
    assert len(changes) == len(before) and {op for op, _ in changes} == {"-", "+"}
    removed = {p for op, p in changes if op == "-"}
    added = {p for op, p in changes if op == "+"}
    assert [p for p in before if p not in removed] == [p for p in after if p not in added]


def test_versions_stored_before_their_changes_get_them_on_open(tmp_path):
    path = tmp_path / "pmkz.db"
    url = record()["url"]
    with Store(path) as store:
        store.save_item(record(), now=T0)
        store.save_item(record(body="Первый абзац.\n\nНовый второй."), now=T1)
        store.save_item(record(body="Новый первый.\n\nНовый второй."), now=T2)
        # As a pmkz from before the stored changes left it.
        store.db.execute("DROP INDEX idx_item_versions_without_changes")
        store.db.execute("ALTER TABLE item_versions DROP COLUMN body_changes")
    with Store(path) as store:
        assert stored_changes(store, url) == [[["~", "Новый второй."]], [["~", "Новый первый."]]]
        # A version written without them later (by an older pmkz) is filled at the next open.
        store.db.execute("UPDATE item_versions SET body_changes = NULL WHERE version = 2")
    with Store(path) as store:
        assert stored_changes(store, url)[1] == [["~", "Новый первый."]]


def test_image_captions_are_stored_as_json_and_kept_current_without_a_version(store):
    captions = {"http://127.0.0.1:8123/img/1.jpg": "Премьер-Министр на совещании"}
    store.save_item(record(), now=T0)
    assert json.loads(item(store, record()["url"])["image_captions"]) == {}
    assert store.save_item(record(image_captions=captions), now=T1) == "unchanged"
    assert json.loads(item(store, record()["url"])["image_captions"]) == captions
    assert store.db["item_versions"].count == 0


def test_an_archive_from_before_captions_gains_the_column_and_its_items_stay_unchanged(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item(record(), now=T0)
        # As a pmkz from before captions left it.
        store.db.execute("ALTER TABLE items DROP COLUMN image_captions")
    with Store(path) as store:
        captions = {"http://127.0.0.1:8123/img/1.jpg": "Премьер-Министр на совещании"}
        assert store.save_item(record(image_captions=captions), now=T1) == "unchanged"
        row = item(store, record()["url"])
        assert json.loads(row["image_captions"]) == captions and row["last_changed"] == T0
