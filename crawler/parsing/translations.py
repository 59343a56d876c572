"""An article's language versions (lang -> URL), from what the page links.

Layers: `<link rel="alternate" hreflang>` in the head ("meta:hreflang"), then the
language switcher ("switcher"): links to another language section of the same site that
carry `hreflang`/`lang` or are labelled with a language's name (РУС, Қаз, English...).
Only links to articles count: a switcher that sends every language to its home page
gives no translations, so the result is {} rather than three home pages.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from pmkz.crawler.parsing.dom import text_of
from pmkz.crawler.parsing.text import normalize_text
from pmkz.crawler.parsing.urls import LANG_OF_PREFIX, canonical_url, is_article_url, join_url, lang_of, split_url

# Switcher labels seen on Kazakh government sites, folded to lower case.
_LABELS = {
    "ru": ("рус", "ру", "ru", "rus", "русский", "русский язык", "на русском"),
    "kk": ("қаз", "каз", "kz", "kk", "kaz", "қазақша", "қазақ", "қазақ тілі", "казахский", "kazakh"),
    "en": ("eng", "en", "english", "англ", "ағылшын", "английский"),
}
_LANG_OF_LABEL = {label: lang for lang, labels in _LABELS.items() for label in labels}
# A link into some language's section (`/kz/...`, `.../en`): a cheap first test, since
# a page has hundreds of links and only the switcher's lead to the other sections.
_SECTION = re.compile(r"/(" + "|".join(LANG_OF_PREFIX) + r")(?:/|$)", re.IGNORECASE)


def lang_of_code(code: str | None) -> str | None:
    """`ru`, `kk-KZ`, `kz`, `en-US` -> the record's language code, else None."""
    if not code:
        return None
    return LANG_OF_PREFIX.get(code.strip().lower().replace("_", "-").split("-")[0])


def _lang_of_label(anchor) -> str | None:
    for text in (text_of(anchor), anchor.get("title") or "", anchor.get("aria-label") or ""):
        label = normalize_text(text).strip(" .:|/").casefold()
        if label in _LANG_OF_LABEL:
            return _LANG_OF_LABEL[label]
    return None


def _target(href: str | None, base: str, host: str, lang: str) -> str | None:
    """The canonical article URL a link to the `lang` version leads to, else None."""
    if not href:
        return None
    target = join_url(base, href.strip())
    if split_url(target).netloc.lower() != host or lang_of(target) != lang or not is_article_url(target):
        return None
    return canonical_url(target)


def find_translations(root, meta, url: str, base: str) -> tuple[dict[str, str], str | None]:
    """({lang: absolute URL} of the other language versions, source), or ({}, None)."""
    own, host = lang_of(url), urlsplit(url).netloc.lower()
    found: dict[str, str] = {}
    for code, href in meta.alternates.items():
        lang = lang_of_code(code)
        target = _target(href, base, host, lang) if lang and lang != own else None
        if target:
            found.setdefault(lang, target)
    if found:
        return dict(sorted(found.items())), "meta:hreflang"
    for anchor in root.iter("a"):
        section = _SECTION.search(anchor.get("href") or "")
        if section is None or LANG_OF_PREFIX[section[1].lower()] == own:
            continue
        lang = lang_of_code(anchor.get("hreflang") or anchor.get("lang")) or _lang_of_label(anchor)
        target = _target(anchor.get("href"), base, host, lang) if lang and lang != own else None
        if target:
            found.setdefault(lang, target)
    return dict(sorted(found.items())), "switcher" if found else None
