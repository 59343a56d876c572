"""In Datasette each item page links "archived page": the response it was parsed from,
as captured, served inert (CSP sandbox, no request anywhere), with its capture date and
payload digest beside the link and in the answer's headers."""
from __future__ import annotations

import re
import shutil
import urllib.request

import pytest
from datasette.utils import tilde_encode
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import archive_bomb, connect, first_row
from pmkz.browse.app import build_datasette


@pytest.fixture(scope="module")
def crawled(crawled_30):
    """The session's crawl (read here, damaged only in a copy) and one item of it, with
    the bytes the replica serves for it."""
    workdir = crawled_30["workdir"]
    db = connect(workdir / "pmkz.db")
    try:
        item = dict(db.execute("SELECT i.url, c.id, c.fetched_at, c.payload_digest FROM items i"
                               " JOIN captures c ON c.id = i.capture_id LIMIT 1").fetchone())
    finally:
        db.close()
    with urllib.request.urlopen(item["url"], timeout=30) as answer:
        item["bytes"] = answer.read()
    return workdir, item


@pytest.fixture
def served(crawled):
    workdir, item = crawled
    ds = build_datasette(workdir / "pmkz.db", workdir / "images")
    yield DatasetteClient(ds), item
    for database in ds.databases.values():
        database.close()


def test_the_item_page_links_its_archived_page_with_date_and_digest(served):
    client, item = served
    page = client.get(f"/pmkz/items/{tilde_encode(item['url'])}")
    assert page.status == 200
    link = re.search(r'<a class="pmkz-archived" href="([^"]+)"', page.text)
    assert link and link.group(1) == f"/pmkz/-/archived/{item['id']}"
    assert item["fetched_at"] in page.text and item["payload_digest"] in page.text


def test_the_archived_page_is_the_captured_bytes_served_inert(served):
    client, item = served
    answer = client.get(f"/pmkz/-/archived/{item['id']}/raw")
    assert answer.status == 200
    assert answer.body == item["bytes"]
    policy = answer.headers["content-security-policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "allow-scripts" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-archive-payload-digest"] == item["payload_digest"]
    assert answer.headers["memento-datetime"].endswith("GMT")
    assert answer.headers["content-type"].startswith("text/html")


def test_an_unknown_capture_is_not_found(served):
    client, _ = served
    assert client.get("/pmkz/-/archived/999999").status == 404


def test_a_number_past_any_capture_is_not_found(served):
    client, _ = served
    assert client.get("/pmkz/-/archived/99999999999999999999999").status == 404


@pytest.fixture
def damaged(crawled, tmp_path):
    """A copy of the archive to damage, and a client over it once damaged."""
    workdir, item = crawled
    copy = tmp_path / "archive"
    shutil.copytree(workdir, copy)
    opened = []

    def client():
        ds = build_datasette(copy / "pmkz.db", copy / "images")
        opened.append(ds)
        return DatasetteClient(ds)
    yield copy, item, client
    for ds in opened:
        for database in ds.databases.values():
            database.close()


def test_a_lost_or_damaged_record_is_gone_in_one_line_without_a_path(damaged):
    workdir, item, client = damaged
    row = first_row(workdir / "pmkz.db", "SELECT * FROM captures WHERE id = ?", [item["id"]])
    path, offset, length = workdir / "warc" / row["warc_file"], row["warc_offset"], row["warc_length"]
    data = bytearray(path.read_bytes())
    data[offset + length // 2:offset + length // 2 + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    for words in ("is damaged", "is missing"):
        answer = client().get(f"/pmkz/-/archived/{item['id']}")
        assert answer.status == 410
        (line,) = answer.text.strip().splitlines()
        assert words in line and str(workdir) not in line and "/" not in line.split(":", 1)[1]
        path.unlink(missing_ok=True)


def test_an_answer_over_the_crawls_cap_is_never_decoded_for_a_reader(damaged):
    workdir, item, client = damaged
    bomb = archive_bomb(workdir, item["url"], "Bomb headline")
    answer = client().get(f"/pmkz/-/archived/{bomb}")
    assert answer.status == 410
    assert "bytes the crawl takes" in answer.text and len(answer.body) < 1000
