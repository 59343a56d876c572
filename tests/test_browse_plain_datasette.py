"""Plain `datasette archive-2024.db` with pmkz installed shows the archive as `pmkz serve`
does: the pmkz plugin comes in through its entry point, and its metadata,
templates, CSS and images apply to an archive of any file name. A real `datasette`
process on a crawl of the replica, read over HTTP.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from datasette.app import Datasette
from datasette.utils import tilde_encode
from datasette.utils.testing import TestClient as DatasetteClient

from pmkz.browse.app import build_datasette

NAME = "archive-2024"
WORD = "правительство"
SEARCH = "/items.json?_shape=objects&_size=max&_col=url&_search=" + urllib.parse.quote(WORD)
STARTED = re.compile(r"Uvicorn running on (http://\S+)")


@pytest.fixture(scope="module")
def archive(crawled_30, tmp_path_factory):
    """The session's crawl of the replica, copied as archive-2024.db with its images
    beside it in archive-2024-images/ (where `pmkz serve` looks for them too)."""
    workdir = tmp_path_factory.mktemp("plain")
    db_path = workdir / f"{NAME}.db"
    crawled = crawled_30["workdir"]
    for side in ("", "-wal", "-shm"):  # the crawl has ended: the -wal is gone or empty
        if (crawled / f"pmkz.db{side}").exists():
            shutil.copyfile(crawled / f"pmkz.db{side}", workdir / f"{NAME}.db{side}")
    shutil.copytree(crawled / "images", workdir / f"{NAME}-images")
    return db_path


@contextlib.contextmanager
def plain_datasette(db_path: Path, timeout: float = 30):
    """`datasette DB --port 0` (the venv's, beside this Python) with no pmkz variable in
    its environment; yields its URL, read from uvicorn's start-up line."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PMKZ_")}
    log = db_path.with_name("datasette.log")
    command = [str(Path(sys.executable).with_name("datasette")), str(db_path), "--port", "0"]
    with log.open("w") as errors, subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors,
                                                   env=env, cwd=db_path.parent) as proc:
        try:
            deadline = time.monotonic() + timeout
            while not (started := STARTED.search(log.read_text())):
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            yield started.group(1)
        finally:
            proc.terminate()  # and leaving Popen's block waits for it to end


@pytest.fixture(scope="module")
def server(archive):
    with plain_datasette(archive) as url:
        yield url


def fetch(url: str) -> tuple[str, bytes]:
    """(content type, body) of a 200 answer."""
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.headers["content-type"], response.read()


def text(url: str) -> str:
    return fetch(url)[1].decode("utf-8")


@contextlib.contextmanager
def pmkz_serve(db_path: Path):
    """A client of the Datasette `pmkz serve` runs on the same archive."""
    ds = build_datasette(db_path, None)
    try:
        yield DatasetteClient(ds)
    finally:
        for database in ds.databases.values():
            database.close()


def urls(rows: list[dict]) -> set[str]:
    return {row["url"] for row in rows}


def test_items_page_has_the_search_help_and_the_css(server):
    page = text(f"{server}/{NAME}/items")
    assert 'class="pmkz-search-help"' in page
    assert '<link rel="stylesheet" href="/-/static-plugins/pmkz/pmkz.css">' in page
    kind, css = fetch(f"{server}/-/static-plugins/pmkz/pmkz.css")
    assert kind.startswith("text/css") and b".pmkz-article" in css


def test_search_finds_word_forms_as_pmkz_serve_does(server, archive):
    plain = urls(json.loads(text(f"{server}/{NAME}{SEARCH}"))["rows"])
    with pmkz_serve(archive) as client:
        served = urls(client.get(f"/pmkz{SEARCH}").json["rows"])
    db = sqlite3.connect(archive)
    exact = {url for url, text in db.execute("SELECT url, title || ' ' || coalesce(summary, '') || ' ' || body FROM items")
             if WORD in re.findall(r"[^\W_]+", text.lower())}
    db.close()
    assert plain == served
    assert plain > exact, "other forms of the word should be found too"


def test_item_page_is_the_reading_page_with_its_images(server, archive):
    db = sqlite3.connect(archive)
    (item_url,) = db.execute("SELECT item_url FROM images WHERE path IS NOT NULL LIMIT 1").fetchone()
    db.close()
    page = text(f"{server}/{NAME}/items/{tilde_encode(item_url)}")
    assert '<article class="pmkz-article"' in page
    image = re.search(rf'<img src="(/{NAME}/-/images/[^"]+)"', page)
    assert image, page[:3000]
    assert fetch(server + image.group(1))[0].startswith("image/")


def test_front_page_searches_and_links_the_archive(server):
    page = text(server + "/")
    assert "<h1>primeminister.kz archive</h1>" in page
    assert f'<form class="pmkz-search" action="/{NAME}/items"' in page
    assert f'<a href="/{NAME}/-/volume">what was published when</a>' in page


@pytest.mark.parametrize("path", [f"/{NAME}/items_per_week", f"/{NAME}/changed_this_week",
                                  f"/{NAME}/-/volume", "/-/feeds/ru.atom"])
def test_canned_queries_volume_and_feeds_answer(server, path):
    assert fetch(server + path)[1]


def test_facets_of_the_metadata_apply(server):
    data = json.loads(text(f"{server}/{NAME}/items.json"))
    assert {"lang", "kind", "status"} <= set(data["facet_results"])


def test_the_plugin_is_there_once(server, archive):
    plain = json.loads(text(f"{server}/-/plugins.json"))
    with pmkz_serve(archive) as client:
        served = client.get("/-/plugins.json").json
    for plugins in (plain, served):
        assert [p["name"] for p in plugins if "pmkz" in p["name"]] == ["pmkz"], plugins


def test_other_databases_are_left_alone(tmp_path):
    """A database that is not an archive gets none of the archive's metadata, even with
    a table called items."""
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE items (url TEXT PRIMARY KEY, title TEXT)")
    db.execute("INSERT INTO items VALUES ('u', 'a title')")
    db.commit()
    db.close()
    ds = Datasette(files=[str(path)])
    try:
        client = DatasetteClient(ds)
        assert client.get("/-/metadata.json").json == {}
        page = client.get("/other/items?_search=title").text
        assert "pmkz-search-help" not in page and "primeminister.kz" not in page
    finally:
        for database in ds.databases.values():
            database.close()
