"""Structure over class names: small hand-written pages that vary one thing each."""
import sys

import pytest

from pmkz.crawler.parsing import NotAnArticle, parse_article

URL = "https://primeminister.kz/en/news/government-meeting-on-spring-field-work-30001"
PROSE = ("The Government considered the progress of preparations for the spring field work, "
         "the supply of seeds, fuel and fertilisers to agricultural producers.")


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def article(header: str = "<h1>Spring field work discussed</h1><div>12 March 2024, 10:05</div>",
            text: str = f"<p>{PROSE}</p><p>Second paragraph of the article text.</p>", around: str = "") -> str:
    return page(f"{around}<div>{header}<div>{text}</div></div>")


def test_logo_h1_is_not_the_headline():
    html = page("<div><h1><a href='/en'><img src='/logo.svg'></a></h1></div>"
                "<div><h1>Spring field work discussed</h1><div>12 March 2024</div><div><p>" + PROSE + "</p></div></div>")
    assert parse_article(html, URL)["title"] == "Spring field work discussed"


def test_the_headline_printed_after_its_date_in_an_h2_wins_over_h1s_of_sections():
    html = page("<div><h2 class='entry-title'><time datetime='2024-03-12'>Mar 12 </time>Spring field work discussed"
                f"</h2><div><h1>Seeds</h1><p>{PROSE}</p><h1>Fuel</h1><p>{PROSE}</p></div></div>",
                head="<meta property='og:title' content='Spring field work discussed'>")
    assert parse_article(html, URL)["title"] == "Spring field work discussed"


def test_no_h1_title_from_metadata_minus_site_name():
    html = page(f"<div><div>12 March 2024</div><div><p>{PROSE}</p></div></div>",
                head="<title>Spring field work discussed | primeminister.kz</title>")
    assert parse_article(html, URL)["title"] == "Spring field work discussed"


def test_generic_og_title_is_never_the_title():
    html = page(f"<div><div>12 March 2024</div><div><p>{PROSE}</p></div></div>",
                head="<meta property='og:title' content='Images'><title>Images | primeminister.kz</title>")
    with pytest.raises(ValueError, match="no headline"):
        parse_article(html, URL)


@pytest.mark.parametrize("header, date, at", [
    ("<div>12 March 2024</div><h1>Spring field work discussed</h1>", "2024-03-12", None),
    ("<h1>Spring field work discussed</h1><div><span>12 March 2024</span><span>10:05</span></div>",
     "2024-03-12", "2024-03-12T10:05:00+05:00"),
    ("<h1>Spring field work discussed</h1><time datetime='2024-03-12T05:05:00Z'>12 March</time>",
     "2024-03-12", "2024-03-12T10:05:00+05:00"),
    ("<h1>Spring field work discussed</h1><div><span class='news__date'>12.03.2024</span> <span>10:05</span></div>",
     "2024-03-12", "2024-03-12T10:05:00+05:00"),
    ("<h1>Spring field work discussed</h1><time datetime='2024-03-12'>12 March 2024, 10:05</time>",
     "2024-03-12", "2024-03-12T10:05:00+05:00"),
    ("<h1>Spring field work discussed</h1><div>Views: 120</div><div>Astana, 12.03.2024</div>", "2024-03-12", None),
    ("<h1>Spring field work discussed</h1><div>29 February 2024, 10:05</div>", "2024-02-29", "2024-02-29T10:05:00+06:00"),
])
def test_printed_date_near_the_headline(header, date, at):
    record = parse_article(article(header=header), URL)
    assert (record["published_date"], record["published_at"]) == (date, at)


def test_metadata_date_comes_first():
    head = ('<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
            '"datePublished": "2024-03-11T18:00:00+06:00"}]}</script>')
    html = page(f"<div><h1>Spring field work discussed</h1><div>12 March 2024</div><div><p>{PROSE}</p></div></div>", head)
    assert parse_article(html, URL)["published_at"] == "2024-03-11T17:00:00+05:00"


