"""Saved searches (`pmkz watch`), their feeds and webhook messages, and the feeds `pmkz
serve` answers: new, edited (with the paragraph diff) and removed items, on real SQLite
files written through the Store and real Datasette."""
from __future__ import annotations


import feedparser
import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from datasette.utils.testing import TestClient as DatasetteClient
from sqlite_utils import Database

from helpers import T0
from pmkz.browse.app import build_datasette, register_plugin
from pmkz.cli import cli
from pmkz.notify.after_run import notify_after_run
from pmkz.storage import Store, watches
from pmkz.storage.search import MAX_NESTING, MAX_QUERY_CHARS, MAX_TERMS

SITE = "http://127.0.0.1:9"


def record(n: int, lang: str, title: str, body: str) -> dict:
    return {"url": f"{SITE}/{'kz' if lang == 'kk' else lang}/news/x-{n}", "site_id": n, "lang": lang,
            "kind": "news", "category": None, "title": title, "published_date": "2024-03-09",
            "published_at": None, "summary": None, "body": body, "image_urls": []}


ARAL = record(1, "ru", "Об Аральском море", "Совещание о судьбе Аральского моря.\n\nВыделены средства.")
OTHER = record(2, "ru", "О посевной", "Аграрии готовятся к посевной.")
KK = record(3, "kk", "Арал теңізі", "Арал теңізі туралы кеңес.")
GONE = record(4, "ru", "Аральское море мелеет", "Уровень моря снизился.")


@pytest.fixture
def archive(tmp_path):
    """Run 1 stores four items; run 2 edits ARAL's second paragraph and removes GONE."""
    db_path = tmp_path / "pmkz.db"
    with Store(db_path) as store:
        first = store.start_run(SITE, "incremental", now="2024-03-09T10:00:00+00:00")
        for rec in (ARAL, OTHER, KK, GONE):
            store.save_item(rec, run_id=first, now="2024-03-09T10:01:00+00:00")
        store.finish_run(first, "ok", {}, 4, now="2024-03-09T10:02:00+00:00")
    return db_path


def second_run(db_path):
    with Store(db_path) as store:
        run = store.start_run(SITE, "incremental", now="2024-03-10T10:00:00+00:00")
        store.save_item({**ARAL, "body": "Совещание о судьбе Аральского моря.\n\nВыделено 5 млрд тенге."},
                        run_id=run, now="2024-03-10T10:01:00+00:00")
        store.mark_gone(GONE["url"], run_id=run, now="2024-03-10T10:01:30+00:00")
        store.finish_run(run, "ok", {}, 4, now="2024-03-10T10:02:00+00:00")
    return run


def pmkz(*args):
    return CliRunner().invoke(cli, list(args))


def test_watch_add_list_remove(archive):
    added = pmkz("watch", "add", "Аральское море", "--lang", "ru", "--db", str(archive))
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("watch 1: «Аральское море» (ru)")
    assert pmkz("watch", "add", "Аральское море", "--lang", "ru", "--db", str(archive)).stdout.startswith("watch 1:")
    assert pmkz("watch", "add", "Арал", "--db", str(archive)).stdout.startswith("watch 2:")
    listed = pmkz("watch", "list", "--db", str(archive)).stdout.splitlines()
    assert listed == ["1\t«Аральское море» (ru)\t/-/feeds/watch-1.atom",
                      "2\t«Арал» (all languages)\t/-/feeds/watch-2.atom"]
    assert pmkz("watch", "remove", "2", "--db", str(archive)).stdout == "watch 2 removed\n"
    assert len(pmkz("watch", "list", "--db", str(archive)).stdout.splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    (["add", "  ", "--db", "{db}"], "holds no word"),
    (["add", "море", "--lang", "de", "--db", "{db}"], "unknown language 'de'"),
    (["remove", "7", "--db", "{db}"], "no saved search 7"),
    (["add", "море", "--db", "{missing}"], "no database at"),
    (["list", "--db", "{missing}"], "no database at"),
    # As the probe saved them: a phrase and 300 words broke every crawl after it; 1,500
    # words made `watch add` fail with RecursionError.
    (["add", '"правительство" ' + "a " * 300, "--db", "{db}"],
     f"a search may hold at most {MAX_TERMS} words, phrases and prefixes; this one has 301"),
    (["add", "море " * 1500, "--db", "{db}"], f"a search may be at most {MAX_QUERY_CHARS:,} characters long"),
    (["add", "(" * 400 + "море" + ")" * 400, "--db", "{db}"], f"nest parentheses at most {MAX_NESTING} deep"),
])
def test_bad_watch_commands_are_one_line(archive, tmp_path, args, message):
    args = [a.format(db=archive, missing=tmp_path / "missing.db") for a in args]
    result = pmkz("watch", *args)
    assert result.exit_code != 0 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "missing.db").exists()


