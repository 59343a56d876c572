"""The search box in headless Chromium, on a crawl of the replica: a word in one form
finds the items holding its other forms, a prefix and OR work as typed, the help line
stands by the box, a search with no hits says so, and a quoted phrase finds the words as
printed (and with -, excludes them); results show snippets with the matched words marked,
newest first and most relevant first.

Screenshots go to test-artifacts/search/.
"""
from __future__ import annotations

import re

from helpers import ARTIFACTS, NEEDS_BROWSER, Replica, follow, serving
from helpers import screenshot as browse_screenshot

pytestmark = NEEDS_BROWSER


def screenshot(driver, name: str) -> None:
    browse_screenshot(driver, name, ARTIFACTS / "search")


def search_from_the_box(driver, wait, base: str, typed: str) -> int:
    """Type into the items table's search box and submit it: the box of the page shown
    when it is the items table (a search's results hold it too), else a fresh one's."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions

    if not driver.current_url.startswith(base + "pmkz/items"):
        driver.get(base + "pmkz/items")
    box = driver.find_element(By.CSS_SELECTOR, "input[name=_search]")
    box.clear()
    box.send_keys(typed)
    # The results are another page: read nothing before it has replaced this one.
    root = driver.find_element(By.TAG_NAME, "html")
    box.submit()
    wait.until(expected_conditions.staleness_of(root))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert "_search=" in driver.current_url, driver.current_url
    heading = driver.find_element(By.CSS_SELECTOR, "h3").text
    return int(re.match(r"([\d,]+) row", heading).group(1).replace(",", ""))


def test_the_box_finds_word_forms_prefixes_and_either_word(tmp_path, browser, forked):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # 20 articles a language, the news alone: the counts below come from what is stored,
    # and 20 still print every form the searches tell apart (the decisions are not the subject).
    replica = Replica("--articles", "20", "--decisions", "0")
    try:
        forked.crawl(replica.url, tmp_path, "--no-images")
    finally:
        replica.stop()
    import sqlite3
    db = sqlite3.connect(tmp_path / "pmkz.db")
    texts = [f"{t}\n{s or ''}\n{b}".lower() for t, s, b in db.execute("SELECT title, summary, body FROM items")]
    db.close()
    government = sum(bool(re.search(r"\bправительств(о|а|у|ом|е|ам|ами|ах)?\b", t)) for t in texts)
    exact = sum(bool(re.search(r"\bправительство\b", t)) for t in texts)
    assert government > exact > 0

    wait = WebDriverWait(browser, 15)
    with serving(tmp_path / "pmkz.db", tmp_path / "images") as base:
        browser.get(base + "pmkz/items")
        help_line = browser.find_element(By.CSS_SELECTOR, ".pmkz-search-help").text
        assert "OR" in help_line and "prefix*" in help_line

        assert search_from_the_box(browser, wait, base, "правительство") == government
        screenshot(browser, "1-word-forms")
        assert search_from_the_box(browser, wait, base, "правительств*") == government
        screenshot(browser, "2-prefix")
        either = search_from_the_box(browser, wait, base, "правительство OR Үкімет")
        kazakh = search_from_the_box(browser, wait, base, "Үкімет")
        assert either == government + kazakh and kazakh > 0
        screenshot(browser, "3-kazakh")
        assert search_from_the_box(browser, wait, base, "правительствоище") == 0
        message = browser.find_element(By.CSS_SELECTOR, ".pmkz-no-hits").text
        assert "правительствоище" in message and "правительство*" in message
        screenshot(browser, "4-no-hits")
        # Quotes: the words as printed; with -, every form but that one.
        printed = sum(bool(re.search(r"\bправительства\b", t)) for t in texts)
        assert government > printed > 0
        assert search_from_the_box(browser, wait, base, '"правительства"') == printed
        screenshot(browser, "5-exact-phrase")
        assert search_from_the_box(browser, wait, base, 'правительство -"правительства"') == government - printed
        snippets_and_both_orders(browser, wait, base)


def snippets_and_both_orders(browser, wait, base: str) -> None:
    """Hits show snippets with the printed words a prefix begins marked, newest first
    and one click away most relevant first, and back."""
    from selenium.webdriver.common.by import By

    hits = search_from_the_box(browser, wait, base, "совещани*")
    snippets = browser.find_elements(By.CSS_SELECTOR, "td.col-title .pmkz-snippet")
    marked = {m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, ".pmkz-snippet mark")}
    assert len(snippets) == min(hits, 50) > 0 and marked and all(word.startswith("совещани") for word in marked)
    screenshot(browser, "6-snippets-newest-first")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a.pmkz-relevance"))
    assert "/-/search" in browser.current_url, browser.current_url
    assert len(browser.find_elements(By.CSS_SELECTOR, ".pmkz-hit")) == min(hits, 20)
    assert browser.find_elements(By.CSS_SELECTOR, ".pmkz-hit .pmkz-snippet mark")
    screenshot(browser, "7-snippets-most-relevant-first")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a.pmkz-newest"))
    assert "_search=" in browser.current_url, browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, "a.pmkz-relevance")

