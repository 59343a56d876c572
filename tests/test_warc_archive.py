"""The raw archive after a crawl of `pmkz replica --articles 30` (the session's
`crawled_30`; the archive's records, not the site's size, are the subject: the spine's
acceptance test, tests/test_crawl_replica.py, keeps 300 articles): every WARC file passes
`warcio check`, every stored item and image has a capture whose payload digest is that
of the bytes the replica serves, image records carry the sha1 of the `images` table, a
304 is a revisit pointing at the capture it confirms, the export is one valid WARC file,
and the archive costs an idle cycle no request.
"""
from __future__ import annotations

import base64
import shutil
import sqlite3
import urllib.request
from pathlib import Path

import pytest

from helpers import capture_problems, connect, pmkz_here, sha1_base32, summary, warcio_check
from pmkz.storage.warc import ArchiveReader, iter_records, warc_files

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archive(crawled_30, tmp_path_factory):
    # The session's crawl, copied: the 304 and idle-cycle tests crawl this archive again.
    workdir = tmp_path_factory.mktemp("warc") / "archive"
    shutil.copytree(crawled_30["workdir"], workdir)
    # Every record of the site: its articles and its default decisions, each language.
    return {"workdir": workdir, "warc": workdir / "warc", "replica": crawled_30["replica"],
            "first": crawled_30["first"], "records": len(crawled_30["truth"])}


