"""The languages a crawl was asked for, checked against the site's three."""
from __future__ import annotations

from pmkz.config import LANGUAGES


def parse_langs(langs):
    """`"ru,en"` or `["ru", "en"]` as a list; None stays None (the settings decide).

    Raises ValueError naming the unknown languages, or when none is left.
    """
    if langs is None:
        return None
    chosen = [part.strip() for part in (langs.split(",") if isinstance(langs, str) else langs) if part.strip()]
    unknown = [lang for lang in chosen if lang not in LANGUAGES]
    if unknown or not chosen:
        raise ValueError(f"unknown language {', '.join(unknown) or '(none)'}: choose from {', '.join(LANGUAGES)}")
    return chosen
