"""What an edit changed (storage/diffs.py): paragraphs matched, words within an edited
one, the headline and lead, the forms shown (HTML, plain text), how much an edit
matters, the bounds on its cost, and old archives' changes read and filled."""
from __future__ import annotations

import json

import pytest

from helpers import T0, T1, T2, item_record
from pmkz.storage import Store, diffs


def ops(changes: list[dict]) -> list[tuple[str, str]]:
    return [(c["op"], c["text"]) for c in changes]


@pytest.mark.parametrize("before, after, changes", [
    ("a\n\nb\n\nc", "a\n\nb\n\nc", []),
    ("a\n\nb\n\nc", "a\n\nd\n\nc", [("-", "b"), ("+", "d")]),
    ("a\n\nb", "a\n\nb\n\nc", [("+", "c")]),
    ("a\n\nb\n\nc", "a\n\nc", [("-", "b")]),
    (None, "a", [("+", "a")]),
])
def test_paragraphs_out_and_in(before, after, changes):
    assert ops(diffs.compare(before, after)) == changes


def test_a_sentence_added_to_a_paragraph_is_its_words_not_the_paragraph():
    before = "Первый абзац.\n\nПравительство выделило средства на ремонт дорог.\n\nПоследний."
    after = ("Первый абзац.\n\nПравительство выделило средства на ремонт дорог. Работы начнутся"
             " в мае.\n\nПоследний.")
    [edit] = diffs.compare(before, after)
    assert edit == {"op": "~", "before": "Правительство выделило средства на ремонт дорог.",
                    "text": "Правительство выделило средства на ремонт дорог. Работы начнутся в мае.",
                    "words": [["=", "Правительство выделило средства на ремонт дорог."],
                              ["+", " Работы начнутся в мае."]]}
    assert diffs.significance([edit]) == "substantive"


def test_words_kept_between_changes_join_them_and_both_sides_read_back():
    [edit] = diffs.compare("один два три пять шесть", "один ДВА ТРИ пять ШЕСТЬ")
    assert edit["words"] == [["=", "один "], ["-", "два три"], ["+", "ДВА ТРИ"], ["=", " пять "],
                             ["-", "шесть"], ["+", "ШЕСТЬ"]]
    assert "".join(t for op, t in edit["words"] if op != "+") == edit["before"]
    assert "".join(t for op, t in edit["words"] if op != "-") == edit["text"]


def test_a_moved_paragraph_is_not_read_as_an_edit_of_its_neighbour():
    before = "\n\n".join(f"Абзац номер {n}." for n in range(6))
    after = "\n\n".join(f"Абзац номер {n}." for n in (1, 0, 3, 2, 5, 4))
    assert {c["op"] for c in diffs.compare(before, after)} == {"-", "+"}


def test_headline_and_lead_are_operations_of_their_own():
    changes = diffs.compare("Тело.", "Тело.", "Старый заголовок", "Новый заголовок", None, "Лид.")
    assert [c["op"] for c in changes] == ["title", "summary"]
    assert changes[0]["before"] == "Старый заголовок" and changes[0]["text"] == "Новый заголовок"
    assert diffs.as_text(changes) == "Headline: Старый заголовок -> Новый заголовок\n\nLead: {+Лид.+}"
    assert diffs.significance(changes) == "substantive"


def test_as_html_escapes_and_marks_words_within_a_paragraph():
    changes = diffs.compare("<b>x</b> было.\n\nУшёл & всё.", "<b>x</b> стало.\n\nНовый.")
    assert diffs.as_html(changes) == (
        '<p class="pmkz-edit">&lt;b&gt;x&lt;/b&gt; <del>было</del><ins>стало</ins>.</p>\n'
        '<p class="pmkz-del"><del>Ушёл &amp; всё.</del></p>\n'
        '<p class="pmkz-ins"><ins>Новый.</ins></p>')


def test_as_text_cuts_an_edited_paragraph_to_the_changed_sentence():
    filler = "Это предложение ничего не меняет и стоит здесь для длины абзаца. " * 4
    before = filler + "Сумма составила 5 млрд тенге. " + filler + "Конец."
    after = filler + "Сумма составила 6 млрд тенге. " + filler + "Конец."
    assert diffs.as_text(diffs.compare(before, after)) == "~ … Сумма составила [-5-]{+6+} млрд тенге. …"
    assert diffs.as_text(diffs.compare("Было.\n\nОстаётся.", "Стало.\n\nОстаётся.")) == "- Было.\n\n+ Стало."


