"""pmkz.storage.export_items: JSON lines, CSV and the txt tree, with filters and ordering."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from pmkz.storage import StorageError, Store
from pmkz.storage.export import export_items

FILES = Path(__file__).parent / "files"


def seed_record() -> dict:
    """The seed file's title and body as a record in body normal form."""
    text = (FILES / "seed-record.txt").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    date, title = re.fullmatch(r"\s*date (\d{4}-\d{2}-\d{2}) (.+)", first).groups()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", rest) if p.strip()]
    return {"url": "http://h/en/news/reviews/visit-30371", "site_id": 30371, "lang": "en",
            "kind": "news", "category": "reviews", "title": title, "published_date": date,
            "published_at": None, "summary": None, "body": "\n\n".join(paragraphs),
            "image_urls": ["http://h/a.jpg", "http://h/б.jpg"]}


def record(n: int, lang: str, day: str, **extra) -> dict:
    return {"url": f"http://h/{lang}/news/x-{n}", "site_id": n, "lang": lang, "kind": "news",
            "category": "reviews", "title": f"Заголовок {n}", "published_date": day,
            "published_at": f"{day}T10:00:00+05:00", "summary": "Лид, \"в кавычках\"",
            "body": "Один.\n\nДва.", "image_urls": [f"http://h/{n}.jpg"], **extra}


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item(seed_record(), etag='"secret"')
        store.save_item(record(1, "ru", "2024-03-01"))
        store.save_item(record(2, "ru", "2024-03-10"))
        store.save_item(record(3, "kk", "2024-02-20", site_id=None))
    return path


def test_jsonl_is_newest_first_with_lists_and_no_http_validators(db_path, tmp_path):
    out = tmp_path / "items.jsonl"
    assert export_items(db_path, "jsonl", out) == 4
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["published_date"] for r in rows] == ["2024-03-10", "2024-03-09", "2024-03-01", "2024-02-20"]
    assert rows[1]["image_urls"] == ["http://h/a.jpg", "http://h/б.jpg"]
    assert rows[1]["body"] == seed_record()["body"]
    assert "etag" not in rows[1] and rows[1]["status"] == "live"
    assert "Заголовок 2" in out.read_text(encoding="utf-8")  # ensure_ascii=False


def test_jsonl_goes_to_stdout_without_out(db_path, capsys):
    assert export_items(db_path, "jsonl", None, lang="kk") == 1
    assert json.loads(capsys.readouterr().out)["site_id"] is None


def test_csv_has_a_header_and_json_image_urls(db_path, tmp_path):
    out = tmp_path / "items.csv"
    assert export_items(db_path, "csv", out, lang="ru", since="2024-03-05") == 1
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1 and rows[0]["title"] == "Заголовок 2"
    assert json.loads(rows[0]["image_urls"]) == ["http://h/2.jpg"]
    assert rows[0]["summary"] == 'Лид, "в кавычках"'
    assert rows[0]["body"] == "Один.\n\nДва."


def test_txt_writes_the_seed_shape(db_path, tmp_path):
    out = tmp_path / "txt"
    assert export_items(db_path, "txt", out) == 4
    written = (out / "en" / "2024-03-09-30371.txt").read_text(encoding="utf-8")
    seed = seed_record()
    assert written == f"date 2024-03-09 {seed['title']}\n\n{seed['body']}\n"
    # The seed file itself, with its stray indent and extra blank lines normalised.
    raw = (FILES / "seed-record.txt").read_text(encoding="utf-8")
    assert written == re.sub(r"\n\s*\n", "\n\n", raw.strip()) + "\n"
    assert written.startswith("date 2024-03-09 Images | primeminister.kz\n\nPrime Minister")
    assert "\n\n\n" not in written
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names[0] == "en/2024-03-09-30371.txt"
    assert re.fullmatch(r"kk/2024-02-20-[0-9a-f]{10}\.txt", names[1])  # no site_id: url hash
    assert names[2:] == ["ru/2024-03-01-1.txt", "ru/2024-03-10-2.txt"]


def test_txt_names_stay_unique_when_ids_repeat(tmp_path):
    path = tmp_path / "pmkz.db"
    with Store(path) as store:
        store.save_item(record(7, "ru", "2024-03-01"))
        store.save_item(record(7, "ru", "2024-03-01", url="http://h/ru/gallery/x-7", kind="gallery"))
    assert export_items(path, "txt", tmp_path / "out") == 2
    assert len(list((tmp_path / "out" / "ru").iterdir())) == 2


def test_txt_into_an_existing_directory_replaces_files_and_leaves_no_staging(db_path, tmp_path):
    out = tmp_path / "txt"
    out.mkdir()
    (out / "keep.me").write_text("mine")
    export_items(db_path, "txt", out, lang="ru")
    export_items(db_path, "txt", out, lang="ru")
    assert sorted(p.name for p in out.iterdir()) == ["keep.me", "ru"]


@pytest.mark.parametrize("fmt, out, lang, since, message", [
    ("xml", None, None, None, "unknown format 'xml'"),
    ("jsonl", None, "de", None, "unknown language 'de'"),
    ("jsonl", None, None, "2024-13-01", "bad date '2024-13-01'"),
    ("jsonl", None, None, "9 March", "bad date '9 March'"),
    ("txt", None, None, None, "txt export writes a directory"),
])
def test_bad_arguments(db_path, fmt, out, lang, since, message):
    with pytest.raises(StorageError, match=re.escape(message)):
        export_items(db_path, fmt, out, lang=lang, since=since)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(db_path, tmp_path, monkeypatch):
    out = tmp_path / "items.jsonl"
    out.write_text("old\n")

    def broken(rows, handle):
        handle.write("partial")
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr("pmkz.storage.export.records._write_jsonl", broken)
    with pytest.raises(StorageError, match="No space left"):
        export_items(db_path, "jsonl", out)
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["items.jsonl", "pmkz.db"]


def test_a_failed_txt_export_removes_what_it_created(db_path, tmp_path, monkeypatch):
    def broken(row, *args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pmkz.storage.export.txt.txt_text", broken)
    with pytest.raises(StorageError):
        export_items(db_path, "txt", tmp_path / "new" / "txt")
    assert not (tmp_path / "new").exists()
