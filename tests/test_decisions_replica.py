"""The replica's government decisions: pages in both skins under their own section and
menu label, attached files whose text a reader extracts, and the truth that holds them."""
from __future__ import annotations

import io
import re
import zipfile

import pypdf
import pytest
from lxml import etree

from pmkz.replica import build_site, truth_records
from pmkz.replica.app import App
from pmkz.replica.decisions import MENU_LABELS
from pmkz.replica.render import Renderer

BASE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def site():
    return build_site(3, decisions=4)


def app(site, skin):
    return App(site, Renderer(site, skin, BASE))


def menu_links(html: str) -> dict[str, str]:
    return dict(re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', html))


def test_each_skin_keeps_decisions_under_its_own_path_and_menu_label(site):
    classic, modern = menu_links(app(site, "classic").handle("/ru/", {}).body.decode()), \
        menu_links(app(site, "modern").handle("/ru/", {}).body.decode())
    assert classic["/ru/decisions"] == MENU_LABELS["decisions"]["ru"]
    assert modern["/ru/documents"] == MENU_LABELS["documents"]["ru"]
    assert "/ru/documents" not in classic and "/ru/decisions" not in modern


def test_truth_holds_every_decision_of_every_language_in_the_skins_section(site):
    for skin, section in (("classic", "decisions"), ("modern", "documents")):
        decisions = [r for r in truth_records(site, BASE, skin) if r["kind"] == "decision"]
        assert sorted({r["lang"] for r in decisions}) == ["en", "kk", "ru"]
        assert len(decisions) == 3 * 4
        prefix = {"ru": "ru", "kk": "kz", "en": "en"}
        for record in decisions:
            path = record["url"].removeprefix(BASE)
            assert re.fullmatch(rf"/{prefix[record['lang']]}/{section}/\d{{8}}-\d+", path)
            assert path.endswith(f"-{record['decision_number']}")
            assert record["attachment_urls"]
            page = app(site, skin).handle(path, {})
            assert page.status == 200
            assert record["title"] in page.body.decode()


def test_truth_without_decisions_is_the_news_alone():
    site = build_site(3)
    assert {r["kind"] for r in truth_records(site, BASE, "classic")} <= {"news", "gallery"}
    assert menu_links(app(site, "classic").handle("/ru/", {}).body.decode())["/ru/decisions/19012024-20"]


def test_the_real_decree_is_there_with_its_number_and_dates(site):
    decree = next(r for r in truth_records(site, BASE, "classic") if r["url"] == f"{BASE}/ru/decisions/19012024-20")
    assert (decree["decision_number"], decree["decision_date"]) == ("20", "2024-01-19")
    assert decree["published_date"] >= decree["decision_date"]


def test_attachments_are_real_pdf_and_docx_whose_text_the_replica_knows(site):
    records = [r for r in truth_records(site, BASE, "modern") if r["kind"] == "decision"]
    urls = [u for r in records for u in r["attachment_urls"]]
    assert any(u.endswith(".pdf") for u in urls) and any(u.endswith(".docx") for u in urls)
    served = app(site, "modern")
    for url in urls:
        response = served.handle(url.removeprefix(BASE), {})
        assert response.status == 200
        if url.endswith(".pdf"):
            assert response.content_type == "application/pdf"
            text = pypdf.PdfReader(io.BytesIO(response.body)).pages[0].extract_text()
            assert "№" in text or "No." in text
        else:
            assert response.content_type.endswith("wordprocessingml.document")
            with zipfile.ZipFile(io.BytesIO(response.body)) as archive:
                text = "".join(etree.fromstring(archive.read("word/document.xml")).itertext())
            assert re.search(r"\d", text)
    assert served.handle("/upload/docs/ru/01012000-1.pdf", {}).status == 404
