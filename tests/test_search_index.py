"""Re-indexing an archive made by an older pmkz (here: one whose lemma index is gone):
every item indexed again, with its progress on stderr when it is large."""
from __future__ import annotations

import re

import pytest

from helpers import item_record
from pmkz.storage import Store, search
from pmkz.storage.search import index


@pytest.fixture
def old_archive(tmp_path, monkeypatch):
    monkeypatch.setattr(index, "REINDEX_SLICE", 10, raising=False)
    monkeypatch.setenv("PMKZ_PROGRESS_SECONDS", "0")
    with Store(tmp_path / "pmkz.db") as store, store.batch():
        for n in range(35):
            store.save_item(item_record(n, body=f"Совещание номер {n}."))
    with Store(tmp_path / "pmkz.db") as store:
        store.db.execute(f"DROP TABLE {search.TABLE}")
        store.db.conn.commit()
    return tmp_path / "pmkz.db"


def test_a_large_reindex_shows_its_progress_on_stderr(old_archive, capfd):
    with Store(old_archive) as store:
        assert len(store.db.execute(*search.matching("совещания")).fetchall()) == 35
    lines = capfd.readouterr().err.splitlines()
    counts = [int(m.group(1)) for line in lines if (m := re.match(r"pmkz: search index: (\d+) of 35 items", line))]
    assert counts == [10, 20, 30, 35], lines
    assert lines[-1].startswith("pmkz: search index: 35 items indexed in ")


def test_pmkz_progress_0_keeps_it_quiet(old_archive, capfd, monkeypatch):
    monkeypatch.setenv("PMKZ_PROGRESS", "0")
    with Store(old_archive) as store:
        assert len(store.db.execute(*search.matching("совещания")).fetchall()) == 35
    assert "search index" not in capfd.readouterr().err