def test_sidebar_and_footer_dates_are_never_read():
    html = page("<div class='sidebar'><div>1 January 2024</div><a href='/en/news/other-1'>Other</a></div>"
                f"<div><h1>Spring field work discussed</h1><div><p>{PROSE}</p></div></div>"
                "<div><a href='/en/news/old-news-2'>Old news</a> 2 February 2024</div><footer>© 2024</footer>")
    with pytest.raises(ValueError, match="no publication date"):
        parse_article(html, URL)


def test_one_wrapper_per_paragraph():
    text = "".join(f"<div class='row'><p>Paragraph {n}: {PROSE}</p></div>" for n in range(1, 4))
    record = parse_article(article(text=text), URL)
    assert record["body"].split("\n\n") == [f"Paragraph {n}: {PROSE}" for n in range(1, 4)]


def test_quotes_in_their_own_elements_are_kept():
    text = '<p><span>"</span>It is necessary to act<em>,"</em> he said.</p><p>' + PROSE + "</p>"
    assert parse_article(article(text=text), URL)["body"].startswith('"It is necessary to act," he said.')


def test_share_rows_and_read_also_are_dropped():
    text = (f"<p>{PROSE}</p><div><a href='https://facebook.com/sharer'>Facebook</a> <a href='https://x.com/share'>X</a></div>"
            "<p>Read also:</p><p><a href='/en/news/other-1'>Other article</a></p>"
            "<ul><li><a href='/en/news/other-2'>Another article</a></li></ul>")
    assert parse_article(article(text=text), URL)["body"] == PROSE


def test_lazy_images():
    text = (f"<p>{PROSE}</p><img src='data:image/gif;base64,R0lGOD' data-original='/assets/media/a.jpg'>"
            "<img srcset='/assets/media/b-480.jpg 480w, /assets/media/b-1200.jpg 1200w'>"
            "<img src='/assets/img/icon-print.svg'><img src='/assets/media/c.jpg' width='16'>")
    assert parse_article(article(text=text), URL)["image_urls"] == [
        "https://primeminister.kz/assets/media/a.jpg", "https://primeminister.kz/assets/media/b-1200.jpg"]


def test_gallery_by_grid_of_linked_images():
    grid = "".join(f"<a href='/assets/media/{n}.jpg'><img src='/assets/media/t/{n}.jpg'></a>" for n in range(4))
    record = parse_article(article(text=f"<p>{PROSE}</p><div>{grid}</div>"), URL)
    assert record["kind"] == "gallery"
    assert record["image_urls"] == [f"https://primeminister.kz/assets/media/{n}.jpg" for n in range(4)]


def test_gallery_by_slug():
    assert parse_article(article(), "https://primeminister.kz/ru/news/fotootchet-rabochaya-poezdka-12793")["kind"] == "gallery"


def test_broken_markup():
    html = ("<html><body><div class=article><h1>Spring field work discussed</h1></span><div>12 March 2024</div>"
            f"<div><p>{PROSE}<p>Second <b>paragraph</div></i><div><p>unclosed sidebar <a href=/en/news/x-1>link</a>")
    record = parse_article(html, URL)
    assert record["body"] == f"{PROSE}\n\nSecond paragraph"
    assert record["published_date"] == "2024-03-12"


def test_short_body_beside_a_sidebar_of_teasers():
    teasers = "".join(f"<div><a href='/en/news/other-news-{n}'>Other news {n}</a><div>{PROSE}</div></div>" for n in range(4))
    html = page(f"<div><div><h1>Spring field work discussed</h1><div>12 March 2024</div>"
                f"<div><p>A short photo report caption of the meeting.</p></div></div><div>{teasers}</div></div>")
    assert parse_article(html, URL)["body"] == "A short photo report caption of the meeting."


