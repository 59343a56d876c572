"""Where the body is on pages of other sites, one container case per test, on small
pages written here. Each asserts the body came from our own structure layer."""
from pmkz.crawler.parsing import parse_article

URL = "https://news.example.org/story/harbour-bridge-reopens"
HEAD = "<head><meta property='article:published_time' content='2019-11-18T09:30:00Z'></head>"
ONE = "The harbour bridge reopened to traffic on Monday after eight months of repairs."
TWO = "Engineers replaced the deck joints and repainted the main span of the bridge."
THREE = "The city's transport office said buses would return to their usual routes this week."
NOISE = "".join(f"<li><a href='/story/other-{n}'>Other story number {n} with a long headline</a></li>" for n in range(6))


def body(markup):
    record = parse_article(f"<html>{HEAD}<body><h1>Harbour bridge reopens</h1>{markup}</body></html>", URL)
    assert record["field_sources"]["body"] == "structure"
    return record["body"].split("\n\n")


def test_body_inside_a_page_wide_form():
    assert body(f"<form id='aspnetForm'><nav><ul>{NOISE}</ul></nav>"
                f"<div><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div></form>") == [ONE, TWO, THREE]


def test_body_inside_header():
    assert body(f"<header><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></header><div><p>Short.</p></div>") == [ONE, TWO, THREE]


def test_body_inside_aside_when_the_prose_is_there():
    assert body(f"<aside><div><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div></aside>") == [ONE, TWO, THREE]


def test_footer_prose_does_not_beat_the_article():
    footer = "<footer><p>" + "About this newspaper and its long history of printing. " * 2 + "</p></footer>"
    assert body(f"<div><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div>{footer}") == [ONE, TWO, THREE]


def test_a_footer_written_as_a_div_does_not_beat_the_article():
    footer = "<div class='footer-wrap'><p>" + "About this newspaper and its long history of printing. " * 6 + "</p></div>"
    assert body(f"<div><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div>{footer}") == [ONE, TWO, THREE]


def test_loose_text_in_a_div_with_block_children():
    assert body(f"<div class='story'>{ONE}<br><br>{TWO}<figure><img src='/a.jpg'></figure>{THREE}</div>"
                f"<div class='comments-area'><p>{'A reader wrote a long comment here. ' * 2}</p></div>") == [
        f"{ONE} {TWO}", THREE]


def test_readers_comments_never_win():
    comments = "".join(f"<p>Reader comment {n}: I agree with every word of this, it is so true.</p>" for n in range(8))
    assert body(f"<div><p>{ONE}</p><p>{TWO}</p></div><div id='comments'>{comments}</div>") == [ONE, TWO]


def test_body_split_across_sibling_wrappers_is_joined():
    column = "<div class='column'><div class='inner'><p>{}</p></div></div>"
    assert body("<section>" + "".join(column.format(t) for t in (ONE, TWO, THREE)) + "</section>") == [ONE, TWO, THREE]


def test_paragraph_wholly_a_link_is_kept_when_it_is_prose():
    link = ("<p><a href='/story/report'>The full report of the transport office runs to ninety pages "
            "and describes every joint that was replaced.</a></p>")
    paragraphs = body(f"<div><p>{ONE}</p>{link}<p>{TWO}</p></div>")
    assert len(paragraphs) == 3 and paragraphs[1].startswith("The full report")


def test_control_characters_removed():
    assert body(f"<div><p>{ONE}\x07\x00</p><p>{TWO}\x1b</p></div>") == [ONE, TWO]


def test_deep_nesting_keeps_the_body():
    deep = "<div>" * 300 + f"<p>{ONE}</p><p>{TWO}</p>" + "</div>" * 300
    assert body(deep) == [ONE, TWO]


def test_a_list_of_teasers_in_a_ul_is_no_body():
    teasers = "".join(
        f"<li><a href='/story/another-story-from-the-city-{n}'>Other story number {n}</a><span>The first lines of "
        f"another story, number {n}, which goes on for a while before it is cut...</span></li>" for n in range(6))
    assert body(f"<div class='ticker'><ul>{teasers}</ul></div>"
                f"<div class='story'><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div>") == [ONE, TWO, THREE]


