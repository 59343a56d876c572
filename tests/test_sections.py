"""Sections found from the site's own pages (crawler/parsing/sections.py): a home page's
links name them, a section page's links under its path are its items; PMKZ_SECTIONS
chooses among them."""
from __future__ import annotations

import pytest

from pmkz.crawler.parsing.sections import (MAX_SECTIONS, is_item_url, parse_section_page, section_filter,
                                           section_roots)

SITE = "https://primeminister.kz"
HOME = """<html><body><nav><a href="/kz/">Басты</a> <a href="/kz/news">Жаңалықтар</a>
<a href="/kz/decisions/19012024-20">Шешімдер</a> <a href="/kz/speeches">Сөздер</a>
<a href="/ru/decisions">РУС</a> <a href="https://akorda.kz/kz/about">Ақорда</a>
<a href="/kz/files/report.pdf">PDF</a> <a href="/kz/2024">2024</a></nav></body></html>"""


def test_a_home_page_names_the_sections_of_its_language_in_link_order():
    assert section_roots(HOME.encode(), f"{SITE}/kz/") == {
        "news": f"{SITE}/kz/news", "decisions": f"{SITE}/kz/decisions", "speeches": f"{SITE}/kz/speeches"}


def test_a_home_page_of_endless_links_gives_a_bounded_number_of_sections():
    page = "".join(f'<a href="/ru/section{n}">{n}</a>' for n in range(1000))
    assert len(section_roots(page.encode(), f"{SITE}/ru/")) == MAX_SECTIONS


@pytest.mark.parametrize("url, item", [
    (f"{SITE}/ru/acts/19012024-20", True),
    (f"{SITE}/ru/acts/doklad-premer-ministra-31656", True),
    (f"{SITE}/ru/acts/page/2", False),
    (f"{SITE}/ru/acts", False),
    (f"{SITE}/ru/acts/19012024-20.pdf", False),
    (f"{SITE}/ru/news/slug-31656", False),
])
def test_items_are_numbered_pages_under_the_sections_path(url, item):
    assert is_item_url(url, f"{SITE}/ru/acts") is item


def test_a_section_page_gives_its_items_once_and_its_next_page_within_the_section():
    page = """<a href="/ru/acts/19012024-20">Решение</a><a href="/ru/acts/19012024-20">ещё</a>
    <a href="/ru/news/slug-1">news</a><a rel="next" href="/ru/acts?page=2">Далее</a>"""
    parsed = parse_section_page(page.encode(), f"{SITE}/ru/acts", f"{SITE}/ru/acts")
    assert parsed.item_urls == [f"{SITE}/ru/acts/19012024-20"]
    assert parsed.next_url == f"{SITE}/ru/acts?page=2"
    leaving = page.replace("/ru/acts?page=2", "/ru/news?page=2")
    assert parse_section_page(leaving.encode(), f"{SITE}/ru/acts", f"{SITE}/ru/acts").next_url is None


def test_pmkz_sections_names_or_excludes_and_never_takes_news():
    assert section_filter("").wants("speeches") and not section_filter("").wants("news")
    chosen = section_filter("decisions, documents")
    assert chosen.wants("documents") and not chosen.wants("speeches")
    assert not section_filter("-about").wants("about") and section_filter("-about").wants("decisions")
    with pytest.raises(ValueError, match="PMKZ_SECTIONS: 'de cisions'"):
        section_filter("de cisions")


@pytest.fixture(scope="module")
def replica_with_decisions():
    """The modern skin's replica with decisions, served in this process."""
    import threading

    from pmkz.replica import build_site
    from pmkz.replica.server import ReplicaServer

    server = ReplicaServer("127.0.0.1", 0, build_site(3, decisions=3), "modern")
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    yield server.base_url
    server.shutdown()
    server.server_close()


def test_check_live_lists_the_sections_it_found_with_their_counts(replica_with_decisions):
    from click.testing import CliRunner

    from pmkz.commands.check_live import command

    result = CliRunner().invoke(command, ["--base-url", replica_with_decisions, "--articles", "1"])
    assert result.exit_code == 0, result.output
    for prefix in ("ru", "kz", "en"):
        assert f"section documents  {replica_with_decisions}/{prefix}/documents: 3 item links" in result.output
        assert f"section about  {replica_with_decisions}/{prefix}/about: no item links: not followed" in result.output
    assert "decision_number=url" in result.output
    excluded = CliRunner().invoke(command, ["--base-url", replica_with_decisions, "--lang", "en", "--sections", "-about"])
    assert "section documents" in excluded.output and "section about" not in excluded.output


def test_the_daemon_passes_its_sections_to_each_crawl_and_refuses_a_bad_name(tmp_path):
    from pmkz.scheduler.config import ConfigError, load

    config = tmp_path / "daemon.toml"
    config.write_text('[crawl]\nsections = ["decisions", "-about"]\n', encoding="utf-8")
    assert load(config).crawl_env()["PMKZ_SECTIONS"] == "decisions,-about"
    config.write_text("[crawl]\n", encoding="utf-8")
    assert "PMKZ_SECTIONS" not in load(config).crawl_env()
    config.write_text('[crawl]\nsections = ["de cisions"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="PMKZ_SECTIONS: 'de cisions'"):
        load(config)
