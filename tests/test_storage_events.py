"""Store: run events, list walks, what to re-check, and runs whose process died."""
from __future__ import annotations

import subprocess

import pytest

from helpers import T0, T1, T2, T3
from helpers import item_record as record
from pmkz.storage import diffs, events, failures, items, list_walks, runs, watches


def test_new_changed_and_gone_are_events_of_their_run(store):
    run = store.start_run("http://x", "incremental", now=T0)
    store.save_item(record(1), run_id=run, now=T0)
    store.save_item(record(2), run_id=run, now=T0)
    store.save_item(record(2), run_id=run, now=T1)  # unchanged: no event
    later = store.start_run("http://x", "full", now=T1)
    store.save_item(record(1, title="Новый заголовок"), run_id=later, now=T2)
    assert store.mark_gone(record(2)["url"], run_id=later, now=T2)
    assert not store.mark_gone(record(2)["url"], run_id=later, now=T2)  # already gone
    assert [(e["event"], e["url"]) for e in events.of_run(store.db, run)] == [
        ("new", record(1)["url"]), ("new", record(2)["url"])]
    assert [(e["event"], e["title"]) for e in events.of_run(store.db, later)] == [
        ("changed", "Новый заголовок"), ("gone", record(2)["title"])]
    recent = watches.events(store.db, lang="ru", limit=10, kinds=("new", "changed"))
    assert [e["event"] for e in recent] == ["changed", "new", "new"]


def test_list_walks_are_remembered(store):
    assert not list_walks.list_walked(store.db, "ru")
    store.mark_list_walked("ru", now=T0)
    store.mark_list_walked("ru", now=T1)
    assert list_walks.list_walked(store.db, "ru") and not list_walks.list_walked(store.db, "en")


def test_urls_to_recheck_are_the_newest_live_or_all(store):
    for n, day in enumerate(["2024-01-01", "2025-01-01", "2026-01-01"], start=1):
        store.save_item(record(n, published_date=day, published_at=None), now=T0)
    store.mark_gone(record(3)["url"], now=T1)
    assert items.urls_to_recheck(store.db, "ru", 1, None, None) == [record(2)["url"]]
    assert items.urls_to_recheck(store.db, "ru", None, None, None) == [record(n)["url"] for n in (3, 2, 1)]
    assert items.urls_to_recheck(store.db, "ru", None, "2025-01-01", "2025-12-31") == [record(2)["url"]]
    assert items.urls_to_recheck(store.db, "en", None, None, None) == []


def test_a_run_whose_process_died_is_closed_as_interrupted(store):
    run = store.start_run("http://x", "incremental", now=T0)
    child = subprocess.Popen(["true"])
    child.wait()
    store.db["crawl_runs"].update(run, {"pid": child.pid})
    store.start_run("http://x", "incremental", now=T1)
    assert runs.get(store.db, run)["status"] == "interrupted"


def test_runs_of_a_crawl_past_its_time_limit_are_failed(store):
    old = store.start_run("http://x", "incremental", now=T0)
    store.finish_run(old, "interrupted", {}, requests=1, now=T0)
    killed = store.start_run("http://x", "full", now=T1)
    runs.fail_started_since(store.db, T1, "killed after its time limit")
    assert runs.get(store.db, killed)["status"] == "failed"
    assert runs.get(store.db, killed)["error"] == "killed after its time limit"
    assert runs.get(store.db, old)["status"] == "interrupted"


def test_failed_urls_wait_for_retry_by_kind(store):
    store.record_failure("http://x/a", "fetch", "HTTP 500", run_id=None, now=T0)
    store.record_failure("http://x/b", "parse", "no headline", run_id=None, now=T1)
    store.record_failure("http://x/c.jpg", "image", "HTTP 404", run_id=None, now=T1)
    assert failures.urls(store.db, ("fetch", "parse")) == ["http://x/a", "http://x/b"]


def test_edits_carry_their_significance_and_are_chosen_by_it(store):
    store.save_item(record(1, body="Выделено 5 млрд тенге, сообщили в министерстве."), now=T0)
    run = store.start_run("http://x", "incremental", now=T1)
    store.save_item(record(1, body="Выделено 5 млрд тенге сообщили в министерстве."), run_id=run, now=T1)
    store.save_item(record(1, title="Другой заголовок", body="Выделено 6 млрд тенге сообщили в министерстве."),
                    run_id=run, now=T2)
    every = watches.events(store.db, run_id=run, kinds=("changed",))
    assert [(e["significance"], e["title_before"]) for e in every] == [
        ("substantive", record(1)["title"]), ("cosmetic", None)]
    chosen = watches.events(store.db, run_id=run, kinds=("changed",), significance=("wording", "substantive"))
    assert [e["significance"] for e in chosen] == ["substantive"]
    assert "[-5-]{+6+}" in diffs.as_text(chosen[0]["changes"])


