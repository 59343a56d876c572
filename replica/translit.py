"""Slugs from headlines, transliterated the inconsistent way the real site does it.

The site's slugs come from different hands and years: `olzhas-bektenov-...` next to
`olzas-bektenov-...`. Each article is transliterated by one of a few "hands", each with
its own spelling of the letters that have more than one common Latin form.
"""
from __future__ import annotations

import random
import re

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "з": "z", "и": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "ч": "ch", "ш": "sh", "ы": "y", "э": "e", "ъ": "", "ь": "", "ұ": "u", "һ": "h",
    "і": "i",
}
# Letters whose spelling varies; column k is hand k's spelling. Hand 0 is the usual one.
_VARIANTS = {
    "ж": ("zh", "z", "j", "zh"), "х": ("kh", "h", "h", "kh"), "ц": ("ts", "c", "ts", "c"),
    "й": ("y", "i", "j", "i"), "щ": ("shch", "sch", "shch", "sch"), "ю": ("yu", "iu", "yu", "ju"),
    "я": ("ya", "ia", "ya", "ja"), "ё": ("e", "yo", "e", "e"), "ә": ("a", "ae", "a", "a"),
    "ғ": ("g", "gh", "g", "g"), "қ": ("k", "q", "k", "q"), "ң": ("n", "ng", "n", "n"),
    "ө": ("o", "oe", "o", "o"), "ү": ("u", "ue", "u", "u"),
}
HANDS = [
    str.maketrans({**_COMMON, **{letter: spellings[k] for letter, spellings in _VARIANTS.items()}})
    for k in range(4)
]
HAND_WEIGHTS = (6, 2, 1, 1)


def slug(headline: str, r: random.Random) -> str:
    """The headline's first 8 words (headlines have at least 4), lower-case Latin, hyphenated."""
    hand = r.choices(HANDS, HAND_WEIGHTS)[0]
    words = re.findall(r"[a-z0-9]+", headline.lower().translate(hand))
    return "-".join(words[:8])
