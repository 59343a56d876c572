"""The archive in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver`, installed by scripts/install-test-tools.sh) opens the item list,
searches a Russian word typed in another case, opens an item and sees its image load.

Screenshots go to test-artifacts/browse/. Skipped, saying why, only when Chromium or its
driver cannot be found.
"""
from __future__ import annotations

from helpers import NEEDS_BROWSER, build_archive, screenshot, serving

pytestmark = NEEDS_BROWSER


def resources_not_from(driver, base: str) -> list[str]:
    """Anything the page loaded from somewhere other than the archive's own server."""
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([document.location.href])")
    return [url for url in loaded if not url.startswith(base)]


def test_search_open_an_item_and_see_its_image(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    db_path, images_dir, _ = build_archive(tmp_path)
    wait = WebDriverWait(browser, 15)
    with serving(db_path, images_dir) as base:
        browser.get(base + "pmkz/items")
        assert browser.find_element(By.CSS_SELECTOR, "h1").text == "items"
        screenshot(browser, "1-items")

        box = browser.find_element(By.CSS_SELECTOR, "input[name=_search]")
        box.send_keys("наурыз")  # the pages print it "Наурыз"
        box.submit()
        wait.until(expected_conditions.url_contains("_search="))
        titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "td.col-title a")]
        assert set(titles) == {"Поздравление с праздником Наурыз", "Наурыз мейрамы құтты болсын"}
        screenshot(browser, "2-search")

        browser.find_element(By.LINK_TEXT, "Поздравление с праздником Наурыз").click()
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "article h1")))
        assert browser.find_element(By.CSS_SELECTOR, "article h1").text == "Поздравление с праздником Наурыз"
        wait.until(lambda d: d.execute_script(
            "return document.images.length > 0 && Array.from(document.images).every(i => i.complete)"))
        sizes = browser.execute_script(
            "return Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth])")
        assert sizes and all(src.startswith("/pmkz/-/images/") and width > 0 for src, width in sizes), sizes
        assert resources_not_from(browser, base) == []
        screenshot(browser, "3-item")

        browser.get(base + "pmkz/-/volume")
        assert len(browser.find_elements(By.CSS_SELECTOR, "svg polyline")) == 3
        assert resources_not_from(browser, base) == []
        screenshot(browser, "4-volume")