def test_a_watch_gets_its_feed_and_webhook_messages_with_diff_and_removal(archive, tmp_path, monkeypatch):
    with Store(archive) as store:
        watch = watches.add(store.db, "Аральское море", "ru", T0)
    run = second_run(archive)
    sent = []
    monkeypatch.setattr("pmkz.notify.after_run.post_json",
                        lambda url, message, deadline, backoff: sent.append(message) or True)
    notify_after_run(archive, run, feeds_dir=tmp_path / "feeds", site_url=SITE, langs=["ru", "kk", "en"],
                     webhook_url="http://receiver.invalid/")
    # The first run, never announced, goes first; this test reads the second's.
    run_message, watch_message = [message for message in sent if message["run"]["id"] == run]
    assert run_message["changed"][0]["diff"] == "- Выделены средства.\n\n+ Выделено 5 млрд тенге."
    assert watch_message["watch"] == {"id": watch["id"], "query": "Аральское море", "lang": "ru"}
    assert [i["url"] for i in watch_message["changed"]] == [ARAL["url"]]
    assert watch_message["changed"][0]["diff"] == "- Выделены средства.\n\n+ Выделено 5 млрд тенге."
    assert [i["url"] for i in watch_message["gone"]] == [GONE["url"]]
    assert watch_message["new"] == []

    parsed = feedparser.parse((tmp_path / "feeds" / f"watch-{watch['id']}.atom").read_bytes())
    assert not parsed.bozo and parsed.feed.title == "primeminister.kz: «Аральское море» (Русский)"
    titles = [e.title for e in parsed.entries]
    # Word forms: «Аральском море», «Аральского моря» match; the kk item and OTHER do not.
    assert titles == ["Removed: Аральское море мелеет", "Edited: Об Аральском море",
                      "Аральское море мелеет", "Об Аральском море"]
    edit = parsed.entries[1].content[0].value
    assert "- Выделены средства." in edit and "+ Выделено 5 млрд тенге." in edit
    assert "removed from the site" in parsed.entries[0].content[0].value
    language = feedparser.parse((tmp_path / "feeds" / "ru.atom").read_bytes())
    assert [e.title for e in language.entries][:2] == ["Removed: Аральское море мелеет", "Edited: Об Аральском море"]
    assert len(language.entries) == 5


def test_pmkz_serve_answers_the_feeds(archive, tmp_path):
    with Store(archive) as store:
        kk = watches.add(store.db, "Арал", "kk", T0)
    second_run(archive)
    ds = build_datasette(archive, tmp_path / "images")
    try:
        client = DatasetteClient(ds)
        response = client.get("/-/feeds/ru.atom")
        assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(response.body)
        assert parsed.entries[0].title == "Removed: Аральское море мелеет"
        watch = feedparser.parse(client.get(f"/-/feeds/watch-{kk['id']}.atom").body)
        assert [e.title for e in watch.entries] == ["Арал теңізі"]
        assert client.get("/-/feeds/de.atom").status == 404
        assert client.get("/-/feeds/watch-99.atom").status == 404
    finally:
        for database in ds.databases.values():
            database.close()


