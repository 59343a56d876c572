"""A crawl of each skin's replica with decisions: every decision stored equal to its
truth, found only through the menus (each skin keeps them under another path), each
attached file archived with a 200 capture of its digest, kept beside the images with its
sha1, its text read and searchable."""
from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

import pytest
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import (Replica, capture_problems, connect, get, items_problems, path_of,
                     sha1_base32, summary)
from pmkz.browse.app import build_datasette
from pmkz.replica import build_site
from pmkz.replica.decisions import find_file
from pmkz.storage import Store, attachments, search

OPTIONS = ("--articles", "3", "--decisions", "5")
DECISION_FIELDS = ("decision_number", "decision_date", "title", "body", "published_date", "kind", "lang")


@pytest.fixture(scope="module", params=["classic", "modern"])
def crawled(request, tmp_path_factory, forked):
    """One crawl of the skin's replica: (truth, database path, work dir, summary)."""
    skin = request.param
    replica = Replica(*OPTIONS, "--skin", skin)
    try:
        workdir = tmp_path_factory.mktemp(skin)
        result = forked.crawl(replica.url, workdir)
        yield skin, replica.truth(), workdir, summary(result)
    finally:
        replica.stop()


def decisions_of(truth):
    return [r for r in truth if r["kind"] == "decision"]


def test_every_record_news_and_decisions_is_stored_equal_to_its_truth(crawled):
    skin, truth, workdir, result = crawled
    assert result["status"] == "ok"
    assert {r["lang"] for r in decisions_of(truth)} == {"ru", "kk", "en"}
    with connect(workdir / "pmkz.db") as db:
        assert items_problems(db, truth) == []
        stored = {path_of(r["url"]): dict(r) for r in db.execute("SELECT * FROM items WHERE kind = 'decision'")}
    for record in decisions_of(truth):
        row = stored[path_of(record["url"])]
        assert {f: row[f] for f in DECISION_FIELDS} == {f: record[f] for f in DECISION_FIELDS}
        assert [path_of(u) for u in json.loads(row["attachment_urls"])] == [path_of(u) for u in record["attachment_urls"]]


def test_the_sections_were_found_from_the_menus(crawled):
    skin, truth, workdir, _ = crawled
    section = {"classic": "decisions", "modern": "documents"}[skin]
    with connect(workdir / "pmkz.db") as db:
        followed = {(r["lang"], r["name"]) for r in db.execute("SELECT * FROM sections WHERE followed")}
    assert followed == {(lang, section) for lang in ("ru", "kk", "en")}


def test_every_attachment_has_a_200_capture_of_its_digest_and_a_file_with_its_sha1(crawled):
    skin, truth, workdir, _ = crawled
    site = build_site(3, decisions=5)
    with connect(workdir / "pmkz.db") as db:
        assert capture_problems(db, workdir / "warc") == []
        for record in decisions_of(truth):
            for url in record["attachment_urls"]:
                served = find_file(site.decisions, path_of(url))
                data = served.data()
                captures = [dict(r) for r in db.execute(
                    "SELECT status, payload_digest FROM captures WHERE url LIKE ?", ["%" + path_of(url)])]
                assert {"status": 200, "payload_digest": sha1_base32(data)} in captures, url
                row = db.execute("SELECT * FROM attachments WHERE url LIKE ?", ["%" + path_of(url)]).fetchone()
                assert row["sha1"] == hashlib.sha1(data).hexdigest()
                assert (workdir / "images" / row["path"]).read_bytes() == data
                assert row["text"] == "\n\n".join(served.paragraphs)


def test_a_search_finds_a_word_only_an_attachment_holds(crawled):
    skin, truth, workdir, _ = crawled
    with Store(workdir / "pmkz.db") as store:
        pages = " ".join(r[0] for r in store.db.execute("SELECT title || ' ' || body FROM items")).lower()
        texts = {url: text for url, text in store.db.execute(
            "SELECT item_url, group_concat(text, ' ') FROM attachments GROUP BY item_url")}
        item_url, text = next((u, t) for u, t in sorted(texts.items()) if "/ru/" in u)
        word = next(w for w in text.lower().replace(".", " ").split() if len(w) > 6 and w not in pages)
        found = attachments.items_with_words(store.db, word)
        assert item_url in found
        assert all(word in texts[url].lower() for url in found)
        sql, params = search.matching(word)
        assert item_url in {url for (url,) in store.db.execute(f"SELECT url FROM items WHERE rowid IN ({sql})", params)}
    # The search box as `pmkz serve` answers it: /<db>/-/search.json and the items page.
    ds = build_datasette(workdir / "pmkz.db", workdir / "images")
    try:
        client = DatasetteClient(ds)
        hits = get(client, f"/pmkz/-/search.json?q={quote(word)}").json["hits"]
        assert item_url in {hit["url"] for hit in hits}
        rows = get(client, f"/pmkz/items.json?_search={quote(word)}&_shape=objects").json["rows"]
        assert item_url in {row["url"] for row in rows}
    finally:
        for database in ds.databases.values():
            database.close()


