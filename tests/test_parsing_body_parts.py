"""What is body and what is not, one structure case a page: embedded posts, captions in
blocks of a picture's kind, subheadings and the text after them, short paragraphs beside
an image. Pages of another site (not primeminister.kz), so no site selector helps."""
import pytest

from pmkz.crawler.parsing import parse_article

URL = "https://news.example.org/2024/03/12/spring-field-work-discussed"
P1 = ("The Government considered the progress of preparations for the spring field work, "
      "the supply of seeds, fuel and fertilisers to agricultural producers.")
P2 = "Farmers will receive preferential loans before the sowing campaign starts in April, the ministry said."
P3 = "The ministry will publish the schedule of deliveries to every region next week, officials added."


def body_of(text: str) -> list[str]:
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Spring field work discussed</title></head>"
            f"<body><div class='wrap'><h1>Spring field work discussed</h1><div>12 March 2024</div>{text}</div>"
            "<footer>Contacts</footer></body></html>")
    return parse_article(html, URL)["body"].split("\n\n")


@pytest.mark.parametrize("embed", [
    "<blockquote class='instagram-media'><div><a href='https://www.instagram.com/p/x/'>View this post on Instagram"
    "</a></div><p><a href='https://www.instagram.com/p/x/'>A post shared by Farmer (@farmer)</a> on Mar 12, 2024 "
    "at 10:00am PDT</p></blockquote>",
    "<div class='tiktok-embed'><section><p>Spring sowing starts in the north of the country today.</p>"
    "<a href='https://www.tiktok.com/@farmer'>@farmer</a></section></div>",
    # An embed written without its class: the widget's own lines say what it is.
    "<blockquote><p><a href='https://www.instagram.com/p/x/'>Посмотреть эту публикацию в Instagram</a></p>"
    "<p>Публикация от Farmer (@farmer) 12 Мар 2024 в 10:00 PDT</p></blockquote>",
], ids=["instagram", "tiktok", "unmarked"])
def test_an_embedded_post_widget_is_not_body(embed):
    assert body_of(f"<div class='text'><p>{P1}</p>{embed}<p>{P2}</p></div>") == [P1, P2]


TWEET = ("<blockquote class='twitter-tweet'><p lang='en'>Seeds are on their way to every farm in the north.</p>"
         "— Ministry (@ministry) <a href='https://twitter.com/ministry/status/1'>March 12, 2024</a></blockquote>")


@pytest.mark.parametrize("embed", [
    TWEET,
    # In a wrapper whose class names it a social widget, beside its share buttons.
    f"<div class='social-media-embed'>{TWEET}<a href='https://x.com/share'>Share</a></div>",
], ids=["bare", "in-a-social-wrapper"])
def test_the_words_of_an_embedded_tweet_are_quoted_as_the_article_quotes_them(embed):
    body = body_of(f"<div class='text'><p>{P1}</p>{embed}<p>{P2}</p></div>")
    assert body[:2] == [P1, "Seeds are on their way to every farm in the north."] and body[-1] == P2
    assert "Share" not in body


@pytest.mark.parametrize("picture", [
    "<div class='article-photo'><img src='/a.jpg'><p>The Prime Minister at the meeting in Astana.</p></div>",
    "<div class='media'><img src='/a.jpg'><span>Farmers in the field near Kostanay.</span></div>",
    "<div class='bild'><img src='/a.jpg'><div class='bildunterschrift-text'>Bauern auf dem Feld bei Kostanai.</div></div>",
    "<div class='legende-wrap'><p>Des agriculteurs dans un champ près de Kostanaï.</p></div>",
    "<div role='figure'><img src='/a.jpg'><p>Farmers in the field near Kostanay.</p></div>",
], ids=["photo", "media", "bild", "legende", "role"])
def test_a_caption_ending_as_a_sentence_in_a_block_of_a_pictures_kind_is_not_body(picture):
    assert body_of(f"<div class='text'><p>{P1}</p>{picture}<p>{P2}</p></div>") == [P1, P2]


@pytest.mark.parametrize("beside", [
    "<div><img src='/a.jpg'></div><p>It rained all week.</p>",
    "<p><img src='/a.jpg'>It rained all week.</p>",
], ids=["after", "around"])
def test_a_short_paragraph_beside_an_image_is_body(beside):
    assert body_of(f"<div class='text'><p>{P1}</p>{beside}<p>{P2}</p></div>") == [P1, "It rained all week.", P2]


def test_a_subheading_whose_anchor_id_holds_a_furniture_word_is_body():
    # Anchor ids are the heading's words ("nav" of a German "Nur die Folie ..."), not a class.
    text = f"<div class='text'><p>{P1}</p><h3 id='nav_nur_die_folie_1'>Nur die Folie bleibt</h3><p>{P2}</p></div>"
    assert body_of(text) == [P1, "Nur die Folie bleibt", P2]


def test_paragraphs_after_a_subheading_beside_the_text_wrapper_are_body():
    text = f"<div class='article-text'><p>{P1}</p><p>{P2}</p><p>{P1}</p></div><h2>Deliveries</h2><p>{P3}</p>"
    assert body_of(text) == [P1, P2, P1, "Deliveries", P3]


REST = "".join(f"<p>Paragraph {n}: {P2}</p>" for n in range(1, 13))


