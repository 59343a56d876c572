"""ListCursor: the resume position moves only past pages whose articles are all handled."""
from pmkz.crawler.list_walk import ListCursor


def test_position_moves_past_fully_handled_pages_in_order():
    cursor = ListCursor("ru")
    assert cursor.page_listed("p1", ["a", "b"]) is None
    assert cursor.page_listed("p2", ["c"]) is None
    assert cursor.article_handled("c") is None  # p1 still waits for its articles
    assert cursor.article_handled("a") is None
    assert cursor.article_handled("b") == "p2"
    assert cursor.position == "p2"


def test_an_article_repeated_on_the_next_page_does_not_hold_it_back():
    cursor = ListCursor("en")
    cursor.page_listed("p1", ["a", "b"])
    cursor.article_handled("a")
    cursor.article_handled("b")
    # The list shifted: "b" is listed again on p2 but is not fetched twice.
    assert cursor.page_listed("p2", ["b"]) == "p2"


def test_a_page_with_nothing_to_fetch_is_passed_at_once():
    cursor = ListCursor("kk")
    assert cursor.page_listed("p1", []) == "p1"
