"""The spine's acceptance test: crawl `pmkz replica --articles 300` (and its default
decisions) twice and compare the archive with the replica's own truth (`--dump-truth`)."""
from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils

from helpers import RECORD_FIELDS, path_of, pmkz_here
from pmkz.replica.decisions import DEFAULT_DECISIONS

pytestmark = pytest.mark.slow
# Per language: the articles asked for and the decisions the replica publishes unless told.
RECORDS = 3 * (300 + DEFAULT_DECISIONS)


def snapshot(workdir: Path) -> dict:
    db = sqlite_utils.Database(workdir / "pmkz.db")
    try:
        return {
            "items": {row["url"]: row for row in db["items"].rows},
            "images": {(row["item_url"], row["url"]): row for row in db["images"].rows},
            "runs": list(db["crawl_runs"].rows),
            "files": {
                str(p.relative_to(workdir / "images")): p.stat().st_mtime_ns
                for p in (workdir / "images").rglob("*") if p.is_file()
            },
        }
    finally:
        db.close()


@pytest.fixture(scope="module")
def archive(replica_300, tmp_path_factory, forked):
    workdir = tmp_path_factory.mktemp("archive")
    first = forked.crawl(replica_300.url, workdir)
    before = snapshot(workdir)
    second = forked.crawl(replica_300.url, workdir)
    after = snapshot(workdir)
    return {
        "workdir": workdir, "truth": replica_300.truth(), "replica": replica_300,
        "first": first, "second": second, "before": before, "after": after,
    }


def test_first_crawl_stores_exactly_the_truth(archive):
    truth = {path_of(r["url"]): r for r in archive["truth"]}
    stored = {path_of(url): row for url, row in archive["before"]["items"].items()}
    assert len(truth) == RECORDS
    assert sorted(stored) == sorted(truth)
    mismatches = [
        (path, field, stored[path][field], want[field])
        for path, want in truth.items() for field in RECORD_FIELDS
        if stored[path][field] != want[field]
    ]
    assert mismatches == []
    for path, want in truth.items():
        assert [path_of(u) for u in json.loads(stored[path]["image_urls"])] == [path_of(u) for u in want["image_urls"]]
        assert {k: path_of(u) for k, u in json.loads(stored[path]["translations"]).items()} == {k: path_of(u) for k, u in want["translations"].items()}
    assert archive["first"].stdout.startswith(f"ok: new {RECORDS}, changed 0, unchanged 0, gone 0, failed 0")


def test_every_image_is_stored_byte_for_byte(archive):
    images_dir = archive["workdir"] / "images"
    rows = archive["before"]["images"]
    wanted = {(path_of(r["url"]), path_of(u)) for r in archive["truth"] for u in r["image_urls"]}
    assert {(path_of(item), path_of(url)) for item, url in rows} == wanted
    for row in rows.values():
        data = (images_dir / row["path"]).read_bytes()
        assert hashlib.sha1(data).hexdigest() == row["sha1"]
    # And the bytes are what the site serves, not a re-encoding.
    sample = sorted(rows.values(), key=lambda r: r["url"])[:: max(1, len(rows) // 20)]
    for row in sample:
        served = urllib.request.urlopen(archive["replica"].url + path_of(row["url"])).read()
        assert hashlib.sha1(served).hexdigest() == row["sha1"]


def test_second_crawl_changes_nothing_and_downloads_no_image(archive):
    before, after = archive["before"], archive["after"]
    # Incremental: page 1 of each list holds nothing new, and a moment after the backfill
    # the revisit policy (crawler/revisit.py) has no stored page due.
    assert archive["second"].stdout.startswith("ok: new 0, changed 0, unchanged 0, gone 0, failed 0")
    volatile = {"last_seen"}
    for url, row in before["items"].items():
        assert {k: v for k, v in after["items"][url].items() if k not in volatile} == \
               {k: v for k, v in row.items() if k not in volatile}
    assert after["images"] == before["images"]
    assert after["files"] == before["files"]
    # robots.txt, robots.txt and the sitemap read again for the sitemap (a 304), and the
    # first page of each list (news and decisions) per language: no article page, no image.
    assert after["runs"][-1]["requests"] == 1 + 2 + 3 + 3


def test_runs_are_recorded(archive):
    runs = archive["after"]["runs"]
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert [r["mode"] for r in runs] == ["incremental", "incremental"]
    assert (runs[0]["new"], runs[1]["unchanged"]) == (RECORDS, 0)


SEED = Path(__file__).parent / "files" / "seed-record.txt"
# The one place where the seed's extractor lost text: the opening quote of this paragraph.
LOST_QUOTE = "It is necessary to raise the bar"


def seed_paragraphs() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    body = "\n".join(lines[1:])
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def stored_seed(archive) -> dict:
    [row] = [
        r for r in archive["before"]["items"].values()
        if r["lang"] == "en" and r["published_date"] == "2024-03-09" and LOST_QUOTE in r["body"]
    ]
    return row


def test_seed_article_body_matches_the_seed_record(archive):
    row = stored_seed(archive)
    expected = [('"' + p) if p.startswith(LOST_QUOTE) else p for p in seed_paragraphs()]
    assert row["body"].split("\n\n") == expected
    assert row["kind"] == "gallery"
    assert row["title"] != "Images | primeminister.kz" and "Pavlodar" in row["title"]


def test_export_txt_writes_the_seed_shape(archive, tmp_path):
    row = stored_seed(archive)
    # In this process: the export, not its process, is the subject.
    exported = pmkz_here("export", "--format", "txt", "--db", str(archive["workdir"] / "pmkz.db"),
                         "--out", str(tmp_path), "--lang", "en")
    assert exported.returncode == 0, exported.stderr
    [written] = [p for p in tmp_path.rglob("*.txt") if LOST_QUOTE in p.read_text(encoding="utf-8")]
    text = written.read_text(encoding="utf-8")
    assert text.startswith(f"date 2024-03-09 {row['title']}\n\n")
    assert text.rstrip("\n").split("\n\n")[1:] == row["body"].split("\n\n")
    assert "\n\n\n" not in text