@pytest.mark.parametrize("before, after, weight", [
    ("Он сказал \"да\".", "Он сказал «да».", "cosmetic"),
    ("Работы  начнутся весной", "Работы начнутся весной.", "cosmetic"),
    ("работы начнутся весной.", "Работы начнутся весной.", "cosmetic"),
    ("Работы начнутся весной.", "Работы начнутся летом.", "wording"),
    ("Выделено 5 млрд тенге.", "Выделено 6 млрд тенге.", "substantive"),
    ("Встреча прошла в среду, 5 марта.", "Встреча прошла в среду, 5 апреля.", "substantive"),
    ("Работы завершат в июне этого года.", "Работы завершат в июле этого года.", "substantive"),
    ("Жұмыстар наурызда аяқталады.", "Жұмыстар сәуірде аяқталады.", "substantive"),
    ("The plan may work well.", "The plan can work well.", "wording"),
    ("Встречу провёл министр.", "Встречу провёл министр Ахметов.", "substantive"),
    ("Кеңесті министр өткізді.", "Кеңесті Премьер-министр өткізді.", "substantive"),
    ("Работы начнутся весной.", "Работы начнутся весной. Так решили.", "substantive"),
    ("Один.\n\nДва.", "Один.", "substantive"),
    ("Один.\n\nДва.", "Один.\n\nДва,", "cosmetic"),
])
def test_significance(before, after, weight):
    assert diffs.significance(diffs.compare(before, after)) == weight


def test_a_cosmetic_headline_change_stays_cosmetic():
    assert diffs.significance(diffs.compare("Тело.", "Тело.", "Заголовок", "заголовок.")) == "cosmetic"


def test_old_stored_changes_read_as_operations():
    assert diffs.decode('[{"op": "-", "text": "a"}, ["+", "b"]]') == [{"op": "-", "text": "a"}, {"op": "+", "text": "b"}]
    old = diffs.decode('[{"op": "-", "text": "a <b>"}, {"op": "+", "text": "c"}]')
    assert diffs.as_text(old) == "- a <b>\n\n+ c"
    assert diffs.as_html(old) == '<p class="pmkz-del"><del>a &lt;b&gt;</del></p>\n<p class="pmkz-ins"><ins>c</ins></p>'
    assert diffs.significance(old) == "substantive"


def test_word_comparison_is_bounded_per_paragraph_and_per_edit():
    long = " ".join(["слово"] * diffs.PARAGRAPH_TOKENS)
    assert ops(diffs.compare(long, long + " ещё")) == [("-", long), ("+", long + " ещё")]
    # Every paragraph of a 12,000-paragraph page edited: words are compared until the
    # edit's budget is spent, the rest reads out and in whole.
    before = [f"Абзац {n} о ремонте дорог в области." for n in range(12_000)]
    after = [p.replace("дорог", "мостов") for p in before]
    changes = diffs.compare("\n\n".join(before), "\n\n".join(after))
    edited = [c for c in changes if c["op"] == "~"]
    assert 0 < len(edited) < len(before)
    assert len(edited) + (len(changes) - len(edited)) // 2 == len(before)
    words = sum(len(c["before"].split()) + len(c["text"].split()) for c in edited)
    assert words <= diffs.EDIT_TOKENS


def test_versions_of_an_older_pmkz_get_word_changes_and_significance_on_open(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item(item_record(body="Выделено 5 млрд тенге."), now=T0)
        store.save_item(item_record(body="Выделено 6 млрд тенге."), now=T1)
        # As a pmkz from before word diffs and significance left it.
        store.db.execute("UPDATE item_versions SET body_changes = ?, significance = NULL",
                         ['[{"op": "-", "text": "Выделено 5 млрд тенге."}, {"op": "+", "text": "Выделено 6 млрд тенге."}]'])
    with Store(path) as store:
        [(stored, weight)] = store.db.execute("SELECT body_changes, significance FROM item_versions").fetchall()
    assert json.loads(stored)[0]["words"] == [["=", "Выделено "], ["-", "5"], ["+", "6"], ["=", " млрд тенге."]]
    assert weight == "substantive"


def test_the_version_a_return_writes_is_returned_not_an_edit(tmp_path):
    path = tmp_path / "pmkz.db"
    url = item_record()["url"]
    with Store(path) as store:
        store.save_item(item_record(), now=T0)
        store.mark_gone(url, now=T1)
        store.record_return(url, now=T2)
        assert store.db.execute("SELECT body_changes, significance FROM item_versions").fetchall() == [("[]", "returned")]
        store.db.execute("UPDATE item_versions SET significance = NULL")
    with Store(path) as store:  # filled again on open, as an older pmkz left it
        assert store.db.execute("SELECT significance FROM item_versions").fetchall() == [("returned",)]


def test_significance_from_a_class_up():
    assert diffs.at_least(None) == diffs.at_least("cosmetic") == ("cosmetic", "wording", "substantive")
    assert diffs.at_least("wording") == ("wording", "substantive")
    with pytest.raises(ValueError, match="^significance must be one of cosmetic, wording, substantive, not 'big'$"):
        diffs.at_least("big")
