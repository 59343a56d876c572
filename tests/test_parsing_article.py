"""parse_article on saved pages in three markups: 2019 (the seed photo report), 2026
(as configured by a 2026 project) and one with no class names at all. One short test
per field, as in City Bureau's spiders."""
from pathlib import Path

import pytest

from pmkz.crawler.parsing import parse_article

FILES = Path(__file__).parent / "files"
PAGES = FILES / "pages"
SEED_URL = "https://primeminister.kz/en/news/viziti_i_poezdki/olzhas-bektenov-visits-industrial-enterprises-of-pavlodar-region-27543"
RU_URL = "https://primeminister.kz/ru/news/po-porucheniyu-prezidenta-dorogu-almaty-kaskelen-rasshiryat-do-vosmi-polos-31656"
KK_URL = "https://primeminister.kz/kz/news/ukimet-akmola-oblysynda-zhylu-mausymyna-daiyndykty-tekserdi-29871"

seed = parse_article((PAGES / "seed-gallery-2019-markup.html").read_bytes(), SEED_URL)
ru = parse_article((PAGES / "ru-news-2026-markup.html").read_bytes(), RU_URL + "?utm_source=tg#top")
kk = parse_article((PAGES / "kk-news-no-classes.html").read_bytes(), KK_URL)


def seed_paragraphs() -> list[str]:
    """The seed record's body, paragraph for paragraph, with its one known loss repaired:
    the opening quote before "It is necessary to raise the bar"."""
    text = (FILES / "seed-record.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return ['"' + p if p.startswith("It is necessary to raise the bar") else p for p in paragraphs]


def test_seed_body_is_the_seed_paragraphs():
    assert seed["body"] == "\n\n".join(seed_paragraphs())


def test_seed_title_is_the_headline_not_the_page_name():
    assert seed["title"] == "Olzhas Bektenov visits industrial enterprises of Pavlodar region"


def test_seed_is_a_gallery():
    assert seed["kind"] == "gallery"


def test_seed_date():
    assert seed["published_date"] == "2024-03-09"
    assert seed["published_at"] == "2024-03-09T15:20:00+05:00"


def test_seed_summary_is_not_the_site_description():
    assert seed["summary"] is None


def test_seed_images_are_originals_not_thumbnails_icons_or_sidebar():
    assert seed["image_urls"] == [f"https://primeminister.kz/assets/media/img-{n}.jpeg" for n in range(9262, 9269)]


def test_record_keys():
    assert list(seed) == ["url", "site_id", "lang", "kind", "category", "title", "published_date",
                          "published_at", "summary", "body", "image_urls", "image_captions", "translations",
                          "field_sources"]


def test_url_fields():
    assert (seed["url"], seed["site_id"], seed["lang"], seed["category"]) == (SEED_URL, 27543, "en", "viziti_i_poezdki")
    assert (ru["url"], ru["site_id"], ru["lang"], ru["category"]) == (RU_URL, 31656, "ru", None)
    assert (kk["url"], kk["site_id"], kk["lang"], kk["category"]) == (KK_URL, 29871, "kk", None)


def test_title():
    assert ru["title"] == "По поручению Президента дорогу Алматы – Каскелен расширят до восьми полос"
    assert kk["title"] == "Үкімет Ақмола облысында жылу маусымына дайындықты тексерді"


def test_published():
    assert (ru["published_date"], ru["published_at"]) == ("2026-01-06", "2026-01-06T12:40:00+05:00")
    assert (kk["published_date"], kk["published_at"]) == ("2023-11-14", "2023-11-14T10:50:00+06:00")


def test_summary():
    assert ru["summary"] == "Реконструкция участка протяжённостью 18 км начнётся весной и завершится до конца 2027 года."
    assert kk["summary"] == "Премьер-Министр Әлихан Смайылов Көкшетау қаласындағы жылу электр орталығының жұмысымен танысты."


def test_body_2026_markup():
    assert ru["body"].split("\n\n") == [
        "Премьер-Министр Олжас Бектенов провёл совещание по вопросам развития транспортной инфраструктуры Алматинской агломерации.",
        "Как сообщил министр транспорта, участок дороги Алматы – Каскелен протяжённостью 18 км будет расширен с четырёх до восьми полос. Работы начнутся весной 2026 года.",
        "«Дорога должна быть безопасной и удобной для жителей пригородов. Прошу обеспечить качество работ и соблюдение сроков», — подчеркнул Олжас Бектенов.",
        "По словам главы Правительства, реконструкция позволит сократить время в пути до центра Алматы почти вдвое.",
        "Что изменится",
        "появятся две развязки в разных уровнях;",
        "будут построены шесть надземных пешеходных переходов;",
        "вдоль трассы установят шумозащитные экраны.",
        "Поручение Главы государства по расширению дороги будет исполнено до конца 2027 года.",
    ]


def test_body_without_class_names():
    assert kk["body"].split("\n\n") == [
        "Үкімет басшысы жылу маусымына дайындық барысын тексеріп, қазандықтар мен жылу желілерін жаңғырту жұмыстарына назар аударды.",
        "Облыс әкімінің айтуынша, биыл 45 шақырым жылу желісі жөнделді. Бұл көрсеткіш өткен жылмен салыстырғанда екі есе көп.",
        "«Қыс мезгілінде тұрғындарды жылумен үздіксіз қамтамасыз ету – басты міндет», – деді Әлихан Смайылов.",
        "Сондай-ақ Премьер-Министр жергілікті атқарушы органдарға апатты жағдайлардың алдын алу бойынша нақты тапсырмалар берді.",
    ]


def test_images():
    assert ru["image_urls"] == ["https://primeminister.kz/assets/media/5_72.jpg",
                                "https://primeminister.kz/assets/media/img-31656-2.jpg"]
    assert kk["image_urls"] == ["https://primeminister.kz/assets/media/img-29871.jpeg",
                                "https://primeminister.kz/assets/media/img-29871-2.jpeg"]


def test_kind_news():
    assert ru["kind"] == kk["kind"] == "news"


@pytest.mark.parametrize("record", [seed, ru, kk], ids=["2019", "2026", "no-classes"])
def test_body_normal_form(record):
    for paragraph in record["body"].split("\n\n"):
        assert paragraph and paragraph == paragraph.strip()
        assert "  " not in paragraph and "\n" not in paragraph and "\u00a0" not in paragraph


def test_a_markup_no_selector_knows():
    """A third-party-looking markup (Nuxt-style classes no selector names): site-name
    <title>, split date and time, lazy slider, a sidebar of teasers beside the text."""
    url = "https://primeminister.kz/en/news/digital_office/digital-office-of-the-government-reaches-all-regions-30650"
    record = parse_article((PAGES / "en-news-unknown-markup.html").read_bytes(), url)
    assert record["title"] == "Digital office of the Government reaches all regions"
    assert record["published_at"] == "2024-02-27T18:45:00+06:00"
    assert record["summary"] is None
    assert record["body"].split("\n\n") == [
        "The Digital office of the Government now connects the akimats of all 20 regions, "
        "the Ministry of Digital Development reported at the Government meeting.",
        "Through the system, launched in 2023, the Government monitors 1,200 indicators of "
        "socio-economic development online.",
        "\u201cDecisions must rest on data, not on reports,\u201d the Prime Minister said.",
    ]
    assert record["image_urls"] == [f"https://primeminister.kz/assets/media/img-30618{n}.jpeg" for n in ("", "-1", "-2")]


def test_a_news_agency_layout_headline_above_its_subtitle_body_without_captions_credits_or_related_dates():
    # Written here after the layout of Russian-language news agencies: the headline in a
    # styled <div> above an h1 subtitle, pictures with a caption and a credit with a
    # media-bank link in plain <div>s, a related story with its date inside the text.
    record = parse_article((PAGES / "ru-agency-news-media-layout.html").read_bytes(),
                           "https://news.example.org/20240331/posevnaya-1937000000.html")
    assert record["title"] == "Правительство обсудило посевную"
    assert record["body"].split("\n\n") == [
        "АСТАНА, 31 мар — Агентство. Правительство рассмотрело ход подготовки к весенне-полевым работам, "
        "обеспечение сельхозтоваропроизводителей семенами, топливом и удобрениями.",
        "Аграрии получат льготные кредиты до начала посевной кампании в апреле, сообщили в министерстве.",
        "Министр отметил, что запасы семян достаточны для всех регионов страны.",
        "В прошлом году посевная площадь выросла на три процента.",
    ]
