"""How dates are printed on the replica's pages, in the forms seen on Kazakh news sites.

Each article page uses one form of its language, drawn from the article's key, so the
crawler meets all of them; lists print the numeric date only, as the current site does.
"""
from __future__ import annotations

import random
from datetime import datetime

EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")
KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан")

# Per language: (form with time, the same form for a page that shows only the date).
# Fields: d day, dd zero-padded day, mm month number, mon month name, Mon capitalised,
# y year, hm "14:35".
FORMS = {
    "en": [
        ("{d} {mon} {y}, {hm}", "{d} {mon} {y}"),
    ],
    "ru": [
        ("{d} {mon} {y}, {hm}", "{d} {mon} {y}"),
        ("{dd}.{mm}.{y}, {hm}", "{dd}.{mm}.{y}"),
        ("{d} {Mon} {y} {hm}", "{d} {Mon} {y}"),
    ],
    "kk": [
        ("{hm}, {dd} {Mon} {y}", "{dd} {Mon} {y}"),
        ("{d} {mon} {y} ж., {hm}", "{d} {mon} {y} ж."),
        ("{y} жылғы {d} {mon}, {hm}", "{y} жылғы {d} {mon}"),
    ],
}
MONTHS = {"en": EN_MONTHS, "ru": RU_MONTHS, "kk": KK_MONTHS}


def article_date(lang: str, when: datetime, shows_time: bool, r: random.Random) -> str:
    with_time, date_only = r.choice(FORMS[lang])
    month = MONTHS[lang][when.month - 1]
    return (with_time if shows_time else date_only).format(
        d=when.day, dd=f"{when.day:02d}", mm=f"{when.month:02d}", y=when.year,
        mon=month, Mon=month.capitalize(), hm=f"{when:%H:%M}",
    )


def list_date(when: datetime) -> str:
    return f"{when:%d.%m.%Y}"
