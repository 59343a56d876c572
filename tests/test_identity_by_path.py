"""An item is its path on the site (storage/identity.py), everywhere: the replica crawled
at one port, then re-checked in full at another port after its epoch 1, is one archive.
Removals are marked gone, old item and version links lead to the item, the WARC export
holds the images captured at the first port, an old version's page shows its images and
its archived page, and a page that failed at one port is cleared by its success at another.
"""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from contextlib import closing
from urllib.parse import unquote, urlsplit

import pytest
from datasette.utils import tilde_encode
from datasette.utils.testing import TestClient as DatasetteClient

from helpers import Replica, archive_problems, connect, path_of, pmkz_here, summary
from pmkz.browse.app import build_datasette
from pmkz.storage.warc import iter_records

pytestmark = pytest.mark.slow


SHOWN_IMAGE = re.compile(r'<img src="(/pmkz/-/images/[^"]+)"')
NOT_DOWNLOADED = "was not downloaded"


def rows(workdir, sql: str) -> list[dict]:
    with closing(connect(workdir / "pmkz.db")) as db:
        return [dict(row) for row in db.execute(sql)]


@pytest.fixture(scope="module")
def first(forked, tmp_path_factory):
    """The replica crawled once at its port: the replica (serving on for the module), the
    crawl's workdir and its truth. Tests that move the archive on crawl copies of it."""
    workdir = tmp_path_factory.mktemp("first")
    with Replica("--articles", "20") as replica:
        assert summary(forked.crawl(replica.url, workdir))["status"] == "ok"
        yield {"replica": replica, "workdir": workdir, "truth": replica.truth()}


def copy_of(first, workdir):
    shutil.copytree(first["workdir"], workdir)
    return workdir


@pytest.fixture(scope="module")
def moved(first, forked, tmp_path_factory):
    """The archive after a crawl at one port, then `--full` at another port and epoch 1:
    its workdir, the first crawl's item URLs, both truths, the second crawl's summary."""
    workdir = copy_of(first, tmp_path_factory.mktemp("moved") / "archive")
    before = rows(workdir, "SELECT url FROM items")
    with Replica("--articles", "20", "--epoch", "1") as second:
        assert urlsplit(second.url).port != urlsplit(first["replica"].url).port
        line = summary(forked.crawl(second.url, workdir, "--full"))
        truth1 = second.truth()
    return {"workdir": workdir, "before": before, "truth0": first["truth"], "truth1": truth1, "line": line,
            "first": first["replica"].url, "second": second.url}


@pytest.fixture(scope="module")
def client(moved):
    workdir = moved["workdir"]
    ds = build_datasette(workdir / "pmkz.db", workdir / "images")
    yield DatasetteClient(ds)
    for database in ds.databases.values():
        database.close()


def test_every_removal_of_the_epoch_is_marked_gone(moved):
    removed = {path_of(r["url"]) for r in moved["truth0"]} - {path_of(r["url"]) for r in moved["truth1"]}
    assert removed and moved["line"]["gone"] == len(removed), moved["line"]
    gone = {path_of(r["url"]) for r in rows(moved["workdir"], "SELECT url FROM items WHERE status = 'gone'")}
    assert gone == removed


def test_old_item_links_lead_to_the_item(moved, client):
    for old in moved["before"]:
        response = client.get(f"/pmkz/items/{tilde_encode(old['url'])}")
        assert response.status in (301, 302), (old["url"], response.status)
        target = response.headers["location"]
        stored = unquote(target.rsplit("/", 1)[1].replace("~", "%"))
        assert path_of(stored) == path_of(old["url"]) and stored.startswith(moved["second"]), target
        page = client.get(target)
        assert page.status == 200 and "pmkz-article" in page.text, target
    response = client.get(f"/pmkz/items/{tilde_encode(moved['before'][0]['url'])}.json?_shape=objects")
    assert response.status in (301, 302) and response.headers["location"].endswith(".json?_shape=objects")


def test_old_version_links_lead_to_the_version(moved, client):
    versions = rows(moved["workdir"], "SELECT item_url, version FROM item_versions")
    assert versions
    for version in versions:
        old = moved["first"] + path_of(version["item_url"])
        response = client.get(f"/pmkz/item_versions/{tilde_encode(old)},{version['version']}")
        assert response.status in (301, 302), (old, response.status)
        assert client.get(response.headers["location"]).status == 200


def test_an_unknown_item_is_still_not_found(moved, client):
    assert client.get(f"/pmkz/items/{tilde_encode(moved['first'] + '/ru/news/nothing-here-1')}").status == 404


def test_every_item_page_shows_its_images(moved, client):
    items = rows(moved["workdir"], "SELECT url, status, image_urls FROM items")
    assert any(r["status"] == "gone" and json.loads(r["image_urls"]) for r in items)
    for item in items:
        page = client.get(f"/pmkz/items/{tilde_encode(item['url'])}").text
        assert NOT_DOWNLOADED not in page and len(SHOWN_IMAGE.findall(page)) == len(json.loads(item["image_urls"])), item


