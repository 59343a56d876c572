"""`pmkz replica` over HTTP: URL scheme, lists, pages, images, validators, epochs."""
from __future__ import annotations

import html
import io
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from PIL import Image

from helpers import Replica, crude_text

OPTIONS = ("--articles", "45", "--epoch", "1")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one GET, whatever the status."""
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture(scope="module")
def replica():
    with Replica(*OPTIONS) as running:
        # The news and photo reports: the lists, pages and sitemap these tests read
        # (decisions have a section of their own: tests/test_decisions_replica.py).
        running.records = [r for r in running.truth() if r["kind"] != "decision"]
        yield running


def list_pages(base: str, prefix: str) -> list[bytes]:
    """Every list page of a language, following rel="next" from /<prefix>/news."""
    pages, url = [], f"{base}/{prefix}/news"
    while url:
        status, headers, body = fetch(url)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        pages.append(body)
        following = re.search(rb'<a [^>]*rel="next" href="([^"]+)"', body)
        url = base + html.unescape(following[1].decode()) if following else None
    return pages


def test_lists_cover_exactly_the_truth_newest_first(replica):
    for lang, prefix in (("ru", "ru"), ("kk", "kz"), ("en", "en")):
        pages = list_pages(replica.url, prefix)
        listed = [html.unescape(u.decode()) for page in pages
                  for u in re.findall(rb'<a class="main__article-link" href="([^"]+)"', page)]
        assert listed == [path(r["url"]) for r in replica.records if r["lang"] == lang]
        assert len(pages) == 3 and b'rel="next"' not in pages[-1]
        assert b'href="/%s/news?page=3"' % prefix.encode() in pages[0]
        assert fetch(f"{replica.url}/{prefix}/news?page=4")[0] == 404
        status, _, home = fetch(f"{replica.url}/{prefix}/")
        assert status == 200 and home.count(b'class="main__article"') == 10


def test_every_article_page_shows_its_truth(replica):
    for record in replica.records:
        status, headers, body = fetch(replica.url + path(record["url"]))
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        text = crude_text(body)
        for paragraph in [record["title"], *record["body"].split("\n\n")]:
            assert paragraph in text, (record["url"], paragraph)
        for url in record["image_urls"]:
            assert path(url).encode() in body
        title = re.search(rb"<title>(.*?)</title>", body)[1].decode()
        if record["kind"] == "gallery":
            assert title == "Images | primeminister.kz"
        else:
            assert html.unescape(title) == f"{record['title']} | primeminister.kz"
        description = re.search(rb'<meta name="description" content="([^"]*)"', body)
        assert (html.unescape(description[1].decode()) if description else None) == record["summary"]


def test_the_seed_page_keeps_its_quote_in_markup_of_its_own(replica):
    [seed] = [r for r in replica.records if r["site_id"] == 26870 and r["lang"] == "en"]
    body = fetch(replica.url + path(seed["url"]))[2]
    assert b'<span class="quote">&#34;</span>It is necessary' in body
    assert b'<meta property="og:title" content="Images">' in body
    assert b"Stay updated about the events of the Prime Minister" in body
    assert b"Photo: " in body and b"Download the App for Android" in body


def test_images_are_real_files_thumbnails_smaller(replica):
    urls = [u for r in replica.records for u in r["image_urls"]][::7]
    assert urls
    for url in urls:
        status, headers, body = fetch(replica.url + path(url))
        assert status == 200 and headers["Content-Type"] in ("image/jpeg", "image/png")
        full = Image.open(io.BytesIO(body))
        full.verify()
        thumb = Image.open(io.BytesIO(fetch(replica.url + path(url).replace("/media/", "/media/thumbs/"))[2]))
        assert thumb.size[0] < full.size[0]
    assert fetch(replica.url + "/assets/media/img-1.jpeg")[0] == 404
    assert fetch(replica.url + "/assets/img/logo.png")[0] == 200


def test_validators_and_304(replica):
    url = replica.url + path(replica.records[5]["url"])
    status, headers, body = fetch(url)
    assert status == 200 and headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
    assert headers["Content-Length"] == str(len(body))
    assert fetch(url, **{"If-None-Match": headers["ETag"]})[:2][0] == 304
    assert fetch(url, **{"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, **{"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"})[0] == 200


def test_site_routes(replica):
    assert fetch(replica.url + "/")[:2][0] == 302 and fetch(replica.url + "/")[1]["Location"] == "/ru/"
    robots = fetch(replica.url + "/robots.txt")
    assert robots[0] == 200 and b"Disallow: /admin/" in robots[2] and b"Disallow: /search" in robots[2]
    for prefix in ("ru", "kz", "en"):
        assert fetch(f"{replica.url}/{prefix}/decisions/19012024-20")[0] == 200
        assert fetch(f"{replica.url}/{prefix}/about")[0] == 200
    status, headers, body = fetch(replica.url + "/en/news/no-such-article-12345")
    assert status == 404 and headers["Content-Type"].startswith("text/html") and b"<html" in body


def test_removed_article_answers_404_and_same_options_same_pages(replica):
    with Replica("--articles", "45") as before:
        earlier = {path(r["url"]) for r in before.truth()}
        removed = earlier - {path(r["url"]) for r in replica.truth()}
        assert len(removed) == 3
        for gone in removed:
            assert fetch(before.url + gone)[0] == 200
            assert fetch(replica.url + gone)[0] == 404
    with Replica(*OPTIONS) as twin:
        for record in replica.records[::40]:
            # Pages name their own absolute URL (og:url), which differs by the port alone.
            page = fetch(twin.url + path(record["url"]))[2].replace(twin.url.encode(), replica.url.encode())
            assert page == fetch(replica.url + path(record["url"]))[2]
        assert twin.truth() == replica.truth()


def sitemap_app(skin: str, epoch: int):
    from pmkz.replica import build_site
    from pmkz.replica.app import App
    from pmkz.replica.render import Renderer

    site = build_site(articles=10, epoch=epoch)
    return App(site, Renderer(site, skin, "http://replica")), site


def test_each_skin_has_a_sitemap_named_in_robots_with_lastmod_in_one(replica):
    from pmkz.crawler.sitemaps import read, sitemap_urls

    status, _, robots = fetch(replica.url + "/robots.txt")
    assert status == 200 and sitemap_urls(robots, replica.url) == [replica.url + "/sitemap.xml"]
    status, headers, body = fetch(replica.url + "/sitemap.xml")
    assert status == 200 and fetch(replica.url + "/sitemap.xml", **{"If-None-Match": headers["ETag"]})[0] == 304
    kind, entries = read(body, 10**7)
    assert kind == "urlset" and not any("lastmod" in e for e in entries)
    assert {path(e["loc"]) for e in entries} == {path(r["url"]) for r in replica.records}
    app, site = sitemap_app("classic", 0)
    kind, index = read(app.handle("/sitemap.xml", {}).body, 10**7)
    assert kind == "sitemapindex" and [path(e["loc"]) for e in index] == ["/sitemap-en.xml", "/sitemap-kz.xml",
                                                                           "/sitemap-ru.xml"]
    kind, entries = read(app.handle("/sitemap-kz.xml", {}).body, 10**7)
    assert kind == "urlset" and [path(e["loc"]) for e in entries] == [a.path for a in site.live["kk"]]
    assert all(e["lastmod"] for e in entries)
    assert app.handle("/sitemap-xx.xml", {}).status == 404


def test_an_edit_moves_its_pages_lastmod_and_the_newest_is_on_the_sitemap_only():
    from pmkz.crawler.sitemaps import read

    lastmods = []
    for epoch in (0, 1):
        app, site = sitemap_app("classic", epoch)
        lastmods.append({path(e["loc"]): e["lastmod"] for e in read(app.handle("/sitemap-ru.xml", {}).body, 10**7)[1]})
        listed = app.handle("/ru/news/page/0", {}).body.decode()
        assert site.live["ru"][0].path not in listed and site.live["ru"][1].path in listed
    edited = {p for p in lastmods[0] if p in lastmods[1] and lastmods[0][p] != lastmods[1][p]}
    app, site = sitemap_app("classic", 1)
    assert edited == {a.path for a in site.live["ru"] if a.modified} and len(edited) == 2