def test_reparse_derives_each_decision_again_unchanged(crawled):
    from pmkz.crawler.reparse import reparse

    skin, truth, workdir, _ = crawled
    decree = next(r for r in decisions_of(truth) if path_of(r["url"]).startswith("/ru/") and r["decision_number"] == "20")
    with connect(workdir / "pmkz.db") as db:
        (stored_url,) = db.execute("SELECT url FROM items WHERE url LIKE ?", ["%" + path_of(decree["url"])]).fetchone()
    done = reparse(workdir / "pmkz.db", workdir / "warc", url=stored_url)
    assert (done.pages, done.unchanged, done.failed, done.first_failure) == (1, 1, 0, None)
    with connect(workdir / "pmkz.db") as db:
        row = db.execute("SELECT * FROM items WHERE url = ?", [stored_url]).fetchone()
    assert {f: row[f] for f in DECISION_FIELDS} == {f: decree[f] for f in DECISION_FIELDS}


def test_attachments_hit_by_transient_faults_are_all_archived_whole(tmp_path, forked):
    """Faults hit attached files as they hit images: an empty, failed or cut answer is
    fetched again, and what is kept is the whole file; decision pages in a legacy code
    page or with broken markup are stored as their truth."""
    options = ("--articles", "1", "--decisions", "3", "--faults", "empty=0.5,500=0.5,truncate=0.5,charset=0.5,broken=0.5")
    replica = Replica(*options)
    try:
        forked.crawl(replica.url, tmp_path)
        truth = replica.truth()
    finally:
        replica.stop()
    site = build_site(1, decisions=3)
    with connect(tmp_path / "pmkz.db") as db:
        assert items_problems(db, truth) == []
        assert db.execute("SELECT count(*) FROM captures WHERE url LIKE '%/upload/docs/%' AND status = 500").fetchone()[0]
        for record in decisions_of(truth):
            for url in record["attachment_urls"]:
                data = find_file(site.decisions, path_of(url)).data()
                row = db.execute("SELECT sha1 FROM attachments WHERE url LIKE ?", ["%" + path_of(url)]).fetchone()
                assert row and row["sha1"] == hashlib.sha1(data).hexdigest(), url
                assert db.execute("SELECT 1 FROM captures WHERE url LIKE ? AND status = 200 AND payload_digest = ?",
                                  ["%" + path_of(url), sha1_base32(data)]).fetchone(), url


def test_the_item_page_shows_and_links_the_attachments_and_datasette_searches_them(crawled):
    from html import unescape

    from datasette.utils.testing import TestClient as DatasetteClient

    from helpers import get, item_path
    from pmkz.browse.app import build_datasette

    skin, truth, workdir, _ = crawled
    ds = build_datasette(workdir / "pmkz.db", workdir / "images")
    try:
        client = DatasetteClient(ds)
        with connect(workdir / "pmkz.db") as db:
            row = db.execute("SELECT item_url, url, text FROM attachments WHERE url LIKE '%/ru/%.pdf' LIMIT 1").fetchone()
        page = unescape(get(client, item_path(row["item_url"])).text)
        assert "Attached files" in page and row["url"].rsplit("/", 1)[-1] in page
        assert row["text"].split("\n\n")[1] in page
        link = re.search(r'href="([^"]+/-/images/[^"]+\.pdf)" download', page)[1]
        assert get(client, link).body.startswith(b"%PDF-")
        word = row["text"].split()[-1].strip(".")
        assert row["url"] in get(client, f"/pmkz/attachments?_search={word}").text
        assert "decision" in get(client, "/pmkz/items").text
    finally:
        for database in ds.databases.values():
            database.close()


def test_decision_pages_and_files_that_failed_are_fetched_again_by_the_next_run(tmp_path, forked):
    """A run with no retries left loses a decision page on the section's second list page
    and a file of a decision it stored. The next run walks the section only while a page
    holds something new, so both come back from the failures: the page as an article's
    does, the file by asking for its decision again; then no failure is left."""
    from pmkz.replica.faults import Faults

    def fits(seed):
        ru = build_site(1, seed=seed, decisions=22).decisions["ru"]
        faults = Faults({"500": 0.05}, seed)
        hit = [faults.hits("500", d.path("decisions")) for d in ru]
        files_hit = any(faults.hits("500", d.file_path(a)) for d in ru[:20] for a in d.attachments)
        return not any(hit[:20]) and any(hit[20:]) and files_hit

    seed = next(s for s in range(2000) if fits(s))
    replica = Replica("--articles", "1", "--decisions", "22", "--seed", str(seed), "--skin", "classic",
                      "--faults", "500=0.05")
    try:
        forked.run(replica.url, tmp_path, "--lang", "ru", env={"PMKZ_RETRY_TIMES": "0"})
        second = forked.run(replica.url, tmp_path, "--lang", "ru")
        truth = [r for r in decisions_of(replica.truth()) if r["lang"] == "ru"]
    finally:
        replica.stop()
    with connect(tmp_path / "pmkz.db") as db:
        pages = {path_of(r["url"]) for r in db.execute("SELECT url FROM items WHERE kind = 'decision'")}
        files = {path_of(r["url"]) for r in db.execute("SELECT url FROM attachments")}
        failed = [r["url"] for r in db.execute("SELECT url FROM failures")]
    assert pages == {path_of(r["url"]) for r in truth}, second.stdout
    assert (files, failed) == ({path_of(u) for r in truth for u in r["attachment_urls"]}, []), second.stdout