def test_a_headline_xml_cannot_carry_is_served_cleaned(tmp_path):
    """An archive stored before the parser cleaned its text: the feed is still a 200."""
    db_path = tmp_path / "pmkz.db"
    with Store(db_path) as store:
        run = store.start_run(SITE, "incremental")
        store.save_item(record(5, "ru", "Заголовок\ufffe с\x01 символом", "Текст\uffff статьи."), run_id=run)
        store.finish_run(run, "ok", {"new": 1}, 1)
    ds = build_datasette(db_path, tmp_path / "images")
    try:
        response = DatasetteClient(ds).get("/-/feeds/ru.atom")
        assert response.status == 200
        parsed = feedparser.parse(response.body)
        assert not parsed.bozo and [e.title for e in parsed.entries] == ["Заголовок с символом"]
    finally:
        for database in ds.databases.values():
            database.close()


def test_a_moment_stored_in_another_form_than_iso_still_dates_its_entry(tmp_path):
    """Feeds give feedgen the stored ISO moments as datetimes; a moment stored in another
    form (by hand, or by an older pmkz) is still read, as feedgen's own parser reads it."""
    db_path = tmp_path / "pmkz.db"
    with Store(db_path) as store:
        run = store.start_run(SITE, "incremental", now="2024-03-09T10:00:00+00:00")
        store.save_item({**record(6, "ru", "Заголовок", "Текст."), "published_at": "Sat, 09 Mar 2024 12:30:00 +0500"},
                        run_id=run, now="2024-03-09T10:01:00+00:00")
        store.finish_run(run, "ok", {"new": 1}, 1, now="2024-03-09T10:02:00+00:00")
    notify_after_run(db_path, run, feeds_dir=tmp_path / "feeds", site_url=SITE, langs=["ru"])
    parsed = feedparser.parse((tmp_path / "feeds" / "ru.atom").read_bytes())
    assert not parsed.bozo and [e.title for e in parsed.entries] == ["Заголовок"]
    assert parsed.entries[0].published == "2024-03-09T12:30:00+05:00"
    assert parsed.entries[0].updated == "2024-03-09T10:01:00+00:00"


def test_each_archive_served_together_answers_its_own_feeds(archive, tmp_path):
    """Plain `datasette pmkz.db demo.db`: `/<database>/-/feeds/` is that archive's."""
    demo = tmp_path / "demo.db"
    with Store(demo) as store:
        run = store.start_run(SITE, "incremental")
        store.save_item(record(9, "ru", "Только в демо", "Текст демо."), run_id=run)
        store.finish_run(run, "ok", {"new": 1}, 1)
    register_plugin()
    ds = Datasette(files=[str(archive), str(demo)])
    try:
        client = DatasetteClient(ds)
        demo_titles = [e.title for e in feedparser.parse(client.get("/demo/-/feeds/ru.atom").body).entries]
        archive_titles = [e.title for e in feedparser.parse(client.get("/pmkz/-/feeds/ru.atom").body).entries]
        assert demo_titles == ["Только в демо"]
        assert sorted(archive_titles) == sorted([ARAL["title"], OTHER["title"], GONE["title"]])
        assert client.get("/nowhere/-/feeds/ru.atom").status == 404
    finally:
        for database in ds.databases.values():
            database.close()


def test_an_archive_without_watches_serves_language_feeds(archive, tmp_path):
    ds = build_datasette(archive, tmp_path / "images", public=True)
    try:
        client = DatasetteClient(ds)
        assert len(feedparser.parse(client.get("/-/feeds/kk.atom").body).entries) == 1
        assert client.get("/-/feeds/watch-1.atom").status == 404
    finally:
        for database in ds.databases.values():
            database.close()


WATCH_LIST = '''# The newsroom's saved searches.
[[watch]]
query = "Аральское море"
lang = "ru"

[[watch]]
query = "Арал теңізі"
'''


