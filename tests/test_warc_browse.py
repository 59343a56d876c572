"""In Datasette each item page links "archived page": the response it was parsed from,
as captured, served inert (CSP sandbox, no request anywhere), with its capture date and
payload digest beside the link and in the answer's headers."""
from __future__ import annotations

import re
import urllib.request

import pytest
from datasette.utils import tilde_encode
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import Replica, connect, crawl
from pmkz.browse.app import build_datasette


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("warc-browse")
    with Replica("--articles", "5") as replica:
        crawl(replica.url, workdir)
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
    answer = client.get(f"/pmkz/-/archived/{item['id']}")
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
