"""The files a decision page attaches, made byte for byte from their text: a PDF and a
DOCX (WordprocessingML), so the crawler meets real formats whose text the replica knows.

Both are written by hand rather than by a PDF or Office library: the replica must not
share a library with the crawler's extraction (it is the oracle), and the same text
always gives the same bytes.

The PDF is one page in the base Helvetica font, one paragraph a line. Cyrillic and
Kazakh letters have no codes in a base font's encoding, so each character of the text
gets a one-byte code of its own and a ToUnicode map says which character each code is:
what a PDF reader extracts text by, as the producers of scanned-and-typed decrees do.
"""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Codes 0x21.. for the characters of one file; the space keeps its own code.
_FIRST_CODE, _LAST_CODE = 0x21, 0xFF
# The PDF spec allows at most 100 entries in one bfchar block.
_BFCHAR_BLOCK = 100


def _codes(text: str) -> dict[str, int]:
    chars = sorted(set(text) - {" ", "\n"})
    if len(chars) > _LAST_CODE - _FIRST_CODE + 1:
        raise ValueError(f"{len(chars)} distinct characters: more than one-byte codes hold")
    return {" ": 0x20, **{char: _FIRST_CODE + i for i, char in enumerate(chars)}}


def _to_unicode(codes: dict[str, int]) -> bytes:
    entries = [f"<{code:02X}> <{ord(char):04X}>" for char, code in sorted(codes.items(), key=lambda kv: kv[1])]
    blocks = [entries[i:i + _BFCHAR_BLOCK] for i in range(0, len(entries), _BFCHAR_BLOCK)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<00> <FF>", "endcodespacerange",
        *(line for block in blocks for line in (f"{len(block)} beginbfchar", *block, "endbfchar")),
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ]).encode("ascii")


def pdf(paragraphs: list[str]) -> bytes:
    """A one-page PDF whose extracted text is `paragraphs`, one a line."""
    codes = _codes("".join(paragraphs))
    lines = ["BT", "/F1 10 Tf", "14 TL", "40 800 Td"]
    for paragraph in paragraphs:
        lines.append("<" + "".join(f"{codes[char]:02X}" for char in paragraph) + "> Tj T*")
    lines.append("ET")
    content = "\n".join(lines).encode("ascii")
    cmap = _to_unicode(codes)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '</Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# A fixed time in every zip entry: the same text, the same bytes.
_ZIP_TIME = (2016, 1, 1, 0, 0, 0)


def _paragraph_xml(text: str) -> str:
    # A paragraph in two runs, as word processors split them: its text is the runs' joined.
    cut = text.find(" ", len(text) // 2)
    runs = [text[:cut], text[cut:]] if cut > 0 else [text]
    return "<w:p>" + "".join(f'<w:r><w:t xml:space="preserve">{escape(run)}</w:t></w:r>' for run in runs) + "</w:p>"


def docx(paragraphs: list[str]) -> bytes:
    """A DOCX whose paragraphs are `paragraphs`."""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>'
        + "".join(_paragraph_xml(text) for text in paragraphs)
        + "</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("word/document.xml", document)):
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text.encode("utf-8"))
    return buffer.getvalue()
