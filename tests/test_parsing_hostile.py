"""Nothing a page holds crashes the parser: every page below gives a record or a
NotAnArticle with its reason, never another exception."""
import pytest

from pmkz.crawler.parsing import NotAnArticle, parse_article

SITE = "https://primeminister.kz/en/news/government-meeting-on-spring-field-work-30001"
ELSEWHERE = "https://news.example.org/2024/03/12/spring-field-work-discussed"
PROSE = ("The Government considered the progress of preparations for the spring field work, "
         "the supply of seeds, fuel and fertilisers to agricultural producers.")
HEADER = "<h1>Spring field work discussed</h1><div>12 March 2024, 10:05</div>"


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


# Deeper than Python's recursion limit, and within what libxml2 keeps (huge_tree); far
# deeper, libxml2 drops the rest of the page and the page is refused for want of a body.
DEEP = 1_500
DEEPER = 20_000
HOSTILE = {
    "nested blocks": page(HEADER + f"<div><p>{PROSE}</p><p>{PROSE}</p>" + "<div>" * DEEP + "<p>Deep down.</p>"
                          + "</div>" * (DEEP + 1)),
    "nested inline": page(HEADER + "<p>" + "<b>" * DEEP + PROSE + "</p>"),
    "nested cells": page(HEADER + f"<div><p>{PROSE}</p><p>{PROSE}</p>" + "<table><tr><td>" * (DEEP // 4)
                         + "Deep down." + "</td></tr></table>" * (DEEP // 4) + "</div>"),
    "nested past libxml2's limit": page(HEADER + "<div>" * DEEPER + f"<p>{PROSE}</p>" + "</div>" * DEEPER),
    "nested JSON-LD": page(HEADER + f"<p>{PROSE}</p>",
                           head="<script type='application/ld+json'>" + "[" * DEEPER + "</script>"),
    # Links and images whose URLs urllib refuses to split.
    "bad IPv6 hosts": page(HEADER + f"<p>{PROSE}</p><a href='http://[bad/x'>x</a><img src='http://[::1'>"
                           "<h1><a href='//[x'>logo</a></h1>",
                           head="<base href='http://[base'><link rel=alternate hreflang=ru href='http://[ru'>"),
    "huge attributes": page(f"<h1 class='{'x' * 2_000_000}'>Spring field work discussed</h1>"
                            f"<div>12 March 2024</div><p title='{'y' * 2_000_000}'>{PROSE}</p>"),
    "NUL bytes": page(HEADER.replace("Spring", "Spr\x00ing") + f"<p>{PROSE}\x00</p>").encode(),
    "broken UTF-8": page(HEADER + f"<p>{PROSE}</p>").encode().replace(b"Government", b"Gov\xff\xc3ernment"),
    "empty document": "",
    "doctype only": "<!DOCTYPE html>",
    "empty body": page(""),
}


@pytest.mark.parametrize("url", [SITE, ELSEWHERE])
@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_page_is_a_record_or_a_refusal(name, url):
    try:
        record = parse_article(HOSTILE[name], url)
    except NotAnArticle as refusal:
        assert str(refusal) and "\n" not in str(refusal)
    else:
        assert record["title"] and record["body"]


@pytest.mark.parametrize("name", ["nested blocks", "nested inline", "nested cells", "bad IPv6 hosts"])
def test_deep_or_odd_markup_still_gives_its_text(name):
    assert PROSE in parse_article(HOSTILE[name], SITE)["body"]


def test_nul_is_no_character_of_the_headline():
    assert parse_article(HOSTILE["NUL bytes"], SITE)["title"] == "Spring field work discussed"