def test_printed_date_inside_the_body_is_not_a_paragraph():
    head = "<meta property='article:published_time' content='2024-03-12T10:05:00+05:00'>"
    html = page(f"<div><h1>Spring field work discussed</h1><div><p>12.03.2024, 10:05</p><p>{PROSE}</p></div></div>", head)
    record = parse_article(html, URL)
    assert (record["body"], record["published_at"]) == (PROSE, "2024-03-12T10:05:00+05:00")


# A page whose body a script draws, its text only in <noscript>: our layers find no body
# there; trafilatura, the layer under them, does.
SCRIPTED = page("<div><h1>Spring field work discussed</h1><div>12 March 2024</div><div id='app'></div>"
                f"<noscript><p>{PROSE}</p><p>Farmers will receive subsidised loans before the sowing "
                "campaign begins in April this year.</p></noscript></div>")


def test_a_body_our_layers_refuse_comes_from_trafilatura():
    record = parse_article(SCRIPTED, URL)
    assert record["field_sources"]["body"] == "trafilatura"
    assert record["body"].startswith(f"{PROSE}\n\nFarmers will receive subsidised loans")


def test_without_trafilatura_such_a_page_is_refused_with_the_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as in a venv where it cannot import
    with pytest.raises(NotAnArticle) as refused:
        parse_article(SCRIPTED, URL)
    assert refused.value.missing == "body"
    assert str(refused.value).startswith("no body (the trafilatura layer cannot run: ")
    assert "\n" not in str(refused.value)


# Captions, credits, embedded posts and related links: told from the text by structure,
# in any language, and kept out of the body.
RU_URL = "https://primeminister.kz/ru/news/soveshchanie-po-vesenne-polevym-rabotam-30001"
RU_HEADER = "<h1>Обсуждены весенне-полевые работы</h1><div>12 марта 2024, 10:05</div>"
RU_PROSE = ("Правительство рассмотрело ход подготовки к весенне-полевым работам, обеспечение "
            "сельхозтоваропроизводителей семенами, топливом и удобрениями.")
RU_MORE = "Аграрии получат льготные кредиты до начала посевной кампании в апреле."


def test_caption_and_credit_beside_an_image_without_figure_markup():
    picture = ("<div><div><img src='/assets/media/1.jpg'></div><div>Премьер-министр на совещании в Астане</div>"
               "<div>© Пресс-служба / Иван Иванов | <a href='/media/1'>Перейти в медиабанк</a></div></div>")
    record = parse_article(article(header=RU_HEADER, text=f"{picture}<p>{RU_PROSE}</p><p>{RU_MORE}</p>"), RU_URL)
    assert record["body"].split("\n\n") == [RU_PROSE, RU_MORE]


def test_a_caption_mid_body_goes_and_a_subheading_beside_an_image_stays():
    text = (f"<p>{PROSE}</p><div><div><img src='/assets/media/2.jpg'></div><p>Farmers at the meeting in Astana.</p>"
            "<p>Photo by John Smith</p></div><div><img src='/assets/media/3.jpg'><h2>Seeds and fuel</h2></div>"
            "<p>The ministry will supply seeds and fuel at fixed prices until the end of May.</p>")
    assert parse_article(article(text=text), URL)["body"].split("\n\n") == [
        PROSE, "Seeds and fuel", "The ministry will supply seeds and fuel at fixed prices until the end of May."]


def test_short_lines_after_an_image_of_their_own_are_body():
    steps = "".join(f"<p><img src='/assets/media/{n}.jpg'></p><p>Step {n}: open the menu</p>" for n in range(2))
    assert parse_article(article(text=f"<p>{PROSE}</p>{steps}"), URL)["body"].split("\n\n") == [
        PROSE, "Step 0: open the menu", "Step 1: open the menu"]


def test_a_credit_line_with_a_copyright_mark_in_any_place():
    text = f"<p>{PROSE}</p><p>Reuters / John Smith ©</p><p>Second paragraph of the article text.</p>"
    assert parse_article(article(text=text), URL)["body"].split("\n\n") == [
        PROSE, "Second paragraph of the article text."]


