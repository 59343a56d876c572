"""The kinds of change a crawl of the replica's epoch 1 finds and tells: each edit stored
word by word with its significance, the cosmetic edit kept out of the run's message by
default, and what only the archive can see (a language version that diverged, an item
published backdated) recorded as events and told in the message. One crawl of each
epoch serves those tests; the expectations come from the replica's truth. Also: a saved
search's own significance, and the settings PMKZ_NOTIFY_COSMETIC and PMKZ_DIVERGENCE_DAYS."""
from __future__ import annotations


import pytest
from sqlite_utils import Database

from helpers import T0, T1, EpochReplica, connect, item_record, path_of, replica_truth
from pmkz import config
from pmkz.notify.messages import queue_run
from pmkz.storage import Store, diffs, runs


# The news alone (epoch 1 edits, removes and backdates news items; decisions are not the
# subject), 10 articles a language: the epoch's 6 edits, its divergences and its backdated
# item are all there. Neither images nor the raw archive are the subject either.
SITE = ("--articles", "10", "--decisions", "0")
CRAWL = ("--no-images", "--no-warc")


@pytest.fixture(scope="module")
def epoch_1(tmp_path_factory, forked) -> dict:
    """After a crawl of each epoch: the database's path, the truth at epoch 0 and 1, the
    last run, each item's last version (by path), and the paths of each event."""
    workdir = tmp_path_factory.mktemp("epochs")
    site = EpochReplica(*SITE)
    try:
        before = replica_truth("--epoch", "0", *SITE)
        forked.crawl(site.at(0).url, workdir, *CRAWL)
        after = replica_truth("--epoch", "1", *SITE)
        forked.crawl(site.at(1).url, workdir, *CRAWL, "--full")
    finally:
        site.current.stop()
    db = connect(workdir / "pmkz.db")
    try:
        return {
            "path": workdir / "pmkz.db", "before": before, "after": after,
            "run": dict(db.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()),
            "versions": {path_of(row["item_url"]): dict(row) for row in db.execute(
                "SELECT * FROM item_versions v WHERE version = (SELECT max(version) FROM item_versions"
                " WHERE item_url = v.item_url)")},
            "events": {event: {path_of(url) for (url,) in db.execute("SELECT url FROM item_events WHERE event = ?", [event])}
                       for event in ("diverged", "backdated")},
        }
    finally:
        db.close()


def by_path(truth: list[dict]) -> dict[str, dict]:
    return {path_of(r["url"]): r for r in truth}


def edited(before: list[dict], after: list[dict]) -> dict[str, tuple[dict, dict]]:
    """path -> (record before, record after) of the items epoch 1 edited."""
    old, new = by_path(before), by_path(after)
    return {p: (old[p], r) for p, r in new.items() if p in old and (r["title"], r["body"]) != (old[p]["title"], old[p]["body"])}


class Outbox:
    def __init__(self):
        self.messages = {}

    def put(self, name, message):
        self.messages[name] = message


@pytest.mark.slow
def test_each_edit_is_stored_as_the_words_it_changed(epoch_1):
    before, after, versions = epoch_1["before"], epoch_1["after"], epoch_1["versions"]
    changes = edited(before, after)
    assert set(versions) == set(changes) and len(changes) == 6
    for item, (old, new) in changes.items():
        stored = diffs.decode(versions[item]["body_changes"])
        body = [c for c in stored if c["op"] not in ("title", "summary")]
        # The edited paragraph, not the paragraph out and in whole.
        assert [c["op"] for c in body] == ["~"], item
        [edit] = body
        assert edit["before"] in old["body"].split("\n\n") and edit["text"] in new["body"].split("\n\n")
        assert "".join(t for op, t in edit["words"] if op != "-") == edit["text"]
        if len(edit["text"]) > len(edit["before"]) + 20:  # a sentence added: its words alone are "+"
            [added] = [t for op, t in edit["words"] if op == "+"]
            assert added.strip() and added.strip() not in edit["before"] and edit["text"].endswith(added)
        assert [c["op"] for c in stored if c["op"] == "title"] == (["title"] if old["title"] != new["title"] else [])


@pytest.mark.slow
def test_a_cosmetic_edit_and_a_substantive_one_are_told_apart(epoch_1):
    versions = epoch_1["versions"]
    weights = {item: versions[item]["significance"] for item in edited(epoch_1["before"], epoch_1["after"])}
    # The Russian comma dropped is the one cosmetic edit; the figure changed, the
    # sentences added and the headlines are substantive.
    cosmetic = [item for item, weight in weights.items() if weight == "cosmetic"]
    assert len(cosmetic) == 1 and cosmetic[0].startswith("/ru/")
    assert sorted(weights.values()) == ["cosmetic"] + ["substantive"] * 5
    figure = [versions[item] for item in weights if item.startswith("/kz/")
              and any(ch.isdigit() for op, t in diffs.decode(versions[item]["body_changes"])[-1]["words"]
                      if op == "+" for ch in t)]
    assert figure and all(v["significance"] == "substantive" for v in figure)


