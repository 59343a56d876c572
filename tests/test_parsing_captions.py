"""The record's `image_captions`, one structure case a page: a figcaption, a caption-classed
block beside the image, a caption in the image's title, credits cut off, and images with
no caption. Pages of another site, so no site selector helps."""
import pytest

from pmkz.crawler.parsing import parse_article

URL = "https://news.example.org/2024/03/12/spring-field-work-discussed"
HEADLINE = "Spring field work discussed"
P1 = ("The Government considered the progress of preparations for the spring field work, "
      "the supply of seeds, fuel and fertilisers to agricultural producers.")
P2 = "Farmers will receive preferential loans before the sowing campaign starts in April, the ministry said."
IMAGE = "https://news.example.org/a.jpg"
CAPTION = "Farmers in the field near Kostanay"


def parsed(text: str) -> dict:
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Spring field work discussed</title></head>"
            f"<body><div class='wrap'><h1>{HEADLINE}</h1><div>12 March 2024</div>"
            f"<div class='text'><p>{P1}</p>{text}<p>{P2}</p></div></div><footer>Contacts</footer></body></html>")
    return parse_article(html, URL)


@pytest.mark.parametrize("picture", [
    f"<figure><img src='/a.jpg' alt='{HEADLINE}'><figcaption>{CAPTION}</figcaption></figure>",
    # A linked original, the caption beside the link's wrapper, in blocks of its own.
    f"<figure><div class='pic'><a href='/a.jpg'><img src='/thumbs/a.jpg'></a></div>"
    f"<figcaption><p>Farmers in the field</p><p>near Kostanay</p></figcaption></figure>",
], ids=["figcaption", "figcaption-beside-a-linked-original"])
def test_a_figcaption_is_its_images_caption(picture):
    record = parsed(picture)
    assert record["image_captions"] == {IMAGE: CAPTION}
    assert record["body"].split("\n\n") == [P1, P2]


@pytest.mark.parametrize("picture", [
    f"<div class='wp-caption'><img src='/a.jpg'><p class='wp-caption-text'>{CAPTION}</p></div>",
    f"<div class='photo'><p class='photo-legende'>{CAPTION}</p><div><img src='/a.jpg'></div></div>",
], ids=["caption-after", "legende-before"])
def test_a_caption_classed_block_beside_the_image_is_its_caption(picture):
    assert parsed(picture)["image_captions"] == {IMAGE: CAPTION}


def test_a_caption_in_the_images_title_is_read_but_not_one_repeating_the_headline():
    record = parsed(f"<p><img src='/a.jpg' title='{CAPTION}'></p><p><img src='/b.jpg' title='{HEADLINE}'></p>")
    assert record["image_captions"] == {IMAGE: CAPTION}


@pytest.mark.parametrize("caption", [
    f"{CAPTION}. Фото: primeminister.kz",
    f"{CAPTION} | © Kazinform / Ivan Petrov",
    f"{CAPTION}<span class='credit'>Reuters</span>",
    f"{CAPTION}<br>Photo: Official website of the Prime Minister",
    f"<span>{CAPTION}.</span><span><span>Credit</span>...Ivan Petrov/Kazinform</span>",
    f"{CAPTION}. Image via Kazinform",
], ids=["foto-label", "copyright-mark", "credit-classed", "photo-label-after-br", "credit-ellipsis", "image-via"])
def test_the_credit_is_no_part_of_the_caption(caption):
    captions = parsed(f"<figure><img src='/a.jpg'><figcaption>{caption}</figcaption></figure>")["image_captions"]
    assert captions[IMAGE].rstrip(".") == CAPTION


@pytest.mark.parametrize("picture", [
    # A credit alone is no caption.
    "<figure><img src='/a.jpg'><figcaption>Фото: Акорда</figcaption></figure>",
    "<div class='image'><img src='/a.jpg'><div class='image-credit'>© Kazinform</div></div>",
    # Alt text repeats the headline: no caption.
    f"<p><img src='/a.jpg' alt='{HEADLINE}'></p>",
    # One caption under a group of images is the group's, no one image's.
    f"<figure><img src='/a.jpg'><img src='/b.jpg'><figcaption>{CAPTION}</figcaption></figure>",
], ids=["foto-label-only", "credit-classed-only", "alt-only", "group"])
def test_an_image_without_a_caption_of_its_own_has_none(picture):
    record = parsed(picture)
    assert IMAGE in record["image_urls"] and record["image_captions"] == {}


def test_a_page_without_images_has_no_captions():
    assert parsed("")["image_captions"] == {}


def test_the_replica_prints_every_images_caption_and_the_parser_reads_its_truth():
    """Both skins, in process: the captions of lead images, of figures in the body and of
    a photo report's grid are read as the replica's truth, and its bodies stay whole."""
    from pmkz.replica import build_site
    from pmkz.replica.render import Renderer
    from pmkz.replica.truth import record

    base = "http://127.0.0.1:8123"
    site = build_site(10, 0, 0)
    kinds = set()
    for skin in ("modern", "classic"):
        renderer = Renderer(site, skin, base)
        for article in (a for articles in site.live.values() for a in articles):
            truth = record(site, article, base)
            parsed_page = parse_article(renderer.article(article), truth["url"])
            assert set(truth["image_captions"]) == set(truth["image_urls"])
            assert [parsed_page[f] for f in ("image_captions", "body", "summary")] == [
                truth[f] for f in ("image_captions", "body", "summary")], (skin, article.path)
            kinds.add((truth["kind"], len(truth["image_urls"]) > 1))
    assert {("gallery", True), ("news", True)} <= kinds


def test_the_crawlers_article_item_carries_the_captions_to_the_store():
    from pmkz.crawler.items import ArticleItem

    record = parsed(f"<figure><img src='/a.jpg'><figcaption>{CAPTION}</figcaption></figure>")
    assert ArticleItem(**record).record()["image_captions"] == {IMAGE: CAPTION}