def test_a_toml_list_of_saved_searches_is_imported_and_listed_back(archive, tmp_path):
    listed = tmp_path / "watches.toml"
    listed.write_text(WATCH_LIST, encoding="utf-8")
    first = pmkz("watch", "import", str(listed), "--db", str(archive))
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[-1] == "2 added, 0 already saved, 0 removed"
    assert pmkz("watch", "import", str(listed), "--db", str(archive)).stdout.splitlines() == [
        "0 added, 2 already saved, 0 removed"]
    assert pmkz("watch", "add", "посевная", "--db", str(archive)).exit_code == 0
    # The list as TOML reads back as the same searches.
    exported = tmp_path / "exported.toml"
    exported.write_text(pmkz("watch", "list", "--toml", "--db", str(archive)).stdout, encoding="utf-8")
    with Store(archive) as store:
        assert [(w["query"], w["lang"]) for w in watches.all_watches(store.db)] == [
            ("Аральское море", "ru"), ("Арал теңізі", None), ("посевная", None)]
    from pmkz.storage.watches import read_list
    assert read_list(exported) == [("Аральское море", "ru"), ("Арал теңізі", None), ("посевная", None)]
    # --remove-others: the file is the whole list.
    synced = pmkz("watch", "import", str(listed), "--remove-others", "--db", str(archive))
    assert "removed watch 3: «посевная» (all languages)" in synced.stdout
    with Store(archive) as store:
        assert [w["query"] for w in watches.all_watches(store.db)] == ["Аральское море", "Арал теңізі"]
        # An imported watch has its feed like any other.
        assert [e["url"] for e in watches.events(store.db, query="Арал теңізі")] == [KK["url"]]


@pytest.mark.parametrize("text, message", [
    ('[[watch]]\nquery = "море"\nlang = "de"\n', "watch 1: unknown language 'de'"),
    ('[[watch]]\nquery = "море"\n[[watch]]\nquery = "  "\n', "watch 2: the search ' ' holds no word"),
    ('[[watch]]\nwords = "море"\n', 'watch 1: expected query = "..." and an optional lang = "ru", not words'),
    ('watch = ["море"]\n', "watch 1: expected a [[watch]] table"),
    ('searches = 1\n', "expected only [[watch]] tables, found searches"),
    ('[[watch]\n', "is not TOML"),
    ('[[watch]]\nquery = "море"\n[[watch]]\nquery = "\\"правительство\\" ' + "a " * 300 + '"\n',
     f"watch 2: a search may hold at most {MAX_TERMS} words"),
])
def test_a_bad_toml_list_saves_nothing_and_says_why_in_one_line(archive, tmp_path, text, message):
    listed = tmp_path / "watches.toml"
    listed.write_text(text, encoding="utf-8")
    result = pmkz("watch", "import", str(listed), "--db", str(archive))
    assert result.exit_code != 0 and message in result.stderr, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    with Store(archive) as store:
        assert watches.all_watches(store.db) == []


def test_a_saved_search_over_the_limits_stops_neither_the_run_nor_the_others(archive, tmp_path, caplog):
    """A saved search stored by an older pmkz, before the limits (a phrase and 300
    words overflowed SQLite's parser at every crawl): skipped and said so; the other
    saved searches get their feeds."""
    with Store(archive) as store:
        good = watches.add(store.db, "Аральское море", "ru", T0)
        store.db.execute("INSERT INTO watches (query, lang, created) VALUES (?, NULL, ?)",
                         ['"правительство" ' + "a " * 300, "2024-03-09T10:00:00+00:00"])
        (bad,) = store.db.execute("SELECT max(id) FROM watches").fetchone()
    run = second_run(archive)
    notify_after_run(archive, run, feeds_dir=tmp_path / "feeds", site_url=SITE, langs=["ru", "kk", "en"])
    good_feed = feedparser.parse((tmp_path / "feeds" / f"watch-{good['id']}.atom").read_bytes())
    assert len(good_feed.entries) == 4
    assert 'saved search «"правительство" a a' in caplog.text and "not run: a search may hold" in caplog.text
    listed = pmkz("watch", "list", "--db", str(archive))
    assert listed.exit_code == 0
    assert [line.split("\t")[-1] for line in listed.stdout.splitlines() if line.startswith(f"{bad}\t")] == [
        f"not run: a search may hold at most {MAX_TERMS} words, phrases and prefixes; this one has 301;"
        " remove it and save a shorter search"]
    ds = build_datasette(archive, tmp_path / "images")
    try:
        served = DatasetteClient(ds).get(f"/-/feeds/watch-{bad}.atom")
        assert served.status == 200 and feedparser.parse(served.body).entries == []
    finally:
        for database in ds.databases.values():
            database.close()


