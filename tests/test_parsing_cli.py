"""`pmkz parse FILE [--url URL]`: the record as JSON, or one error line and exit code 1."""
import json
from pathlib import Path

from click.testing import CliRunner

from pmkz.cli import cli

PAGES = Path(__file__).parent / "files" / "pages"


def run(*args):
    return CliRunner().invoke(cli, ["parse", *args], catch_exceptions=False)


def test_prints_record_using_the_canonical_link():
    result = run(str(PAGES / "ru-news-2026-markup.html"))
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["site_id"] == 31656 and record["lang"] == "ru"
    assert "Каскелен" in result.stdout  # ensure_ascii=False


def test_url_option():
    result = run(str(PAGES / "kk-news-no-classes.html"), "--url", "https://primeminister.kz/kz/news/heat-29871")
    assert result.exit_code == 0 and json.loads(result.stdout)["url"].endswith("/kz/news/heat-29871")


def test_no_url_known():
    result = run(str(PAGES / "kk-news-no-classes.html"))
    assert result.exit_code == 1
    assert result.stderr.startswith("pmkz parse: error: ") and "--url" in result.stderr


def test_errors_are_one_line():
    cases = [
        (str(PAGES / "missing.html"),),
        (str(PAGES),),
        (str(PAGES / "not-html.png"), "--url", "https://primeminister.kz/en/news/x-1"),
        (str(PAGES / "not-found-404-en.html"), "--url", "https://primeminister.kz/en/news/x-1"),
        (str(PAGES / "ru-news-2026-markup.html"), "--url", "not a url"),
    ]
    for args in cases:
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith("pmkz parse: error: ") and result.stderr.count("\n") == 1, result.stderr


def test_usage_error_exits_2():
    assert run().exit_code == 2
