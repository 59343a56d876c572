"""The reader's pages in headless Chromium, on one served archive with a run's edits, a
saved search and an archived page (helpers.build_reader_archive): an item's last edit
word by word, two versions compared, the changed-this-week list filtered, the archive's
home, a saved search's page, the archived page with its banner and its image from the
archive, and the volume chart's languages told apart. Screenshots go to
test-artifacts/browse/ (22-*.png)."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from helpers import (ARCHIVED, COSMETIC, EDITED, NEEDS_BROWSER, build_reader_archive, follow, item_path,
                     screenshot, serving)

pytestmark = NEEDS_BROWSER


@pytest.fixture(scope="module")
def elsewhere():
    """A server on loopback standing for another host: the paths asked of it."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_port}", asked
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory, elsewhere):
    db_path, images_dir, records, made = build_reader_archive(tmp_path_factory.mktemp("reader"), elsewhere[0])
    with serving(db_path, images_dir) as base:
        yield base, records, made


def texts(browser, selector: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [element.text for element in browser.find_elements(By.CSS_SELECTOR, selector)]


def others(browser, base: str) -> list[str]:
    """What the page loaded from anywhere but the archive's own server."""
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [url for url in loaded if not url.startswith(base)]


def test_an_items_last_edit_two_versions_compared_and_the_volume_chart(served, browser):
    from selenium.webdriver.common.by import By

    base, records, _ = served
    browser.get(base + item_path(records[EDITED]["url"]).lstrip("/"))
    assert "завершить" in texts(browser, ".pmkz-changes ins")
    assert "ускорить" in texts(browser, ".pmkz-changes del")
    assert texts(browser, ".pmkz-changes .pmkz-significance") == ["substantive"]
    screenshot(browser, "22-item-last-edit")

    follow(browser, browser.find_element(By.CSS_SELECTOR, "a.pmkz-compare"))
    browser.find_element(By.CSS_SELECTOR, "select[name=from] option[value='1']").click()
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".pmkz-timeline input[type=submit]"))
    assert "from=1" in browser.current_url
    assert texts(browser, ".pmkz-changes ins") == ["внутреннего", "завершить", "Добавлен новый абзац."]
    assert len(browser.find_elements(By.CSS_SELECTOR, ".pmkz-timeline li.pmkz-chosen")) == 3
    assert others(browser, base) == []
    screenshot(browser, "22-compare")

    # The volume chart's languages told apart without colour.
    browser.get(base + "pmkz/-/volume")
    lines = browser.find_elements(By.CSS_SELECTOR, "svg polyline")
    styles = {(line.get_attribute("stroke-dasharray"), line.get_attribute("stroke-width")) for line in lines}
    assert len(lines) == 3 and len(styles) == 3
    assert sorted(texts(browser, "svg .line-label")) == ["en", "kk", "ru"]
    screenshot(browser, "22-volume")


def test_changed_this_week_home_and_a_saved_search(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, records, made = served
    browser.get(base + "pmkz/-/changes")
    assert len(texts(browser, ".pmkz-change-list > li")) == 3
    screenshot(browser, "22-changes")
    Select(browser.find_element(By.CSS_SELECTOR, "select[name=significance]")).select_by_visible_text("cosmetic")
    follow(browser, browser.find_element(By.CSS_SELECTOR, ".pmkz-filter input[type=submit]"))
    assert texts(browser, ".pmkz-change-list .pmkz-title") == [records[COSMETIC]["title"]]
    follow(browser, browser.find_element(By.LINK_TEXT, "what changed"))
    assert texts(browser, ".pmkz-changes ins") == ["Премьер"] and texts(browser, ".pmkz-changes del") == ["ПРЕМЬЕР"]

    browser.get(base)
    home = browser.find_element(By.CSS_SELECTOR, ".pmkz-home")
    assert home.location["y"] < browser.find_element(By.LINK_TEXT, "pmkz").location["y"]
    screenshot(browser, "22-home")
    follow(browser, home.find_element(By.PARTIAL_LINK_TEXT, "паводок"))
    assert browser.find_element(By.CSS_SELECTOR, "h1").text == "Saved search «паводок»"
    assert texts(browser, ".pmkz-history .pmkz-event") == ["CHANGED", "NEW"]
    screenshot(browser, "22-saved-search")


def test_the_archived_page_shown_as_a_web_archive_shows_it(served, elsewhere, browser):
    from selenium.webdriver.common.by import By

    base, records, made = served
    browser.get(base + item_path(records[ARCHIVED]["url"]).lstrip("/"))
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a.pmkz-archived"))
    banner = browser.find_element(By.ID, "pmkz-archive-banner")
    assert records[ARCHIVED]["url"] in banner.text
    assert banner.location["y"] < browser.find_element(By.CSS_SELECTOR, "h1").location["y"]
    assert browser.title == records[ARCHIVED]["title"]  # its script, which retitles it, did not run
    held = browser.find_element(By.CSS_SELECTOR, "img[alt=held]")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", held) > 0
    screenshot(browser, "22-archived")
    assert elsewhere[1] == []  # the image it lacks was not asked of its host
    follow(browser, banner.find_element(By.LINK_TEXT, "back to the item in the archive"))
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == records[ARCHIVED]["title"]
