"""Public pages in headless Chromium: `pmkz serve --public` with the images beside the
database, an item's other language versions by name, a removed item's date, a volume
point clicked through to its items, and the feeds a reader may have. Screenshots go to
test-artifacts/browse/ (16-*.png)."""
from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request

from helpers import GONE, NEEDS_BROWSER, T0, build_archive, item_path, screenshot, serving
from pmkz.storage import Store, watches

pytestmark = NEEDS_BROWSER


def test_public_item_languages_removal_and_volume_point(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    db_path, images_dir, records = build_archive(tmp_path / "build")
    data = tmp_path / "data"
    data.mkdir()
    shutil.move(db_path, data / "demo.db")
    shutil.move(images_dir, data / "demo-images")
    db_path = data / "demo.db"
    ru, kk = records[4], records[13]  # Наурыз in Russian and in Kazakh
    with Store(db_path) as store:
        store.save_item({**ru, "translations": {"kk": kk["url"], "en": records[20]["url"]}})
        watches.add(store.db, "праздник Наурыз", "ru", T0)
    wait = WebDriverWait(browser, 15)
    # (Images found beside the database with no option: test_browse_public.py.)
    with serving(db_path, data / "demo-images", "--public") as base:
        browser.get(base + item_path(ru["url"]).lstrip("/"))
        links = browser.find_elements(By.CSS_SELECTOR, "p.pmkz-translations a")
        assert [a.text for a in links] == ["Қазақша", "English"]
        wait.until(lambda d: d.execute_script(
            "return document.images.length > 0 && Array.from(document.images).every(i => i.complete)"))
        assert all(w > 0 for w in browser.execute_script(
            "return Array.from(document.images).map(i => i.naturalWidth)"))
        assert "Обзоры" in browser.find_element(By.CSS_SELECTOR, ".pmkz-category").text
        screenshot(browser, "16-item-languages")
        links[0].click()
        wait.until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "article h1"), kk["title"]))

        browser.get(base + item_path(records[GONE]["url"]).lstrip("/"))
        assert re.search(r"gone from the site since \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\+05:00\)",
                         browser.find_element(By.CSS_SELECTOR, ".pmkz-gone").text)
        screenshot(browser, "16-item-removed")

        browser.get(base + "pmkz/-/volume")
        screenshot(browser, "16-volume-by-month")
        assert "Mar 2024" in browser.find_element(By.CSS_SELECTOR, "figure.pmkz-chart svg").text
        point = browser.find_element(By.CSS_SELECTOR, "g.series-kk a.pmkz-point")
        browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", point)
        wait.until(expected_conditions.url_contains("lang=kk"))
        dates = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.col-published_date")]
        assert dates and all(d.startswith("2024-01") for d in dates)
        screenshot(browser, "16-volume-point-items")

        browser.get(base + "pmkz?sql=select+1")
        assert "403" in browser.title or "Forbidden" in browser.page_source or "not allowed" in browser.page_source.lower()
        screenshot(browser, "16-public-sql-refused")
        # The language feeds are public; the newsroom's saved searches and their feeds
        # are not (pmkz serve without --public answers them: test_watch_feeds.py).
        with urllib.request.urlopen(base + "-/feeds/ru.atom", timeout=10) as response:
            assert "Поздравление с праздником Наурыз" in response.read().decode()
        for path in ("-/feeds/watch-1.atom", "pmkz/watches.json"):
            try:
                urllib.request.urlopen(base + path, timeout=10)
                raise AssertionError(f"{path} is served in public")
            except urllib.error.HTTPError as error:
                assert error.code in (403, 404), path