def test_feeds_and_messages_show_an_edit_as_stored_with_its_version(archive, tmp_path, monkeypatch):
    """The changes stored with a version when it was written (storage/diffs.py) are what
    the served and the written feeds and the webhook show: no request compares bodies."""
    run = second_run(archive)
    with Store(archive) as store:
        watch = watches.add(store.db, "Аральское море", "ru", "2024-03-10T11:00:00+00:00")
        store.db.execute("UPDATE item_versions SET body_changes = ? WHERE item_url = ?",
                         ['[{"op": "+", "text": "Как записано при правке."}]', ARAL["url"]])
    sent = []
    monkeypatch.setattr("pmkz.notify.after_run.post_json",
                        lambda url, message, deadline, backoff: sent.append(message) or True)
    notify_after_run(archive, run, feeds_dir=tmp_path / "feeds", site_url=SITE, langs=["ru"],
                     webhook_url="http://receiver.invalid/")
    ds = build_datasette(archive, tmp_path / "images")
    try:
        served = DatasetteClient(ds).get("/-/feeds/ru.atom").body
    finally:
        for database in ds.databases.values():
            database.close()
    for feed in (served, (tmp_path / "feeds" / "ru.atom").read_bytes(),
                 (tmp_path / "feeds" / f"watch-{watch['id']}.atom").read_bytes()):
        [edit] = [e for e in feedparser.parse(feed).entries if e.title.startswith("Edited: ")]
        assert edit.content[0].value.startswith("Changed paragraphs:\n\n+ Как записано при правке.\n\nThe text now:")
    diffs = [item["diff"] for message in sent if message["run"]["id"] == run for item in message["changed"]]
    assert diffs == ["+ Как записано при правке."] * 2


def test_an_archive_from_before_stored_changes_still_shows_its_edits(archive, tmp_path):
    """Read where it cannot be updated (read-only), an archive without stored changes
    has its edits compared when its feed is made."""
    second_run(archive)
    db = Database(str(archive))
    db.execute("DROP INDEX idx_item_versions_without_changes")
    db.execute("ALTER TABLE item_versions DROP COLUMN body_changes")
    [edit] = watches.events(db, lang="ru", kinds=("changed",))
    assert edit["changes"] == [{"op": "-", "text": "Выделены средства."}, {"op": "+", "text": "Выделено 5 млрд тенге."}]


def test_a_saved_search_asked_for_substantive_edits_is_not_told_of_a_wording_one(archive, tmp_path, monkeypatch):
    added = pmkz("watch", "add", "Аральское море", "--significance", "substantive", "--db", str(archive))
    assert added.exit_code == 0 and "edits from substantive up" in added.stdout, added.output
    everything = pmkz("watch", "add", "Арал*", "--db", str(archive))
    assert everything.exit_code == 0, everything.output
    bad = pmkz("watch", "add", "море", "--significance", "big", "--db", str(archive))
    assert bad.exit_code == 1 and "significance must be one of cosmetic, wording, substantive, not 'big'" in bad.stderr
    with Store(archive) as store:
        run = store.start_run(SITE, "incremental", now="2024-03-10T10:00:00+00:00")
        # Other words, no number, name or sentence more: a wording edit.
        store.save_item({**ARAL, "body": "Совещание о судьбе Аральского моря.\n\nВыделены деньги."},
                        run_id=run, now="2024-03-10T10:01:00+00:00")
        store.finish_run(run, "ok", {}, 4, now="2024-03-10T10:02:00+00:00")
    sent = []
    monkeypatch.setattr("pmkz.notify.after_run.post_json",
                        lambda url, message, deadline, backoff: sent.append(message) or True)
    notify_after_run(archive, run, feeds_dir=tmp_path / "feeds", site_url=SITE, langs=["ru"],
                     webhook_url="http://receiver.invalid/")
    # The first run, never announced, is told too; this test reads the second's.
    told = {m["watch"]["query"]: m for m in sent if "watch" in m and m["run"]["id"] == run}
    assert [i["significance"] for i in told["Арал*"]["changed"]] == ["wording"]
    assert "Аральское море" not in told  # its only match this run is the wording edit