def served(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


def rows(workdir: Path, sql: str) -> list[sqlite3.Row]:
    db = connect(workdir / "pmkz.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_every_warc_file_passes_warcio_check(archive):
    files = warc_files(archive["warc"])
    assert files and all(f.name.startswith("pmkz-") for f in files)
    result = warcio_check(files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_fetch_is_a_response_and_its_request(archive):
    responses, requests = {}, {}
    for path in warc_files(archive["warc"]):
        for record in iter_records(path):
            headers = record.rec_headers
            assert headers.get_header("WARC-Date") and headers.get_header("WARC-Record-ID")
            if record.rec_type == "response":
                assert headers.get_header("WARC-Payload-Digest") and headers.get_header("WARC-Block-Digest")
                responses[headers.get_header("WARC-Record-ID")] = headers.get_header("WARC-Target-URI")
            elif record.rec_type == "request":
                requests[headers.get_header("WARC-Concurrent-To")] = headers.get_header("WARC-Target-URI")
    assert responses == requests
    # Lists, articles and images: every request the crawl made got its answer archived.
    assert len(responses) == summary(archive["first"])["requests"]


def test_every_item_names_a_capture_of_the_bytes_the_replica_serves(archive):
    items = rows(archive["workdir"], "SELECT i.url, c.payload_digest, c.url AS captured, c.item_version"
                                     " FROM items i LEFT JOIN captures c ON c.id = i.capture_id")
    assert len(items) == archive["records"]
    wrong = [r["url"] for r in items
             if r["captured"] != r["url"] or r["item_version"] != 1 or r["payload_digest"] != sha1_base32(served(r["url"]))]
    assert wrong == []


def test_every_image_has_a_capture_of_its_bytes_and_the_same_sha1(archive):
    images = rows(archive["workdir"], "SELECT DISTINCT m.url, m.sha1, c.payload_digest FROM images m"
                                      " LEFT JOIN captures c ON c.url = m.url AND c.status = 200")
    assert images
    wrong = []
    for image in images:
        digest = image["payload_digest"] or ""
        sha1 = base64.b32decode(digest.removeprefix("sha1:")).hex() if digest else None
        if sha1 != image["sha1"] or digest != sha1_base32(served(image["url"])):
            wrong.append(image["url"])
    assert wrong == []


def test_every_capture_row_points_at_its_whole_record(archive):
    db = connect(archive["workdir"] / "pmkz.db")
    try:
        assert capture_problems(db, archive["warc"]) == []
    finally:
        db.close()


def test_the_archived_page_reads_back_as_served(archive):
    (item,) = rows(archive["workdir"], "SELECT i.url, c.* FROM items i JOIN captures c ON c.id = i.capture_id LIMIT 1")
    with ArchiveReader(archive["warc"]) as reader:
        record = reader.read(item["warc_file"], item["warc_offset"], item["warc_length"])
    assert record.status == 200 and record.content() == served(item["url"])
    assert record.header("Content-Type").startswith("text/html")


def test_export_warc_is_one_valid_file_of_the_chosen_items(archive, tmp_path):
    out = tmp_path / "en.warc.gz"
    result = pmkz_here("export", "--format", "warc", "--db", str(archive["workdir"] / "pmkz.db"),
                       "--lang", "en", "--out", str(out))
    assert "records written" in result.stdout
    assert warcio_check([out]).returncode == 0
    targets = [r.rec_headers.get_header("WARC-Target-URI") for r in iter_records(out) if r.rec_type == "response"]
    en = {r["url"] for r in rows(archive["workdir"], "SELECT url FROM items WHERE lang = 'en'")}
    assert en <= set(targets)
    assert not any(url in {r["url"] for r in rows(archive["workdir"], "SELECT url FROM items WHERE lang != 'en'")}
                   for url in targets)


def test_export_warc_takes_several_languages_and_a_date_range(archive, tmp_path):
    workdir = archive["workdir"]
    days = [r["published_date"] for r in rows(workdir, "SELECT DISTINCT published_date FROM items"
                                                       " WHERE published_date IS NOT NULL ORDER BY 1")]
    since, until = days[len(days) // 3], days[2 * len(days) // 3]
    items = rows(workdir, "SELECT url, lang, published_date FROM items")
    chosen = {r["url"] for r in items if r["lang"] in ("ru", "kk") and since <= (r["published_date"] or "") <= until}
    # The filter cuts on every side: a language left out, days before and after the range.
    assert {r["lang"] for r in items if r["url"] in chosen} == {"ru", "kk"}
    left_out = [r for r in items if r["url"] not in chosen]
    assert any(r["lang"] == "en" for r in left_out)
    assert any((r["published_date"] or "") < since for r in left_out if r["lang"] != "en")
    assert any((r["published_date"] or "") > until for r in left_out if r["lang"] != "en")
    images = {r["url"] for r in rows(workdir, "SELECT url, item_url FROM images") if r["item_url"] in chosen}
    assert images
    captures = [r for r in rows(workdir, "SELECT url FROM captures") if r["url"] in chosen | images]

    out = tmp_path / "ru-kk.warc.gz"
    result = pmkz_here("export", "--format", "warc", "--db", str(workdir / "pmkz.db"),
                       "--lang", "ru,kk", "--since", since, "--until", until, "--out", str(out))
    assert result.stdout.strip() == f"{len(captures)} records written to {out}"
    assert warcio_check([out]).returncode == 0
    records = [r for r in iter_records(out) if r.rec_type != "warcinfo"]
    assert len(records) == len(captures)
    assert {r.rec_headers.get_header("WARC-Target-URI") for r in records} == chosen | images


@pytest.mark.parametrize("args, message", [
    (["--until", "2024-02-30"], "bad date '2024-02-30'; expected YYYY-MM-DD"),
    (["--since", "2024-03-10", "--until", "2024-03-01"], "--until 2024-03-01 is before --since 2024-03-10"),
    (["--lang", "ru,de"], "unknown language 'de'"),
])
def test_export_warc_bad_filters_are_one_line(archive, tmp_path, args, message):
    out = tmp_path / "bad.warc.gz"
    result = pmkz_here("export", "--format", "warc", "--db", str(archive["workdir"] / "pmkz.db"),
                       "--out", str(out), *args)
    assert result.returncode != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and not out.exists()


def test_a_304_is_a_revisit_of_the_capture_it_confirms(archive, forked):
    workdir = archive["workdir"]
    full = forked.crawl(archive["replica"].url, workdir, "--full")
    assert summary(full)["unchanged"] == archive["records"]
    # The pages' revisits; the sitemap's conditional GET is one more (crawler/sitemaps.py).
    revisits = rows(workdir, "SELECT * FROM captures WHERE record_type = 'revisit' AND url NOT LIKE '%/sitemap%'")
    assert len(revisits) == archive["records"] and {r["status"] for r in revisits} == {304}
    by_id = {}
    for path in warc_files(archive["warc"]):
        for record in iter_records(path):
            by_id[record.rec_headers.get_header("WARC-Record-ID")] = record.rec_headers
    for revisit in revisits:
        headers = by_id[revisit["record_id"]]
        earlier = by_id[headers.get_header("WARC-Refers-To")]
        assert earlier.get_header("WARC-Target-URI") == headers.get_header("WARC-Refers-To-Target-URI")
        assert earlier.get_header("WARC-Date") == headers.get_header("WARC-Refers-To-Date")
        assert earlier.get_header("WARC-Payload-Digest") == revisit["payload_digest"]
    assert warcio_check(warc_files(archive["warc"])).returncode == 0


def test_an_idle_cycle_makes_the_same_requests_with_or_without_the_archive(archive, forked):
    workdir = archive["workdir"]
    with_warc = summary(forked.crawl(archive["replica"].url, workdir))
    without = summary(forked.crawl(archive["replica"].url, workdir, "--no-warc"))
    again = summary(forked.crawl(archive["replica"].url, workdir))
    assert with_warc["requests"] == without["requests"] == again["requests"]
    assert with_warc["new"] == with_warc["changed"] == 0


def test_the_site_is_asked_only_for_encodings_the_archive_reads_back(archive):
    # Issue 20, finding 16: warcio decodes gzip and deflate; an answer in another
    # encoding could not be read back, so none is asked for.
    asked = set()
    for path in warc_files(archive["warc"]):
        for record in iter_records(path):
            if record.rec_type == "request":
                asked.add(record.http_headers.get_header("Accept-Encoding"))
    assert asked == {"gzip, deflate"}
