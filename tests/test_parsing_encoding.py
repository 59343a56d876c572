"""Bytes in legacy code pages: windows-1251 (Russian, English) and kz1048 (Kazakh),
declared in the page, declared by the transport only, or not declared at all."""
from pathlib import Path

import pytest

from pmkz.crawler.parsing import parse_article, parse_listing

PAGES = Path(__file__).parent / "files" / "pages"
RU_URL = "https://primeminister.kz/ru/news/po-porucheniyu-prezidenta-dorogu-almaty-kaskelen-rasshiryat-do-vosmi-polos-31656"
KK_URL = "https://primeminister.kz/kz/news/ukimet-akmola-oblysynda-zhylu-mausymyna-daiyndykty-tekserdi-29871"


def encoded(name: str, codec: str, declared: str | None) -> bytes:
    text = (PAGES / name).read_text(encoding="utf-8")
    text = text.replace('<meta charset="utf-8">', f'<meta charset="{declared}">' if declared else "")
    return text.encode(codec, errors="xmlcharrefreplace")


@pytest.mark.parametrize("name, url, codec, declared, transport", [
    ("ru-news-2026-markup.html", RU_URL, "cp1251", "windows-1251", None),
    ("ru-news-2026-markup.html", RU_URL, "cp1251", "utf-8", "windows-1251"),
    ("ru-news-2026-markup.html", RU_URL, "cp1251", None, None),
    ("ru-news-2026-markup.html", RU_URL, "cp1251", None, "cp1252"),  # Scrapy's guess when nothing is declared
    ("ru-news-2026-markup.html", RU_URL, "utf-8", "utf-8", "iso-8859-1"),  # a server's default label
    ("kk-news-no-classes.html", KK_URL, "kz1048", "kz-1048", None),
    ("kk-news-no-classes.html", KK_URL, "kz1048", "utf-8", "kz1048"),
    ("kk-news-no-classes.html", KK_URL, "kz1048", None, None),
])
def test_legacy_code_pages(name, url, codec, declared, transport):
    expected = parse_article((PAGES / name).read_bytes(), url)
    assert parse_article(encoded(name, codec, declared), url, encoding=transport) == expected


def test_xml_declaration():
    text = (PAGES / "kk-news-no-classes.html").read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")
    data = ('<?xml version="1.0" encoding="kz1048"?>\n' + text).encode("kz1048")
    assert parse_article(data, KK_URL)["title"] == "Үкімет Ақмола облысында жылу маусымына дайындықты тексерді"


def test_utf8_cut_mid_letter_stays_utf8():
    data = (PAGES / "kk-news-no-classes.html").read_bytes()
    cut = data[:data.index("</body>".encode())] + "<div>Қ".encode()[:-1]
    assert parse_article(cut, KK_URL)["title"] == "Үкімет Ақмола облысында жылу маусымына дайындықты тексерді"


def test_listing_bytes_in_kz1048():
    data = encoded("list-no-classes-kz.html", "kz1048", None)
    listing = parse_listing(data, "https://primeminister.kz/kz/news?page=2")
    assert listing.teasers[KK_URL] == "Премьер-Министр Көкшетаудағы жылу электр орталығында болды."
