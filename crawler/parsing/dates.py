"""Dates as the site prints them, read as site-local time (Asia/Almaty).

Every reader takes the zone the page's clock is in: the site's for its own pages (a
stamp in UTC is converted to Almaty), None for a page of another site, whose own local
date is the one it declares or prints: a stamp keeps its offset, and a time printed
without one gives no `at` (its offset is not known).

`parse_site_date` tries precompiled patterns for every form seen on the site and on
Kazakh news sites (English, Russian, Kazakh, numeric, ISO) and calls dateparser only
when none matches: dateparser costs milliseconds a call, the patterns microseconds.
Both paths give identical results on every form the patterns know (tests check it).
"""
from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pmkz.site import SITE_TIMEZONE


def _site_zone() -> ZoneInfo:
    """Asia/Almaty with the 2024 change to UTC+5; an older system database lacks it."""
    zone = ZoneInfo(SITE_TIMEZONE)
    if datetime(2024, 6, 1, tzinfo=zone).utcoffset() != timedelta(hours=5):
        source = importlib.resources.files("tzdata").joinpath("zoneinfo", *SITE_TIMEZONE.split("/"))
        with source.open("rb") as data:
            zone = ZoneInfo.from_file(data, key=SITE_TIMEZONE)
    if datetime(2024, 6, 1, tzinfo=zone).utcoffset() != timedelta(hours=5):
        raise RuntimeError("no time zone data knows Kazakhstan's move to UTC+5 in 2024")
    return zone


SITE_ZONE = _site_zone()


@dataclass(frozen=True)
class ParsedDate:
    date: str  # YYYY-MM-DD, the page's local date
    at: str | None  # ISO 8601 with seconds and offset, None when no time was printed


# Month names and abbreviations in English, Russian and Kazakh all begin with these
# stems, in every grammatical case ("марта", "Март", "наурызында", "қаң").
_MONTH_STEMS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5,
    "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    "қаң": 1, "ақп": 2, "нау": 3, "сәу": 4, "мам": 5, "мау": 6,
    "шіл": 7, "там": 8, "қыр": 9, "қаз": 10, "қар": 11, "жел": 12,
}
_MONTH = r"(?P<month>" + "|".join(_MONTH_STEMS) + r")[^\W\d_]*\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_DATE_FORMS = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"(?<!\d)(?P<day>[0-3]?\d)\.(?P<num>[01]?\d)\." + _YEAR,            # 06.01.2026 (day first)
    r"(?<!\d)" + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR,               # 9 марта 2024
    r"(?<!\d)" + _YEAR + r"\s*(?:ж\.|жыл[^\W\d_]*)\s+" + _DAY + r"\s+" + _MONTH,  # 2024 жылғы 9 наурыз
    r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,                    # March 9, 2024
))
# Years as printed dates have them: "0001-01-01" in metadata is a template's blank.
_ISO = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<num>\d\d)-(?P<day>\d\d)"
    r"(?:[T ](?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d\d:?\d\d|(?:UTC|GMT)(?![^\W\d_]))?)?"
)
# English pages may print a 12-hour clock: "2:35 PM", "11:05 a.m.".
_TIME = (r"(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?(?!\d)"
         r"(?:\s?(?P<half>[ap])\.?m\b\.?)?")
# A time printed next to the date: "…2016, 01:16", "…2024 года в 14:35", "10:50, 02 …".
_GLUE = r"[\s,|/–—-]*(?:(?:года|г\.|ж\.|жылы|at|в)[\s,|/–—-]*){0,2}"
_TIME_AFTER = re.compile(r"^" + _GLUE + _TIME, re.IGNORECASE)
_TIME_BEFORE = re.compile(r"(?<![\d:])" + _TIME + r"[\s,|/–—-]*$")
_HAS_TIME = re.compile(_TIME)
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _local(year, month, day, hour=None, minute=None, second=None, zone=SITE_ZONE) -> ParsedDate | None:
    """A date and time as printed on a clock in `zone` (None: a zone not known)."""
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0),
                          int(minute or 0), int(second or 0), tzinfo=zone)
    except ValueError:
        return None
    at = moment.isoformat(timespec="seconds") if hour is not None and zone is not None else None
    return ParsedDate(moment.date().isoformat(), at)


def _moment(moment: datetime, zone) -> ParsedDate:
    """An instant with a known offset, on the clock of `zone` (None: its own offset)."""
    if zone is not None:
        moment = moment.astimezone(zone)
    return ParsedDate(moment.date().isoformat(), moment.isoformat(timespec="seconds"))


def parse_iso(text: str, zone=SITE_ZONE) -> ParsedDate | None:
    """An ISO 8601 date or date-time (metadata, `<time datetime>`), on the clock of `zone`."""
    match = _ISO.search(text or "")
    if not match:
        return None
    if not match["tz"]:
        return _local(match["year"], match["num"], match["day"],
                      match["hour"], match["minute"], match["second"], zone)
    tz = "+00:00" if match["tz"] in ("Z", "UTC", "GMT") else match["tz"]
    if ":" not in tz:
        tz = tz[:3] + ":" + tz[3:]
    stamp = f"{match['year']}-{match['num']}-{match['day']}T{match['hour']}:{match['minute']}:{match['second'] or '00'}{tz}"
    try:
        return _moment(datetime.fromisoformat(stamp), zone)
    except ValueError:
        return None


def _hour(time: re.Match) -> int:
    """The hour on a 24-hour clock; 12 AM is midnight and 12 PM noon."""
    hour = int(time["hour"])
    if not time["half"]:
        return hour
    return hour % 12 + (12 if time["half"].lower() == "p" else 0)


