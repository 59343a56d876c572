"""Bytes of a saved or downloaded page -> text, in the page's real encoding.

Order of trust: a byte-order mark; then UTF-8 if the bytes are valid UTF-8 (legacy
Cyrillic text never is, so a label that says otherwise is wrong); then the encoding
the caller was told (HTTP Content-Type); then the page's own declaration (`<meta
charset>`, http-equiv, an XML declaration); then UTF-8 with a few bad bytes (a download
cut mid-letter); last, a guess between windows-1251 and kz1048 (Kazakh letters).
A label is taken only if the bytes decode under it, so a wrong one falls through.
Western labels (latin-1, windows-1252, ascii) are what servers and Scrapy fall back to
when nothing is declared; for a Cyrillic site they mean "unknown" and are ignored.
"""
from __future__ import annotations

import codecs
import re

_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Labels that Python's codec registry does not know by these names.
_ALIASES = {"kz-1048": "kz1048", "strk1048-2002": "kz1048", "rk1048": "kz1048", "x-cp1251": "cp1251"}
_FALLBACK_LABELS = frozenset(("ascii", "latin_1", "iso8859-1", "cp1252"))
# Bytes where kz1048 has Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ) and windows-1251 has Serbian,
# Macedonian and Ukrainian ones that a Kazakh or Russian page would not use.
_KAZAKH_BYTES = re.compile(rb"[\x8d\x8e\x9d\x9e\xa1\xa2\xa3\xa5\xaa\xaf\xb4\xba\xbc\xbd\xbe\xbf]")


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares for itself in its first few kilobytes."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii").lower()


def _codec(label: str | None) -> str | None:
    """Python's codec for a label; None for unknown and for Western fallback labels."""
    if not label:
        return None
    label = _ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name in _FALLBACK_LABELS else name


def _nearly_utf8(data: bytes) -> bool:
    """UTF-8 with a stray bad byte or a sequence cut at the end (a truncated download);
    legacy Cyrillic read as UTF-8 fails on nearly every letter instead."""
    errors = data.decode("utf-8", errors="replace").count("\ufffd")
    return errors <= 3 or errors * 1000 <= len(data)


def _legacy_guess(data: bytes) -> str:
    return "kz1048" if len(_KAZAKH_BYTES.findall(data)) > 2 else "cp1251"


def decode_html(data: bytes | str, encoding: str | None = None) -> str:
    """The page as text; `encoding` is what the transport said, if anything."""
    if isinstance(data, str):
        return data
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codec in (_codec(encoding), _codec(declared_encoding(data))):
        if codec and codec != "utf-8":
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    if _nearly_utf8(data):
        return data.decode("utf-8", errors="replace")
    return data.decode(_legacy_guess(data), errors="replace")
