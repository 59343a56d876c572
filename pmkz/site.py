"""Facts about primeminister.kz that the whole project shares, written once.

Nothing of ours is imported here, so every layer (parsers, storage, the crawler, the
command line) may import it. The replica keeps its own copy of these facts on purpose:
it is the oracle the crawler is tested against, and must not follow our mistakes.
"""
from __future__ import annotations

LIVE_BASE_URL = "https://primeminister.kz"
# ISO 639-1 codes used in records, in the order the site lists its sections.
LANGUAGES = ("ru", "kk", "en")
# The site's path prefix for each language: Kazakh lives under /kz/.
LANG_PREFIX = {"ru": "ru", "kk": "kz", "en": "en"}
# And back: the prefix in a URL -> the language. `/kk/` was never seen on the site but is
# read as Kazakh, should the site ever use the ISO code.
LANG_OF_PREFIX = {**{prefix: lang for lang, prefix in LANG_PREFIX.items()}, "kk": "kk"}
# Press pages are tens of KB; an answer larger than this is not a press page. The crawl
# takes none larger (DOWNLOAD_MAXSIZE), and nothing read back from the raw archive is
# decoded past it.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
# The site's clock: UTC+6 until 2024-03-01, UTC+5 from then on (tzdata knows the change).
SITE_TIMEZONE = "Asia/Almaty"
# Each language's own name, as the site's language switcher means it.
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
# The URL category segments seen on the site, with the name its pages print for them
# (per language); a segment not here is shown as it is in the URL.
CATEGORY_NAMES = {
    "reviews": {"ru": "Обзоры", "kk": "Шолулар", "en": "Reviews"},
    "digital_office": {"ru": "Цифровой офис", "kk": "Цифрлық кеңсе", "en": "Digital office"},
    "asset_recovery": {"ru": "Возврат активов", "kk": "Активтерді қайтару", "en": "Asset recovery"},
    "viziti_i_poezdki": {"ru": "Визиты и поездки", "kk": "Сапарлар", "en": "Visits and trips"},
}


def category_name(category: str | None, lang: str | None) -> str | None:
    """The readable name of a category segment in `lang`, else the segment itself."""
    if not category:
        return None
    names = CATEGORY_NAMES.get(category, {})
    return names.get(lang) or names.get("en") or category


def split_langs(langs) -> tuple[list[str], list[str]]:
    """`"ru,en"` or `["ru", "en"]` as (the languages named, those of them unknown)."""
    chosen = [part.strip() for part in (langs.split(",") if isinstance(langs, str) else langs) if part.strip()]
    return chosen, [lang for lang in chosen if lang not in LANGUAGES]


def parse_langs(langs):
    """`"ru,en"` or `["ru", "en"]` as a list; None stays None (the caller's default).

    Raises ValueError naming the unknown languages, or when none is left.
    """
    if langs is None:
        return None
    chosen, unknown = split_langs(langs)
    if unknown or not chosen:
        raise ValueError(f"unknown language {', '.join(unknown) or '(none)'}: choose from {', '.join(LANGUAGES)}")
    return chosen
