"""A small suffix-stripping stemmer for Kazakh (Cyrillic script).

No Kazakh stemmer on PyPI works offline: Snowball has none, and `kazstem` (an Apertium
analyser) needs finite-state resources that are not in its package. Kazakh is
agglutinative and regular, so the inflectional layers of a noun come off in the
order they were put on: case, then possession, then plural (`облыстарының` ->
`облыстары` -> `облыстар` -> `облыс`). Derivation (`-лық`, `-шы`, `-лау`) stays: a
`мемлекеттік` document is not a `мемлекет` one, as Snowball keeps Russian
`государственный` apart from `государство`. Verbs lose their past and conditional
endings. Tested on the word list in tests/test_search_kazakh.py.
"""
from __future__ import annotations

VOWELS = "аәеиоөуұүыіэюя"
# `в` and `ф` of loanwords take voiceless suffixes (`Бектеновтің`).
VOICELESS = "вкқпстфхцчшщ"
CONSONANTS = "бвгғджзйклмнңпрстфхһцчшщқ"
NASALS = "мнң"
VOICED = "".join(c for c in CONSONANTS if c not in VOICELESS)
ORAL_VOICED = "".join(c for c in VOICED if c not in NASALS)
POSS3 = "ыі"  # the third-person possessive, after which case takes н-
ANY = VOWELS + CONSONANTS
# Each layer is tried once, its longest matching suffix first; a suffix comes off only
# after the sounds it follows in Kazakh (`ті` after a voiceless consonant: `халықты`,
# not `үкіметі`), which keeps `астана` and `облысы` whole.
CASE = {
    # locative-adjectival
    "ндағы": POSS3, "ндегі": POSS3, "дағы": VOWELS + VOICED, "дегі": VOWELS + VOICED,
    "тағы": VOICELESS, "тегі": VOICELESS,
    # ablative
    "нан": POSS3 + NASALS, "нен": POSS3 + NASALS, "дан": VOWELS + ORAL_VOICED, "ден": VOWELS + ORAL_VOICED,
    "тан": VOICELESS, "тен": VOICELESS,
    # genitive
    "ның": VOWELS + NASALS, "нің": VOWELS + NASALS, "дың": ORAL_VOICED + "у", "дің": ORAL_VOICED + "у", "тың": VOICELESS, "тің": VOICELESS,
    # locative
    "нда": POSS3, "нде": POSS3, "да": VOWELS + VOICED, "де": VOWELS + VOICED,
    "та": VOICELESS, "те": VOICELESS,
    # dative
    "на": POSS3, "не": POSS3, "ға": VOWELS + VOICED, "ге": VOWELS + VOICED,
    "қа": VOICELESS, "ке": VOICELESS,
    # accusative
    "ны": VOWELS, "ні": VOWELS, "ды": VOICED, "ді": VOICED, "ты": VOICELESS, "ті": VOICELESS,
    "ын": CONSONANTS, "ін": CONSONANTS,
    # instrumental
    "мен": VOWELS + "лмнңрй", "бен": "жз", "пен": VOICELESS,
    # equative
    "ша": ANY, "ше": ANY,
}
POSSESSIVE = {
    "ымыз": CONSONANTS, "іміз": CONSONANTS, "ыңыз": CONSONANTS, "іңіз": CONSONANTS,
    "мыз": VOWELS, "міз": VOWELS, "ңыз": VOWELS, "ңіз": VOWELS,
    # plural and third-person possessive together
    "лары": VOWELS + "рйу", "лері": VOWELS + "рйу", "дары": "лмнңзж", "дері": "лмнңзж",
    "тары": VOICELESS, "тері": VOICELESS,
    "сы": VOWELS, "сі": VOWELS, "ым": CONSONANTS, "ім": CONSONANTS,
    "ың": CONSONANTS, "ің": CONSONANTS, "ы": CONSONANTS + "у", "і": CONSONANTS + "у",
}
PLURAL = {"лар": VOWELS + "рйу", "лер": VOWELS + "рйу", "дар": "лмнңзж", "дер": "лмнңзж",
          "тар": VOICELESS, "тер": VOICELESS}
LAYERS = tuple(sorted(layer.items(), key=lambda item: -len(item[0]))
               for layer in (CASE, POSSESSIVE, PLURAL))
# Names that end like a suffix (`Қазақстан`: `-тан`, `Астана`: `-на`) and their forms.
WHOLE = ("қазақстан", "өзбекстан", "түркістан", "қырғызстан", "тәжікстан",
         "түрікменстан", "ауғанстан", "пәкістан", "татарстан", "дағыстан", "астана")
# A voiceless final consonant turns voiced before a vowel (`кітап` -> `кітабы`,
# `тілек` -> `тілегі`): the stem is given back its dictionary form.
DEVOICE = {"б": "п", "г": "к", "ғ": "қ"}
MIN_STEM = 2


def stem(word: str) -> str:
    """The stem of one lower-case Kazakh word."""
    for name in WHOLE:
        if word.startswith(name):
            return name
    current = word
    for layer in LAYERS:
        for suffix, follows in layer:
            rest = current[:-len(suffix)]
            if current.endswith(suffix) and _is_stem(rest) and rest[-1] in follows:
                current = rest
                break
    if current != word and current[-1] in DEVOICE:
        current = current[:-1] + DEVOICE[current[-1]]
    # `облыс` + `ы` reads like `мәселе` + `сі`: a vowel-final stem takes `-сы`, so
    # `облысы` loses either; both readings end alike when a stem ending in a vowel and
    # `с` drops the `с`.
    if len(current) >= 4 and current[-1] == "с" and current[-2] in VOWELS:
        current = current[:-1]
    return current


def _is_stem(candidate: str) -> bool:
    return len(candidate) >= MIN_STEM and any(char in VOWELS for char in candidate)


# The Latin alphabet of 2021 (the decree of 28 January 2021), letter by letter. Its
# capital I is і's (small ı) and İ is и's and й's (small i), so case is folded here, not
# by str.lower(), which makes I an i.
LATIN = {
    "a": "а", "ä": "ә", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "ғ", "h": "х",
    "ı": "і", "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң", "o": "о",
    "ö": "ө", "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ",
    "ü": "ү", "v": "в", "y": "ы", "z": "з", "ç": "ч",
}
LATIN_CAPITALS = {"I": "ı", "İ": "i"}
# Letters of that alphabet and of no English word: a word holding one is Kazakh.
ONLY_KAZAKH = set("äğıñöşūüç")
LATIN_VOWELS = "aäeıioöuūüy"


def latin_letters(word: str) -> str:
    """The word in small letters of the 2021 alphabet (`Ükımet` -> `ükımet`)."""
    return "".join(LATIN_CAPITALS.get(c) or c.lower() for c in word)


def from_latin(word: str) -> str | None:
    """The Cyrillic spelling of a Kazakh word typed in the 2021 Latin alphabet
    (`Ükımet` -> `үкімет`), or None if it holds a letter that alphabet has not. Its `i`
    is й after a vowel (`üi`: үй, `syi`: сый) and и elsewhere (`ministr`)."""
    letters = latin_letters(word)
    out = []
    for position, letter in enumerate(letters):
        if letter not in LATIN:
            return None
        after_vowel = position > 0 and letters[position - 1] in LATIN_VOWELS
        out.append("й" if letter == "i" and after_vowel else LATIN[letter])
    return "".join(out)


def surely_kazakh(word: str) -> bool:
    """Whether a Latin-script word holds a letter only Kazakh words have (a capital I
    does not count: English has it too)."""
    return bool(ONLY_KAZAKH & set(word.lower()))
