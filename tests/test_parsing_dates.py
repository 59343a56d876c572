"""Dates as the site prints them: every known form, both sides of the 2024-03-01 change
of offset, and the fast patterns agreeing with dateparser on every case."""
from datetime import datetime, timedelta

import pytest

from pmkz.crawler.parsing.dates import (
    SITE_ZONE, ParsedDate, is_date_only, is_dateline, parse_fast, parse_iso, parse_site_date, parse_with_dateparser,
)

# (printed text, page language, date, date-time or None)
CASES = [
    # English
    ("17 August 2016, 01:16", "en", "2016-08-17", "2016-08-17T01:16:00+06:00"),
    ("9 March 2024, 14:35", "en", "2024-03-09", "2024-03-09T14:35:00+05:00"),
    ("29 February 2024, 14:35", "en", "2024-02-29", "2024-02-29T14:35:00+06:00"),
    ("1 March 2024, 00:10", "en", "2024-03-01", "2024-03-01T00:10:00+05:00"),
    ("March 9, 2024", "en", "2024-03-09", None),
    ("09.03.2024", "en", "2024-03-09", None),
    # Russian: genitive and nominative, any case, numeric day-first
    ("9 марта 2024", "ru", "2024-03-09", None),
    ("9 МАРТА 2024", "ru", "2024-03-09", None),
    ("9 март 2024", "ru", "2024-03-09", None),
    ("1 Декабря 2020 14:02", "ru", "2020-12-01", "2020-12-01T14:02:00+06:00"),
    ("06.01.2026, 12:40", "ru", "2026-01-06", "2026-01-06T12:40:00+05:00"),
    ("28.02.2024, 23:30", "ru", "2024-02-28", "2024-02-28T23:30:00+06:00"),
    ("9 мая 2023", "ru", "2023-05-09", None),
    ("9 марта 2024 года, 14:35", "ru", "2024-03-09", "2024-03-09T14:35:00+05:00"),
    ("14:35 9 марта 2024", "ru", "2024-03-09", "2024-03-09T14:35:00+05:00"),
    # Kazakh: time first, "ж.", year first (genitive, locative), abbreviations
    ("10:50, 02 Желтоқсан 2025", "kk", "2025-12-02", "2025-12-02T10:50:00+05:00"),
    ("10:50, 14 Қараша 2023", "kk", "2023-11-14", "2023-11-14T10:50:00+06:00"),
    ("9 наурыз 2024 ж.", "kk", "2024-03-09", None),
    ("2024 жылғы 9 наурыз", "kk", "2024-03-09", None),
    ("2024 жылдың 13 наурызында", "kk", "2024-03-13", None),
    ("2023 жылғы 12 қараша", "kk", "2023-11-12", None),
    ("28 ақпан 2024, 23:30", "kk", "2024-02-28", "2024-02-28T23:30:00+06:00"),
    ("9 ҚАҢТАР 2024", "kk", "2024-01-09", None),
    *[(f"9 {abbreviation} 2024", "kk", f"2024-{month:02}-09", None) for month, abbreviation in enumerate(
        ("қаң", "ақп", "нау", "сәу", "мам", "мау", "шіл", "там", "қыр", "қаз", "қар", "жел"), start=1)],
    # ISO, as metadata gives it
    ("2024-03-09T14:35:00+05:00", "en", "2024-03-09", "2024-03-09T14:35:00+05:00"),
    ("2024-03-09T09:35:00Z", "ru", "2024-03-09", "2024-03-09T14:35:00+05:00"),
]


@pytest.mark.parametrize("text, lang, date, at", CASES)
def test_parse_site_date(text, lang, date, at):
    assert parse_site_date(text, lang) == ParsedDate(date, at)


@pytest.mark.parametrize("text, lang, date, at", CASES)
def test_fast_path_equals_dateparser(text, lang, date, at):
    assert parse_fast(text) == parse_with_dateparser(text, lang) == ParsedDate(date, at)


def test_site_zone_knows_2024_change():
    assert datetime(2024, 6, 1, tzinfo=SITE_ZONE).utcoffset() == timedelta(hours=5)
    assert datetime(2024, 2, 1, tzinfo=SITE_ZONE).utcoffset() == timedelta(hours=6)


@pytest.mark.parametrize("value, expected", [
    ("2024-03-09", ParsedDate("2024-03-09", None)),
    ("2024-03-09T14:35:00", ParsedDate("2024-03-09", "2024-03-09T14:35:00+05:00")),
    ("2024-03-08T20:30:00+00:00", ParsedDate("2024-03-09", "2024-03-09T01:30:00+05:00")),
    ("2020-12-01T08:02:00.000Z", ParsedDate("2020-12-01", "2020-12-01T14:02:00+06:00")),
])
def test_parse_iso_gives_site_local(value, expected):
    assert parse_iso(value) == expected


@pytest.mark.parametrize("text", ["Images", "1 245", "© 2016-2024", "31.02.2024", "14:35", ""])
def test_not_a_date(text):
    assert parse_site_date(text, "en") is None


def test_fast_path_skips_dateparser(monkeypatch):
    import dateparser

    monkeypatch.setattr(dateparser, "parse", lambda *a, **k: pytest.fail("dateparser called"))
    assert parse_site_date("9 марта 2024", "ru").date == "2024-03-09"


@pytest.mark.parametrize("line, stamp", [
    ("31 марта, 18:00", True), ("12.03.2024", True), ("March 31, 2024 at 9:15 am", True),
    ("10:50, 02 Желтоқсан 2025", True), ("2024-03-12", True), ("9 наурыз 2024 ж.", True),
    # A time alone heads a live report's entry; a number beside a word is no date.
    ("4:14 p.m.", False), ("Глава 12", False), ("Итоги 2024", False), ("March 2024", False),
    ("31 марта, в 18:00, заседание продолжится.", False),
    # A day named relatively, with its time: a related link's stamp too.
    ("Вчера, 18:00", True), ("Сегодня 12:30", True), ("Yesterday, 6:00 PM", True), ("Кеше, 18:00", True),
    ("Вчера", False), ("Сегодня в 12:30 начнётся заседание", False),
])
def test_a_line_that_is_only_a_date(line, stamp):
    assert is_date_only(line) is stamp


@pytest.mark.parametrize("line, dateline", [
    ("Published: 11/18/2011 2:27 AM Last Modified: 11/18/2011 4:06 AM", True),
    ("Опубликовано: 12 марта 2024, 10:05 | Обновлено: 12 марта 2024, 11:00", True),
    ("Updated on March 12, 2024", True),
    ("Published: the ministry's report on seeds", False),
    ("Updated figures show 12 March 2024 was the wettest day.", False),
])
def test_a_line_of_labelled_dates_only(line, dateline):
    assert is_dateline(line) is dateline
