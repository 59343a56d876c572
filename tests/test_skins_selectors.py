"""Site selectors from a file (PMKZ_SELECTORS), for a markup met for the first time: the
parsers try them before structure, the record names them as the layer, and a crawl
picks the file up from the environment without a code change."""
from __future__ import annotations

import json

import pytest
import sqlite_utils

from helpers import SKINS, hidden_replica
from pmkz.crawler.parsing import parse_article
from pmkz.crawler.parsing.selectors import KNOWN, load_selectors
from pmkz.replica import build_site, truth_records
from pmkz.replica.render import Renderer

PORTAL = 'title = ["div.post__heading"]\ndate = ["span.post__when"]\nbody = ["div.rich-text"]\n'


def test_a_file_replaces_the_fields_it_names(tmp_path):
    toml = tmp_path / "site.toml"
    toml.write_text(PORTAL, encoding="utf-8")
    selectors = load_selectors(toml)
    assert (selectors.title, selectors.body) == (("div.post__heading",), ("div.rich-text",))
    assert selectors.list_item == KNOWN.list_item
    as_json = tmp_path / "site.json"
    as_json.write_text(json.dumps({"body": ".news-text", "title": ["h2.head"]}), encoding="utf-8")
    assert (load_selectors(as_json).body, load_selectors(as_json).title) == ((".news-text",), ("h2.head",))


@pytest.mark.parametrize("text, says", [
    ('headline = ["h1"]', "unknown field 'headline'"),
    ('body = ["div >> p"]', "is not a CSS selector"),
    ("body = [", "is not valid"),
])
def test_a_bad_file_is_one_clear_error(tmp_path, text, says):
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=says):
        load_selectors(path)
    with pytest.raises(ValueError, match="cannot read selectors file"):
        load_selectors(tmp_path / "missing.toml")


def test_configured_selectors_come_before_structure(monkeypatch, tmp_path):
    monkeypatch.setenv("PMKZ_REPLICA_SKINS", str(SKINS))
    site = build_site(6)
    renderer = Renderer(site, "portal", "http://replica.test")
    path = tmp_path / "site.toml"
    path.write_text(PORTAL, encoding="utf-8")
    selectors = load_selectors(path)
    for want in truth_records(site, "http://replica.test"):
        article = site.find(want["url"].removeprefix("http://replica.test"))
        record = parse_article(renderer.article(article), want["url"], selectors=selectors)
        assert {k: record[k] for k in ("title", "published_date", "published_at", "body")} == \
               {k: want[k] for k in ("title", "published_date", "published_at", "body")}
        assert {k: record["field_sources"][k] for k in ("title", "published", "body")} == {
            "title": "selector:div.post__heading", "published": "selector:span.post__when",
            "body": "selector:div.rich-text"}


def test_a_crawl_reads_the_file_named_in_the_environment(monkeypatch, tmp_path, forked):
    path = tmp_path / "site.toml"
    path.write_text(PORTAL, encoding="utf-8")
    replica = hidden_replica("--skin", "portal", "--articles", "4")
    try:
        monkeypatch.setenv("PMKZ_SELECTORS", str(path))
        assert forked.crawl(replica.url, tmp_path, "--no-images").stdout.startswith("ok: new 12,")
    finally:
        replica.stop()
    db = sqlite_utils.Database(tmp_path / "pmkz.db")
    try:
        sources = [json.loads(row["field_sources"]) for row in db["items"].rows]
    finally:
        db.close()
    assert {s["body"] for s in sources} == {"selector:div.rich-text"}
    assert {s["title"] for s in sources} == {"selector:div.post__heading"}