@pytest.mark.parametrize("related", [
    # Headline and date in blocks of their own, and on one line.
    "".join(f"<div><a href='/ru/news/drugaya-novost-{n}'>Другая новость номер {n}</a></div><div>3{n} марта, 18:00</div>"
            for n in range(2)),
    "".join(f"<div><a href='/ru/news/drugaya-novost-{n}'>Другая новость номер {n}</a> <span>3{n} марта, 18:00</span></div>"
            for n in range(2)),
    "<div><a href='/ru/news/drugaya-novost-1'>Другая новость</a></div><div>31.03.2024</div>",
])
def test_dates_of_related_links_after_the_text_are_not_body(related):
    record = parse_article(article(header=RU_HEADER, text=f"<p>{RU_PROSE}</p><p>{RU_MORE}</p>{related}"), RU_URL)
    assert record["body"].split("\n\n") == [RU_PROSE, RU_MORE]


def test_prose_that_names_a_date_and_a_time_is_body():
    line = "31 марта, в 18:00, заседание продолжится."
    record = parse_article(article(header=RU_HEADER, text=f"<p>{RU_PROSE}</p><p>{line}</p>"), RU_URL)
    assert record["body"].split("\n\n") == [RU_PROSE, line]


# A body is whole: its text after an advert, a figure or a subheading, in a wrapper of
# its own, however short that part is.
LONG_PART = "".join(f"<p>Paragraph {n}: {PROSE}</p>" for n in range(1, 6))
LAST = "The ministry will publish the schedule of deliveries to every region next week."


@pytest.mark.parametrize("continuation", [
    f"<div class='article-body'>{LONG_PART}</div><div class='ad'><a href='/promo'>Advert</a></div>"
    f"<div class='article-body'><p>{LAST}</p></div>",
    f"<section>{LONG_PART}</section><section><h2>Deliveries</h2><p>{LAST}</p></section>",
    f"<div class='part'>{LONG_PART}</div><h2>Deliveries</h2><div class='more'><p>{LAST}</p></div>",
])
def test_the_last_part_of_the_text_in_a_wrapper_of_its_own_is_body(continuation):
    body = parse_article(article(text=continuation), URL)["body"].split("\n\n")
    assert body[0] == f"Paragraph 1: {PROSE}" and body[-1] == LAST


def test_a_box_of_another_kind_after_the_text_is_not_body():
    text = (f"<div class='article-body'>{LONG_PART}</div><div class='author-box'><p>John Smith writes about "
            "farming and the weather for the paper.</p></div>")
    assert parse_article(article(text=text), URL)["body"].split("\n\n")[-1] == f"Paragraph 5: {PROSE}"


def test_the_next_article_on_the_page_is_not_the_body():
    # A page that appends the next story (endless scrolling): the headline printing the
    # metadata's title is this page's, and so is the body under it, however long the next.
    following = "".join(f"<p>Paragraph {n} of the next story, about the new bridge across the river.</p>" for n in range(8))
    html = page(f"<div class='feed'><div class='item'><h1>Spring field work discussed</h1><div>12 March 2024</div>"
                f"<div class='text'><p>{PROSE}</p><p>Second paragraph of the article text.</p></div></div>"
                f"<div class='item'><h1>A new bridge across the river</h1><div>12 March 2024</div>"
                f"<div class='text'>{following}</div></div></div>",
                head="<meta property='og:title' content='Spring field work discussed'>")
    record = parse_article(html, URL)
    assert (record["title"], record["body"]) == ("Spring field work discussed", f"{PROSE}\n\nSecond paragraph of the article text.")


def test_a_promotions_h1_between_the_headline_and_the_body_does_not_move_the_body():
    html = page(f"<div><header><h1>Spring field work discussed</h1><div>12 March 2024</div></header>"
                f"<main><div class='promo'><h1>Winter sale</h1></div><div class='text'><p>{PROSE}</p></div></main></div>",
                head="<meta property='og:title' content='Spring field work discussed'>")
    assert parse_article(html, URL)["body"] == PROSE
