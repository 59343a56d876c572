"""The decision page parser (crawler/parsing/decision.py): number and date from the
address, the rest by the page's structure, in a markup no skin of the replica uses."""
from __future__ import annotations

import json

import pytest

from pmkz.crawler.parsing import NotAnArticle
from pmkz.crawler.parsing.decision import decision_key, parse_decision

SITE = "https://primeminister.kz"
PAGE = """<html><head><title>Постановления | primeminister.kz</title></head><body>
<header><nav><a href="/ru/news">Новости</a> <a href="/upload/menu-guide.pdf">Справка</a>
<a href="/kz/acts/19012024-20">ҚАЗ</a> <a href="/en/acts/19012024-20">ENG</a></nav></header>
<main><div class="post"><div class="crumbs"><a href="/ru">Главная</a></div>
<h1>  О порядке исчисления времени  </h1>
<ul class="meta"><li>Дата принятия: 19.01.2024</li><li><time>22 января 2024</time></li></ul>
<div class="text"><p>Установить единый часовой пояс с 1 марта 2024 года.</p>
<p>&nbsp;</p><p>Настоящее постановление вводится в действие.</p></div>
<div class="docs"><a href="/upload/docs/20.pdf?v=3">PDF</a> <a href="https://files.gov.kz/20.DOCX">DOCX</a>
<a href="/upload/docs/20.pdf">ещё раз</a></div></div></main>
<footer><a href="/upload/privacy.pdf">Политика</a> 12.12.2025</footer></body></html>"""


def parse(html=PAGE, url=f"{SITE}/ru/acts/19012024-20"):
    return parse_decision(html.encode(), url)


def test_number_and_decision_date_come_from_the_address_under_any_section():
    record = parse()
    assert (record["decision_number"], record["decision_date"], record["kind"]) == ("20", "2024-01-19", "decision")
    assert decision_key(f"{SITE}/kz/decisions/31022024-5") is None  # no such day
    assert decision_key(f"{SITE}/ru/news/some-slug-31656") is None


def test_title_and_body_by_structure():
    record = parse()
    assert record["title"] == "О порядке исчисления времени"
    assert record["body"] == "Установить единый часовой пояс с 1 марта 2024 года.\n\nНастоящее постановление вводится в действие."


def test_publication_date_is_the_other_date_line_not_one_the_body_cites():
    assert parse()["published_date"] == "2024-01-22"
    only_own_date = PAGE.replace("<time>22 января 2024</time>", "")
    assert parse(only_own_date)["published_date"] == "2024-01-19"


def test_attachments_in_page_order_once_each_without_the_menus_and_footers():
    assert parse()["attachment_urls"] == [f"{SITE}/upload/docs/20.pdf", "https://files.gov.kz/20.DOCX"]


def test_translations_are_the_same_decision_in_other_languages():
    assert parse()["translations"] == {"kk": f"{SITE}/kz/acts/19012024-20", "en": f"{SITE}/en/acts/19012024-20"}


@pytest.mark.parametrize("html, url, missing", [
    (PAGE.replace("<h1>", "<h2>").replace("</h1>", "</h2>"), f"{SITE}/ru/acts/19012024-20", "title"),
    (PAGE.replace("<p>", "<div>").replace("</p>", "</div>"), f"{SITE}/ru/acts/19012024-20", "body"),
    (PAGE, f"{SITE}/ru/acts/about", None),
])
def test_what_is_not_a_decision_page_says_what_it_lacks(html, url, missing):
    with pytest.raises(NotAnArticle) as error:
        parse(html, url)
    assert error.value.missing == missing


def test_pmkz_parse_reads_a_saved_decision_page_as_a_decision(tmp_path):
    from click.testing import CliRunner

    from pmkz.commands.parse import command
    from pmkz.replica import build_site
    from pmkz.replica.app import App
    from pmkz.replica.render import Renderer

    site = build_site(1, decisions=1)
    saved = tmp_path / "decision.html"
    saved.write_bytes(App(site, Renderer(site, "classic", SITE)).handle("/ru/decisions/19012024-20", {}).body)
    result = CliRunner().invoke(command, [str(saved), "--url", f"{SITE}/ru/decisions/19012024-20"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["kind"], record["decision_number"], record["decision_date"]) == ("decision", "20", "2024-01-19")
