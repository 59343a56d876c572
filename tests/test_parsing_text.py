"""The paragraph normal form and the site's boilerplate lines."""
import pytest

from pmkz.crawler.parsing.text import is_boilerplate, is_generic_title, normalize_text, strip_site_suffix


@pytest.mark.parametrize("raw, expected", [
    ("  Prime\u00a0Minister\n\t noted ", "Prime Minister noted"),
    ("4.5\u202fthousand", "4.5 thousand"),
    ("word\u200b \u200bword", "word word"),
    ("\ufeffLead", "Lead"),
    ("Е\u0308лка", "Ёлка"),  # NFC composes
    ("«Quote»,\u00a0— he said.", "«Quote», — he said."),
    ("\n\u00a0\n", ""),
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("line", [
    "Photo: Официальный сайт Премьер-Министра РК",
    "Фото: primeminister.kz",
    "Сурет: ҚР Премьер-Министрінің баспасөз қызметі",
    "Stay updated about the events of the Prime Minister and the Government of Kazakhstan - subscribe to the official Telegram channel",
    "Подписывайтесь на официальный Telegram-канал Премьер-Министра Республики Казахстан",
    "Премьер-Министрдің ресми Telegram-арнасына жазылыңыз",
    "Download the App for Android",
    "Скачайте приложение для Android",
    "Қосымшаны жүктеп алыңыз",
    "Фото пресс-службы Премьер-Министра РК",
    "Share:",
    "Поделиться",
    "Читайте также: Олжас Бектенов проверил ход строительства БАКАД",
    "Read also",
    "Сондай-ақ оқыңыз",
    "Advertisement",
    "ADVERTISEMENT",
    "Реклама",
    "Comments",
    "Read more",
    "You may also like...",
    "Related stories:",
])
def test_boilerplate(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "The ministry's Telegram channel reported that 5 people were rescued.",
    "Photographers from 12 countries took part in the exhibition, the organisers said.",
    "Latest news from the regions shows that the sowing campaign has begun.",
    "Фотовыставка о развитии регионов откроется в Астане в субботу, сообщили организаторы.",
    "The new eGov app for Android and iOS was downloaded by two million citizens in its first month, "
    "the minister said at the meeting of the Government.",
    "Advertisement revenue fell by a third last year, the company said.",
])
def test_not_boilerplate(line):
    assert not is_boilerplate(line)


@pytest.mark.parametrize("title", ["Images", "Фото", "Фотографии", "Суреттер", "Видео", "Photo report",
                                   "primeminister.kz", "Official Information Source of the Prime Minister of the Republic of Kazakhstan"])
def test_generic_titles(title):
    assert is_generic_title(title)


@pytest.mark.parametrize("title, expected", [
    ("Images | primeminister.kz", "Images"),
    ("Headline - with a dash | primeminister.kz", "Headline - with a dash"),
    ("Новости | Официальный информационный ресурс Премьер-Министра Республики Казахстан", "Новости"),
    ("Meeting of the Government - Prime Minister's remarks", "Meeting of the Government - Prime Minister's remarks"),
])
def test_strip_site_suffix(title, expected):
    assert strip_site_suffix(title) == expected
