"""`pmkz save-page URL`: keep a page of the live site as a test file, with a parser test
to go with it.

Writes the page's bytes as served (`<name>.html`), a sidecar (`<name>.json`: the URL
asked for, the URL answered after redirects, the fetch time in UTC, status, Content-Type
and SHA-1), and `test_page_<name>.py` whose expected values start as FILL_IN: the test
fails until someone reads them off the page in a browser, so a saved page never passes
by agreeing with whatever the parser said that day.

Exit codes: 0 saved; 1 the page answered an error status or a file cannot be written;
2 a wrong option; 3 the site cannot be reached.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import click

from pmkz.commands._errors import CommandError, OneLineErrors

FAILED, USAGE, UNREACHABLE = 1, 2, 3

TEST_TEMPLATE = Template('''\
"""Parser test for $url, saved by `pmkz save-page` at $fetched_at.

Fill in EXPECTED from the page as a reader sees it in a browser, not from the parser's
output: each field's test fails until its value is filled in, then checks the parser.
"""
import json
from pathlib import Path

import pytest

from pmkz.crawler.parsing import parse_article

PAGE = Path(__file__).parent / $page
SAVED = json.loads(PAGE.with_suffix(".json").read_text(encoding="utf-8"))
FILL_IN = "fill in from the page"

EXPECTED = {
    "title": FILL_IN,  # the headline
    "published_date": FILL_IN,  # YYYY-MM-DD in site time
    "published_at": FILL_IN,  # "YYYY-MM-DDTHH:MM:SS+05:00" (+06:00 before 2024-03-01), or None without a time
    "summary": FILL_IN,  # the teaser or lead, or None
    "first_paragraph": FILL_IN,  # of the body, in normal form (CONTRACT.md)
    "last_paragraph": FILL_IN,
    "paragraphs": FILL_IN,  # how many body paragraphs
    "images": FILL_IN,  # how many content images
}


@pytest.fixture(scope="module")
def record():
    return parse_article(PAGE.read_bytes(), SAVED["final_url"])


def actual(record, field):
    paragraphs = record["body"].split("\\n\\n")
    derived = {"first_paragraph": paragraphs[0], "last_paragraph": paragraphs[-1],
               "paragraphs": len(paragraphs), "images": len(record["image_urls"])}
    return derived[field] if field in derived else record[field]


@pytest.mark.parametrize("field", list(EXPECTED))
def test_field(record, field):
    if EXPECTED[field] == FILL_IN:
        pytest.fail(f"EXPECTED[{field!r}] is not filled in yet: read it off the page")
    assert actual(record, field) == EXPECTED[field]
''')


def _fail(message: str, code: int) -> None:
    raise CommandError("save-page", message, code)


def page_name(url: str) -> str:
    """`https://primeminister.kz/ru/news/some-slug-31656` -> `live-ru-some-slug-31656`."""
    parts = [p for p in urlsplit(url).path.split("/") if p and p != "news"]
    name = re.sub(r"[^a-z0-9]+", "-", "-".join(parts[:1] + parts[-1:]).lower()).strip("-")
    return f"live-{name[:80].rstrip('-') or 'home'}"


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as error:
        _fail(f"cannot write {path}: {error.strerror or error}", FAILED)


@click.command(name="save-page", cls=OneLineErrors)
@click.argument("url")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("tests/files/pages"),
              show_default=True, help="Where the page and its sidecar go.")
@click.option("--tests-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("tests"),
              show_default=True, help="Where the scaffolded parser test goes.")
@click.option("--name", help="File name without extension; default from the URL (live-<lang>-<slug>).")
@click.option("--force", is_flag=True, help="Overwrite a page saved under the same name, and its test.")
def command(url, out, tests_dir, name, force):
    """Save a page of the site into the test files, with its URL and fetch time, and
    scaffold a parser test for it that fails until its expected values are filled in.

    \b
    Exit: 0 saved, 1 error answer or unwritable path, 3 site unreachable.
    Example:
      pmkz save-page https://primeminister.kz/ru/news/some-slug-31656
    """
    from pmkz.crawler.health.fetch import Unreachable, fetch

    if not url.startswith(("http://", "https://")):
        _fail(f"URL must start with http:// or https://, not {url!r}", USAGE)
    # A name is a file name, never a path: the files stay inside --out and --tests-dir,
    # and the test's module name stays importable.
    if name is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}", name):
        _fail(f"--name must be letters, digits, - and _ (no path, no dots), not {name!r}", USAGE)
    name = name or page_name(url)
    page, sidecar = out / f"{name}.html", out / f"{name}.json"
    test = tests_dir / f"test_page_{name.replace('-', '_')}.py"
    if not force and (existing := next((p for p in (page, test) if p.exists()), None)):
        _fail(f"{existing} exists; pass --force to replace it, or --name another", FAILED)
    try:
        answer = fetch(url)
    except Unreachable as error:
        _fail(f"{error} (no network, or the site is down)", UNREACHABLE)
    if answer.status != 200:
        _fail(f"{url} answered HTTP {answer.status}; nothing saved", FAILED)
    fetched_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    saved = {"url": url, "final_url": answer.url, "fetched_at": fetched_at, "status": answer.status,
             "content_type": answer.content_type, "sha1": hashlib.sha1(answer.body).hexdigest()}
    _write(page, answer.body)
    _write(sidecar, (json.dumps(saved, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    relative = Path(os.path.relpath(page.resolve(), test.parent.resolve())).as_posix()
    _write(test, TEST_TEMPLATE.substitute(url=url, fetched_at=fetched_at, page=repr(relative)).encode("utf-8"))
    click.echo(f"saved {page} ({len(answer.body)} bytes) and {sidecar}")
    click.echo(f"wrote {test}: fill in its EXPECTED values from the page, then run it")
