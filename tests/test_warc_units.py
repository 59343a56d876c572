"""storage.warc alone: records written and read back, rotation by size, a cut tail found
and cut off, and an older database given the captures table and columns in place."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from helpers import sha1_base32, warcio_check
from pmkz.storage import Store, captures
from pmkz.storage.warc import ArchiveReader, Exchange, WarcWriter, complete_end, recover, warc_files

BODY = "<html><body><p>Премьер-министр провёл заседание.</p></body></html>".encode("utf-8")


def exchange(n: int = 0, status: int = 200, body: bytes = BODY) -> Exchange:
    return Exchange(
        url=f"http://127.0.0.1:8123/ru/news/reviews/page-{n}", method="GET",
        request_headers=[("User-Agent", "pmkz-test")], request_body=b"", status=status, protocol="HTTP/1.1",
        headers=[("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")],
        body=body, fetched_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))


def test_a_record_reads_back_with_its_digest_and_headers(tmp_path):
    writer = WarcWriter(tmp_path, run_id=3)
    capture = writer.write(exchange())
    writer.close()
    assert capture["warc_file"] == "pmkz-3-0.warc.gz" and capture["payload_digest"] == sha1_base32(BODY)
    assert capture["fetched_at"] == "2026-01-02T03:04:05+00:00"
    with ArchiveReader(tmp_path) as reader:
        record = reader.read(capture["warc_file"], capture["warc_offset"], capture["warc_length"])
    assert (record.status, record.body, record.warc_date) == (200, BODY, "2026-01-02T03:04:05Z")
    # The downloader undid the chunking: a reader must not look for chunks.
    assert record.header("Transfer-Encoding") is None
    assert warcio_check(warc_files(tmp_path)).returncode == 0


def test_a_revisit_points_at_the_capture_it_confirms(tmp_path):
    writer = WarcWriter(tmp_path, run_id=1)
    earlier = writer.write(exchange())
    revisit = writer.write_revisit(exchange(status=304, body=b""), earlier)
    writer.close()
    assert revisit["record_type"] == "revisit" and revisit["payload_digest"] == earlier["payload_digest"]
    assert warcio_check(warc_files(tmp_path)).returncode == 0


def test_files_rotate_past_the_size_limit(tmp_path):
    writer = WarcWriter(tmp_path, run_id=7, max_bytes=1500)
    names = {writer.write(exchange(n))["warc_file"] for n in range(6)}
    writer.close()
    assert len(names) > 1 and {p.name for p in warc_files(tmp_path)} == names
    assert warcio_check(warc_files(tmp_path)).returncode == 0


def test_a_cut_last_record_is_found_and_cut_off_never_read(tmp_path):
    writer = WarcWriter(tmp_path, run_id=2)
    captures = [writer.write(exchange(n)) for n in range(3)]
    writer.close()
    (path,) = warc_files(tmp_path)
    whole = path.stat().st_size
    member = path.read_bytes()[captures[0]["warc_offset"]:][:captures[0]["warc_length"]]
    with open(path, "ab") as handle:
        handle.write(member[: len(member) // 2])
    # Found from the gzip framing (`warcio check` 1.8 passes such a file without a word).
    assert complete_end(path) == whole < path.stat().st_size
    # A run still writing is left alone; once it is not, the short tail goes.
    assert recover(tmp_path, known_end=lambda name: 0, writing=lambda run: True) == []
    cut = recover(tmp_path, known_end=lambda name: captures[1]["warc_offset"], writing=lambda run: False)
    assert cut == [(path.name, len(member) // 2)] and path.stat().st_size == whole
    assert warcio_check([path]).returncode == 0


def test_an_older_database_gets_captures_in_place(tmp_path):
    with Store(tmp_path / "pmkz.db"):
        pass
    db = sqlite3.connect(tmp_path / "pmkz.db")
    db.execute("DROP TABLE captures")
    for table, column in (("items", "capture_id"), ("items", "version_reason"),
                          ("item_versions", "capture_id"), ("item_versions", "version_reason")):
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    db.commit()
    db.close()
    with Store(tmp_path / "pmkz.db") as store:
        assert {"capture_id", "version_reason"} <= set(store.db["items"].columns_dict)
        assert {"capture_id", "version_reason"} <= set(store.db["item_versions"].columns_dict)
        capture_id = store.save_capture({"url": "http://x/ru/news/a-1", "fetched_at": "2026-01-01T00:00:00+00:00",
                                         "status": 200, "record_type": "response", "warc_file": "pmkz-1-0.warc.gz",
                                         "warc_offset": 0, "warc_length": 10}, run_id=None)
        assert captures.get(store.db, capture_id)["url"] == "http://x/ru/news/a-1"


def test_sync_makes_the_records_and_new_files_durable(tmp_path, monkeypatch):
    # Before the database commits captures, their bytes are on disk: the file, and for a
    # file made since the last sync, the directory entry that names it.
    import os

    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.fstat(fd).st_ino) or real_fsync(fd))
    writer = WarcWriter(tmp_path, run_id=4, max_bytes=1500)
    writer.write(exchange(0))
    writer.sync()
    first = tmp_path / "pmkz-4-0.warc.gz"
    assert synced == [first.stat().st_ino, tmp_path.stat().st_ino]
    synced.clear()
    writer.write(exchange(1))  # past the limit: the next record opens a second file
    writer.write(exchange(2))
    writer.sync()
    second = tmp_path / "pmkz-4-1.warc.gz"
    # The first file is synced as it is closed, then the second and the directory.
    assert synced == [first.stat().st_ino, second.stat().st_ino, tmp_path.stat().st_ino]
    synced.clear()
    writer.sync()
    assert synced == [second.stat().st_ino], "no directory sync without a new file"
    writer.close()


def test_a_write_the_full_disk_cut_short_shifts_no_later_record(tmp_path, tmpfs):
    # A write that fills the disk leaves part of its record; once space is back, every
    # record written after it must be where its capture says.
    import os

    directory = tmpfs(tmp_path / "warc", "1m")
    writer = WarcWriter(directory, run_id=5)
    bodies = [os.urandom(30_000) for _ in range(12)]  # incompressible: each record ~30 KB
    written, failed = [], 0
    for n, body in enumerate(bodies):
        try:
            written.append(writer.write(exchange(n, body=body)))
        except OSError:
            failed += 1
            if failed == 1:
                (directory / "filler").unlink(missing_ok=True)
            continue
        if n == 0:  # leave less room than a record for the next ones
            free = os.statvfs(directory).f_bavail * os.statvfs(directory).f_frsize
            (directory / "filler").write_bytes(b"\0" * (free - 45_000))
    writer.close()
    assert failed == 1 and len(written) == len(bodies) - 1
    with ArchiveReader(directory) as reader:
        for capture in written:
            record = reader.read(capture["warc_file"], capture["warc_offset"], capture["warc_length"])
            assert (record.url, sha1_base32(record.body)) == (capture["url"], capture["payload_digest"])
    assert warcio_check(warc_files(directory)).returncode == 0


def gzipped(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


def test_a_body_is_never_decoded_past_the_crawls_cap(tmp_path):
    import pytest

    from pmkz.site import MAX_ANSWER_BYTES
    from pmkz.storage.warc import RefusedAnswer

    writer = WarcWriter(tmp_path, run_id=6)
    page = exchange(0, body=gzipped(BODY))
    bomb = exchange(1, body=gzipped(b" " * (MAX_ANSWER_BYTES + 1)))
    for item in (page, bomb):
        item.headers.append(("Content-Encoding", "gzip"))
    page, bomb = writer.write(page), writer.write(bomb)
    writer.close()
    with ArchiveReader(tmp_path) as reader:
        assert reader.capture(page).content() == BODY
        archived = reader.capture(bomb)  # stored as received: a few KB
        with pytest.raises(RefusedAnswer, match=f"more than the {MAX_ANSWER_BYTES} bytes the crawl takes"):
            archived.content()


def test_an_encoding_warcio_does_not_decode_is_refused_by_name(tmp_path):
    # Content-Encoding is undone by warcio's decoders (gzip, deflate); the crawl asks
    # for no other, and any other is named, never handed on still encoded.
    import pytest

    from pmkz.storage.warc import RefusedAnswer

    writer = WarcWriter(tmp_path, run_id=8)
    answer = exchange(0, body=b"(\xb5/\xfd compressed")
    answer.headers.append(("Content-Encoding", "zstd"))
    capture = writer.write(answer)
    writer.close()
    with ArchiveReader(tmp_path) as reader:
        with pytest.raises(RefusedAnswer, match="encoded as 'zstd', which the archive does not decode"):
            reader.capture(capture).content()


def test_a_capture_that_cannot_be_read_says_so_in_one_clean_line(tmp_path):
    import pytest

    from pmkz.storage.warc import UnreadableCapture

    writer = WarcWriter(tmp_path, run_id=9)
    captures = [writer.write(exchange(n)) for n in range(3)]
    writer.close()
    (path,) = warc_files(tmp_path)
    data = bytearray(path.read_bytes())
    flipped = captures[1]["warc_offset"] + captures[1]["warc_length"] // 2
    data[flipped:flipped + 4] = b"\x00\xff\x00\xff"
    path.write_bytes(bytes(data[:captures[2]["warc_offset"] + 10]))
    expected = {0: None, 1: f"the record at offset {captures[1]['warc_offset']} of {path.name} is damaged",
                2: f"{path.name} ends before its record at offset {captures[2]['warc_offset']} does"}
    with ArchiveReader(tmp_path) as reader:
        for n, capture in enumerate(captures):
            if expected[n] is None:
                assert reader.capture(capture).body == BODY
                continue
            with pytest.raises(UnreadableCapture) as raised:
                reader.capture(capture)
            message = str(raised.value)
            assert message.startswith(expected[n]) and message.isprintable() and str(tmp_path) not in message
    path.unlink()
    with ArchiveReader(tmp_path) as reader, pytest.raises(UnreadableCapture) as raised:
        reader.capture(captures[0])
    assert str(raised.value) == f"its WARC file {path.name} is missing"