def test_the_opening_paragraphs_above_a_wrapper_of_the_rest_are_body():
    # The opening is a small share of the text: it joins as the container's, not by its size.
    text = f"<div class='article-body'><p>{P1}</p><div class='paywall'>{REST}</div></div>"
    body = body_of(text)
    assert body[:2] == [P1, f"Paragraph 1: {P2}"] and len(body) == 13


def test_a_lead_above_the_wrapper_of_the_text_stays_out():
    text = f"<div class='story'><p class='chapo'>{P1}</p><div class='article-body'>{REST}</div></div>"
    assert body_of(text)[0] == f"Paragraph 1: {P2}"


@pytest.mark.parametrize("credit", [
    "<p>© Sputnik / Ivan Ivanov | <a href='/media/1'>Go to the media bank</a></p>",
    "<p>Photo: Ivan Ivanov</p>",
], ids=["copyright", "photo-by"])
def test_a_caption_between_an_image_and_its_credit_is_not_body(credit):
    text = (f"<div class='text'><p>{P1}</p><p><img src='/a.jpg'></p><p>The Prime Minister at the meeting in Astana</p>"
            f"{credit}<p>{P2}</p></div>")
    assert body_of(text) == [P1, P2]


def test_a_sentence_between_an_image_and_the_credit_for_the_pages_photos_is_body():
    text = (f"<div class='text'><p>{P1}</p><figure><img src='/a.jpg'></figure><p>Seven schools were built.</p>"
            "<p>Photo: the Prime Minister's official website</p></div>")
    assert body_of(text) == [P1, "Seven schools were built."]


def test_a_long_text_in_a_sidebar_apart_from_the_headline_is_not_the_body():
    widget = "".join(f"<p>Programme point {n}: {P3}</p>" for n in range(12))
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><div class='page'>"
            f"<div class='content'><article><h1>Spring field work discussed</h1><div>12 March 2024</div>"
            f"<p>{P1}</p><p>{P2}</p></article></div><aside class='widget'><div>{widget}</div></aside></div></body></html>")
    assert parse_article(html, URL)["body"].split("\n\n") == [P1, P2]


def test_an_article_whose_header_body_and_footer_each_link_another_article_is_no_list_of_teasers():
    prose = "".join(f"<p>Paragraph {n}: {P1}</p>" for n in range(8))
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><main><article>"
            "<header><h1>Spring field work discussed</h1><div>12 March 2024</div>"
            "<a href='/2024/03/01/the-winter-plan'>Follows: the winter plan</a></header>"
            f"<div class='content'>{prose}<p>As <a href='/2024/03/05/seed-prices'>reported last week</a>, prices held.</p></div>"
            "<footer><div class='author'><a href='/2024/02/20/farmers-year'>The author's last story</a> "
            "John Smith writes about farming.</div></footer></article></main></body></html>")
    assert parse_article(html, URL)["body"].startswith(f"Paragraph 0: {P1}")


LONG_TEXT = "".join(f"<p>{P1}</p><p>{P2}</p>" for _ in range(3))
ITEMS = ("<li>Seeds will be supplied to every district by the end of March this year.</li>"
         "<li>Fuel prices for farmers stay fixed until the end of the sowing campaign.</li>")


@pytest.mark.parametrize("after, last", [
    (f"<ul>{ITEMS}</ul>", "Fuel prices for farmers stay fixed until the end of the sowing campaign."),
    (f"<h2>Measures</h2><ul>{ITEMS}</ul>", "Fuel prices for farmers stay fixed until the end of the sowing campaign."),
    (f"<section class='more'><h2>Measures</h2><p>{P3}</p></section>", P3),
], ids=["list", "subheading-and-list", "section-opening-with-a-subheading"])
def test_a_short_last_part_after_the_text_wrapper_is_body(after, last):
    body = body_of(f"<div class='article-text'>{LONG_TEXT}</div>{after}")
    assert len(body) > 6 and body[-1] == last


def test_a_box_about_the_author_opening_with_a_subheading_is_not_body():
    box = "<div class='author-box'><h3>About the author</h3><p>John Smith writes about farming and the weather.</p></div>"
    assert body_of(f"<div class='article-text'>{LONG_TEXT}</div>{box}")[-1] == P2


def test_a_line_of_labelled_dates_at_the_top_of_the_text_is_not_body():
    text = (f"<div class='text'><p>Published: 11/18/2011 2:27 AM Last Modified: 11/18/2011 4:06 AM</p>"
            f"<p>{P1}</p><p>{P2}</p></div>")
    assert body_of(text) == [P1, P2]


@pytest.mark.parametrize("credit", [
    "<dl><dt>Photo:</dt><dd>personal archive of John Smith</dd></dl>",
    "<div><span class='label'>Фото:</span></div><div>личный архив Андрея Рудькова</div>",
], ids=["dl", "blocks"])
def test_a_credit_whose_label_and_name_are_blocks_apart_is_not_body(credit):
    assert body_of(f"<div class='text'><p>{P1}</p>{credit}<p>{P2}</p></div>") == [P1, P2]


def test_text_the_page_hides_is_not_body():
    hidden = ("<div style='display: none;' itemscope itemtype='http://schema.org/NewsArticle'>"
              "<div itemprop='image'><div itemprop='width'>500</div></div><div>international</div></div>")
    assert body_of(f"<div class='text'><p>{P1}</p>{hidden}<p>{P2}</p></div>") == [P1, P2]