@pytest.mark.slow
def test_the_runs_message_leaves_out_the_cosmetic_edit_unless_asked(epoch_1):
    before, after, versions, run = epoch_1["before"], epoch_1["after"], epoch_1["versions"], epoch_1["run"]
    archive = Database(epoch_1["path"])
    try:
        told, everything = Outbox(), Outbox()
        queue_run(archive, told, run, [])
        queue_run(archive, everything, run, [], cosmetic=True)
    finally:
        archive.close()
    [message] = told.messages.values()
    [with_cosmetic] = everything.messages.values()
    changes = edited(before, after)
    cosmetic = {item for item in changes if versions[item]["significance"] == "cosmetic"}
    assert {path_of(i["url"]) for i in message["changed"]} == set(changes) - cosmetic
    assert {path_of(i["url"]) for i in with_cosmetic["changed"]} == set(changes)
    for item in message["changed"]:
        old, new = changes[path_of(item["url"])]
        assert item["significance"] == "substantive" and item["title"] == new["title"]
        assert "{+" in item["diff"]  # words added inline, git's word-diff style
        if old["title"] != new["title"]:
            assert item["title_before"] == old["title"]
            assert f"Headline: {old['title']} -> {new['title']}" in item["diff"]
    [comma] = [i for i in with_cosmetic["changed"] if path_of(i["url"]) in cosmetic]
    assert comma["significance"] == "cosmetic" and "[-,-]" in comma["diff"]
    for kind in ("diverged", "backdated"):
        assert {path_of(i["url"]) for i in message[kind]} == epoch_1["events"][kind] != set()


@pytest.mark.slow
def test_a_divergence_and_a_backdated_item_are_events(epoch_1):
    before, after, versions = epoch_1["before"], epoch_1["after"], epoch_1["versions"]
    old, new = by_path(before), by_path(after)
    diverged, backdated = epoch_1["events"]["diverged"], epoch_1["events"]["backdated"]
    moved = {item for item in old if item not in new} | {item for item in edited(before, after)
                                                          if versions[item]["significance"] != "cosmetic"}

    def others(item):
        return {path_of(url) for url in old[item]["translations"].values()}
    expected = {item for item in moved if others(item) and not others(item) & moved and others(item) & set(new)}
    assert diverged == expected and diverged
    newest = {lang: max(r["published_date"] for r in before if r["lang"] == lang) for lang in ("ru", "kk", "en")}
    late = {item for item, r in new.items() if item not in old and r["published_date"] < newest[r["lang"]]}
    assert backdated == late and len(late) == 1


@pytest.mark.parametrize("value, told", [("", False), ("0", False), ("1", True)])
def test_cosmetic_edits_are_told_when_asked(value, told):
    assert config.from_env({"PMKZ_NOTIFY_COSMETIC": value}).notify_cosmetic is told


def test_a_bad_cosmetic_switch_is_one_line():
    with pytest.raises(ValueError, match=r"^PMKZ_NOTIFY_COSMETIC must be 1 \(on\) or 0 \(off\), not 'yes'$"):
        config.from_env({"PMKZ_NOTIFY_COSMETIC": "yes"})


def test_a_saved_search_takes_the_edits_of_its_class_and_up(tmp_path):
    with Store(tmp_path / "pmkz.db") as store:
        store.save_item(item_record(1, body="Выделено 5 млрд тенге, сообщили в акимате."), now=T0)
        store.save_item(item_record(2, body="Выделено 7 млрд тенге на ремонт дорог."), now=T0)
        run = store.start_run("http://x", "incremental", now=T1)
        store.save_item(item_record(1, body="Выделено 5 млрд тенге сообщили в акимате."), run_id=run, now=T1)
        store.save_item(item_record(2, body="Выделено 7 млрд тенге на ремонт мостов."), run_id=run, now=T1)
        store.finish_run(run, "ok", {"changed": 2}, requests=2, error=None)
        saved = [{"id": 1, "query": "тенге", "lang": None, "significance": "wording"},
                 {"id": 2, "query": "тенге", "lang": None}]
        outbox = Outbox()
        queue_run(store.db, outbox, runs.get(store.db, run), saved, cosmetic=True)
    told = {name: [item["url"] for item in message["changed"]] for name, message in outbox.messages.items()}
    assert told == {f"run-{run:09d}": [item_record(1)["url"], item_record(2)["url"]],
                    f"run-{run:09d}.watch-000001": [item_record(2)["url"]],
                    f"run-{run:09d}.watch-000002": [item_record(1)["url"], item_record(2)["url"]]}


def test_a_bad_divergence_window_stops_the_crawl_in_one_line(tmp_path, forked):
    # A process: the crawler's settings read the environment once, when imported, and a
    # test before this one may have imported them in this one.
    result = forked.run("http://127.0.0.1:9", tmp_path, env={"PMKZ_DIVERGENCE_DAYS": "400"})
    assert result.returncode != 0 and not (tmp_path / "pmkz.db").exists()
    assert result.stderr.strip().splitlines() == [
        "pmkz crawl: error: PMKZ_DIVERGENCE_DAYS must be a number of days above 0 and at most 366, not '400'"]
