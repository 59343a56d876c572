"""The text of an attached file (a decision's PDF or DOCX), in body normal form.

The format is told by the file's first bytes, not its name or Content-Type (sites serve
PDFs as application/octet-stream): PDF by pypdf, DOCX by its WordprocessingML read with
zipfile and lxml. Anything else (an old binary .doc, a scan with no text layer) has no
text here, and says why.

Every cost a file can make is bounded: its size (`MAX_BYTES`), the pages read
(`MAX_PAGES`), the time spent (`MAX_SECONDS`, checked between pages), the document XML
inflated from a DOCX (`MAX_XML_BYTES`: a zip bomb stops there) and the text kept
(`MAX_CHARS`).
"""
from __future__ import annotations

import io
import logging
import time
import zipfile

from lxml import etree

from pmkz.crawler.parsing.text import normalize_text

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 300
MAX_SECONDS = 20.0
MAX_XML_BYTES = 30 * 1024 * 1024
MAX_CHARS = 500_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class NoText(ValueError):
    """The file gave no text; the message says why in one line."""


def _paragraphs_normal_form(paragraphs) -> str:
    text = "\n\n".join(p for p in (normalize_text(p) for p in paragraphs) if p)
    return text[:MAX_CHARS]


def _pdf_text(data: bytes, deadline: float) -> str:
    from pypdf import PdfReader  # imported on first need: most crawls fetch no PDF
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is reported once, below
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise NoText("an encrypted PDF")
        lines = []
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES or time.monotonic() > deadline:
                break
            lines.extend((page.extract_text() or "").splitlines())
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        if isinstance(error, NoText):
            raise
        raise NoText(f"an unreadable PDF ({type(error).__name__})") from None
    return _paragraphs_normal_form(lines)


def _docx_text(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise NoText(f"a DOCX whose text part inflates past {MAX_XML_BYTES} bytes")
            with archive.open(info) as part:
                xml = part.read(MAX_XML_BYTES + 1)
    except KeyError:
        raise NoText("a zip file with no word/document.xml") from None
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        raise NoText(f"an unreadable DOCX ({type(error).__name__})") from None
    if len(xml) > MAX_XML_BYTES:
        raise NoText(f"a DOCX whose text part inflates past {MAX_XML_BYTES} bytes")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise NoText("a DOCX whose text part is not XML") from None
    return _paragraphs_normal_form(
        "".join(t.text or "" for t in paragraph.iter(f"{_W}t")) for paragraph in root.iter(f"{_W}p"))


def extract_text(data: bytes) -> str:
    """The file's text in body normal form; NoText when there is none to read."""
    if len(data) > MAX_BYTES:
        raise NoText(f"a file of {len(data)} bytes, past the {MAX_BYTES} read")
    if data.startswith(b"%PDF-"):
        return _pdf_text(data, time.monotonic() + MAX_SECONDS)
    if data.startswith(b"PK\x03\x04"):
        return _docx_text(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NoText("an old binary Word or Excel file: no reader for it")
    raise NoText("not a PDF or DOCX file")