def test_an_old_version_page_shows_its_images_and_archived_page(moved, client):
    versions = rows(moved["workdir"], "SELECT item_url, version, image_urls FROM item_versions")
    assert any(urlsplit(u).port == urlsplit(moved["first"]).port
               for v in versions for u in json.loads(v["image_urls"]))
    for version in versions:
        page = client.get(f"/pmkz/item_versions/{tilde_encode(version['item_url'])},{version['version']}").text
        images = SHOWN_IMAGE.findall(page)
        assert NOT_DOWNLOADED not in page and len(images) == len(json.loads(version["image_urls"])), version
        assert all(client.get(src).status == 200 for src in images)
        archived = re.search(r'class="pmkz-archived" href="([^"]+)"', page)
        assert archived, version
        assert client.get(archived.group(1)).status == 200


def test_export_warc_holds_every_image_captured_at_the_first_port(moved, tmp_path):
    workdir = moved["workdir"]
    out = tmp_path / "all.warc.gz"
    exported = pmkz_here("export", "--format", "warc", "--db", str(workdir / "pmkz.db"), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    exported = {path_of(r.rec_headers.get_header("WARC-Target-URI"))
                for r in iter_records(out) if r.rec_type == "response"}
    images = {path_of(r["url"]) for r in rows(workdir, "SELECT url FROM images")}
    assert images and images <= exported, sorted(images - exported)[:5]


def test_a_page_that_failed_at_one_port_is_cleared_when_it_is_stored_at_another(forked, tmp_path):
    with Replica("--articles", "10", "--faults", "500=0.2") as first:
        forked.run(first.url, tmp_path, "--no-images", env={"PMKZ_RETRY_TIMES": "0"})
    failed = rows(tmp_path, "SELECT url FROM failures")
    assert failed
    with Replica("--articles", "10") as second:
        line = summary(forked.run(second.url, tmp_path, "--no-images"))
    # Each failed page is stored now; a decision stored before its file failed is
    # fetched again (unchanged) for the file.
    assert line["status"] == "ok" and line["new"] + line["unchanged"] >= len(failed), line
    assert rows(tmp_path, "SELECT url, kind, error FROM failures") == []


# The same replica on another port (re-running `make demo`) doubles nothing, and
# existing databases with doubles are merged in place.
def test_the_same_site_at_another_address_doubles_nothing(first, forked, tmp_path):
    workdir, truth = copy_of(first, tmp_path / "archive"), first["truth"]
    again = Replica("--articles", "20")  # a new port, as each `make demo` gets
    try:
        assert again.url != first["replica"].url
        line = summary(forked.run(again.url, workdir))
        assert line["status"] == "ok" and line["new"] == 0 and line["failed"] == 0, line
        line = summary(forked.run(again.url, workdir, "--full"))
        assert line["status"] == "ok" and line["new"] == 0 and line["failed"] == 0, line
        assert archive_problems(workdir / "pmkz.db", truth, workdir / "images") == []
        db = connect(workdir / "pmkz.db")
        try:
            assert db.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
            # The stored url says where each page was last fetched.
            assert {row[0] for row in db.execute("SELECT url FROM items")} == {
                again.url + path for path in (r["url"][len(r["url"].split("/", 3)[2]) + 7:] for r in truth)}
            assert db.execute("SELECT count(*) FROM images").fetchone()[0] == sum(len(r["image_urls"]) for r in truth)
            # A decision's files moved with it: each row names the item as it is now.
            assert db.execute("SELECT count(*) FROM attachments").fetchone()[0] > 0
            assert db.execute("SELECT count(*) FROM attachments WHERE item_url NOT IN (SELECT url FROM items)"
                              ).fetchone()[0] == 0
        finally:
            db.close()
    finally:
        again.stop()


def test_a_database_with_doubles_is_merged_in_place(first, forked, tmp_path):
    replica = first["replica"]
    workdir = copy_of(first, tmp_path / "archive")
    db = sqlite3.connect(workdir / "pmkz.db")
    # As an earlier pmkz left it after a crawl of the same site at another port.
    db.execute("DROP INDEX idx_items_path")
    columns = [row[1] for row in db.execute("PRAGMA table_info(items)")]
    other = replica.url.rsplit(":", 1)[0] + ":1"
    picked = ", ".join(f"replace(url, '{replica.url}', '{other}')" if c == "url" else c for c in columns)
    db.execute(f"INSERT INTO items ({', '.join(columns)}) SELECT {picked} FROM items")
    db.commit()
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 2 * len(replica.truth())
    db.close()
    line = summary(forked.run(replica.url, workdir))
    assert line["status"] == "ok" and line["new"] == 0
    assert archive_problems(workdir / "pmkz.db", replica.truth()) == []