# The same printed date is read several times a page (date line, lead candidates, the
# parent that may add the time) and again on every list page of the day: ParsedDate is
# frozen, so an answer can be handed out again.
@lru_cache(maxsize=2048)
def parse_fast(text: str, zone=SITE_ZONE) -> ParsedDate | None:
    """The first printed date in `text` in a known form, with its adjacent time if any."""
    iso = parse_iso(text, zone)
    if iso:
        return iso
    for form in _DATE_FORMS:
        match = form.search(text)
        if not match:
            continue
        month = int(match["num"]) if "num" in form.groupindex else _MONTH_STEMS[match["month"].lower()]
        time = _TIME_AFTER.search(text[match.end():]) or _TIME_BEFORE.search(text[:match.start()])
        if time:
            return _local(match["year"], month, match["day"], _hour(time), time["minute"], time["second"], zone)
        return _local(match["year"], month, match["day"], zone=zone)
    return None


# dateparser reads neither "2024 жылғы 9 наурыз" nor a month with a case ending; every
# Kazakh month abbreviation it knows is the name's first three letters.
_KAZAKH_YEAR_FIRST = re.compile(r"(\d{4})\s*(?:ж\.|жыл[^\W\d_]*)\s+(\d{1,2})\s+([^\W\d_]{3})[^\W\d_]*", re.IGNORECASE)


def parse_with_dateparser(text: str, lang: str | None, zone=SITE_ZONE) -> ParsedDate | None:
    """The general (slow) reader; only texts with a four-digit year are tried, and only
    in a known language (`lang` None: not tried, guessing the language costs too much)."""
    if lang is None or len(text) > 120 or not _HAS_YEAR.search(text):
        return None
    import dateparser  # imported on first need: it takes a second to load

    text = _KAZAKH_YEAR_FIRST.sub(r"\2 \3 \1", text)
    settings = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]}
    moment = dateparser.parse(text, languages=[lang], settings=settings)
    if moment is None:
        return None
    if moment.tzinfo is not None:
        return _moment(moment, zone)
    time = _HAS_TIME.search(text)
    return _local(moment.year, moment.month, moment.day,
                  *((moment.hour, moment.minute, moment.second) if time else (None, None, None)), zone)


def parse_site_date(text: str, lang: str | None, zone=SITE_ZONE) -> ParsedDate | None:
    """A date (and time, when printed) as the site shows it, in any of its languages."""
    return parse_fast(text, zone) or parse_with_dateparser(text, lang, zone)


# A line that is nothing but a date stamp: "31 марта, 18:00", "12.03.2024", "March 31,
# 2024 at 9:15 am". Its parts: times, numeric dates, numbers, and words; of the words
# all but one must be month names, and it needs a numeric date or a day beside a month
# to be a stamp at all ("Глава 12" is none). A time alone ("4:14 p.m.") heads an entry of
# a live report.
_STAMP_LONGEST = 48
_STAMP_TIME = re.compile(r"(?<!\d)" + _TIME, re.IGNORECASE)
_STAMP_NUMERIC = re.compile(r"(?<!\d)(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})(?!\d)")
_STAMP_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_STAMP_MONTH = re.compile(r"(?:" + "|".join(_MONTH_STEMS) + r")[^\W\d_]*$", re.IGNORECASE)
_STAMP_PUNCTUATION = re.compile(r"[\s,.:;|/()\[\]•·–—-]*")
# Labels of a date stamp in a dateline, each followed by its stamp.
_DATELINE_LABEL = re.compile(
    r"\s*(?:published|updated|last modified|last updated|posted|modified|first published|"
    r"опубликовано|обновлено|дата публикации|дата обновления|изменено|жарияланды|жаңартылды)"
    r"(?:\s+on)?\s*:?\s*", re.IGNORECASE)
_DATELINE_LONGEST = 3 * _STAMP_LONGEST
# "Вчера, 18:00": a day named relatively stamps a related link as a date does.
_RELATIVE_DAYS = frozenset(("today", "yesterday", "сегодня", "вчера", "бүгін", "кеше"))


def is_dateline(line: str) -> bool:
    """True when the normalised line is only labelled date stamps: "Published: 11/18/2011
    2:27 AM Last Modified: 11/18/2011 4:06 AM", "Опубликовано: 12 марта 2024, 10:05 |
    Обновлено: 12 марта 2024, 11:00". The article's facts about itself, not its text."""
    if len(line) > _DATELINE_LONGEST or not _DATELINE_LABEL.match(line):
        return False
    stamps = [part for part in _DATELINE_LABEL.split(line) if part.strip(" |•·,;")]
    return bool(stamps) and all(is_date_only(part.strip(" |•·,;")) for part in stamps)


def is_date_only(line: str) -> bool:
    """True when the normalised line is a date (and time) stamp and nothing else: the
    date of a related link or a dateline, never a sentence."""
    if len(line) > _STAMP_LONGEST or line.endswith(("!", "?")):
        return False
    rest, times = _STAMP_TIME.subn(" ", line)
    rest, numeric = _STAMP_NUMERIC.subn(" ", rest)
    tokens = _STAMP_TOKEN.findall(rest)
    if "".join(tokens) != _STAMP_PUNCTUATION.sub("", rest):
        return False  # something that is neither a word, a number nor a separator
    numbers = [t for t in tokens if t.isdigit()]
    months = [t for t in tokens if not t.isdigit() and _STAMP_MONTH.match(t)]
    others = len(tokens) - len(numbers) - len(months)
    day_and_month = bool(months) and any(len(n) <= 2 and 0 < int(n) <= 31 for n in numbers)
    relative_day = times and not numbers and len(tokens) == 1 and tokens[0].casefold() in _RELATIVE_DAYS
    return others <= 1 and len(numbers) <= 2 and len(months) <= 1 and bool(numeric or day_and_month or relative_day)
