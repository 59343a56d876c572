"""URL rules: canonical form, language, id, category, what is an article."""
import pytest

from pmkz.crawler.parsing.urls import canonical_url, category_of, is_article_url, lang_of, non_article_reason, site_id_of

BASE = "https://primeminister.kz"


def test_canonical_url_strips_query_and_fragment():
    assert canonical_url(f"{BASE}/ru/news/slug-31656?utm_source=tg#top") == f"{BASE}/ru/news/slug-31656"


@pytest.mark.parametrize("path, lang", [("/ru/news/a-1", "ru"), ("/kz/news/a-1", "kk"), ("/kk/news/a-1", "kk"),
                                        ("/en/news/a-1", "en"), ("/de/news/a-1", None), ("/", None)])
def test_lang_of(path, lang):
    assert lang_of(BASE + path) == lang


@pytest.mark.parametrize("path, site_id, category", [
    ("/ru/news/po-porucheniyu-prezidenta-dorogu-almaty-kaskelen-rasshiryat-do-vosmi-polos-31656", 31656, None),
    ("/en/news/reviews/some-review-30371", 30371, "reviews"),
    ("/ru/news/asset_recovery/vozvrat-aktivov-31773/", 31773, "asset_recovery"),
    ("/en/news/kz-translit-slug-21104517", 21104517, None),
    ("/ru/news/no-id-here", None, None),
])
def test_site_id_and_category(path, site_id, category):
    assert site_id_of(BASE + path) == site_id
    assert category_of(BASE + path) == category


@pytest.mark.parametrize("path, expected", [
    ("/ru/news/slug-31656", True),
    ("/en/news/digital_office/slug-30618", True),
    ("http://127.0.0.1:8123/kz/news/slug-29871", True),
    ("/ru/news", False),
    ("/ru/news/page/3", False),
    ("/ru/news/reviews", False),
    ("/ru/news/archive/2023-11-03", False),
    ("/ru/decisions/19012024-20", False),
    ("/assets/media/img-9262.jpeg", False),
])
def test_is_article_url(path, expected):
    assert is_article_url(path if path.startswith("http") else BASE + path) is expected


@pytest.mark.parametrize("path, refused", [
    ("/ru/decisions/19012024-20", True), ("/ru/news", True), ("/en/news/page/12", True),
    ("/ru/news/reviews/page/2", True), ("/ru/news/slug-1", False), ("/ru/news/slug-without-id", False),
])
def test_non_article_reason(path, refused):
    assert (non_article_reason(BASE + path) is not None) is refused
