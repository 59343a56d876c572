"""Export edges: translations as an object, --until, several languages,
txt with the source URL; and the demo and README a fresh clone reads."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmkz.cli import cli
from pmkz.storage import Store

ROOT = Path(__file__).parent.parent


def record(n: int, lang: str, day: str, translations: dict | None = None) -> dict:
    return {"url": f"http://h/{lang}/news/x-{n}", "site_id": n, "lang": lang, "kind": "news",
            "category": None, "title": f"Заголовок {n}", "published_date": day,
            "published_at": None, "summary": None, "body": "Один.\n\nДва.", "image_urls": [],
            "translations": translations or {}}


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "archive.db"
    with Store(path) as store:
        store.save_item(record(1, "ru", "2024-03-01", {"kk": "http://h/kz/news/x-1", "en": "http://h/en/news/x-1"}))
        store.save_item(record(2, "kk", "2024-03-10"))
        store.save_item(record(3, "en", "2024-03-20"))
        store.save_item(record(4, "ru", "2024-04-02"))
    return path


def export(*args):
    result = CliRunner().invoke(cli, ["export", *args])
    return result


def test_jsonl_translations_are_an_object_not_json_text(db_path):
    result = export("--format", "jsonl", "--db", str(db_path), "--lang", "ru")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_url = {row["url"]: row for row in rows}
    assert by_url["http://h/ru/news/x-1"]["translations"] == {
        "kk": "http://h/kz/news/x-1", "en": "http://h/en/news/x-1"}
    assert by_url["http://h/ru/news/x-4"]["translations"] == {}
    assert '"translations": "' not in result.stdout


def test_csv_translations_are_one_json_object_per_cell(db_path):
    result = export("--format", "csv", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    cells = {row["url"]: json.loads(row["translations"]) for row in rows}
    assert cells["http://h/ru/news/x-1"] == {"en": "http://h/en/news/x-1", "kk": "http://h/kz/news/x-1"}
    assert cells["http://h/kk/news/x-2"] == {}


@pytest.mark.parametrize("args, urls", [
    (["--lang", "ru,kk"], ["x-4", "x-2", "x-1"]),
    (["--lang", "ru, en"], ["x-4", "x-3", "x-1"]),
    (["--until", "2024-03-10"], ["x-2", "x-1"]),
    (["--since", "2024-03-05", "--until", "2024-03-31"], ["x-3", "x-2"]),
    (["--lang", "ru,kk", "--since", "2024-03-05", "--until", "2024-03-31"], ["x-2"]),
])
def test_languages_and_date_range(db_path, args, urls):
    result = export("--format", "jsonl", "--db", str(db_path), *args)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["url"].rsplit("/", 1)[1] for line in result.stdout.splitlines()] == urls


@pytest.mark.parametrize("args, message", [
    (["--lang", "ru,de"], "unknown language 'de'"),
    (["--lang", ","], "unknown language"),
    (["--until", "2024-02-30"], "bad date '2024-02-30'"),
    (["--since", "2024-03-10", "--until", "2024-03-01"], "--until 2024-03-01 is before --since 2024-03-10"),
])
def test_bad_filters_are_one_line(db_path, args, message):
    result = export("--format", "jsonl", "--db", str(db_path), *args)
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_txt_keeps_the_seed_shape_and_adds_the_url_on_request(db_path, tmp_path):
    plain, with_url = tmp_path / "plain", tmp_path / "with-url"
    assert export("--format", "txt", "--db", str(db_path), "--out", str(plain), "--lang", "ru").exit_code == 0
    result = export("--format", "txt", "--db", str(db_path), "--out", str(with_url), "--lang", "ru", "--with-url")
    assert result.exit_code == 0, result.output
    assert (plain / "ru" / "2024-03-01-1.txt").read_text(encoding="utf-8") == (
        "date 2024-03-01 Заголовок 1\n\nОдин.\n\nДва.\n")
    text = (with_url / "ru" / "2024-03-01-1.txt").read_text(encoding="utf-8")
    assert text == "date 2024-03-01 Заголовок 1\nurl http://h/ru/news/x-1\n\nОдин.\n\nДва.\n"
    # Read as the seed is read: header up to the first blank line, the body after it.
    header, body = text.split("\n\n", 1)
    assert re.fullmatch(r"date \d{4}-\d{2}-\d{2} .+\nurl \S+", header)
    assert body == "Один.\n\nДва.\n"


def test_readme_names_no_folder_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "SITE.md" not in readme


def test_make_demo_ends_by_saying_how_to_browse(monkeypatch, capsys):
    from pmkz import demo

    class Done:
        returncode = 0

    class FakeReplica:  # the crawl itself is tested elsewhere; this is the closing lines
        url = "http://127.0.0.1:1"

        def __init__(self, *args):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(demo, "ReplicaProcess", FakeReplica)
    monkeypatch.setattr(demo.subprocess, "run", lambda *a, **k: Done())
    assert demo.main() == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "pmkz serve --db data/demo.db" in last
