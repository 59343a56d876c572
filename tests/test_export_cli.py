"""`pmkz export`: output, and one clear line for every bad input."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pmkz.cli import cli
from pmkz.storage import Store

RECORD = {"url": "http://h/ru/news/x-1", "site_id": 1, "lang": "ru", "kind": "news",
          "category": None, "title": "Заголовок", "published_date": "2024-03-09",
          "published_at": None, "summary": None, "body": "Один.\n\nДва.", "image_urls": []}


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item(RECORD)
    return path


def invoke(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_jsonl_to_stdout(db_path):
    result = invoke("export", "--format", "jsonl", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Заголовок"


def test_db_comes_from_pmkz_db(db_path, tmp_path):
    out = tmp_path / "out"
    result = invoke("export", "--format", "txt", "--out", str(out), env={"PMKZ_DB": str(db_path)})
    assert result.exit_code == 0, result.output
    assert result.stdout == f"1 items written to {out}\n"
    assert (out / "ru" / "2024-03-09-1.txt").read_text(encoding="utf-8") == (
        "date 2024-03-09 Заголовок\n\nОдин.\n\nДва.\n")


def test_csv_to_a_file(db_path, tmp_path):
    out = tmp_path / "items.csv"
    result = invoke("export", "--format", "csv", "--db", str(db_path), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("url,site_id,lang,")


# {tmp} is the test's directory, {db} a good database, {text} a file of words.
BAD_INPUTS = [
    ("--format jsonl --db {tmp}/missing.db", "no database at "),
    ("--format jsonl --db {text}", "is not an SQLite database"),
    ("--format jsonl --db {tmp}", "is not a database file"),
    ("--format xml --db {db}", "unknown format 'xml'"),
    ("--format jsonl --lang de --db {db}", "unknown language 'de'"),
    ("--format jsonl --since 2024-02-30 --db {db}", "bad date '2024-02-30'"),
    ("--format csv --since yesterday --db {db}", "bad date 'yesterday'"),
    ("--format txt --db {db}", "txt export writes a directory"),
    ("--format txt --out {text} --db {db}", "is not a directory"),
    ("--format jsonl --out {tmp} --db {db}", "is a directory"),
    ("--format jsonl --out {text}/x.jsonl --db {db}", "cannot write"),
    ("--format csv --out /proc/pmkz.csv --db {db}", "cannot write /proc/pmkz.csv"),
    ("--db {db}", "Missing option '--format'"),
    ("--format jsonl --bogus --db {db}", "No such option '--bogus'"),
]


@pytest.mark.parametrize("args, message", BAD_INPUTS)
def test_bad_inputs_give_one_line_and_no_files(tmp_path, db_path, args, message):
    text = tmp_path / "text.db"
    text.write_text("not a database at all, just words " * 20)
    before = sorted(tmp_path.rglob("*"))
    result = invoke("export", *args.format(tmp=tmp_path, db=db_path, text=text).split())
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pmkz export: error: "), result.stderr
    assert message in lines[0]
    assert sorted(tmp_path.rglob("*")) == before
