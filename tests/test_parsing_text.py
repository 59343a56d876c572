"""The paragraph normal form and the site's boilerplate lines."""
import json
import re
from pathlib import Path

import pytest
from lxml import etree

from pmkz.crawler.parsing import parse_article
from pmkz.crawler.parsing.text import is_boilerplate, is_generic_title, normalize_text, strip_site_suffix

PAGES = Path(__file__).parent / "files" / "pages"
RU_URL = "https://primeminister.kz/ru/news/po-porucheniyu-prezidenta-dorogu-almaty-kaskelen-rasshiryat-do-vosmi-polos-31656"


@pytest.mark.parametrize("raw, expected", [
    ("  Prime\u00a0Minister\n\t noted ", "Prime Minister noted"),
    ("4.5\u202fthousand", "4.5 thousand"),
    ("word\u200b \u200bword", "word word"),
    ("\ufeffLead", "Lead"),
    ("Е\u0308лка", "Ёлка"),  # NFC composes
    ("«Quote»,\u00a0— he said.", "«Quote», — he said."),
    ("\n\u00a0\n", ""),
    # What XML 1.0 cannot carry goes: feeds and webhook messages are made of this text.
    ("Head\ufffeline\uffff", "Headline"),
    ("lone\ud800 surrogate\udfff", "lone surrogate"),
    ("bell\x07 and\x1f unit", "bell and unit"),
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


# What libxml2 makes of such characters written straight into the page or as references.
NOT_XML = ("&#xFFFE;", "\ufffe", "&#xFFFF;", "&#1;", "\x01", "\x0b", "&#x1F;", "&#xD800;")


@pytest.mark.parametrize("bad", NOT_XML)
def test_a_page_with_characters_xml_cannot_carry_parses_to_clean_text(bad):
    """Headline (every source of it), body after a `<br>`, links and image sources: the
    record holds none of them, and every field goes into XML and UTF-8 JSON."""
    page = (PAGES / "ru-news-2026-markup.html").read_text(encoding="utf-8")
    page = page.replace("По поручению Президента", f"По поручению{bad} Президента")
    page = page.replace("<p>", f"<p>Первый{bad} абзац<br>{bad}после переноса{bad} ", 1)
    page = re.sub(r'((?:src|href)=")/', lambda m: f"{m.group(1)}/{bad}", page)
    record = parse_article(page, RU_URL)
    # libxml2 reads a reference to a surrogate as U+FFFD, which XML carries.
    assert record["title"].replace("\ufffd", "") == "По поручению Президента дорогу Алматы – Каскелен расширят до восьми полос"
    assert "Первый абзац после переноса" in record["body"].replace("\ufffd", "")
    assert record["image_urls"] and all(bad not in url for url in record["image_urls"])
    text = json.dumps(record, ensure_ascii=False)
    text.encode("utf-8")
    element = etree.Element("record")
    element.text = text  # lxml refuses any string XML cannot carry


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
    "© РИА Новости / Иван Иванов | Перейти в медиабанк",
    "Reuters / John Smith ©",
    "Related: Possible Water Plumes on Europa: The Discovery in Images",
    "По теме: Бектенов провёл совещание по паводкам",
    "Image 3 of 5",
    "Фото 2 из 12",
    "Get the latest updates right in your inbox. Subscribe to our newsletters.",
    "Sign Up: Stay on top of the latest breaking news! Sign up for our Email Newsletters here.",
    "Email Tariq Malik or follow him @tariqjmalik. Follow us on Twitter and on Facebook.",
    "Ähnliche Beiträge",
    "Lesen Sie auch: Bauern erhalten günstige Kredite",
    "À lire aussi : les semis commencent en avril",
    "Weiterführender Link",
    "(Reporting by Will Dunham; Editing by Tom Brown)",
    "Reporting by Rodrigo Campos; additional reporting by Stephanie Kelly; Editing by Dan Grebler",
    "Fox News’ Jessica Napoli contributed to this report.",
    "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
    "Subscribe to WIRED and stay smart with more of your favorite Ideas writers.",
    "Tags: 2020 nissan sentra v-motion",
    "Topics",
    "Continue Reading Below",
    "Tempo de leitura: 1 minuto",
    "READ MORE: China plague outbreak confirmed: Two diagnosed with disease in Beijing",
    "More:",
    "More Great WIRED Stories",
    "Most read in world news",
    "Popular on IndieWire",
    "DON'T MISS",
    "Самые популярные диеты",
    "View this post on Instagram",
    "A post shared by Farmer (@farmer) on Mar 12, 2024 at 10:00am PDT",
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
    "(c) the supply of seeds, fuel and fertilisers;",
    "Related to this, the ministry will review the tariffs in May.",
    "Weitere Artikel zum Thema erscheinen im Mai, teilte das Ministerium mit.",
    "Reporting by the ministry showed that the harvest grew by a third this year.",
    "Farmers from every region contributed to the new fund, and the ministry added the rest.",
    "Followers of the ministry on Facebook asked about the seed prices.",
    "Subscribers to the newsletter of the ministry received the schedule on Monday.",
    "Tagged cattle will be counted again in May, the ministry said.",
    "Most read books of the year were about farming, the library said.",
    "The newsletter of the ministry reaches every farmer in the region, its editors said.",
    "Thousands of people on Twitter pointed it out within an hour of the launch.",
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
