"""Text from attached files (crawler/parsing/attachment_text.py): PDF and DOCX read into
body normal form, everything else refused with one line, every cost bounded."""
from __future__ import annotations

import io
import zipfile

import pytest

from pmkz.crawler.parsing import attachment_text
from pmkz.crawler.parsing.attachment_text import NoText, extract_text
from pmkz.replica.attached_files import docx, pdf

PARAGRAPHS = ["Приложение к постановлению № 20", "Қаулы  жобасы: «тарификациялау» 2024 ж.", "Annex (1) \\ end"]


def test_pdf_and_docx_text_in_body_normal_form():
    expected = "\n\n".join(" ".join(p.split()) for p in PARAGRAPHS)
    assert extract_text(pdf(PARAGRAPHS)) == expected
    assert extract_text(docx(PARAGRAPHS)) == expected


def test_the_format_is_told_by_the_bytes_not_the_name():
    with pytest.raises(NoText, match="old binary Word"):
        extract_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(NoText, match="not a PDF or DOCX"):
        extract_text(b"<html>not found</html>")


def test_damaged_files_say_so_in_one_line():
    with pytest.raises(NoText, match="unreadable PDF"):
        extract_text(b"%PDF-1.4\n garbage without objects")
    with pytest.raises(NoText, match="no word/document.xml"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("other.txt", "x")
        extract_text(buffer.getvalue())


def test_a_zip_bomb_stops_at_the_inflated_bound(monkeypatch):
    monkeypatch.setattr(attachment_text, "MAX_XML_BYTES", 10_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<a>" + " " * 1_000_000 + "</a>")
    assert len(buffer.getvalue()) < 10_000
    with pytest.raises(NoText, match="inflates past"):
        extract_text(buffer.getvalue())


def test_pages_past_the_bound_are_not_read(monkeypatch):
    monkeypatch.setattr(attachment_text, "MAX_PAGES", 0)
    assert extract_text(pdf(PARAGRAPHS)) == ""
