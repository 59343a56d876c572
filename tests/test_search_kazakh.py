"""The Kazakh stemmer on a word list: every form of a lexeme reaches one stem, and
different lexemes (or a derived word and its base) keep different stems."""
from __future__ import annotations

import pytest

from pmkz.storage.search.kazakh import from_latin, stem

# Lexeme: forms met in Kazakh government news (case, possession, plural and their stacks).
FORMS = {
    "үкімет": ["үкімет", "үкіметі", "үкіметтің", "үкіметке", "үкіметте", "үкіметтен",
               "үкіметпен", "үкіметін"],
    "облыс": ["облыс", "облысы", "облыстың", "облысына", "облысында", "облыстан",
              "облыстар", "облыстарының", "облыстарда"],
    "министрлік": ["министрлік", "министрлігі", "министрлігінің", "министрлігіне",
                   "министрлігінде", "министрліктер", "министрліктерге"],
    "мәселе": ["мәселе", "мәселесі", "мәселелер", "мәселелері", "мәселелеріне", "мәселені"],
    "тапсырма": ["тапсырма", "тапсырмалар", "тапсырмаларын", "тапсырмасы", "тапсырмаға"],
    "халық": ["халық", "халықты", "халыққа", "халықтың", "халықпен"],
    "су": ["су", "суы", "суға", "судың"],
    "кітап": ["кітап", "кітабы", "кітапты", "кітаптар"],
    "жұмыс": ["жұмыс", "жұмысы", "жұмысын", "жұмыспен", "жұмыстың", "жұмыстары"],
    "мемлекет": ["мемлекет", "мемлекеттің", "мемлекетке", "мемлекеттер"],
    "адам": ["адам", "адамның", "адамды", "адамдар", "адамдарға"],
    "Қазақстан": ["қазақстан", "қазақстанның", "қазақстанға", "қазақстанда"],
    "Астана": ["астана", "астанада", "астанаға", "астананың"],
    "Бектенов": ["бектенов", "бектеновтің", "бектеновке"],
    "Бақытжан": ["бақытжан", "бақытжанның", "бақытжанға"],
    "жол": ["жол", "жолы", "жолдың", "жолдар", "жолға"],
    "бағдарлама": ["бағдарлама", "бағдарламасы", "бағдарламаның", "бағдарламалар"],
}
# Words that must not share a stem.
APART = [("мемлекет", "мемлекеттік"), ("үкімет", "үкіметтік"), ("жұмыс", "жұмысшы"),
         ("халық", "халықаралық"), ("облыс", "облыстық"), ("су", "сұлу")]


@pytest.mark.parametrize("lexeme", sorted(FORMS))
def test_every_form_reaches_one_stem(lexeme):
    stems = {form: stem(form) for form in FORMS[lexeme]}
    assert len(set(stems.values())) == 1, stems


def test_lexemes_keep_apart():
    stems = {lexeme: stem(forms[0]) for lexeme, forms in FORMS.items()}
    assert len(set(stems.values())) == len(stems), stems


@pytest.mark.parametrize("a, b", APART)
def test_derived_words_keep_their_own_stem(a, b):
    assert stem(a) != stem(b)


@pytest.mark.parametrize("latin, cyrillic", [
    ("Ükımet", "үкімет"), ("ükımettıñ", "үкіметтің"), ("Qazaqstan", "қазақстан"), ("mäsele", "мәселе"),
    ("keñes", "кеңес"), ("jūmys", "жұмыс"), ("şaruaşylyğy", "шаруашылығы"), ("öñır", "өңір"),
    # i: й after a vowel, и elsewhere; capital I is і, İ is и.
    ("syi", "сый"), ("üiıne", "үйіне"), ("ministr", "министр"), ("İnvestisia", "инвестисиа"),
    ("Ilım", "ілім"), ("çempion", "чемпион"),
])
def test_kazakh_typed_in_the_2021_latin_alphabet_reads_as_cyrillic(latin, cyrillic):
    assert from_latin(latin) == cyrillic


def test_a_word_with_a_letter_that_alphabet_has_not_is_not_read_as_kazakh():
    assert from_latin("cabinet") is None and from_latin("wax") is None and from_latin("үкімет") is None