def linked(n: int, lang: str, other: int, other_lang: str, **changes) -> dict:
    """Item n in `lang`, linking item `other` as its `other_lang` version."""
    return record(n, lang=lang, translations={other_lang: record(other)["url"]}, **changes)


def test_a_language_version_edited_alone_diverges(store):
    day = "2026-11-2{}T10:00:00+00:00".format
    store.save_item(linked(1, "ru", 2, "kk"), now=day(0))
    store.save_item(linked(2, "kk", 1, "ru"), now=day(0))
    store.save_item(linked(3, "ru", 4, "kk"), now=day(0))
    store.save_item(linked(4, "kk", 3, "ru"), now=day(0))
    first = store.start_run("http://x", "incremental", now=day(1))
    store.save_item(linked(1, "ru", 2, "kk", body="Первый абзац.\n\nВторой абзац, дополненный."), run_id=first, now=day(1))
    store.save_item(linked(3, "ru", 4, "kk", body="Первый абзац.\n\nвторой абзац!"), run_id=first, now=day(1))  # cosmetic
    assert events.record_findings(store.db, first, day(1), 7)["diverged"] == [record(1)["url"]]
    # The other version follows within the window: no divergence; nor when both move at once.
    second = store.start_run("http://x", "incremental", now=day(3))
    store.save_item(linked(2, "kk", 1, "ru", body="Бірінші абзац."), run_id=second, now=day(3))
    store.save_item(linked(3, "ru", 4, "kk", body="Новый текст."), run_id=second, now=day(3))
    store.save_item(linked(4, "kk", 3, "ru", body="Жаңа мәтін."), run_id=second, now=day(3))
    # One of three versions removed, another edited in the same run: the third's staying
    # unchanged is no divergence.
    three = {"ru": record(5)["url"], "kk": record(6)["url"], "en": record(7)["url"]}
    for n, lang in ((5, "ru"), (6, "kk"), (7, "en")):
        store.save_item(record(n, lang=lang, translations={k: v for k, v in three.items() if k != lang}), now=day(0))
    store.save_item(record(5, translations={"kk": three["kk"], "en": three["en"]}, body="Совсем другой текст."),
                    run_id=second, now=day(3))
    assert store.mark_gone(three["kk"], run_id=second, now=day(3))
    assert events.record_findings(store.db, second, day(3), 7)["diverged"] == []
    # Past the window, the same edit alone diverges again.
    third = store.start_run("http://x", "incremental", now=day(5))
    store.save_item(linked(2, "kk", 1, "ru", body="Тағы бір өзгеріс."), run_id=third, now=day(5))
    assert events.record_findings(store.db, third, day(5), 1)["diverged"] == [record(2)["url"]]
    assert {e["url"] for e in events.of_run(store.db, third) if e["event"] == "diverged"} == {record(2)["url"]}


def test_an_item_dated_before_the_newest_is_backdated_once_the_list_was_walked(store):
    backfill = store.start_run("http://x", "full", now=T0)
    store.save_item(record(1, published_date="2024-03-09"), run_id=backfill, now=T0)
    resumed = store.start_run("http://x", "incremental", now=T1)
    # The backfill going on down the list: older items are no news.
    store.save_item(record(2, published_date="2024-02-01"), run_id=resumed, now=T1)
    assert events.record_findings(store.db, resumed, T1, 7)["backdated"] == []
    store.mark_list_walked("ru", now=T1)
    later = store.start_run("http://x", "incremental", now=T2)
    store.save_item(record(3, published_date="2024-03-05"), run_id=later, now=T2)
    store.save_item(record(4, published_date="2024-03-10"), run_id=later, now=T2)
    store.save_item(record(5, lang="kk", published_date="2024-01-01"), run_id=later, now=T2)  # kk never walked
    assert events.record_findings(store.db, later, T3, 7)["backdated"] == [record(3)["url"]]


# Stamps are to the second: the run before may end, its list walked, in the very second
# the next one starts (two crawls of a small site, one after the other); and a run whose
# clock was ahead marks its walk "after" the next run's start.
@pytest.mark.parametrize("walked", ["in the second the next run starts", "by a clock ahead"])
def test_the_run_before_vouches_for_its_list_whatever_its_stamps(store, walked):
    first = store.start_run("http://x", "full", now=T0)
    store.save_item(record(1, published_date="2024-03-09"), run_id=first, now=T0)
    store.mark_list_walked("ru", now=T1 if walked == "in the second the next run starts" else T3)
    second = store.start_run("http://x", "incremental", now=T1)
    store.save_item(record(2, published_date="2024-03-05"), run_id=second, now=T1)
    store.save_item(record(3, published_date="2024-03-10"), run_id=second, now=T1)
    assert events.record_findings(store.db, second, T2, 7)["backdated"] == [record(2)["url"]]