def test_captions_and_galleries_are_not_body():
    caption = ("<div class='wp-caption'><img src='/a.jpg'><p class='wp-caption-text'>The bridge at dawn, "
               "seen from the north bank of the river</p></div>")
    gallery = ("<div class='asset_gallery'><ul><li><img src='/b.jpg'><div>Workers on the deck of the bridge "
               "during the repairs last spring</div></li></ul><p>Back to Gallery</p></div>")
    assert body(f"<div class='story'><p>{ONE}</p>{caption}<p>{TWO}</p>{gallery}<p>{THREE}</p>"
                "<span class='image-credit'>Photo: A. Photographer</span></div>") == [ONE, TWO, THREE]


def test_wrappers_of_one_kind_join_though_their_classes_differ():
    first = f"<div class='body-text version-2'><div class='inner'><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div></div>"
    second = ("<div class='body-text'><div class='inner'><p>And the ferry will keep its winter timetable "
              "until the end of March, the operator said.</p></div></div>")
    assert body(f"<article>{first}<figure><img src='/a.jpg'></figure>{second}</article>")[-1].startswith("And the ferry")


def test_paragraphs_beside_the_main_wrapper_join_it():
    rest = "".join(f"<p>{text} It was said again later in the day.</p>" for text in (ONE, TWO, THREE))
    paragraphs = body(f"<div class='story'><p>{ONE}</p><p>{TWO}</p><div class='paywall'>{rest}</div></div>")
    assert paragraphs[:2] == [ONE, TWO] and len(paragraphs) == 5


def test_a_paragraph_marked_as_the_lead_is_the_first_of_the_body_elsewhere():
    assert body(f"<div class='story'><p class='lead'>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div>") == [ONE, TWO, THREE]


def test_teaser_cards_of_other_pages_inside_the_article_are_not_body():
    card = ("<div class='card'><a href='/diets/protein'><img src='/p.jpg'></a><div><a href='/diets/protein'>Protein "
            "diet</a></div><div>Popular with people who train. Up to ten kilos in two weeks.</div></div>")
    assert body(f"<div class='story'><p>{ONE}</p><p>{TWO}</p>{card}<p>{THREE}</p>{card}</div>") == [ONE, TWO, THREE]


def test_other_articles_printed_whole_beside_the_article_do_not_join_it():
    others = "".join(f"<article class='post'><p>Another story, number {n}, printed whole below the one read, with "
                     f"a few sentences of its own to read.</p></article>" for n in range(4))
    assert body(f"<article class='post'><p>{ONE}</p><p>{TWO}</p></article>"
                f"<article class='post'><h3>You may also like</h3>{others}</article>") == [ONE, TWO]


def test_microdata_dateline_and_byline_are_not_body():
    assert body(f"<div class='story'><span itemprop='datePublished'>segunda-feira, 18 de novembro de 2019</span>"
                f"<div itemprop='author'>By A. Writer, City Desk</div><p>{ONE}</p><p>{TWO}</p></div>") == [ONE, TWO]


def test_the_pages_own_layout_classes_make_no_furniture():
    footer = "<footer><p>" + "About this newspaper and its long history of printing. " * 5 + "</p></footer>"
    record = parse_article(f"<html>{HEAD}<body class='has-sidebar sticky-footer'><h1>Harbour bridge reopens</h1>"
                           f"<div><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div>{footer}</body></html>", URL)
    assert record["body"].split("\n\n") == [ONE, TWO, THREE]


def test_a_row_of_teasers_of_the_bodys_kind_does_not_join_it():
    story = f"<div class='row r1'><div class='inner'><p>{ONE}</p><p>{TWO}</p><p>{THREE}</p></div></div>"
    teasers = "".join(f"<div><a href='/story/another-story-from-the-city-{n}'>Another story from the city, {n}</a>"
                      f"<span>Two lines of it, cut short before the end...</span></div>" for n in range(2))
    assert body(f"<article>{story}<div class='row r2'>{teasers}</div></article>") == [ONE, TWO, THREE]


def test_a_line_of_links_with_commas_between_is_no_prose():
    tags = ", ".join(f"<a href='/tag/t{n}'>bridge works {n}</a>" for n in range(6))
    assert body(f"<div class='story'><p>{ONE}</p><p>{TWO}</p><p><strong>Tags</strong> {tags}</p></div>") == [ONE, TWO]
