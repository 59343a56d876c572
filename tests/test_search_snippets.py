"""Snippets of search hits (pmkz.storage.search.snippets): the printed words a query
matched, by lemma, stem, prefix or exact phrase, in <mark>, in escaped text, around the
first match, within the first SCAN_CHARS characters of a text."""
from __future__ import annotations

import re

import pytest

from pmkz.storage.search import compile_query
from pmkz.storage.search.snippets import SCAN_CHARS, highlight, marker, snippet


def marked(typed: str, text: str, lang: str = "ru") -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", str(snippet([text], marker(compile_query(typed)), lang)))


@pytest.mark.parametrize("typed, text, expected", [
    # Any form from the dictionary form, through a fleeting vowel and suppletion.
    ("паводок", "Паводок прошёл; в пик паводка и после паводков — паводковая ситуация.",
     ["Паводок", "паводка", "паводков"]),
    ("идти", "Работа шла весь день, проект идёт по графику.", ["шла", "идёт"]),
    ("человек", "Каждый человек и все люди получат помощь.", ["человек", "люди"]),
    # Sharing a Snowball stem is not enough.
    ("цена", "Министр ценит вклад; цены на муку остались прежними.", ["цены"]),
    # A prefix marks the printed words that begin so.
    ("совещани*", "Проведено совещание; совещания и совещании; совет.", ["совещание", "совещания", "совещании"]),
    # A quoted phrase marks its words as printed, not their other forms.
    ('"правительства"', "Глава правительства и правительство.", ["правительства"]),
    # What the query leaves out is not marked.
    ("рынок -цена", "Цены на рынке зерна.", ["рынке"]),
    # A name no dictionary knows, by its stem and as typed.
    ("Бектенов", "Бектенова поблагодарили; Бектенову вручили грамоту.", ["Бектенова", "Бектенову"]),
    ("minister", "The Prime Minister met ministers.", ["Minister", "ministers"]),
])
def test_the_words_a_query_matched_are_marked(typed, text, expected):
    assert marked(typed, text) == expected


def test_kazakh_words_are_marked_by_their_stem_in_kazakh_items():
    assert marked("Үкімет", "Үкімет отырысы өтті. Үкіметтің шешімі.", "kk") == ["Үкімет", "Үкіметтің"]


def test_kazakh_typed_in_latin_marks_the_cyrillic_words():
    assert marked("Ükımet", "Премьер-министр Үкімет отырысын өткізді. Үкіметке тапсырма.", "kk") == [
        "Үкімет", "Үкіметке"]


def test_the_text_is_escaped_and_only_the_marks_are_markup():
    shown = str(snippet(['<script>alert("совещание")</script> & <b>совещания</b>'],
                        marker(compile_query("совещание")), "ru"))
    assert "<script>" not in shown and "<b>" not in shown
    assert shown == ('&lt;script&gt;alert(&#34;<mark>совещание</mark>&#34;)&lt;/script&gt; &amp; '
                     '&lt;b&gt;<mark>совещания</mark>&lt;/b&gt;')


def test_a_headline_is_marked_whole():
    assert str(highlight("Совещание по <паводкам>", marker(compile_query("паводок")), "ru")) == (
        "Совещание по &lt;<mark>паводкам</mark>&gt;")


def test_a_snippet_is_a_window_around_the_first_match():
    text = " ".join(["вступление"] * 100 + ["совещание"] + ["итог"] * 100)
    shown = str(snippet([text], marker(compile_query("совещание")), "ru"))
    assert shown.startswith("… ") and shown.endswith(" …") and "<mark>совещание</mark>" in shown
    assert len(shown.split()) < 40


def test_the_teaser_is_used_when_the_body_does_not_hold_the_word():
    shown = str(snippet(["Первый абзац.", "Лид о совещании."], marker(compile_query("совещание")), "ru"))
    assert shown == "Лид о <mark>совещании</mark>."


def test_only_the_first_scan_chars_of_a_text_are_read():
    late = "слово " * (SCAN_CHARS // 6) + "совещание"
    shown = str(snippet([late], marker(compile_query("совещание")), "ru"))
    assert "<mark>" not in shown and shown.startswith("слово")
